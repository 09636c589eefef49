"""The tamper-evident audit trail: hash chains over the case events and the account log.

Every event of a case stores the SHA-256 of its own content and of the case's previous
event (`prev_hash`; the first event links to `GENESIS`), so one chain runs per case.
Events that belong to no case (logins, failed logins, logouts, account changes) form one
more chain in `audit_log`. Deleting, inserting, reordering or back-dating an event breaks
a link, and `verify_trail` reports the first broken one. The database's triggers refuse
UPDATE and DELETE on both tables and a change of `cases.status` that no event records
(see `cases.migrations`); the chains catch what happens with a trigger dropped.

Times are stored and hashed as naive UTC (a time zone-aware time is converted to UTC and
loses its tzinfo first): SQLite hands back what was stored without a zone, PostgreSQL's
`timestamp` column without one, so a hash over a zone-aware time would not be found again.

Writers append under a lock: a case's events after a write to its row (which serialises
changes to one case on every database), the account log under a table lock.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from cases import tables as t

GENESIS = "0" * 64
HASH_VERSION = "redflag-audit-1"
AUTH_CHAIN = "accounts"  # the name `verify_trail` gives the account log's chain
_CASE_FIELDS = (
    "case_id", "at", "by", "event", "from_status", "to_status", "rationale", "run_id",
    "versions_json", "details_json",
)  # fmt: skip
_AUTH_FIELDS = ("at", "actor", "event", "subject", "client", "details_json")
_CHUNK = 500


def naive_utc(moment: datetime) -> datetime:
    """A time as the store keeps it: UTC without tzinfo (a naive time is taken as UTC)."""
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)


def _text(value: Any) -> Any:
    if isinstance(value, datetime):
        return naive_utc(value).isoformat(timespec="microseconds")
    return value


def _digest(kind: str, prev_hash: str, row: Mapping[str, Any], fields: Sequence[str]) -> str:
    payload = [HASH_VERSION, kind, prev_hash, *(_text(row.get(name)) for name in fields)]
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def event_hash(row: Mapping[str, Any], prev_hash: str) -> str:
    """The hash of one case event (its stored columns) linked to the previous one."""
    return _digest("case", prev_hash, row, _CASE_FIELDS)


def auth_hash(row: Mapping[Any, Any], prev_hash: str) -> str:
    return _digest("auth", prev_hash, row, _AUTH_FIELDS)


def chain_rows(rows: Iterable[dict[str, Any]], heads: dict[str, str]) -> None:
    """Set `prev_hash` and `hash` on event rows about to be inserted, in order; `heads`
    (case id -> hash of its latest stored event) is advanced as it goes. A zone-aware `at`
    is stored as naive UTC."""
    for row in rows:
        if isinstance(row.get("at"), datetime):
            row["at"] = naive_utc(row["at"])
        prev = heads.get(row["case_id"], GENESIS)
        row["prev_hash"] = prev
        row["hash"] = heads[row["case_id"]] = event_hash(row, prev)


def case_heads(conn: Connection, case_ids: Iterable[str]) -> dict[str, str]:
    """case id -> the hash of its latest event (cases without events are left out)."""
    e = t.events.c
    heads: dict[str, str] = {}
    ids = list(dict.fromkeys(case_ids))
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        latest = sa.select(sa.func.max(e.event_id)).where(e.case_id.in_(part)).group_by(e.case_id)
        query = sa.select(e.case_id, e.hash).where(e.event_id.in_(latest))
        heads.update({case_id: value or GENESIS for case_id, value in conn.execute(query)})
    return heads


def lock_case(conn: Connection, case_id: str) -> bool:
    """Take the case's row lock for this transaction (SQLite: the write lock); False when
    there is no such case."""
    c = t.cases.c
    touched = conn.execute(
        t.cases.update().where(c.case_id == case_id).values(updated_at=c.updated_at)
    ).rowcount
    return touched == 1


def append_case_event(conn: Connection, row: dict[str, Any]) -> None:
    """Insert one event row at the head of its case's chain (the case must be locked)."""
    heads = case_heads(conn, [row["case_id"]])
    chain_rows([row], heads)
    conn.execute(t.events.insert().values(**row))


def _lock_auth_log(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE audit_log IN EXCLUSIVE MODE")
    else:  # a write statement takes SQLite's write lock for the transaction
        conn.exec_driver_sql("UPDATE schema_version SET version = version WHERE 1 = 0")


def append_auth_event(
    conn: Connection,
    event: str,
    actor: str,
    at: datetime,
    subject: str | None = None,
    client: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> None:
    """One entry of the account log (login, login_failed, logout, user_added, …)."""
    _lock_auth_log(conn)
    a = t.audit_log.c
    head = conn.execute(sa.select(a.hash).order_by(a.entry_id.desc()).limit(1)).scalar()
    row: dict[str, Any] = {
        "at": naive_utc(at), "actor": actor[:100], "event": event,
        "subject": subject[:100] if subject else None, "client": client[:64] if client else None,
        "details_json": json.dumps(details, sort_keys=True, ensure_ascii=False)
        if details else None,
    }  # fmt: skip
    row["prev_hash"] = head or GENESIS
    row["hash"] = auth_hash(row, row["prev_hash"])
    conn.execute(t.audit_log.insert().values(**row))


def auth_log(engine: Engine, events: Sequence[str] = (), limit: int = 50) -> list[Any]:
    """The latest `limit` entries of the account log (of `events` only, when given), oldest
    first (0 = every one)."""
    a = t.audit_log.c
    query = sa.select(t.audit_log).order_by(a.entry_id.desc())
    if events:
        query = query.where(a.event.in_(list(events)))
    if limit:
        query = query.limit(limit)
    with engine.connect() as conn:
        return list(reversed(conn.execute(query).all()))


# ---- verification ------------------------------------------------------------------------


@dataclass
class TrailReport:
    """What `verify_trail` found: counts, the first broken link (or None) and the heads."""

    events: int = 0
    chains: int = 0
    broken: str | None = None
    heads: dict[str, tuple[int, str]] = field(default_factory=dict)  # chain -> (id, hash)

    @property
    def ok(self) -> bool:
        return self.broken is None


def _case_rows(conn: Connection) -> Iterator[tuple[str, list[Any]]]:
    """Each case id with its events in order, streamed case by case."""
    ids = list(conn.execute(sa.select(t.cases.c.case_id).order_by(t.cases.c.seq)).scalars())
    orphans = sa.select(t.events.c.case_id).where(
        t.events.c.case_id.not_in(sa.select(t.cases.c.case_id))
    )
    ids += sorted(set(conn.execute(orphans).scalars()))
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        query = sa.select(t.events).where(t.events.c.case_id.in_(part))
        grouped: dict[str, list[Any]] = {case_id: [] for case_id in part}
        for row in conn.execute(query.order_by(t.events.c.event_id)):
            grouped[row.case_id].append(row)
        yield from grouped.items()


def _check_case(case_id: str, events: list[Any], status: str | None) -> str | None:
    """The first broken link of one case's chain, or None."""
    if status is None:
        return f"case {case_id}: events #{events[0].event_id}… belong to no case in the store"
    if not events:
        return f"case {case_id}: it has no events (its history was deleted)"
    prev, replayed = GENESIS, None
    for row in events:
        values = row._mapping
        where = f"case {case_id}, event #{row.event_id} ({row.event} at {row.at})"
        if row.prev_hash != prev:
            return f"{where}: it does not link to the event before it (one was deleted, added or reordered)"
        if row.hash != event_hash(values, prev):
            return f"{where}: its content does not match its hash (it was changed)"
        if row.to_status is not None:
            if row.from_status is not None and row.from_status != replayed:
                return f"{where}: it moves from {row.from_status} but the case was {replayed}"
            replayed = row.to_status
        prev = row.hash
    if replayed != status:
        return f"case {case_id}: its status is {status} but its events end at {replayed}"
    return None


def _check_auth_log(conn: Connection, report: TrailReport) -> None:
    prev, count, last = GENESIS, 0, None
    for row in conn.execute(sa.select(t.audit_log).order_by(t.audit_log.c.entry_id)):
        count += 1
        where = f"account log, entry #{row.entry_id} ({row.event} at {row.at})"
        if row.prev_hash != prev:
            report.broken = report.broken or f"{where}: it does not link to the entry before it"
            break
        if row.hash != auth_hash(row._mapping, prev):
            report.broken = report.broken or f"{where}: its content does not match its hash"
            break
        prev, last = row.hash, row.entry_id
    report.events += count
    if count:
        report.chains += 1
        report.heads[AUTH_CHAIN] = (int(last or 0), prev)


def verify_trail(engine: Engine) -> TrailReport:
    """Walk every chain; the report names the first broken link, if any."""
    report = TrailReport()
    with engine.connect() as conn:
        statuses = dict(conn.execute(sa.select(t.cases.c.case_id, t.cases.c.status)).all())
        for case_id, events in _case_rows(conn):
            report.events += len(events)
            report.chains += 1
            problem = _check_case(case_id, events, statuses.get(case_id))
            if problem:
                report.broken = problem
                break
            report.heads[case_id] = (int(events[-1].event_id), events[-1].hash)
        _check_auth_log(conn, report)
    return report


def heads_digest(report: TrailReport) -> str:
    """One hash over every chain's head: note it somewhere else to detect a later rewrite
    of the whole trail (see `redflag audit verify --checkpoint`)."""
    body = json.dumps(sorted(report.heads.items()), separators=(",", ":"))
    return hashlib.sha256(body.encode("ascii")).hexdigest()


def verify_checkpoint(engine: Engine, recorded: Mapping[str, Sequence[Any]]) -> str | None:
    """The first chain head recorded earlier (chain -> [event id, hash]) that the trail no
    longer holds as it was, or None. A verified trail whose recorded heads are all still
    there was only appended to since."""
    with engine.connect() as conn:
        for chain, (entry_id, expected) in sorted(recorded.items()):
            if chain == AUTH_CHAIN:
                a = t.audit_log.c
                query = sa.select(a.hash).where(a.entry_id == int(entry_id))
            else:
                e = t.events.c
                query = sa.select(e.hash).where(e.event_id == int(entry_id), e.case_id == chain)
            found = conn.execute(query).scalar_one_or_none()
            if found != expected:
                what = "is gone" if found is None else "was rewritten"
                return f"the head of chain {chain} (#{entry_id}) recorded then {what}"
    return None
