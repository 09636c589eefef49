"""Suppressing a cleared watchlist hit: visible, expiring, undone by a change."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from actors import ANN, decide_fully

from cases.store import RunInfo, utc_now
from cases.suppressions import ENTRY_CHANGED, PARTY_CHANGED, match_fingerprints
from cases.workflow import CaseWorkflow, WorkflowError


def run(name: str) -> RunInfo:
    return RunInfo(name, datetime(2026, 11, 2))


@pytest.fixture
def cleared(store, make_draft) -> str:
    """A watchlist-hit case cleared with a 30-day suppression."""
    case_id = store.upsert_drafts([make_draft(match_score=0.91)], run("r1"))[0].case_id
    decide_fully(store, case_id, "cleared", "different company", suppress_days=30)
    return case_id


def hit_only(make_draft, **kwargs):
    """A later run's draft whose only evidence is the watchlist hit, on a new order."""
    draft = make_draft(transactions=("T-50",), match_score=0.91, **kwargs)
    draft.flags = [f for f in draft.flags if f.source == "watchlist"]
    return draft


def test_suppressed_hit_does_not_alert_and_is_listed(store, make_draft, cleared):
    result = store.upsert_drafts([hit_only(make_draft)], run("r2"))[0]

    assert (result.action, result.case_id, result.case.status) == ("suppressed", cleared, "cleared")
    assert len(store.list_cases()) == 1
    [listed] = store.list_suppressions()
    assert (listed.entry_id, listed.party_name, listed.case_id) == (
        "csl:EL-77",
        "Alx Trading Ltd",
        cleared,
    )
    assert listed.state(utc_now()) == "active"
    decided = store.get_case(cleared).history[-1]
    assert decided["details"]["suppressed"][0]["entry_id"] == "csl:EL-77"


def test_other_flags_still_open_a_case_without_the_suppressed_hit(store, make_draft, cleared):
    draft = make_draft(transactions=("T-51",), codes=("Q4",), match_score=0.91)
    result = store.upsert_drafts([draft], run("r2"))[0]
    assert result.action == "follow_up"
    assert result.case.watchlist_matches == []
    assert {f.code for f in result.case.flags} == {"Q4"}


def test_risk_without_the_suppressed_hit_is_scored_per_transaction(store, make_draft, cleared):
    """Flags on different orders do not add up: the case keeps its riskiest order's score."""
    draft = make_draft(transactions=("T-60", "T-61"), codes=("L2", "F1"), match_score=0.91)
    draft.flags[0].transaction_ids, draft.flags[1].transaction_ids = ["T-60"], ["T-61"]
    result = store.upsert_drafts([draft], run("r2"))[0]
    assert result.case.watchlist_matches == []
    assert result.case.risk_score == 30  # each order 1 - (1 - 0.3); not 51 across both


def test_suppression_expires(store, make_draft, cleared):
    case = store.get_case(cleared)
    party_fp, entry_fp = match_fingerprints(case.parties, case.subject, case.watchlist_matches[0])
    now = utc_now()
    assert store.is_suppressed(party_fp, "csl:EL-77", entry_fp, at=now + timedelta(days=29))
    assert not store.is_suppressed(party_fp, "csl:EL-77", entry_fp, at=now + timedelta(days=31))
    later = store.list_suppressions(at=now + timedelta(days=31), include_inactive=True)
    assert [s.state(now + timedelta(days=31)) for s in later] == ["expired"]
    assert store.list_suppressions(at=now + timedelta(days=31)) == []


def test_changed_party_address_undoes_the_suppression(store, make_draft, cleared):
    moved = hit_only(make_draft, party_address="88 Nathan Road, Kowloon")
    result = store.upsert_drafts([moved], run("r2"))[0]

    assert result.action == "follow_up"
    assert result.case.watchlist_matches[0].party_name == "Alx Trading Ltd"
    [lifted] = store.list_suppressions(include_inactive=True)
    assert lifted.lifted_reason == PARTY_CHANGED
    assert store.list_suppressions() == []


def test_changed_list_entry_undoes_the_suppression(store, make_draft, cleared):
    amended = hit_only(make_draft, entry_names=("ALX TRADING LIMITED", "ALX SOLUTIONS"))
    result = store.upsert_drafts([amended], run("r2"))[0]

    assert result.action == "follow_up"
    [lifted] = store.list_suppressions(include_inactive=True)
    assert lifted.lifted_reason == ENTRY_CHANGED


def test_only_cleared_watchlist_cases_can_suppress(store, make_draft):
    workflow = CaseWorkflow(store)
    no_hit = store.upsert_drafts([make_draft("CUST-9")], run("r1"))[0].case_id
    with pytest.raises(WorkflowError, match="no watchlist hit"):
        workflow.decide(no_hit, "cleared", "fine", ANN, suppress_days=10)
    with pytest.raises(WorkflowError, match="only clearing"):
        workflow.decide(no_hit, "escalated", "hold", ANN, suppress_days=10)
    with pytest.raises(WorkflowError, match="between 1 and 365"):
        workflow.decide(no_hit, "cleared", "fine", ANN, suppress_days=1000)
    assert store.get_case(no_hit).status == "open"
