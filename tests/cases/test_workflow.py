"""Investigator workflow: assignment, decisions with rationale, four-eyes."""

from __future__ import annotations

from datetime import datetime

import pytest

from cases.policy import CasePolicy, load_case_policy
from cases.store import CaseStore, RunInfo
from cases.workflow import CaseWorkflow, FourEyesError, WorkflowError


@pytest.fixture
def case_id(store, make_draft) -> str:
    return store.upsert_drafts([make_draft()], RunInfo("r1", datetime(2026, 11, 2)))[0].case_id


def test_assignment_moves_an_open_case_into_review(store, case_id):
    case = CaseWorkflow(store).assign(case_id, "ann", by="lead")
    assert (case.status, case.assignee) == ("in_review", "ann")
    event = case.history[-1]
    assert (event["event"], event["by"], event["from"], event["to"]) == (
        "assigned", "lead", "open", "in_review",
    )  # fmt: skip


@pytest.mark.parametrize("outcome", ["escalated", "reported"])
def test_four_eyes_needs_a_second_different_user(store, case_id, outcome):
    workflow = CaseWorkflow(store)

    first = workflow.decide(case_id, outcome, "ships to a forwarder, payer in HK", "ann")
    assert first.pending and store.get_case(case_id).status == "in_review"
    with pytest.raises(FourEyesError, match="another reviewer"):
        workflow.decide(case_id, outcome, "I insist", "ann")
    assert store.get_case(case_id).status == "in_review"

    second = workflow.decide(case_id, outcome, "agree", "bob")

    case = store.get_case(case_id)
    assert not second.pending and case.status == outcome and case.pending_decision is None
    decided = case.history[-1]
    assert (decided["event"], decided["by"], decided["to"]) == ("decided", "bob", outcome)
    assert decided["details"]["proposed_by"] == "ann"
    assert decided["rationale"] == "agree"
    assert decided["versions"] == {"watchlist": "snap-1", "model": "m-1"}
    assert "flag:L2:T-1" in decided["details"]["evidence"]


def test_approve_completes_the_pending_decision(store, case_id):
    workflow = CaseWorkflow(store)
    workflow.decide(case_id, "escalated", "need an end-use statement", "ann")
    with pytest.raises(FourEyesError):
        workflow.approve(case_id, "ann")
    assert workflow.approve(case_id, "bob", "ok").status == "escalated"


def test_four_eyes_can_be_switched_off(store_url, make_draft):
    store = CaseStore(store_url, CasePolicy(four_eyes=False))
    case_id = store.upsert_drafts([make_draft()], RunInfo("r1", datetime(2026, 11, 2)))[0].case_id
    decision = CaseWorkflow(store).decide(case_id, "escalated", "hold the shipment", "ann")
    assert not decision.pending and store.get_case(case_id).status == "escalated"
    store.close()


def test_clearing_needs_no_second_reviewer_but_a_rationale(store, case_id):
    workflow = CaseWorkflow(store)
    with pytest.raises(WorkflowError, match="rationale"):
        workflow.decide(case_id, "cleared", "  ", "ann")
    assert workflow.decide(case_id, "cleared", "known customer", "ann").status == "cleared"
    with pytest.raises(WorkflowError, match="cleared"):
        workflow.decide(case_id, "escalated", "changed my mind", "bob")


def test_escalated_case_can_later_be_cleared(store, case_id):
    workflow = CaseWorkflow(store)
    workflow.decide(case_id, "escalated", "ask for documents", "ann")
    workflow.decide(case_id, "escalated", "agree", "bob")
    workflow.decide(case_id, "cleared", "documents received, site visit done", "carol")
    events = [e["event"] for e in store.get_case(case_id).history]
    assert events == ["opened", "decision_proposed", "decided", "decided"]


def test_unknown_outcome_is_refused(store, case_id):
    with pytest.raises(WorkflowError, match="unknown outcome"):
        CaseWorkflow(store).decide(case_id, "closed", "done", "ann")


def test_shipped_config_turns_four_eyes_on_with_the_sla_hours():
    policy = load_case_policy()
    assert policy.four_eyes and policy.four_eyes_outcomes == {"escalated", "reported"}
    assert dict(policy.sla_hours) == {"high": 24, "medium": 72, "low": 168}
