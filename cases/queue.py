"""The case queue as investigators page through it: search, filters, sort orders, views.

`queue_page(store, wanted, page, at)` returns one page of the cases matching a
`QueueFilter`, their number and the counts per status and priority. Every filter is a
column of the `cases` row or a lookup in `case_terms` by the case's `seq` (see
`cases.queue_terms`), and every sort order has an index that starts with the status and
ends with `seq`, so that the first page of 100,000 cases reads about one page of index.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from cases import tables as t
from cases.content import OPEN_STATUSES
from cases.model import PRIORITIES
from cases.queue_terms import COUNTRY, FLAG, LIST, NAME, prefix_range, query_words
from cases.store import CaseStore, CaseSummary, as_utc

PAGE_SIZE = 50
AWAITING = "awaiting_approval"  # in review, with a decision waiting for a second person
QUEUE_STATUSES: tuple[str, ...] = ("open", "in_review", AWAITING, "escalated", "cleared",
                                   "reported")  # fmt: skip
VIEWS: dict[str, str] = {
    "mine": "My cases",
    "approval": "Awaiting my approval",
    "unassigned": "Unassigned",
}
_c = t.cases.c
SORTS: dict[str, tuple[str, tuple]] = {
    "risk": (
        "highest risk first",
        (_c.risk_score.desc(), _c.order_value.desc().nulls_last(), _c.seq),
    ),
    "value": ("largest order value first", (_c.order_value.desc().nulls_last(), _c.seq)),
    "due": ("earliest due date first", (_c.due_at, _c.seq)),
    "age": ("oldest first", (_c.opened_at, _c.seq)),
}
DEFAULT_SORT = "risk"
_CASE_NUMBER = re.compile(r"^(?:c-?)?0*(\d{1,9})$", re.IGNORECASE)


@dataclass(frozen=True)
class QueueFilter:
    """What the investigator asked to see. An empty status means every open status;
    `in_review` and `escalated` mean with no decision waiting, `awaiting_approval` with a
    decision waiting for a second person. `exclude_proposer` leaves out the decisions a user
    proposed (the "awaiting my approval" view); `unassigned` keeps only unassigned cases."""

    q: str = ""
    sort: str = DEFAULT_SORT
    status: str | None = None
    priority: str | None = None
    assignee: str | None = None
    flag: str | None = None
    list: str | None = None
    country: str | None = None
    overdue: bool = False
    unassigned: bool = False
    exclude_proposer: str | None = None
    opened: str | None = None  # an ISO week, "2026-W48": cases opened in it

    def opened_range(self) -> tuple[datetime, datetime] | None:
        if not self.opened:
            return None
        monday = datetime.strptime(f"{self.opened}-1", "%G-W%V-%u")
        return monday, monday + timedelta(days=7)

    def __post_init__(self) -> None:
        if self.status and self.status not in (*QUEUE_STATUSES, "all"):
            raise ValueError(f"unknown status {self.status!r}")
        if self.priority and self.priority not in PRIORITIES:
            raise ValueError(f"unknown priority {self.priority!r}")
        if self.sort not in SORTS:
            raise ValueError(f"unknown sort {self.sort!r}; use one of {', '.join(SORTS)}")
        if len(self.q) > 200:
            raise ValueError("a search has at most 200 characters")
        if self.opened and not re.fullmatch(r"\d{4}-W(0[1-9]|[1-4]\d|5[0-3])", self.opened):
            raise ValueError(f"opened must be an ISO week such as 2026-W48 (got {self.opened!r})")

    def statuses(self) -> Sequence[str]:
        if self.status == "all":
            return ()
        if self.status == AWAITING:
            return OPEN_STATUSES
        return (self.status,) if self.status else OPEN_STATUSES

    @property
    def plain(self) -> bool:
        """No filter but status and priority: the counts give the number of cases."""
        return not (self.q or self.assignee or self.flag or self.list or self.country
                    or self.overdue or self.unassigned or self.exclude_proposer
                    or self.opened)  # fmt: skip


@dataclass(frozen=True)
class QueueRow:
    """One row of the queue: the case's summary and what the queue shows beside it."""

    case: CaseSummary
    country: str | None
    order_value: float | None
    top_flags: list[tuple[str, str]]
    pending: dict | None  # the decision waiting for a second person

    def __getattr__(self, name: str):  # the summary's fields read through
        return getattr(self.case, name)


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int  # cases matching the filter
    page: int  # 1-based
    pages: int
    counts: dict[tuple[str, str], int]  # (queue status, priority) -> cases in the store


def _seqs_with(kind: str, term: str) -> sa.Select:
    k = t.case_terms.c
    return sa.select(k.seq).where(k.kind == kind, k.term == term)


def _word_seqs(word: str, raw: str) -> sa.Select:
    """The cases with a name term starting with `word`, a transaction id starting with
    `raw` (as typed, or upper-cased) or, for a number, the case of that number."""
    k, ct, c2 = t.case_terms.c, t.case_transactions.c, t.cases.alias("by_id").c
    lo, hi = prefix_range(word)
    by_name = sa.select(k.seq).where(k.kind == NAME, k.term >= lo, k.term < hi)
    ranges = [prefix_range(r) for r in dict.fromkeys((raw, raw.upper()))]
    transactions = sa.select(ct.case_id).where(
        sa.or_(*(sa.and_(ct.transaction_id >= a, ct.transaction_id < b) for a, b in ranges))
    )
    ids = [raw.upper()]
    if number := _CASE_NUMBER.match(raw):
        ids.append(f"C-{int(number.group(1)):06d}")
    by_id = sa.select(c2.seq).where(sa.or_(c2.case_id.in_(transactions), c2.case_id.in_(ids)))
    return sa.union(by_name, by_id)


def _where(query: sa.Select, wanted: QueueFilter, at: datetime) -> sa.Select:
    c = t.cases.c
    if statuses := wanted.statuses():
        query = query.where(c.status.in_(statuses))
    if wanted.status in ("in_review", "escalated"):  # a waiting decision counts apart
        query = query.where(c.pending_by.is_(None))
    if wanted.status == AWAITING or wanted.exclude_proposer:
        query = query.where(c.pending_by.is_not(None))
    if wanted.exclude_proposer:
        query = query.where(c.pending_by != wanted.exclude_proposer)
    if wanted.priority:
        query = query.where(c.priority == wanted.priority)
    if wanted.assignee:
        query = query.where(c.assignee == wanted.assignee)
    if wanted.unassigned:
        query = query.where(c.assignee.is_(None))
    if wanted.overdue:
        query = query.where(c.status.in_(("open", "in_review")), c.due_at < as_utc(at))
    if week := wanted.opened_range():
        query = query.where(c.opened_at >= week[0], c.opened_at < week[1])
    for kind, value in ((FLAG, wanted.flag), (LIST, wanted.list), (COUNTRY, wanted.country)):
        if value:
            query = query.where(c.seq.in_(_seqs_with(kind, value)))
    raw_words = wanted.q.split()
    for word in query_words(wanted.q):
        raw = next((r for r in raw_words if r.casefold().startswith(word[:1])), word)
        query = query.where(c.seq.in_(_word_seqs(word, raw.strip("\"'(),;"))))
    return query


def _counts(conn: sa.Connection) -> dict[tuple[str, str], int]:
    """Cases by (queue status, priority), from the counts the store's triggers keep."""
    k = t.case_counts.c
    counts: dict[tuple[str, str], int] = {}
    for status, priority, is_waiting, n in conn.execute(
        sa.select(k.status, k.priority, k.waiting, k.n).where(k.n > 0)
    ):
        key = (AWAITING if is_waiting else status, priority)
        counts[key] = counts.get(key, 0) + int(n)
    return counts


def _plain_total(wanted: QueueFilter, counts: dict[tuple[str, str], int]) -> int:
    if wanted.status == "all":
        statuses = set(QUEUE_STATUSES)
    elif wanted.status:
        statuses = {wanted.status}
    else:
        statuses = {*OPEN_STATUSES, AWAITING}
    return sum(n for (s, p), n in counts.items()
               if s in statuses and wanted.priority in (None, p))  # fmt: skip


def filter_labels(store: CaseStore) -> dict[str, list[tuple[str, str]]]:
    """The choices of the flag, list and country filters: (term, label), by kind."""
    query = sa.select(t.term_labels.c.kind, t.term_labels.c.term, t.term_labels.c.label)
    found: dict[str, list[tuple[str, str]]] = {FLAG: [], LIST: [], COUNTRY: []}
    with store.engine.connect() as conn:
        for kind, term, label in conn.execute(query.order_by(t.term_labels.c.term)):
            found.setdefault(kind, []).append((term, label))
    return found


_ROW_COLUMNS = (
    "case_id", "case_key", "status", "priority", "risk_score", "subject_name", "assignee",
    "due_at", "opened_at", "updated_at", "follow_up_of",
)  # fmt: skip


def _rows(conn: sa.Connection, seqs: list[int]) -> list[QueueRow]:
    c = t.cases.c
    extra = (c.country, c.order_value, c.top_flags, c.pending_json, c.seq)
    found = sa.select(*(c[name] for name in _ROW_COLUMNS), *extra).where(c.seq.in_(seqs))
    by_seq = {}
    for row in conn.execute(found):
        summary = CaseSummary(*row[: len(_ROW_COLUMNS)])
        country, value, flags, pending, seq = row[len(_ROW_COLUMNS) :]
        by_seq[seq] = QueueRow(summary, country, value, [tuple(f) for f in json.loads(flags or "[]")],
                               json.loads(pending) if pending else None)  # fmt: skip
    return [by_seq[seq] for seq in seqs if seq in by_seq]


def _total(conn: sa.Connection, wanted: QueueFilter, at: datetime, counts: dict) -> int:
    if wanted.plain:
        return _plain_total(wanted, counts)
    count = _where(sa.select(sa.func.count()).select_from(t.cases), wanted, at)
    return int(conn.execute(count).scalar_one())


def _page_rows(
    conn: sa.Connection, wanted: QueueFilter, at: datetime, limit: int | None, offset: int
) -> list[QueueRow]:
    keys = _where(sa.select(t.cases.c.seq), wanted, at).order_by(*SORTS[wanted.sort][1])
    if limit is not None:
        keys = keys.limit(limit).offset(offset)
    return _rows(conn, list(conn.execute(keys).scalars()))


def queue_page(
    store: CaseStore, wanted: QueueFilter, page: int, at: datetime, size: int = PAGE_SIZE
) -> QueuePage:
    """One page of the queue in the order asked (highest risk first by default)."""
    with store.engine.connect() as conn:
        counts = _counts(conn)
        total = _total(conn, wanted, at, counts)
        pages = max(1, -(-total // size))
        page = min(max(page, 1), pages)
        rows = _page_rows(conn, wanted, at, size, (page - 1) * size)
    return QueuePage(rows, total, page, pages, counts)


def queue_rows(
    store: CaseStore, wanted: QueueFilter, at: datetime, limit: int | None = None
) -> tuple[list[QueueRow], int]:
    """The first `limit` cases of the queue (all when None) and how many match."""
    with store.engine.connect() as conn:
        total = _total(conn, wanted, at, _counts(conn) if wanted.plain else {})
        rows = []
        for start in range(0, total if limit is None else min(limit, total), 5000):
            size = 5000 if limit is None else min(5000, limit - start)
            rows += _page_rows(conn, wanted, at, size, start)
    return rows, total
