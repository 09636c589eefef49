"""The audit trail is tamper-evident: with the database's guards dropped, a deleted,
back-dated or rewritten event and a status changed without an event are found, and
`redflag audit verify` names the first broken link."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from actors import ANN, BOB, decide_fully
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from cases import tables as t
from cases.audit import (
    GENESIS,
    append_auth_event,
    append_case_event,
    auth_hash,
    event_hash,
    lock_case,
    verify_checkpoint,
    verify_trail,
)
from cases.migrations import STATUS_BY_EVENTS
from cases.store import CaseStore, RunInfo
from cases.workflow import CaseWorkflow
from flows.cli import app as cli

DROP_GUARDS = {
    "sqlite": ["DROP TRIGGER events_no_update", "DROP TRIGGER events_no_delete",
               "DROP TRIGGER cases_status_by_events"],
    "postgresql": ["DROP TRIGGER events_no_update_delete ON events",
                   "DROP TRIGGER cases_status_by_events ON cases"],
}  # fmt: skip


@pytest.fixture
def trail(store, make_draft) -> CaseStore:
    """Three cases: one escalated by two people, one cleared, one with a note."""
    drafts = [make_draft("A", ("T-A",)), make_draft("B", ("T-B",)), make_draft("C", ("T-C",))]
    ids = [r.case_id for r in store.upsert_drafts(drafts, RunInfo("r1", datetime(2026, 11, 2)))]
    decide_fully(store, ids[0], "escalated", "payer in HK")
    decide_fully(store, ids[1], "cleared", "known data centre")
    CaseWorkflow(store).note(ids[2], "called the customer", BOB)
    store.accounts.record("login", "ann", "127.0.0.1", {"via": "test"})
    return store


def _drop_guards(store: CaseStore) -> None:
    with store.engine.begin() as conn:
        for statement in DROP_GUARDS[store.engine.dialect.name]:
            conn.exec_driver_sql(statement)


def test_an_untouched_trail_verifies(trail):
    report = verify_trail(trail.engine)
    assert report.ok, report.broken
    assert report.chains == 4 and report.events == 8  # 3 cases (7 events) + account log
    with trail.engine.connect() as conn:
        first = conn.execute(sa.text("SELECT prev_hash FROM events ORDER BY event_id")).first()
    assert first[0] == GENESIS


def test_status_changes_only_through_an_event(trail):
    with pytest.raises(DBAPIError, match=STATUS_BY_EVENTS), trail.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE cases SET status = 'cleared' WHERE case_id = 'C-000001'")
    assert trail.get_case("C-000001").status == "escalated"


@pytest.mark.parametrize(
    ("tamper", "found"),
    [
        ("DELETE FROM events WHERE event = 'decision_proposed' AND case_id = 'C-000001'",
         "it does not link to the event before it"),
        ("UPDATE events SET at = '2026-01-01 00:00:00' WHERE event = 'decided' "
         "AND case_id = 'C-000001'", "content does not match its hash"),
        ("UPDATE events SET rationale = 'nothing to see' WHERE event = 'note'",
         "case C-000003, event #"),
        ("UPDATE cases SET status = 'cleared' WHERE case_id = 'C-000001'",
         "case C-000001: its status is cleared but its events end at escalated"),
        ("DELETE FROM events WHERE case_id = 'C-000003'", "case C-000003: it has no events"),
    ],
)  # fmt: skip
def test_tampering_with_the_guards_dropped_is_found(trail, tamper, found):
    _drop_guards(trail)
    with trail.engine.begin() as conn:
        conn.exec_driver_sql(tamper)
    report = verify_trail(trail.engine)
    assert not report.ok and found in report.broken


def test_a_forged_chain_is_found_against_a_checkpoint(trail, tmp_path):
    """Someone who rewrites an event and recomputes the hashes after it keeps the chain
    valid; the heads recorded earlier by `audit verify --checkpoint` no longer match."""
    checkpoint = tmp_path / "heads.json"
    report = verify_trail(trail.engine)
    checkpoint.write_text(json.dumps({k: list(v) for k, v in report.heads.items()}))
    _drop_guards(trail)
    with trail.engine.begin() as conn:
        rows = (
            conn.execute(
                sa.text("SELECT * FROM events WHERE case_id = 'C-000002' ORDER BY event_id")
            )
            .mappings()
            .all()
        )
        prev = GENESIS
        for row in rows:
            values = dict(row) | (
                {"rationale": "never looked"} if row["event"] == "decided" else {}
            )
            values["at"] = datetime.fromisoformat(str(values["at"]))
            new = event_hash(values, prev)
            conn.execute(
                sa.text("UPDATE events SET rationale = :r, prev_hash = :p, hash = :h "
                        "WHERE event_id = :i"),
                {"r": values["rationale"], "p": prev, "h": new, "i": row["event_id"]},
            )  # fmt: skip
            prev = new
    assert verify_trail(trail.engine).ok  # the forged chain links
    recorded = json.loads(checkpoint.read_text())
    assert "chain C-000002" in verify_checkpoint(trail.engine, recorded)


def test_zone_aware_times_are_stored_as_naive_utc_and_the_trail_verifies(store, make_draft):
    """An event written with a zone-aware time (UTC or another zone) is stored and hashed
    as naive UTC, so the time read back hashes the same; on PostgreSQL even when the
    session's time zone is not UTC."""
    case_id = store.upsert_drafts([make_draft()], RunInfo("r1", datetime(2026, 11, 2)))[0].case_id
    shanghai = timezone(timedelta(hours=8))
    with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL TIME ZONE 'Asia/Shanghai'")
        append_auth_event(conn, "probe", "system", datetime(2026, 12, 5, 22, 0, tzinfo=shanghai))
        append_auth_event(conn, "probe", "system", datetime(2026, 12, 5, 14, 1, tzinfo=UTC))
        assert lock_case(conn, case_id)
        append_case_event(conn, {
            "case_id": case_id, "at": datetime(2026, 12, 5, 23, 2, 3, 456789, tzinfo=shanghai),
            "by": "ann", "event": "note", "rationale": "called the customer",
        })  # fmt: skip
    report = verify_trail(store.engine)
    assert report.ok, report.broken
    with store.engine.connect() as conn:
        log, events = t.audit_log.c, t.events.c
        logged = conn.execute(sa.select(log.at).order_by(log.entry_id)).scalars().all()
        noted = conn.execute(sa.select(events.at).where(events.event == "note")).scalar_one()
    assert logged == [datetime(2026, 12, 5, 14, 0), datetime(2026, 12, 5, 14, 1)]
    assert noted == datetime(2026, 12, 5, 15, 2, 3, 456789)


def test_chains_written_with_naive_times_keep_their_hashes():
    """Hashes of events stored before times were normalised are unchanged, and a time read
    back zone-aware hashes as its naive UTC equal."""
    note = {"case_id": "C-000001", "at": datetime(2026, 12, 5, 14, 0, 0, 123456), "by": "ann",
            "event": "note", "rationale": "called"}  # fmt: skip
    login = {"at": datetime(2026, 12, 5, 14, 0), "actor": "root", "event": "login",
             "client": "cli:x"}  # fmt: skip
    assert event_hash(note, GENESIS) == (
        "f9c06774fab1a4767c007d501fc5621224821fc853e37beba58cc00612a4763e"
    )
    assert auth_hash(login, GENESIS) == (
        "e5134d4e5e384828d2bdec6e5ce4d36034dbdfc8ac08e12ec190ef06cf1fcf85"
    )
    aware = note | {
        "at": datetime(2026, 12, 5, 9, 0, 0, 123456, tzinfo=timezone(-timedelta(hours=5)))
    }
    assert event_hash(aware, GENESIS) == event_hash(note, GENESIS)


def test_audit_verify_command_reports_the_first_broken_link(tmp_path, make_draft):
    store = CaseStore.for_workspace(tmp_path)
    case_id = store.upsert_drafts([make_draft()], RunInfo("r1", datetime(2026, 11, 2)))[0].case_id
    CaseWorkflow(store).decide(case_id, "cleared", "other firm", ANN)
    runner = CliRunner()
    checkpoint = tmp_path / "heads.json"
    good = runner.invoke(
        cli, ["--workspace", str(tmp_path), "audit", "verify", "--checkpoint", str(checkpoint)]
    )
    assert good.exit_code == 0 and "audit trail intact: 2 event(s) in 1 chain(s)" in good.output
    assert stat.S_IMODE(checkpoint.stat().st_mode) == 0o600
    with store.engine.begin() as conn:
        for statement in DROP_GUARDS["sqlite"]:
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql("DELETE FROM events WHERE event = 'opened'")
    store.close()

    bad = runner.invoke(cli, ["--workspace", str(tmp_path), "audit", "verify"])

    assert bad.exit_code == 1
    assert bad.output.strip().splitlines() == [
        "redflag: error: audit trail broken: case C-000001, event #2 (decided at "
        + bad.output.split("(decided at ")[1].split(")")[0]
        + "): it does not link to the event before it (one was deleted, added or reordered)"
    ]


def test_the_store_file_is_private(tmp_path):
    workspace = tmp_path / "new-workspace"
    store = CaseStore.for_workspace(workspace)
    store.add_user("ann", "reviewer", "maple-kettle-orbit-93")
    assert stat.S_IMODE((workspace / "cases.db").stat().st_mode) == 0o600
    assert stat.S_IMODE(workspace.stat().st_mode) == 0o700
    for extra in ("cases.db-wal", "cases.db-shm"):
        if (workspace / extra).exists():
            assert stat.S_IMODE((workspace / extra).stat().st_mode) & 0o077 == 0
    store.close()
    (workspace / "cases.db").chmod(0o644)  # a store made by an older version
    CaseStore.for_workspace(workspace).close()
    assert stat.S_IMODE((workspace / "cases.db").stat().st_mode) == 0o600
