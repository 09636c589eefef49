"""The lists the web app shows besides the queue (`cases.queue`): a run's cases, the
recent runs, the accounts a case can be assigned to."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from cases import tables as t
from cases.store import CaseStore, CaseSummary

PAGE_SIZE = 50
_SUMMARY_COLUMNS = (
    "case_id", "case_key", "status", "priority", "risk_score", "subject_name", "assignee",
    "due_at", "opened_at", "updated_at", "follow_up_of",
)  # fmt: skip


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


def recent_runs(store: CaseStore, limit: int = 100) -> list[dict[str, Any]]:
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
