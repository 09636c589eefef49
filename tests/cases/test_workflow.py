"""Investigator workflow: assignment, decisions with rationale, four-eyes as policy.

The four-eyes expectations are written out here, from what the policy must hold, not read
from configs/four_eyes.yaml: every (case situation, decision) for every role, then every
approval for every role."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from actors import ANN, BOB

from cases.accounts import Actor
from cases.policy import CasePolicy, load_case_policy
from cases.store import CaseStore, RunInfo
from cases.workflow import AccessDenied, CaseWorkflow, FourEyesError, WorkflowError

PASSWORD = "maple-kettle-orbit-93"
ANALYST, REVIEWER, ADMIN = (
    Actor("ana", "analyst"),
    Actor("rita", "reviewer"),
    Actor("adam", "admin"),
)
PROPOSER = Actor("pat", "reviewer")  # made the proposal waiting on a "pending" case
ROLES = {"analyst": ANALYST, "reviewer": REVIEWER, "admin": ADMIN}


@pytest.fixture
def case_id(store, make_draft) -> str:
    return store.upsert_drafts([make_draft()], RunInfo("r1", datetime(2026, 11, 2)))[0].case_id


@pytest.fixture(scope="module")
def accounts_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store holding the accounts of the matrix, made once and copied per test."""
    path = tmp_path_factory.mktemp("accounts") / "cases.db"
    template = CaseStore(f"sqlite:///{path}")
    for who in (ANALYST, REVIEWER, ADMIN, PROPOSER, *APPROVERS.values()):
        if template.accounts.get(who.name) is None:
            template.add_user(who.name, who.role, PASSWORD)
    template.close()
    return path


@pytest.fixture
def matrix_store(accounts_db: Path, tmp_path: Path):
    """The four-eyes matrix runs on SQLite; the store's SQL is shared with PostgreSQL and
    tested on both by the other tests here."""
    path = tmp_path / "cases.db"
    shutil.copy(accounts_db, path)
    store = CaseStore(f"sqlite:///{path}")
    yield store
    store.close()


def _situation(store, make_draft, situation: str, actor: Actor) -> str:
    """A case in the given situation, assigned to `actor` (so an analyst may act on it)."""
    draft = {
        "hard_stop": make_draft(codes=("E1",)),
        "strong_hit": make_draft(match_score=0.95),
        "weak_hit": make_draft(match_score=0.62),
    }.get(situation, make_draft())
    case_id = store.upsert_drafts([draft], RunInfo("r1", datetime(2026, 11, 2)))[0].case_id
    workflow = CaseWorkflow(store)
    if situation == "escalated":
        workflow.decide(case_id, "escalated", "end user unknown", PROPOSER)
        workflow.approve(case_id, BOB, "agree")
    if situation == "pending":
        workflow.decide(case_id, "escalated", "end user unknown", PROPOSER)
    workflow.assign(case_id, actor.name, REVIEWER)
    return case_id


# (situation, outcome, suppress) -> "direct" (takes effect at once) or "proposal"
DECISIONS = {
    ("in_review", "cleared", False): "direct",
    ("in_review", "escalated", False): "proposal",
    ("in_review", "reported", False): "proposal",
    ("escalated", "cleared", False): "proposal",
    ("escalated", "reported", False): "proposal",
    ("hard_stop", "cleared", False): "proposal",
    ("hard_stop", "escalated", False): "proposal",
    ("strong_hit", "cleared", False): "proposal",  # a name hit at 0.95 is a hard stop
    ("strong_hit", "cleared", True): "proposal",
    ("weak_hit", "cleared", False): "direct",
    ("weak_hit", "cleared", True): "direct",
    ("pending", "cleared", False): "proposal",  # over a pending escalation
    ("pending", "reported", False): "proposal",
}


@pytest.mark.parametrize("role", sorted(ROLES))
@pytest.mark.parametrize(("situation", "outcome", "suppress"), sorted(DECISIONS))
def test_every_decision_for_every_role(
    matrix_store, make_draft, role, situation, outcome, suppress
):
    store, actor = matrix_store, ROLES[role]
    case_id = _situation(store, make_draft, situation, actor)
    before = store.get_case(case_id)

    decision = CaseWorkflow(store).decide(
        case_id, outcome, "checked", actor, 30 if suppress else None
    )

    case = store.get_case(case_id)
    if DECISIONS[(situation, outcome, suppress)] == "direct":
        assert not decision.pending and case.status == outcome
        assert case.pending_decision is None
    else:
        assert decision.pending and decision.four_eyes
        assert case.status == ("in_review" if before.status == "open" else before.status)
        assert case.pending_decision["by"] == actor.name
        assert case.pending_decision["outcome"] == outcome
        assert store.list_suppressions() == []  # nothing suppressed before the approval


APPROVALS = {"analyst": False, "reviewer": True, "admin": True, "proposer": False}
APPROVERS = {"analyst": ANALYST, "reviewer": Actor("rex", "reviewer"), "admin": ADMIN,
             "proposer": REVIEWER}  # fmt: skip


@pytest.mark.parametrize("approver", sorted(APPROVALS))
@pytest.mark.parametrize(
    ("situation", "outcome", "suppress"),
    [key for key, kind in sorted(DECISIONS.items()) if kind == "proposal"],
)
def test_every_approval_for_every_role(
    matrix_store, make_draft, approver, situation, outcome, suppress
):
    store = matrix_store
    case_id = _situation(store, make_draft, situation, REVIEWER)
    workflow = CaseWorkflow(store)
    workflow.decide(case_id, outcome, "checked", REVIEWER, 30 if suppress else None)
    second = APPROVERS[approver]

    if not APPROVALS[approver]:
        with pytest.raises(FourEyesError):
            workflow.approve(case_id, second, "agree")
        assert store.get_case(case_id).pending_decision["outcome"] == outcome
        return
    decision = workflow.approve(case_id, second, "agree")
    case = store.get_case(case_id)
    assert (decision.status, case.status, case.pending_decision) == (outcome, outcome, None)
    decided = case.history[-1]
    assert (decided["event"], decided["by"], decided["details"]["proposed_by"]) == (
        "decided", second.name, REVIEWER.name,
    )  # fmt: skip
    assert len(store.list_suppressions()) == (1 if suppress else 0)


def test_one_person_under_two_spellings_is_one_person(matrix_store, make_draft):
    store = matrix_store
    case_id = _situation(store, make_draft, "in_review", REVIEWER)
    workflow = CaseWorkflow(store)
    workflow.decide(case_id, "escalated", "hold", REVIEWER)
    for alias in ("RITA", "rita\u200b", "Ｒｉｔａ"):
        with pytest.raises(FourEyesError, match="another person"):
            workflow.approve(case_id, Actor(alias, "reviewer"))
    assert store.get_case(case_id).status == "in_review"


def test_an_analyst_works_only_on_cases_assigned_to_them(matrix_store, make_draft):
    store = matrix_store
    case_id = _situation(store, make_draft, "in_review", REVIEWER)  # assigned to rita
    workflow = CaseWorkflow(store)
    with pytest.raises(AccessDenied, match="assigned to rita"):
        workflow.decide(case_id, "cleared", "fine", ANALYST)
    with pytest.raises(AccessDenied):
        workflow.note(case_id, "a note", ANALYST)
    with pytest.raises(AccessDenied, match="reviewer reassigns"):
        workflow.assign(case_id, ANALYST.name, ANALYST)
    workflow.note(case_id, "seen", ADMIN)  # reviewers and admins act on any case
    assert store.get_case(case_id).history[-1]["by"] == "adam"
    with store.engine.connect() as conn:  # each refusal is in the account log
        refused = conn.exec_driver_sql(
            "SELECT actor, details_json FROM audit_log WHERE event = 'access_denied'"
        ).all()
    assert len(refused) == 3 and {actor for actor, _ in refused} == {"ana"}
    assert '"action": "note"' in refused[1][1]


def test_assignment_moves_an_open_case_into_review(store, case_id):
    store.add_user("ann", "analyst", PASSWORD)
    case = CaseWorkflow(store).assign(case_id, "ANN", by=BOB)
    assert (case.status, case.assignee) == ("in_review", "ann")
    event = case.history[-1]
    assert (event["event"], event["by"], event["from"], event["to"]) == (
        "assigned", "bob", "open", "in_review",
    )  # fmt: skip


def test_a_case_is_assigned_only_to_an_enabled_account(store, case_id):
    store.add_user("dora", "analyst", PASSWORD)
    store.accounts.disable("dora", by="adam")
    for name in ("nobody-at-all", "dora"):
        with pytest.raises(WorkflowError, match="no enabled account"):
            CaseWorkflow(store).assign(case_id, name, by=BOB)
    assert store.get_case(case_id).assignee is None


@pytest.mark.parametrize("outcome", ["escalated", "reported"])
def test_four_eyes_needs_a_second_different_user(store, case_id, outcome):
    workflow = CaseWorkflow(store)

    first = workflow.decide(case_id, outcome, "ships to a forwarder, payer in HK", ANN)
    assert first.pending and store.get_case(case_id).status == "in_review"
    with pytest.raises(FourEyesError, match="another person"):
        workflow.decide(case_id, outcome, "I insist", ANN)
    assert store.get_case(case_id).status == "in_review"

    second = workflow.decide(case_id, outcome, "agree", BOB)

    case = store.get_case(case_id)
    assert not second.pending and case.status == outcome and case.pending_decision is None
    decided = case.history[-1]
    assert (decided["event"], decided["by"], decided["to"]) == ("decided", "bob", outcome)
    assert decided["details"]["proposed_by"] == "ann"
    assert decided["rationale"] == "agree"
    assert decided["versions"] == {"watchlist": "snap-1", "model": "m-1"}
    assert "flag:L2:T-1" in decided["details"]["evidence"]


def test_a_proposer_cannot_clear_their_own_pending_escalation(store, case_id):
    workflow = CaseWorkflow(store)
    workflow.decide(case_id, "escalated", "hold the shipment", ANN)
    changed_mind = workflow.decide(case_id, "cleared", "never mind", ANN)
    assert changed_mind.pending and store.get_case(case_id).status == "in_review"
    proposed = store.get_case(case_id).history[-1]
    assert proposed["details"]["replaces"]["outcome"] == "escalated"
    with pytest.raises(FourEyesError):
        workflow.approve(case_id, ANN)


def test_four_eyes_can_be_switched_off(store_url, make_draft):
    store = CaseStore(store_url, CasePolicy(four_eyes=False))
    case_id = store.upsert_drafts([make_draft()], RunInfo("r1", datetime(2026, 11, 2)))[0].case_id
    decision = CaseWorkflow(store).decide(case_id, "escalated", "hold the shipment", ANN)
    assert not decision.pending and store.get_case(case_id).status == "escalated"
    store.close()


def test_clearing_an_ordinary_case_needs_no_second_person_but_a_rationale(store, case_id):
    workflow = CaseWorkflow(store)
    with pytest.raises(WorkflowError, match="rationale"):
        workflow.decide(case_id, "cleared", "  ", ANN)
    assert workflow.decide(case_id, "cleared", "known customer", ANN).status == "cleared"
    with pytest.raises(WorkflowError, match="cleared"):
        workflow.decide(case_id, "escalated", "changed my mind", BOB)


def test_unknown_outcome_is_refused(store, case_id):
    with pytest.raises(WorkflowError, match="unknown outcome"):
        CaseWorkflow(store).decide(case_id, "closed", "done", ANN)


def test_shipped_config_has_the_four_eyes_rows_and_the_sla_hours():
    policy = load_case_policy()
    table = policy.four_eyes_table
    assert policy.four_eyes and table.enabled
    assert {r.id for r in table.rules} >= {
        "escalate", "report", "away_from_escalation", "clear_over_proposal",
        "clear_hard_stop", "suppress_strong_hit",
    }  # fmt: skip
    assert "E1" in table.hard_stop_codes and table.strong_score == 0.90
    assert dict(policy.sla_hours) == {"high": 24, "medium": 72, "low": 168}
