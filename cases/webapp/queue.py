"""The queue as the web app pages through it, on top of the case store's tables.

`CaseStore.list_cases` returns a whole filtered queue; a browser needs one page of it, the
number of matching cases and the counts per status and priority, each in one indexed
query so the queue stays fast with 100 000 cases in the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from cases import tables as t
from cases.content import OPEN_STATUSES
from cases.model import PRIORITIES, STATUSES
from cases.store import CaseStore, CaseSummary, as_utc

PAGE_SIZE = 50
_PRIORITY_RANK = sa.case({p: i for i, p in enumerate(PRIORITIES)}, value=t.cases.c.priority)
_SUMMARY_COLUMNS = (
    "case_id", "case_key", "status", "priority", "risk_score", "subject_name", "assignee",
    "due_at", "opened_at", "updated_at", "follow_up_of",
)  # fmt: skip


@dataclass(frozen=True)
class QueueFilter:
    """What the investigator asked to see; empty status means every open status."""

    status: str | None = None
    priority: str | None = None
    assignee: str | None = None
    overdue: bool = False

    def __post_init__(self) -> None:
        if self.status and self.status not in (*STATUSES, "all"):
            raise ValueError(f"unknown status {self.status!r}")
        if self.priority and self.priority not in PRIORITIES:
            raise ValueError(f"unknown priority {self.priority!r}")

    def statuses(self) -> Sequence[str]:
        if self.status == "all":
            return ()
        return (self.status,) if self.status else OPEN_STATUSES


@dataclass(frozen=True)
class QueuePage:
    rows: list[CaseSummary]
    total: int  # cases matching the filter
    page: int  # 1-based
    pages: int
    counts: dict[tuple[str, str], int]  # (status, priority) -> cases in the whole store


def _where(query: sa.Select, wanted: QueueFilter, at: datetime) -> sa.Select:
    c = t.cases.c
    if statuses := wanted.statuses():
        query = query.where(c.status.in_(statuses))
    if wanted.priority:
        query = query.where(c.priority == wanted.priority)
    if wanted.assignee:
        query = query.where(c.assignee == wanted.assignee)
    if wanted.overdue:
        query = query.where(c.status.in_(("open", "in_review")), c.due_at < as_utc(at))
    return query


def queue_page(
    store: CaseStore, wanted: QueueFilter, page: int, at: datetime, size: int = PAGE_SIZE
) -> QueuePage:
    """One page of the queue, highest priority first, then earliest due date."""
    c = t.cases.c
    count_query = _where(sa.select(sa.func.count()).select_from(t.cases), wanted, at)
    counts_query = sa.select(c.status, c.priority, sa.func.count()).group_by(c.status, c.priority)
    with store.engine.connect() as conn:
        counts = {(s, p): int(n) for s, p, n in conn.execute(counts_query)}
        if wanted.assignee or wanted.overdue:
            total = int(conn.execute(count_query).scalar_one())
        else:  # the status x priority counts already hold it
            statuses = wanted.statuses() or STATUSES
            total = sum(n for (s, p), n in counts.items()
                        if s in statuses and wanted.priority in (None, p))  # fmt: skip
        pages = max(1, -(-total // size))
        page = min(max(page, 1), pages)
        # first the page's keys, sorted on the narrow columns alone, then only its rows
        keys = (
            _where(sa.select(c.seq), wanted, at)
            .order_by(_PRIORITY_RANK, c.due_at, c.seq)
            .limit(size)
            .offset((page - 1) * size)
        )
        seqs = list(conn.execute(keys).scalars())
        found = sa.select(*(c[name] for name in _SUMMARY_COLUMNS), c.seq).where(c.seq.in_(seqs))
        by_seq = {row.seq: CaseSummary(*row[:-1]) for row in conn.execute(found)}
        rows = [by_seq[seq] for seq in seqs]
    return QueuePage(rows, total, page, pages, counts)


def opened_by_run(
    store: CaseStore, run_id: str, page: int, size: int = PAGE_SIZE
) -> tuple[list[CaseSummary], int]:
    """The cases a run opened (new cases and follow-ups), highest risk first, and their number."""
    c, e = t.cases.c, t.events.c
    opened = sa.select(e.case_id).where(e.run_id == run_id, e.event == "opened")
    query = sa.select(*(c[name] for name in _SUMMARY_COLUMNS)).where(c.case_id.in_(opened))
    with store.engine.connect() as conn:
        total = int(
            conn.execute(sa.select(sa.func.count()).select_from(opened.subquery())).scalar_one()
        )
        ordered = (
            query.order_by(c.risk_score.desc(), c.seq).limit(size).offset((max(page, 1) - 1) * size)
        )
        return [CaseSummary(*row) for row in conn.execute(ordered)], total


def recent_runs(store: CaseStore, limit: int = 100) -> list[dict]:
    """The latest runs, newest first: id, start, finish."""
    r = t.runs.c
    query = (
        sa.select(r.run_id, r.started_at, r.finished_at).order_by(r.started_at.desc()).limit(limit)
    )
    with store.engine.connect() as conn:
        return [row._asdict() for row in conn.execute(query)]


def user_role(store: CaseStore, name: str) -> str | None:
    """The role of an account in the users table, or None when there is no such account."""
    query = sa.select(t.users.c.role).where(t.users.c.name == name)
    with store.engine.connect() as conn:
        return conn.execute(query).scalar_one_or_none()


def user_names(store: CaseStore) -> list[str]:
    """The enabled accounts, the people a case can be assigned to."""
    query = sa.select(t.users.c.name).where(t.users.c.disabled_at.is_(None))
    with store.engine.connect() as conn:
        return list(conn.execute(query.order_by(t.users.c.name)).scalars())
