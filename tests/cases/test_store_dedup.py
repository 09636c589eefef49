"""Dedup across runs: reruns create nothing, new evidence attaches, decisions hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from actors import BOB, decide_fully

from cases.store import CaseStore, RunInfo
from cases.workflow import CaseWorkflow


def run(name: str) -> RunInfo:
    return RunInfo(name, datetime(2026, 11, 2, 6, tzinfo=UTC), {"watchlist": "snap-1"})


def count(store: CaseStore, table: str) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


def test_same_input_twice_creates_nothing_new(store, make_draft):
    drafts = [make_draft("CUST-1"), make_draft("CUST-2", ("T-2",)), make_draft("CUST-3", ("T-3",))]
    first = store.upsert_drafts(drafts, run("r1"))
    tables = ("cases", "events", "evidence_items", "case_transactions")
    before = {table: count(store, table) for table in tables}

    second = store.upsert_drafts(drafts, run("r2"), load="changed")

    assert [r.action for r in first] == ["opened"] * 3
    assert [r.case_id for r in first] == ["C-000001", "C-000002", "C-000003"]
    assert [r.action for r in second] == ["unchanged"] * 3
    assert all(r.case is None for r in second)  # load="changed" skips unchanged cases
    assert [r.case_key for r in second] == ["customer:CUST-1", "customer:CUST-2", "customer:CUST-3"]
    assert [r.case_id for r in second] == [r.case_id for r in first]
    assert {table: count(store, table) for table in tables} == before


def test_new_flag_on_open_case_attaches_to_it(store, make_draft):
    opened = store.upsert_drafts([make_draft(risk=40, priority="low")], run("r1"))[0]
    later = make_draft(transactions=("T-9",), codes=("L2", "F1"), risk=70, priority="high")

    result = store.upsert_drafts([later], run("r2"))[0]

    assert result.action == "updated"
    assert result.case_id == opened.case_id
    case = result.case
    assert case.transaction_ids == ["T-1", "T-9"]
    assert {f.code for f in case.flags} == {"L2", "F1"}
    assert case.risk_score == 70 and case.priority == "high"
    new = {item["key"] for item in case.evidence if item["new"]}
    assert new == {"flag:L2:T-9", "flag:F1:T-9"}
    updated = [e for e in case.history if e["event"] == "updated"]
    assert len(updated) == 1 and updated[0]["run_id"] == "r2"
    assert set(updated[0]["details"]["new_evidence"]) == new
    assert store.cases_for_transactions(["T-1", "T-9"]) == {"T-1": "C-000001", "T-9": "C-000001"}
    # the due date moved up with the priority
    assert case.due_at < opened.case.due_at


def test_lower_risk_update_keeps_the_higher_score(store, make_draft):
    store.upsert_drafts([make_draft(risk=80, priority="high")], run("r1"))
    result = store.upsert_drafts(
        [make_draft(transactions=("T-5",), risk=20, priority="low")], run("r2")
    )[0]
    assert (result.case.risk_score, result.case.priority) == (80, "high")


def test_drafts_sharing_a_key_in_one_run_make_one_case(store, make_draft):
    results = store.upsert_drafts([make_draft(), make_draft(transactions=("T-2",))], run("r1"))
    assert [r.action for r in results] == ["opened", "updated"]
    assert results[0].case_id == results[1].case_id
    assert count(store, "cases") == 1


@pytest.mark.parametrize("outcome", ["cleared", "reported"])
def test_decided_case_is_not_reopened_by_the_evidence_it_was_decided_on(store, make_draft, outcome):
    draft = make_draft(match_score=0.91)
    case_id = store.upsert_drafts([draft], run("r1"))[0].case_id
    decide_fully(store, case_id, outcome, "reviewed the documents")

    again = store.upsert_drafts([draft], run("r2"))[0]

    assert again.action == "unchanged"
    assert again.case_id == case_id
    assert again.case.status == outcome
    assert count(store, "cases") == 1


@pytest.mark.parametrize(
    "change",
    [
        {"transactions": ("T-1", "T-2")},  # a new transaction
        {"match_score": 0.97},  # a higher match score
        {"codes": ("L2", "Q4")},  # a new red flag
    ],
)
def test_new_evidence_after_clearing_opens_a_linked_follow_up(store, make_draft, change):
    case_id = store.upsert_drafts([make_draft(match_score=0.91)], run("r1"))[0].case_id
    decide_fully(store, case_id, "cleared", "known data centre")

    result = store.upsert_drafts([make_draft(**{"match_score": 0.91, **change})], run("r2"))[0]

    assert result.action == "follow_up"
    assert result.case_id == "C-000002"
    assert result.case.follow_up_of == case_id
    assert result.case.status == "open"
    opened = result.case.history[0]
    assert opened["event"] == "opened" and opened["details"]["follow_up_of"] == case_id
    assert store.get_case(case_id).status == "cleared"
    assert store.get_case(case_id).history[-1]["event"] == "follow_up_opened"
    # the follow-up is itself deduplicated on the next run
    rerun = store.upsert_drafts([make_draft(**{"match_score": 0.91, **change})], run("r3"))[0]
    assert (rerun.action, rerun.case_id) == ("unchanged", "C-000002")


def test_queue_is_sorted_by_priority_then_due_date_and_filters(store, make_draft):
    store.upsert_drafts(
        [
            make_draft("A", ("T-A",), priority="low"),
            make_draft("B", ("T-B",), priority="high"),
            make_draft("C", ("T-C",), priority="medium"),
        ],
        run("r1"),
    )
    store.add_user("ann", "analyst", "maple-kettle-orbit-93")
    CaseWorkflow(store).assign("C-000003", "ann", BOB)

    assert [c.case_id for c in store.list_cases()] == ["C-000002", "C-000003", "C-000001"]
    assert [c.case_id for c in store.list_cases(assignee="ann")] == ["C-000003"]
    assert [c.case_id for c in store.list_cases(status="in_review")] == ["C-000003"]
    assert [c.case_id for c in store.list_cases(priority="low")] == ["C-000001"]
    assert store.overdue(at=datetime.now(UTC)) == []
    two_days = datetime.now(UTC) + timedelta(hours=48)
    assert [c.case_id for c in store.overdue(at=two_days)] == ["C-000002"]
    with pytest.raises(ValueError, match="unknown status"):
        store.list_cases(status="closed")


def test_run_is_recorded_with_its_summary(store, make_draft):
    store.upsert_drafts([make_draft()], run("r1"))
    store.finish_run("r1", datetime(2026, 11, 2, 6, 5), {"cases_opened": 1})
    recorded = store.run_summary("r1")
    assert recorded["summary"] == {"cases_opened": 1}
    assert recorded["versions"] == {"watchlist": "snap-1"}


def test_run_start_may_be_an_iso_string(store, make_draft):
    started = RunInfo("r-iso", "2026-11-02T06:00:00+00:00", {"code": "1.0"})
    assert store.upsert_drafts([make_draft()], started)[0].action == "opened"
    assert store.run_summary("r-iso")["started_at"] == datetime(2026, 11, 2, 6)


def test_removed_list_entry_is_noted_on_open_cases_only(store, make_draft):
    hit = store.upsert_drafts([make_draft("HIT", match_score=0.9)], run("r1"))[0].case_id
    store.upsert_drafts([make_draft("PLAIN", transactions=("T-P",))], run("r1"))
    decided = store.upsert_drafts([make_draft("OLD", ("T-O",), match_score=0.9)], run("r1"))
    decide_fully(store, decided[0].case_id, "cleared", "other firm", 30)

    noted = store.note_removed_entries(["csl:EL-77", "csl:EL-1"], run_id="rescreen-1")

    assert noted == [hit]
    event = store.get_case(hit).history[-1]
    assert (event["event"], event["run_id"]) == ("entry_removed", "rescreen-1")
    assert event["details"] == {"entry_ids": ["csl:EL-77"]}
    assert store.list_suppressions() == []
    [lifted] = store.list_suppressions(include_inactive=True)
    assert lifted.lifted_reason == "the entry was removed from the list"


def test_flag_gaining_a_transaction_keeps_each_transactions_evidence(store, make_draft):
    first = make_draft()
    first.flags[0].evidence = {"transactions": 1, "by_transaction": {"T-1": {"hub": "HK"}}}
    store.upsert_drafts([first], run("r1"))
    later = make_draft(transactions=("T-9",))
    later.flags[0].evidence = {"transactions": 1, "by_transaction": {"T-9": {"hub": "AE"}}}

    case = store.upsert_drafts([later], run("r2"))[0].case

    (flag,) = case.flags
    assert flag.transaction_ids == ["T-1", "T-9"]
    assert flag.evidence == {
        "transactions": 2,
        "by_transaction": {"T-1": {"hub": "HK"}, "T-9": {"hub": "AE"}},
    }
