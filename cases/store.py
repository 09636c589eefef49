"""The persistent case store: SQLite in the workspace by default, PostgreSQL by URL.

`CaseStore(url)` opens (and migrates) the store; `upsert_drafts` attaches one run's case
drafts without opening anything twice (see `cases.dedup`); the read side lists the queue
and loads full cases with their history. Workflow changes go through `cases.workflow`.
Events are append-only: the code has no update or delete path for them and the database
refuses one (see `cases.migrations`).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cases import audit
from cases import suppressions as sup
from cases import tables as t
from cases.accounts import Accounts
from cases.content import OPEN_STATUSES, build_case, dumps, event_record, evidence_record
from cases.dedup import chunks, plan_and_write
from cases.migrations import migrate
from cases.model import PRIORITIES, STATUSES, Case, CaseDraft, WatchlistMatch
from cases.policy import CasePolicy
from cases.queue_terms import pending_by
from cases.users import USER_ROLES as USER_ROLES  # re-exported for the CLI
from flows.errors import InputError, RedflagError
from flows.runtime.bulk import collector_paused

ACTIONS: tuple[str, ...] = ("opened", "updated", "unchanged", "follow_up", "suppressed")
CHANGED: tuple[str, ...] = ("opened", "updated", "follow_up")  # actions that write case files


class CaseNotFound(InputError, LookupError):
    """No case with the id asked for."""


class ConcurrentChange(RedflagError, RuntimeError):
    """The case changed between reading and writing it; read it again and retry."""


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def as_utc(moment: datetime | str) -> datetime:
    """Naive UTC, as the store keeps every timestamp (ISO strings accepted)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return audit.naive_utc(moment)


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    started_at: datetime | str  # a datetime or an ISO string
    versions: dict[str, Any] = field(default_factory=dict)


@dataclass
class UpsertResult:
    case_id: str | None  # for "suppressed": the cleared case whose suppression held it back
    action: str  # one of ACTIONS
    case: Case | None  # see `CaseStore.upsert_drafts(load=...)`
    case_key: str = ""  # the draft's key
    # the draft's watchlist matches held back by a suppression (kept out of the case),
    # each with the cleared case whose suppression held it back
    suppressed_matches: list[tuple[WatchlistMatch, str | None]] = field(default_factory=list)


@dataclass(frozen=True)
class CaseSummary:
    """One row of the queue."""

    case_id: str
    case_key: str
    status: str
    priority: str
    risk_score: int
    subject_name: str
    assignee: str | None
    due_at: datetime | None
    opened_at: datetime
    updated_at: datetime
    follow_up_of: str | None

    def is_overdue(self, at: datetime) -> bool:
        return self.status in ("open", "in_review") and self.due_at is not None and self.due_at < at


@dataclass(frozen=True)
class NewEvent:
    event: str
    by: str
    from_status: str | None = None
    to_status: str | None = None
    rationale: str | None = None
    details: dict[str, Any] | None = None
    run_id: str | None = None
    versions: dict[str, Any] | None = None


def workspace_url(workspace: Path) -> str:
    return f"sqlite:///{Path(workspace).resolve() / 'cases.db'}"


def private_sqlite_file(path: Path) -> None:
    """Create the store's file readable by its owner alone (0600, in a 0700 folder when
    the folder is new); an existing one, and its WAL files, are made so."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        target = path.with_name(name)
        if (
            target.exists()
            and target.stat().st_mode & 0o077
            and target.stat().st_uid == os.getuid()
        ):
            target.chmod(0o600)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


_PRIORITY_RANK = sa.case({p: i for i, p in enumerate(PRIORITIES)}, value=t.cases.c.priority)


class CaseStore:
    """Cases, evidence, events, suppressions, users and runs behind one SQLAlchemy URL."""

    def __init__(self, url: str, policy: CasePolicy | None = None) -> None:
        self.url = url
        self.policy = policy or CasePolicy()
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            private_sqlite_file(Path(url.removeprefix("sqlite:///")))
        self.engine = sa.create_engine(url)
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self.schema_version = migrate(self.engine)
        self.accounts = Accounts(self.engine)

    @classmethod
    def for_workspace(cls, workspace: Path, policy: CasePolicy | None = None) -> CaseStore:
        return cls(workspace_url(workspace), policy)

    def close(self) -> None:
        self.engine.dispose()

    # ---- runs and upsert --------------------------------------------------------------

    def upsert_drafts(
        self, drafts: Sequence[CaseDraft], run: RunInfo, load: str = "all"
    ) -> list[UpsertResult]:
        """Attach one run's drafts; one result per draft, in order.

        `result.case` is the full stored case with its history: for every result
        (`load="all"`), only for opened, updated and follow-up results, i.e. the case files
        a run writes (`load="changed"`, faster on large runs), or never (`load="none"`).
        """
        if load not in ("changed", "all", "none"):
            raise ValueError(f"load must be changed, all or none (got {load!r})")
        with collector_paused():
            return self._upsert(list(drafts), run, load)

    def _upsert(self, drafts: list[CaseDraft], run: RunInfo, load: str) -> list[UpsertResult]:
        now = utc_now()
        with self.engine.begin() as conn:
            self._lock_for_upsert(conn)
            self._record_run(conn, run)
            filtered = sup.filter_drafts(conn, drafts, now)
            kept, suppressed = filtered.kept, filtered.suppressed_by
            live = [d for d in kept if d is not None]
            outcomes, opened = plan_and_write(
                conn, live, run.run_id, run.versions, self.policy, now
            )
        live_outcomes = iter(outcomes)
        results = []
        for index, draft in enumerate(kept):
            if draft is None:
                action, case_id = "suppressed", suppressed[index]
            else:
                outcome = next(live_outcomes)
                action, case_id = outcome.action, outcome.case_id
            dropped = filtered.dropped.get(index, [])
            results.append(UpsertResult(case_id, action, None, drafts[index].case_key, dropped))
        wanted = {
            r.case_id
            for r in results
            if r.case_id and (load == "all" or (load == "changed" and r.action in CHANGED))
        }
        # cases opened by this call are built from what was written; the others are read
        loaded = {c.case_id: c for c in self.get_cases(sorted(wanted - set(opened)))}
        for result in results:
            if result.case_id in wanted:
                result.case = opened.get(result.case_id) or loaded.get(result.case_id)
        return results

    @staticmethod
    def _lock_for_upsert(conn: Connection) -> None:
        """One upsert at a time: case numbers are allocated from the highest one stored."""
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("LOCK TABLE cases IN SHARE ROW EXCLUSIVE MODE")
        else:  # any write statement takes SQLite's write lock for the transaction
            conn.exec_driver_sql("UPDATE runs SET run_id = run_id WHERE 1 = 0")

    def _record_run(self, conn: Connection, run: RunInfo) -> None:
        known = conn.execute(
            sa.select(t.runs.c.run_id).where(t.runs.c.run_id == run.run_id)
        ).first()
        if known is None:
            conn.execute(
                t.runs.insert().values(
                    run_id=run.run_id,
                    started_at=as_utc(run.started_at),
                    versions_json=dumps(run.versions),
                )
            )

    def finish_run(self, run_id: str, finished_at: datetime, summary: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                t.runs.update()
                .where(t.runs.c.run_id == run_id)
                .values(finished_at=as_utc(finished_at), summary_json=dumps(summary))
            )

    def run_summary(self, run_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(t.runs).where(t.runs.c.run_id == run_id)).first()
        if row is None:
            return None
        return {
            "run_id": row.run_id,
            "started_at": row.started_at,
            "finished_at": row.finished_at,
            "versions": json.loads(row.versions_json or "{}"),
            "summary": json.loads(row.summary_json or "null"),
        }

    # ---- reading ----------------------------------------------------------------------

    def get_case(self, case_id: str) -> Case:
        found = self.get_cases([case_id])
        if not found:
            raise CaseNotFound(f"no case {case_id} in the case store")
        return found[0]

    def get_cases(self, case_ids: Sequence[str]) -> list[Case]:
        """Full cases (content, evidence, history) in the order asked; unknown ids skipped."""
        rows: dict[str, Any] = {}
        history: dict[str, Any] = {}
        evidence: dict[str, Any] = {}
        with self.engine.connect() as conn:
            for part in chunks(list(case_ids)):
                query = (
                    sa.select(t.cases, t.case_contents.c.content_json)
                    .join(t.case_contents, t.case_contents.c.case_id == t.cases.c.case_id)
                    .where(t.cases.c.case_id.in_(part))
                )
                for row in conn.execute(query):
                    rows[row.case_id] = row
                events = (
                    sa.select(t.events)
                    .where(t.events.c.case_id.in_(part))
                    .order_by(t.events.c.event_id)
                )
                for row in conn.execute(events):
                    history.setdefault(row.case_id, []).append(event_record(row))
                items = sa.select(t.evidence_items).where(t.evidence_items.c.case_id.in_(part))
                for row in conn.execute(items):
                    evidence.setdefault(row.case_id, []).append(
                        (row.added_at, row.evidence_key, row.run_id, row.is_new)
                    )
        for case_id, items in evidence.items():  # ordered here: the same on every database
            evidence[case_id] = [
                evidence_record(key, added_at, run_id, is_new)
                for added_at, key, run_id, is_new in sorted(items, key=lambda i: i[:2])
            ]
        return [
            build_case(rows[i], history.get(i, []), evidence.get(i, []))
            for i in case_ids
            if i in rows
        ]

    def list_cases(
        self,
        status: str | Sequence[str] | None = None,
        priority: str | None = None,
        assignee: str | None = None,
        overdue: bool = False,
        at: datetime | None = None,
        limit: int | None = None,
    ) -> list[CaseSummary]:
        """The queue, highest priority first, then earliest due date."""
        c = t.cases.c
        query = sa.select(
            c.case_id, c.case_key, c.status, c.priority, c.risk_score, c.subject_name,
            c.assignee, c.due_at, c.opened_at, c.updated_at, c.follow_up_of,
        )  # fmt: skip
        statuses = [status] if isinstance(status, str) else list(status or [])
        if unknown := set(statuses) - set(STATUSES):
            raise InputError(f"unknown status {sorted(unknown)}; use one of {', '.join(STATUSES)}")
        if statuses:
            query = query.where(c.status.in_(statuses))
        if priority:
            query = query.where(c.priority == priority)
        if assignee:
            query = query.where(c.assignee == assignee)
        if overdue:
            moment = as_utc(at) if at else utc_now()
            query = query.where(c.status.in_(("open", "in_review")), c.due_at < moment)
        query = query.order_by(_PRIORITY_RANK, c.due_at, c.seq)
        if limit:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return [CaseSummary(*row) for row in conn.execute(query)]

    def open_queue(self) -> list[CaseSummary]:
        return self.list_cases(status=OPEN_STATUSES)

    def overdue(self, at: datetime | None = None) -> list[CaseSummary]:
        return self.list_cases(overdue=True, at=at)

    def cases_for_transactions(self, transaction_ids: Sequence[str]) -> dict[str, str]:
        """transaction_id -> the latest case holding it."""
        found: dict[str, str] = {}
        with self.engine.connect() as conn:
            for part in chunks(list(transaction_ids)):
                query = (
                    sa.select(t.case_transactions.c.transaction_id, t.case_transactions.c.case_id)
                    .where(t.case_transactions.c.transaction_id.in_(part))
                    .order_by(t.case_transactions.c.case_id)
                )
                found.update(dict(conn.execute(query).all()))
        return found

    # ---- workflow primitives (used by cases.workflow) -------------------------------------

    def apply_change(
        self,
        case_id: str,
        expect: dict[str, Any],
        changes: dict[str, Any],
        event: NewEvent,
        suppressions: list[dict[str, Any]] | None = None,
    ) -> None:
        """Change workflow columns of one case, append its event (and add suppressions),
        atomically. `expect` holds column values the case must still have (else
        `ConcurrentChange`). The event is written first: the database lets the status
        change only when the case's latest event records it."""
        now = utc_now()
        if "pending_json" in changes:  # the queue's "awaiting approval" reads who proposed
            changes = {**changes, "pending_by": pending_by(changes["pending_json"])}
        with self.engine.begin() as conn:
            if not audit.lock_case(conn, case_id):
                raise CaseNotFound(f"no case {case_id} in the case store")
            query = sa.select(sa.func.count()).where(t.cases.c.case_id == case_id)
            for column, value in expect.items():
                col = t.cases.c[column]
                query = query.where(col.is_(None) if value is None else col == value)
            if conn.execute(query).scalar_one() != 1:
                raise ConcurrentChange(f"case {case_id} changed meanwhile; read it again")
            self._append_event(conn, case_id, event, now)
            conn.execute(
                t.cases.update()
                .where(t.cases.c.case_id == case_id)
                .values(**changes, updated_at=now)
            )
            sup.add_suppressions(conn, suppressions or [])

    def append_event(self, case_id: str, event: NewEvent) -> None:
        """An event that changes no column of the case (a note, say)."""
        with self.engine.begin() as conn:
            if not audit.lock_case(conn, case_id):
                raise CaseNotFound(f"no case {case_id} in the case store")
            self._append_event(conn, case_id, event, utc_now())

    @staticmethod
    def _append_event(conn: Connection, case_id: str, event: NewEvent, at: datetime) -> None:
        """Append at the head of the case's hash chain; the case must be locked."""
        audit.append_case_event(
            conn,
            {
                "case_id": case_id, "at": at, "by": event.by, "event": event.event,
                "from_status": event.from_status, "to_status": event.to_status,
                "rationale": event.rationale, "run_id": event.run_id,
                "versions_json": dumps(event.versions) if event.versions else None,
                "details_json": dumps(event.details) if event.details else None,
            },
        )  # fmt: skip

    def add_attachment(self, row: dict[str, Any], event: NewEvent) -> int:
        """Record a file kept with a case and its audit event, atomically; returns its id."""
        with self.engine.begin() as conn:
            if not audit.lock_case(conn, row["case_id"]):
                raise CaseNotFound(f"no case {row['case_id']} in the case store")
            result = conn.execute(t.attachments.insert().values(**row))
            self._append_event(conn, row["case_id"], event, utc_now())
            key = result.inserted_primary_key
            assert key is not None  # an insert of one row
            return int(key[0])

    # ---- suppressions -----------------------------------------------------------------

    def lift_suppression(
        self, suppression_id: int, reason: str, event: NewEvent | None
    ) -> sup.Suppression:
        """Lift one active suppression now, with the reason, and note it on its case."""
        now = utc_now()
        with self.engine.begin() as conn:
            found = sup.lift_one(conn, suppression_id, reason, now)
            if event is not None and found.case_id and audit.lock_case(conn, found.case_id):
                self._append_event(conn, found.case_id, event, now)
        return found

    def add_suppressions(self, rows: list[dict[str, Any]]) -> None:
        with self.engine.begin() as conn:
            sup.add_suppressions(conn, rows)

    def list_suppressions(
        self, at: datetime | None = None, include_inactive: bool = False
    ) -> list[sup.Suppression]:
        with self.engine.connect() as conn:
            return sup.list_suppressions(conn, as_utc(at) if at else utc_now(), include_inactive)

    def is_suppressed(
        self,
        party_fingerprint: str,
        entry_id: str,
        entry_fingerprint: str,
        at: datetime | None = None,
    ) -> bool:
        """Whether this exact party <-> entry pair is under an active suppression."""
        with self.engine.begin() as conn:
            moment = as_utc(at) if at else utc_now()
            return sup.is_suppressed(conn, party_fingerprint, entry_id, entry_fingerprint, moment)

    def note_removed_entries(
        self, entry_ids: Sequence[str], run_id: str | None = None
    ) -> list[str]:
        """List entries a new snapshot removed: note it on each open case holding a hit on
        one (event "entry_removed") and lift their suppressions; returns those case ids."""
        now = utc_now()
        found: dict[str, set[str]] = {}
        items, cases = t.evidence_items, t.cases
        with self.engine.begin() as conn:
            for part in chunks(list(dict.fromkeys(entry_ids)), 200):
                prefixes = [f"match:{entry_id}:" for entry_id in part]
                query = (
                    sa.select(items.c.case_id, items.c.evidence_key)
                    .join(cases, cases.c.case_id == items.c.case_id)
                    .where(cases.c.status.in_(OPEN_STATUSES))
                    .where(sa.or_(*(items.c.evidence_key.startswith(p, autoescape=True)
                                    for p in prefixes)))
                )  # fmt: skip
                for case_id, key in conn.execute(query):
                    entry = next(
                        e for e, p in zip(part, prefixes, strict=True) if key.startswith(p)
                    )
                    found.setdefault(case_id, set()).add(entry)
                sup.lift_for_entries(conn, part, sup.ENTRY_REMOVED, now)
            for case_id, entries in sorted(found.items()):
                audit.lock_case(conn, case_id)
                event = NewEvent("entry_removed", "system", run_id=run_id,
                                 details={"entry_ids": sorted(entries)})  # fmt: skip
                self._append_event(conn, case_id, event, now)
        return sorted(found)

    # ---- users ------------------------------------------------------------------------

    def add_user(self, name: str, role: str, password: str, by: str = "system") -> str:
        """An account (see `cases.accounts`); returns its stored, normalised name."""
        return self.accounts.add(name, role, password, by)

    def check_password(self, name: str, password: str) -> str | None:
        """The user's role when the password is right and the account enabled, else None."""
        actor = self.accounts.authenticate(name, password, client="local", via="store")
        return actor.role if actor else None
