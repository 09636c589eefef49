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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import sqlalchemy as sa

from cases import tables as t
from cases.content import OPEN_STATUSES
from cases.model import PRIORITIES
from cases.queue_terms import COUNTRY, FLAG, LIST, NAME, prefix_range, query_words
from cases.store import CaseStore, CaseSummary, as_utc
from flows.errors import InputError

PAGE_SIZE = 50
FEW = 3000  # term matches the queue reads one by one; above, it walks its sort index
AWAITING = "awaiting_approval"  # in review, with a decision waiting for a second person
QUEUE_STATUSES: tuple[str, ...] = ("open", "in_review", AWAITING, "escalated", "cleared",
                                   "reported")  # fmt: skip
VIEWS: dict[str, str] = {
    "mine": "My cases",
    "approval": "Awaiting my approval",
    "unassigned": "Unassigned",
}
_c = t.cases.c
UNCERTAIN_AT = 50  # risk of a probability of one half
SORTS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "risk": (
        "highest risk first",
        (_c.risk_score.desc(), _c.order_value.desc().nulls_last(), _c.seq),
    ),
    "value": ("largest order value first", (_c.order_value.desc().nulls_last(), _c.seq)),
    "due": ("earliest due date first", (_c.due_at, _c.seq)),
    "age": ("oldest first", (_c.opened_at, _c.seq)),
    # where the learned combination is least sure (probability near one half, risk near
    # UNCERTAIN_AT), a decision teaches the model most
    "uncertainty": (
        "most uncertain first (a decision teaches the model most)",
        (sa.func.abs(_c.risk_score - UNCERTAIN_AT), _c.risk_score.desc(), _c.seq),
    ),
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
            raise InputError(f"unknown status {self.status!r}")
        if self.priority and self.priority not in PRIORITIES:
            raise InputError(f"unknown priority {self.priority!r}")
        if self.sort not in SORTS:
            raise InputError(f"unknown sort {self.sort!r}; use one of {', '.join(SORTS)}")
        if len(self.q) > 200:
            raise InputError("a search has at most 200 characters")
        if self.opened and not re.fullmatch(r"\d{4}-W(0[1-9]|[1-4]\d|5[0-3])", self.opened):
            raise InputError(f"opened must be an ISO week such as 2026-W48 (got {self.opened!r})")

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
    pending: dict[str, Any] | None  # the decision waiting for a second person

    def __getattr__(self, name: str) -> Any:  # the summary's fields read through
        return getattr(self.case, name)


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int  # cases matching the filter
    page: int  # 1-based
    pages: int
    counts: dict[tuple[str, str], int]  # (queue status, priority) -> cases in the store


Among = list[int] | None  # restrict a term lookup to these seqs (None: every case)


def _seqs_with(kind: str, term: str, among: Among = None) -> list[sa.Select[Any]]:
    k = t.case_terms.c
    found = sa.select(k.seq).where(k.kind == kind, k.term == term)
    return [found if among is None else found.where(k.seq.in_(among))]


def _word_seqs(word: str, raw: str, among: Among = None) -> list[sa.Select[Any]]:
    """The cases with a name term starting with `word`, a transaction id starting with
    `raw` (as typed, or upper-cased) or, for a number, the case of that number: one select
    per way, their union the word's matches."""
    k, ct, c = t.case_terms.c, t.case_transactions.c, t.cases.c
    lo, hi = prefix_range(word)
    by_name = sa.select(k.seq).where(k.kind == NAME, k.term >= lo, k.term < hi)
    by_transaction = [
        sa.select(c.seq)
        .join(t.case_transactions, ct.case_id == c.case_id)
        .where(ct.transaction_id >= a, ct.transaction_id < b)
        for a, b in (prefix_range(r) for r in dict.fromkeys((raw, raw.upper())))
    ]
    ids = [raw.upper()]
    if number := _CASE_NUMBER.match(raw):
        ids.append(f"C-{int(number.group(1)):06d}")
    by_id = sa.select(c.seq).where(c.case_id.in_(ids))
    if among is None:
        return [by_name, *by_transaction, by_id]
    return [by_name.where(k.seq.in_(among)),
            *(s.where(c.seq.in_(among)) for s in (*by_transaction, by_id))]  # fmt: skip


def _term_filters(wanted: QueueFilter) -> list[Callable[[Among], list[sa.Select[Any]]]]:
    """Per term filter (flag, list, country, each word of the search), the selects of the
    seqs it matches, restricted to some seqs when asked."""
    filters: list[Callable[[Among], list[sa.Select[Any]]]] = [
        partial(_seqs_with, kind, value)
        for kind, value in ((FLAG, wanted.flag), (LIST, wanted.list), (COUNTRY, wanted.country))
        if value
    ]
    raw_words = wanted.q.split()
    for word in query_words(wanted.q):
        raw = next((r for r in raw_words if r.casefold().startswith(word[:1])), word)
        filters.append(partial(_word_seqs, word, raw.strip("\"'(),;")))
    return filters


def _as_subquery(selects: list[sa.Select[Any]]) -> sa.Select[Any]:
    if len(selects) == 1:
        return selects[0]
    found = sa.union(*selects).subquery()
    return sa.select(found.c.seq)  # a plain select: SQLite nests no compound in a compound


def _fetch(
    conn: sa.Connection, selects: list[sa.Select[Any]], limit: int | None
) -> set[int] | None:
    """The seqs of the selects, or None once more than `limit` are found."""
    seqs: set[int] = set()
    for select in selects:
        seqs.update(conn.execute(select if limit is None else select.limit(limit + 1)).scalars())
        if limit is not None and len(seqs) > limit:
            return None
    return seqs


def _few_matches(conn: sa.Connection, wanted: QueueFilter) -> list[int] | None:
    """The seqs that every term filter matches, when one filter matches at most FEW cases:
    those are read first (a bounded read per filter), and each other filter is looked up
    among them alone; the queue then reads those cases. None without a term filter or when
    each filter matches many: the queue then walks its sort index, where dense matches
    fill a page at once."""
    filters = _term_filters(wanted)
    if not filters:
        return None
    found = [(i, _fetch(conn, make(None), FEW)) for i, make in enumerate(filters)]
    sizes = [(len(seqs), i) for i, seqs in found if seqs is not None]
    if not sizes:
        return None
    smallest = min(sizes)[1]
    candidates = found[smallest][1] or set()
    for i, make in enumerate(filters):
        if i != smallest and candidates:
            candidates &= _fetch(conn, make(sorted(candidates)), None) or set()
    return sorted(candidates)


def _where(
    query: sa.Select[Any], wanted: QueueFilter, at: datetime, few: list[int] | None = None
) -> sa.Select[Any]:
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
    if few is not None:
        return query.where(c.seq.in_(few))
    for make in _term_filters(wanted):
        query = query.where(c.seq.in_(_as_subquery(make(None))))
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


def _total(
    conn: sa.Connection,
    wanted: QueueFilter,
    at: datetime,
    counts: dict[tuple[str, str], int],
    few: list[int] | None,
) -> int:
    if wanted.plain:
        return _plain_total(wanted, counts)
    count = _where(sa.select(sa.func.count()).select_from(t.cases), wanted, at, few)
    return int(conn.execute(count).scalar_one())


def _page_rows(
    conn: sa.Connection,
    wanted: QueueFilter,
    at: datetime,
    limit: int | None,
    offset: int,
    few: list[int] | None,
) -> list[QueueRow]:
    keys = _where(sa.select(t.cases.c.seq), wanted, at, few).order_by(*SORTS[wanted.sort][1])
    if limit is not None:
        keys = keys.limit(limit).offset(offset)
    return _rows(conn, list(conn.execute(keys).scalars()))


def queue_page(
    store: CaseStore, wanted: QueueFilter, page: int, at: datetime, size: int = PAGE_SIZE
) -> QueuePage:
    """One page of the queue in the order asked (highest risk first by default)."""
    with store.engine.connect() as conn:
        counts = _counts(conn)
        few = _few_matches(conn, wanted)
        total = _total(conn, wanted, at, counts, few)
        pages = max(1, -(-total // size))
        page = min(max(page, 1), pages)
        rows = _page_rows(conn, wanted, at, size, (page - 1) * size, few)
    return QueuePage(rows, total, page, pages, counts)


def queue_rows(
    store: CaseStore, wanted: QueueFilter, at: datetime, limit: int | None = None
) -> tuple[list[QueueRow], int]:
    """The first `limit` cases of the queue (all when None) and how many match."""
    with store.engine.connect() as conn:
        few = _few_matches(conn, wanted)
        total = _total(conn, wanted, at, _counts(conn) if wanted.plain else {}, few)
        rows = []
        for start in range(0, total if limit is None else min(limit, total), 5000):
            size = 5000 if limit is None else min(5000, limit - start)
            rows += _page_rows(conn, wanted, at, size, start, few)
    return rows, total
