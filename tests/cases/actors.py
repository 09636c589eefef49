"""Acting users for the case store tests: the workflow takes an authenticated actor."""

from __future__ import annotations

from cases.accounts import Actor
from cases.store import CaseStore
from cases.workflow import CaseWorkflow, Decision

ANN = Actor("ann", "reviewer")
BOB = Actor("bob", "reviewer")


def decide_fully(
    store: CaseStore, case_id: str, outcome: str, note: str, suppress_days: int | None = None
) -> Decision:
    """A decision by ann, approved by bob when the four-eyes table asks for a second person."""
    workflow = CaseWorkflow(store)
    decision = workflow.decide(case_id, outcome, note, ANN, suppress_days)
    if decision.pending:
        decision = workflow.approve(case_id, BOB, "agree")
    return decision
