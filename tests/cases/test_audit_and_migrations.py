"""The audit trail cannot be rewritten, and an older workspace opens in this version."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from actors import ANN
from sqlalchemy.exc import DBAPIError

from cases import tables
from cases.audit import verify_trail
from cases.migrations import EVENTS_APPEND_ONLY, LATEST_VERSION, current_version, migrate
from cases.store import CaseStore, NewEvent, RunInfo
from cases.workflow import CaseWorkflow


@pytest.fixture
def decided(store, make_draft) -> str:
    case_id = store.upsert_drafts([make_draft()], RunInfo("r1", datetime(2026, 11, 2)))[0].case_id
    CaseWorkflow(store).decide(case_id, "cleared", "false positive", ANN)
    return case_id


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET rationale = 'rewritten', by = 'mallory'",
        "DELETE FROM events",
        "DELETE FROM events WHERE event = 'decided'",
    ],
)
def test_events_cannot_be_updated_or_deleted(store, decided, statement):
    before = store.get_case(decided).history
    with pytest.raises(DBAPIError, match=EVENTS_APPEND_ONLY), store.engine.begin() as conn:
        conn.exec_driver_sql(statement)
    assert store.get_case(decided).history == before
    assert before[-1]["rationale"] == "false positive"


def test_history_grows_only_by_appending(store, decided):
    store.append_event(decided, NewEvent("note", "ann", rationale="customer called back"))
    history = store.get_case(decided).history
    assert [e["event"] for e in history] == ["opened", "decided", "note"]
    assert history[-1]["rationale"] == "customer called back"


def _v1_case(conn: sa.Connection) -> None:
    """A case as version 1 of the schema stored it (no due date)."""
    opened = datetime(2026, 10, 1, 8, 0)
    conn.execute(
        sa.text(
            "INSERT INTO cases (case_id, seq, case_key, status, priority, risk_score, "
            "subject_name, subject_json, content_json, opened_at, updated_at) VALUES "
            "('C-000001', 1, 'customer:OLD', 'open', 'high', 90, 'Old Co', "
            """'{"role": "customer", "name": "Old Co"}', """
            """'{"transaction_ids": ["T-OLD"], "flags": [], "watchlist_matches": [], "ml": {}, """
            """"recommended_actions": [], "transactions": [], "parties": [], "versions": {}}', """
            ":opened, :opened)"
        ),
        {"opened": opened},
    )
    conn.execute(
        sa.text(
            "INSERT INTO evidence_items (case_id, evidence_key, added_at, run_id, is_new) "
            "VALUES ('C-000001', 'flag:E1:T-OLD', :opened, 'r0', :false)"
        ),
        {"opened": opened, "false": False},
    )
    conn.execute(
        sa.text(
            "INSERT INTO events (case_id, at, by, event, to_status, run_id) "
            "VALUES ('C-000001', :opened, 'system', 'opened', 'open', 'r0')"
        ),
        {"opened": opened},
    )


def test_workspace_from_schema_v1_opens_and_upgrades(store_url, make_draft):
    engine = sa.create_engine(store_url)
    assert migrate(engine, target=1) == 1
    with engine.begin() as conn:
        _v1_case(conn)
    assert not sa.inspect(engine).has_table("suppressions")
    engine.dispose()

    store = CaseStore(store_url)

    assert current_version(store.engine) == LATEST_VERSION == 6
    old = store.get_case("C-000001")
    # version 5 gave the stored case its queue terms: it is found by its name
    with store.engine.connect() as conn:
        terms = set(conn.execute(sa.text("SELECT kind, term FROM case_terms WHERE seq = 1")))
    assert {("n", "old"), ("n", "co")} <= terms
    assert (old.status, old.risk_score, old.due_at) == ("open", 90, "2026-10-02T08:00:00Z")
    assert [c.case_id for c in store.overdue(at=datetime(2026, 10, 3))] == ["C-000001"]
    # the old case keeps deduplicating; new cases continue the numbering
    old_again = make_draft("OLD", transactions=("T-OLD",), codes=("E1",))
    results = store.upsert_drafts([old_again, make_draft("NEW")], RunInfo("r1", datetime.now()))
    assert [(r.case_id, r.action) for r in results] == [
        ("C-000001", "unchanged"),
        ("C-000002", "opened"),
    ]
    assert store.list_suppressions() == []
    assert {"ix_cases_queue", "ix_cases_assignee_queue"} <= {
        index["name"] for index in sa.inspect(store.engine).get_indexes("cases")
    }
    with pytest.raises(DBAPIError), store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM events")
    assert verify_trail(store.engine).ok  # the old event was hashed into its case's chain
    store.close()
    # opening again applies nothing twice
    assert CaseStore(store_url).schema_version == LATEST_VERSION


def test_migrated_schema_has_every_column_the_store_queries(store):
    inspector = sa.inspect(store.engine)
    for table in tables.metadata.sorted_tables:
        stored = {c["name"] for c in inspector.get_columns(table.name)}
        assert set(table.columns.keys()) <= stored, table.name


def test_a_newer_workspace_is_refused_with_a_clear_message(store):
    with store.engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO schema_version (version, applied_at) VALUES (99, :at)"),
            {"at": datetime(2030, 1, 1)},
        )
    with pytest.raises(RuntimeError, match="newer than this redflag understands"):
        CaseStore(store.url)
