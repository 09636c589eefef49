"""Attach one run's case drafts to the case store without opening anything twice.

A draft is keyed by `case_key` (subject + typology group). Against the store it either
- opens a new case (no case under that key yet),
- updates the key's open case when it carries evidence keys the case lacks, or leaves it
  unchanged when it does not (so the same input twice creates nothing new),
- or, when the key's cases are all decided (cleared or reported), opens a follow-up case
  linked to the latest decided one, but only for evidence those decisions did not see.

Everything is read and written in bulk: one query per chunk of keys, one executemany per
table, never a round trip per draft.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cases import tables as t
from cases.audit import case_heads, chain_rows
from cases.content import (
    DECIDED_STATUSES,
    OPEN_STATUSES,
    case_from_parts,
    draft_content,
    dumps,
    event_record,
    evidence_record,
    higher_priority,
    match_rows,
    merge_content,
)
from cases.model import Case, CaseDraft
from cases.policy import CasePolicy
from cases.queue_terms import case_terms, queue_columns, term_labels

T = TypeVar("T")
CHUNK = 900  # bound parameters per IN (...) query, well under SQLite's limit


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class _OpenCase:
    case_id: str
    priority: str
    risk_score: int
    content: dict[str, Any]
    evidence: set[str]
    opened_at: datetime
    due_at: datetime | None
    inserted: bool = False  # opened by this call
    added: dict[str, bool] = field(default_factory=dict)  # evidence key -> is_new
    old_transaction_ids: frozenset[str] = frozenset()
    seq: int = 0
    subject: dict[str, Any] | None = None  # for a case opened by this call
    old_content: dict[str, Any] | None = None  # as stored, before this call merged into it


@dataclass
class _KeyState:
    open_case: _OpenCase | None = None
    latest_decided: str | None = None
    latest_decided_seq: int = -1
    decided_evidence: set[str] = field(default_factory=set)


@dataclass
class Outcome:
    case_id: str
    action: str  # opened, updated, unchanged, follow_up


def _load_states(conn: Connection, keys: list[str]) -> dict[str, _KeyState]:
    states: dict[str, _KeyState] = {}
    open_by_id: dict[str, _OpenCase] = {}
    decided_key: dict[str, str] = {}
    columns = (
        t.cases.c.case_id, t.cases.c.seq, t.cases.c.case_key, t.cases.c.status,
        t.cases.c.priority, t.cases.c.risk_score, t.cases.c.opened_at, t.cases.c.due_at,
    )  # fmt: skip
    for part in chunks(keys):
        for row in conn.execute(sa.select(*columns).where(t.cases.c.case_key.in_(part))):
            state = states.setdefault(row.case_key, _KeyState())
            if row.status in OPEN_STATUSES:
                open_by_id[row.case_id] = _OpenCase(
                    row.case_id, row.priority, row.risk_score, {}, set(), row.opened_at,
                    row.due_at, seq=row.seq,
                )  # fmt: skip
                state.open_case = open_by_id[row.case_id]
            elif row.status in DECIDED_STATUSES:
                decided_key[row.case_id] = row.case_key
                if row.seq > state.latest_decided_seq:
                    state.latest_decided, state.latest_decided_seq = row.case_id, row.seq
    ids = list(open_by_id) + list(decided_key)
    for part in chunks(ids):
        query = sa.select(t.evidence_items.c.case_id, t.evidence_items.c.evidence_key).where(
            t.evidence_items.c.case_id.in_(part)
        )
        for case_id, key in conn.execute(query):
            if case_id in open_by_id:
                open_by_id[case_id].evidence.add(key)
            else:
                states[decided_key[case_id]].decided_evidence.add(key)
    return states


def _load_content(
    conn: Connection,
    states: dict[str, _KeyState],
    drafts: list[CaseDraft],
    evidence: list[set[str]],
) -> None:
    """Read the content of the open cases that new evidence will be merged into (only those)."""
    growing: dict[str, _OpenCase] = {}
    for draft, keys in zip(drafts, evidence, strict=True):
        state = states.get(draft.case_key)
        if state and state.open_case and not keys <= state.open_case.evidence:
            growing[state.open_case.case_id] = state.open_case
    for part in chunks(list(growing)):
        query = sa.select(t.case_contents.c.case_id, t.case_contents.c.content_json).where(
            t.case_contents.c.case_id.in_(part)
        )
        for case_id, content_json in conn.execute(query):
            case = growing[case_id]
            case.content = json.loads(content_json)
            case.old_transaction_ids = frozenset(case.content["transaction_ids"])


class _Batch:
    """The rows one upsert call writes."""

    def __init__(
        self, conn: Connection, run_id: str, versions: dict[str, Any], now: datetime
    ) -> None:
        self.run_id, self.now = run_id, now
        self.versions_json = dumps(versions)  # the same for every event of the run
        self.next_seq = int(conn.execute(sa.select(sa.func.max(t.cases.c.seq))).scalar() or 0) + 1
        self.new_cases: dict[str, dict[str, Any]] = {}
        self.inserted_rows: list[dict[str, Any]] = []  # the new cases' rows, as written
        self.events: list[dict[str, Any]] = []

    def event(self, case_id: str, event: str, details: dict[str, Any], **extra: Any) -> None:
        self.events.append(
            {
                "case_id": case_id, "at": self.now, "by": "system", "event": event,
                "from_status": extra.get("from_status"), "to_status": extra.get("to_status"),
                "rationale": None, "run_id": self.run_id,
                "versions_json": self.versions_json, "details_json": dumps(details),
            }
        )  # fmt: skip

    def open_case(
        self,
        draft: CaseDraft,
        keys: set[str],
        policy: CasePolicy,
        new_keys: set[str],
        follow_up_of: str | None,
    ) -> _OpenCase:
        case_id = f"C-{self.next_seq:06d}"
        due_at = self.now + timedelta(hours=policy.sla_hours[draft.priority])
        case = _OpenCase(
            case_id, draft.priority, int(draft.risk_score), draft_content(draft), set(),
            self.now, due_at, inserted=True, seq=self.next_seq, subject=dict(draft.subject),
        )  # fmt: skip
        case.evidence = set(keys)
        case.added = {key: key in new_keys for key in keys}
        self.new_cases[case_id] = {
            "case_id": case_id, "seq": self.next_seq, "case_key": draft.case_key,
            "status": "open", "subject_name": str(draft.subject.get("name", "")),
            "subject_json": dumps(draft.subject), "assignee": None,
            "follow_up_of": follow_up_of, "pending_json": None, "opened_at": self.now,
        }  # fmt: skip
        self.next_seq += 1
        details: dict[str, Any] = {"trigger": draft.trigger, "evidence": sorted(keys)}
        if follow_up_of:
            details |= {"follow_up_of": follow_up_of, "new_evidence": sorted(new_keys)}
            self.event(follow_up_of, "follow_up_opened", {"follow_up": case_id})
        self.event(case_id, "opened", details, to_status="open")
        return case


def _attach(
    batch: _Batch, case: _OpenCase, draft: CaseDraft, new_keys: set[str], policy: CasePolicy
) -> None:
    before = {"risk_score": case.risk_score, "priority": case.priority}
    if not case.inserted and case.old_content is None:
        case.old_content = case.content
    case.content = merge_content(case.content, draft_content(draft))
    case.risk_score = max(case.risk_score, int(draft.risk_score))
    case.priority = higher_priority(case.priority, draft.priority)
    if case.priority != before["priority"]:
        sooner = case.opened_at + timedelta(hours=policy.sla_hours[case.priority])
        case.due_at = sooner if case.due_at is None else min(case.due_at, sooner)
    case.evidence |= new_keys
    case.added.update(dict.fromkeys(new_keys, True))
    after = {"risk_score": case.risk_score, "priority": case.priority}
    batch.event(
        case.case_id,
        "updated",
        {"new_evidence": sorted(new_keys), "before": before, "after": after},
    )


def plan_and_write(
    conn: Connection,
    drafts: Iterable[CaseDraft],
    run_id: str,
    versions: dict[str, Any],
    policy: CasePolicy,
    now: datetime,
) -> tuple[list[Outcome], dict[str, Case]]:
    """Decide what each draft does to the store and write it; one `Outcome` per draft, and
    the cases this call opened, as the store would read them back (see `opened_cases`)."""
    drafts = list(drafts)
    states = _load_states(conn, list(dict.fromkeys(d.case_key for d in drafts)))
    evidence = [d.evidence_keys() for d in drafts]
    _load_content(conn, states, drafts, evidence)
    batch = _Batch(conn, run_id, versions, now)
    touched: dict[str, _OpenCase] = {}
    outcomes: list[Outcome] = []
    for draft, keys in zip(drafts, evidence, strict=True):
        state = states.setdefault(draft.case_key, _KeyState())
        if state.open_case is not None:
            case = state.open_case
            new_keys = keys - case.evidence
            if new_keys:
                _attach(batch, case, draft, new_keys, policy)
                touched[case.case_id] = case
            outcomes.append(Outcome(case.case_id, "updated" if new_keys else "unchanged"))
        elif state.latest_decided is not None:
            new_keys = keys - state.decided_evidence
            if not new_keys:
                outcomes.append(Outcome(state.latest_decided, "unchanged"))
                continue
            case = batch.open_case(draft, keys, policy, new_keys, state.latest_decided)
            state.open_case = touched[case.case_id] = case
            outcomes.append(Outcome(case.case_id, "follow_up"))
        else:
            case = batch.open_case(draft, keys, policy, set(), None)
            state.open_case = touched[case.case_id] = case
            outcomes.append(Outcome(case.case_id, "opened"))
    _write(conn, batch, touched, run_id)
    return outcomes, opened_cases(batch, touched)


def opened_cases(batch: _Batch, touched: dict[str, _OpenCase]) -> dict[str, Case]:
    """The full cases a batch opened, built from what it wrote instead of read back: their
    row, content, events (all of this batch, in the order written) and evidence items."""
    events: dict[str, list[dict[str, Any]]] = {}
    for row in batch.events:
        if row["case_id"] in batch.new_cases:
            events.setdefault(row["case_id"], []).append(event_record(SimpleNamespace(**row)))
    opened = {}
    added = evidence_record("", batch.now, batch.run_id, False)  # the same for every item
    for row in batch.inserted_rows:
        case = touched[row["case_id"]]
        evidence = [
            {**added, "key": key, "new": bool(is_new)} for key, is_new in sorted(case.added.items())
        ]
        opened[case.case_id] = case_from_parts(
            SimpleNamespace(**row), case.content, events.get(case.case_id, []), evidence
        )
    return opened


def _queue_rows(
    case: _OpenCase, terms: list[dict[str, Any]], labels: dict[tuple[str, str], str]
) -> dict[str, Any]:
    """The queue's columns of a written case; its new terms and labels are added to
    `terms` and `labels` (see `cases.queue_terms`)."""
    subject = case.subject or {}
    columns = queue_columns(subject, case.content)
    found = case_terms(subject, case.content)
    if not case.inserted:  # the subject's terms and country were written when it opened
        del columns["country"]
        found -= case_terms({}, case.old_content or {})
    terms += [{"kind": kind, "term": term, "seq": case.seq} for kind, term in found]
    labels.update(term_labels(subject, case.content))
    return columns


def _write_labels(conn: Connection, labels: dict[tuple[str, str], str]) -> None:
    if not labels:
        return
    known = {tuple(r) for r in conn.execute(sa.select(t.term_labels.c.kind, t.term_labels.c.term))}
    rows = [{"kind": k, "term": term, "label": label}
            for (k, term), label in labels.items() if (k, term) not in known]  # fmt: skip
    if rows:
        conn.execute(t.term_labels.insert(), rows)


def _write(conn: Connection, batch: _Batch, touched: dict[str, _OpenCase], run_id: str) -> None:
    new_rows, updates, links, evidence = [], [], [], []
    contents: list[dict[str, Any]] = []
    terms: list[dict[str, Any]] = []
    labels: dict[tuple[str, str], str] = {}
    for case in touched.values():
        workflow = {
            "risk_score": case.risk_score, "priority": case.priority, "due_at": case.due_at,
            "updated_at": batch.now, **_queue_rows(case, terms, labels),
        }  # fmt: skip
        contents.append({"case_id": case.case_id, "content_json": dumps(case.content)})
        if case.inserted:
            new_rows.append(batch.new_cases[case.case_id] | workflow)
        else:
            updates.append({"b_case_id": case.case_id, **workflow})
        links += [
            {"case_id": case.case_id, "transaction_id": tid}
            for tid in case.content["transaction_ids"]
            if tid not in case.old_transaction_ids
        ]
        evidence += [
            {"case_id": case.case_id, "evidence_key": key, "added_at": batch.now,
             "run_id": run_id, "is_new": is_new}
            for key, is_new in case.added.items()
        ]  # fmt: skip
    batch.inserted_rows = new_rows
    if new_rows:
        _insert(conn, t.cases, new_rows)
        _insert(conn, t.case_contents, [c for c in contents if c["case_id"] in batch.new_cases])
    if updates:
        conn.execute(
            t.case_contents.update().where(t.case_contents.c.case_id == sa.bindparam("b_id")),
            [{"b_id": c["case_id"], "content_json": c["content_json"]}
             for c in contents if c["case_id"] not in batch.new_cases],
        )  # fmt: skip
        stale = [u["b_case_id"] for u in updates]
        for part in chunks(stale):
            conn.execute(
                t.evidence_items.update()
                .where(t.evidence_items.c.case_id.in_(part), t.evidence_items.c.is_new)
                .values(is_new=False)
            )
        conn.execute(
            t.cases.update().where(t.cases.c.case_id == sa.bindparam("b_case_id")), updates
        )
    _write_matches(conn, touched.values())
    # the events continue each case's hash chain (the upsert holds the store's write lock)
    chain_rows(
        batch.events, case_heads(conn, {e["case_id"] for e in batch.events} - set(batch.new_cases))
    )
    _write_labels(conn, labels)
    for table, rows in (
        (t.case_transactions, links),
        (t.evidence_items, evidence),
        (t.events, batch.events),
        (t.case_terms, terms),
    ):
        if rows:
            _insert(conn, table, rows)


def _write_matches(conn: Connection, touched: Iterable[_OpenCase]) -> None:
    """The `case_matches` rows of the cases whose watchlist matches are new or changed
    (a case's rows replaced whole)."""
    changed = [
        case for case in touched
        if case.inserted or (case.old_content or {}).get("watchlist_matches")
        != case.content.get("watchlist_matches")
    ]  # fmt: skip
    stale = [case.case_id for case in changed if not case.inserted]
    for part in chunks(stale):
        conn.execute(t.case_matches.delete().where(t.case_matches.c.case_id.in_(part)))
    rows = [row for case in changed for row in match_rows(case.case_id, case.content)]
    if rows:
        _insert(conn, t.case_matches, rows)


def _insert(conn: Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """`table.insert()` of many rows with the same keys. On SQLite the rows go to the
    driver's executemany directly: SQLAlchemy's per-row parameter handling cost more than
    the writing. Column types that convert values (dates, booleans) convert each distinct
    value once, with SQLAlchemy's own converters, so the stored values are the same."""
    if conn.dialect.name != "sqlite":
        conn.execute(table.insert(), rows)
        return
    statement = table.insert().compile(dialect=conn.dialect, column_keys=list(rows[0]))
    columns = []
    for name in statement.positiontup or ():
        values = [row[name] for row in rows]
        convert = table.c[name].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        if convert is not None:
            converted: dict[Any, Any] = {}
            values = [converted[v] if v in converted else converted.setdefault(v, convert(v))
                      for v in values]  # fmt: skip
        columns.append(values)
    conn.exec_driver_sql(str(statement), list(zip(*columns, strict=True)))
