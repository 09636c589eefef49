"""The investigator's workflow: open -> in_review -> escalated | cleared | reported.

Every change is one event in the case's append-only history (who, when, from -> to, the
rationale, the evidence and versions the decision was made on). Escalating and reporting
need a second reviewer when four-eyes is on (`configs/cases.yaml`): the first `decide`
records a pending decision, a `decide` or `approve` from another user completes it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cases.content import dumps
from cases.model import Case
from cases.policy import CasePolicy
from cases.store import CaseStore, NewEvent, utc_now
from cases.suppressions import match_fingerprints

OUTCOMES: tuple[str, ...] = ("cleared", "escalated", "reported")
FINAL_STATUSES: tuple[str, ...] = ("cleared", "reported")
# which outcomes a case may move to from each status
ALLOWED: dict[str, tuple[str, ...]] = {
    "open": OUTCOMES,
    "in_review": OUTCOMES,
    "escalated": ("cleared", "reported"),
}


class WorkflowError(ValueError):
    """A change the workflow does not allow (bad outcome, missing rationale, closed case)."""


class FourEyesError(WorkflowError):
    """The second approval of a four-eyes decision came from the user who proposed it."""


@dataclass(frozen=True)
class Decision:
    case_id: str
    outcome: str
    status: str  # the case's status afterwards
    pending: bool  # True when the decision waits for a second reviewer
    suppressions: int = 0


class CaseWorkflow:
    def __init__(self, store: CaseStore, policy: CasePolicy | None = None) -> None:
        self.store = store
        self.policy = policy or store.policy

    def _change(
        self,
        case: Case,
        changes: dict[str, Any],
        event: NewEvent,
        suppressions: list[dict[str, Any]] | None = None,
    ) -> None:
        pending = dumps(case.pending_decision) if case.pending_decision else None
        expect = {"status": case.status, "pending_json": pending}
        self.store.apply_change(case.case_id, expect, changes, event, suppressions)

    def assign(self, case_id: str, assignee: str, by: str) -> Case:
        """Give the case to an investigator; an open case moves to in_review."""
        case = self.store.get_case(case_id)
        if case.status in FINAL_STATUSES:
            raise WorkflowError(f"case {case_id} is {case.status}; it cannot be assigned")
        if not assignee.strip():
            raise WorkflowError("an assignee name is required")
        status = "in_review" if case.status == "open" else case.status
        event = NewEvent(
            "assigned", by, case.status, status, details={"from": case.assignee, "to": assignee}
        )
        self._change(case, {"assignee": assignee, "status": status}, event)
        return self.store.get_case(case_id)

    def decide(
        self,
        case_id: str,
        outcome: str,
        rationale: str,
        by: str,
        suppress_days: int | None = None,
    ) -> Decision:
        """Record a decision; escalated/reported under four-eyes wait for another user."""
        if outcome not in OUTCOMES:
            raise WorkflowError(f"unknown outcome {outcome!r}; use one of {', '.join(OUTCOMES)}")
        if not rationale or not rationale.strip():
            raise WorkflowError("a decision needs a written rationale (--note)")
        if suppress_days is not None and outcome != "cleared":
            raise WorkflowError("only clearing a case can suppress its watchlist hits")
        case = self.store.get_case(case_id)
        if outcome not in ALLOWED.get(case.status, ()):
            raise WorkflowError(f"case {case_id} is {case.status}; it cannot become {outcome}")
        needs_second = self.policy.four_eyes and outcome in self.policy.four_eyes_outcomes
        pending = case.pending_decision
        if not needs_second:
            return self._complete(case, outcome, rationale, by, None, suppress_days)
        if pending and pending["outcome"] == outcome:
            if pending["by"] == by:
                raise FourEyesError(
                    f"case {case_id}: {by} proposed '{outcome}'; four-eyes needs another reviewer"
                )
            return self._complete(case, outcome, rationale, by, pending, None)
        return self._propose(case, outcome, rationale, by)

    def approve(self, case_id: str, by: str, note: str = "approved") -> Decision:
        """Second reviewer's approval of the pending decision."""
        case = self.store.get_case(case_id)
        if not case.pending_decision:
            raise WorkflowError(f"case {case_id} has no decision waiting for approval")
        return self.decide(case_id, case.pending_decision["outcome"], note, by)

    def _propose(self, case: Case, outcome: str, rationale: str, by: str) -> Decision:
        proposal = {"outcome": outcome, "rationale": rationale, "by": by, "at": _now_iso()}
        status = "in_review" if case.status == "open" else case.status
        event = NewEvent(
            "decision_proposed", by, case.status, status, rationale,
            details={"outcome": outcome, "evidence": _evidence_keys(case)},
            versions=case.versions,
        )  # fmt: skip
        self._change(case, {"status": status, "pending_json": dumps(proposal)}, event)
        return Decision(case.case_id, outcome, status, pending=True)

    def _complete(
        self,
        case: Case,
        outcome: str,
        rationale: str,
        by: str,
        proposal: dict[str, Any] | None,
        suppress_days: int | None,
    ) -> Decision:
        details: dict[str, Any] = {"outcome": outcome, "evidence": _evidence_keys(case)}
        if proposal:
            details |= {"proposed_by": proposal["by"], "proposal_rationale": proposal["rationale"]}
        suppressions = self._suppressions(case, rationale, by, suppress_days)
        if suppressions:
            details["suppressed"] = [
                {
                    "entry_id": s["entry_id"],
                    "party": s["party_name"],
                    "until": s["expires_at"].isoformat(),
                }
                for s in suppressions
            ]
        event = NewEvent(
            "decided", by, case.status, outcome, rationale, details, versions=case.versions
        )
        self._change(case, {"status": outcome, "pending_json": None}, event, suppressions)
        return Decision(
            case.case_id, outcome, outcome, pending=False, suppressions=len(suppressions)
        )

    def _suppressions(
        self, case: Case, rationale: str, by: str, days: int | None
    ) -> list[dict[str, Any]]:
        if days is None:
            return []
        if not 1 <= days <= self.policy.suppression_max_days:
            raise WorkflowError(
                f"--suppress-days must be between 1 and {self.policy.suppression_max_days}"
            )
        now = utc_now()
        rows = []
        for match in case.watchlist_matches:
            party_fp, entry_fp = match_fingerprints(case.parties, case.subject, match)
            rows.append(
                {
                    "party_fingerprint": party_fp, "entry_id": match.entry_id,
                    "entry_fingerprint": entry_fp, "party_name": match.party_name,
                    "role": match.role, "case_id": case.case_id, "created_by": by,
                    "created_at": now, "expires_at": now + timedelta(days=days),
                    "rationale": rationale,
                }
            )  # fmt: skip
        if not rows:
            raise WorkflowError(f"case {case.case_id} has no watchlist hit to suppress")
        return rows


def _evidence_keys(case: Case) -> list[str]:
    return sorted(item["key"] for item in case.evidence)


def _now_iso() -> str:
    return utc_now().isoformat(timespec="seconds") + "Z"


def pending_summary(case: Case) -> str:
    """One line on a decision waiting for a second reviewer, or ''."""
    if not case.pending_decision:
        return ""
    p = case.pending_decision
    return f"{p['outcome']} proposed by {p['by']} at {p['at']}: {json.dumps(p['rationale'])}"
