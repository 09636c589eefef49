"""The investigator's workflow: open -> in_review -> escalated | cleared | reported.

Every change is one event in the case's append-only, hash-chained history (who, when,
from -> to, the rationale, the evidence and versions the decision was made on). This is
the one place the review app and the command line both go through, and it enforces:

- who may act (`Actor`, authenticated by the caller): every user reads every case; an
  analyst works on the cases assigned to them (takes an unassigned one), a reviewer or an
  admin on any case; a case is assigned only to an enabled account;
- four-eyes (`configs/four_eyes.yaml`, `cases.four_eyes`): a decision that matches a row
  of the table is recorded as a proposal and takes effect when a second person, with an
  approver's role, approves it (`approve`, or `decide` with the same outcome).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from cases.accounts import Actor
from cases.attachments import AttachmentFiles, check, safe_name
from cases.content import dumps
from cases.four_eyes import FourEyesRule
from cases.model import Case
from cases.policy import CasePolicy
from cases.store import CaseStore, ConcurrentChange, NewEvent, utc_now
from cases.suppressions import match_fingerprints
from cases.users import normalise_user_name
from flows.errors import InputError

OUTCOMES: tuple[str, ...] = ("cleared", "escalated", "reported")
FINAL_STATUSES: tuple[str, ...] = ("cleared", "reported")
# which outcomes a case may move to from each status
ALLOWED: dict[str, tuple[str, ...]] = {
    "open": OUTCOMES,
    "in_review": OUTCOMES,
    "escalated": ("cleared", "reported"),
}
MAX_NOTE = 5000
ANY = object()  # `assign(expected=ANY)`: whoever holds the case now
DEFAULT_APPROVERS = frozenset({"reviewer", "admin"})


class WorkflowError(InputError):
    """A change the workflow does not allow (bad outcome, missing rationale, closed case)."""


class AccessDenied(WorkflowError):
    """The acting user's role or assignment does not allow this action on this case."""


class FourEyesError(AccessDenied):
    """A four-eyes approval from the proposer, or from a role that may not approve."""


@dataclass(frozen=True)
class Decision:
    case_id: str
    outcome: str
    status: str  # the case's status afterwards
    pending: bool  # True when the decision waits for a second person
    suppressions: int = 0
    four_eyes: tuple[str, ...] = field(default=())  # the rows of the table it matched


def same_person(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return normalise_user_name(a) == normalise_user_name(b)


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
        expect = {"status": case.status, "pending_json": pending, "assignee": case.assignee}
        self.store.apply_change(case.case_id, expect, changes, event, suppressions)

    # ---- access -----------------------------------------------------------------------------

    @contextmanager
    def _refusals_logged(self, case_id: str, action: str, by: Actor) -> Iterator[None]:
        """An access refusal goes to the account log before it reaches the caller."""
        try:
            yield
        except AccessDenied as error:
            details = {"case_id": case_id, "action": action, "reason": str(error)[:300]}
            self.store.accounts.record("access_denied", by.name, details=details)
            raise

    @staticmethod
    def check_works_on(case: Case, by: Actor, action: str) -> None:
        """An analyst acts only on a case assigned to them; reviewers and admins on any."""
        if by.role in ("reviewer", "admin") or same_person(case.assignee, by.name):
            return
        holder = f"assigned to {case.assignee}" if case.assignee else "not assigned to you"
        raise AccessDenied(
            f"case {case.case_id} is {holder}: an analyst may {action} only cases assigned "
            "to them (take an unassigned case first, or ask a reviewer)"
        )

    def may_work_on(self, case: Case, by: Actor) -> bool:
        try:
            self.check_works_on(case, by, "work on")
        except AccessDenied:
            return False
        return True

    # ---- actions ------------------------------------------------------------------------

    def assign(
        self, case_id: str, assignee: str, by: Actor, expected: str | None | object = ANY
    ) -> Case:
        """Give the case to an investigator; an open case moves to in_review. With
        `expected` (the assignee the caller saw, None for unassigned) a case that has
        meanwhile gone to someone else is left alone (`ConcurrentChange`): taking a case
        never silently takes it from a colleague."""
        with self._refusals_logged(case_id, "assign", by):
            return self._assign(case_id, assignee, by, expected)

    def _assign(self, case_id: str, assignee: str, by: Actor, expected: object) -> Case:
        case = self.store.get_case(case_id)
        if expected is not ANY and not (
            case.assignee == expected or same_person(case.assignee, expected)  # type: ignore[arg-type]
        ):
            holder = case.assignee or "nobody"
            raise ConcurrentChange(f"case {case_id} is now assigned to {holder}, not as the "
                                   "page showed; nothing changed (look again, then decide)")  # fmt: skip
        if case.status in FINAL_STATUSES:
            raise WorkflowError(f"case {case_id} is {case.status}; it cannot be assigned")
        if not assignee.strip():
            raise WorkflowError("an assignee name is required")
        account = self.store.accounts.active(assignee)
        if account is None:
            raise WorkflowError(
                f"no enabled account {normalise_user_name(assignee)!r}; a case is assigned "
                "to an existing user (see `redflag users list`)"
            )
        if by.role == "analyst":
            if account.name != by.name:
                raise AccessDenied("an analyst can take a case but not assign it to someone else")
            if case.assignee and not same_person(case.assignee, by.name):
                raise AccessDenied(f"case {case_id} is assigned to {case.assignee}; "
                                   "a reviewer reassigns it")  # fmt: skip
        status = "in_review" if case.status == "open" else case.status
        details: dict[str, Any] = {"from": case.assignee, "to": account.name}
        if case.assignee and not same_person(case.assignee, account.name):
            details["reassigned"] = True
        event = NewEvent("assigned", by.name, case.status, status, details=details)
        self._change(case, {"assignee": account.name, "status": status}, event)
        return self.store.get_case(case_id)

    def attach(
        self,
        case_id: str,
        file_name: str,
        kind: str,
        data: bytes,
        by: Actor,
        files: AttachmentFiles,
        note: str = "",
    ) -> int:
        """Keep a file with the case (its assignee, or a reviewer or admin); the audit trail
        records its name, kind, size and sha256. Returns the attachment's id."""
        case = self.store.get_case(case_id)
        with self._refusals_logged(case_id, "attach", by):
            self.check_works_on(case, by, "add files to")
        media_type = check(data, file_name, kind, self.policy.attachment_max_bytes)
        digest = files.write(case_id, data)
        name = safe_name(file_name)
        details = {"file_name": name, "kind": kind, "media_type": media_type,
                   "size": len(data), "sha256": digest}  # fmt: skip
        kept_note = note.strip()[:MAX_NOTE] or None
        row = {**details, "case_id": case_id, "added_by": by.name, "added_at": utc_now(),
               "note": kept_note}  # fmt: skip
        event = NewEvent("attachment_added", by.name, rationale=kept_note, details=details)
        return self.store.add_attachment(row, event)

    def revoke_suppression(self, suppression_id: int, reason: str, by: Actor) -> None:
        """Lift a suppression before it lapses (a reviewer or an admin), with a reason, so
        the pair alerts again; the suppression's case records it."""
        reason = reason.strip()
        if by.role not in ("reviewer", "admin"):
            self.store.accounts.record("access_denied", by.name,
                                       details={"action": "revoke suppression",
                                                "suppression_id": suppression_id})  # fmt: skip
            raise AccessDenied("only a reviewer or an admin lifts a suppression")
        if not reason:
            raise WorkflowError("lifting a suppression needs a reason")
        lifted = f"revoked by {by.name}: {reason[:MAX_NOTE]}"
        try:
            found = self.store.lift_suppression(suppression_id, lifted, None)
        except LookupError as error:
            raise WorkflowError(str(error)) from None
        except ValueError as error:
            raise WorkflowError(str(error)) from None
        if found.case_id:
            details = {"suppression_id": suppression_id, "entry_id": found.entry_id,
                       "party": found.party_name}  # fmt: skip
            self.store.append_event(found.case_id, NewEvent("suppression_revoked", by.name,
                                                            rationale=reason, details=details))  # fmt: skip

    def note(self, case_id: str, text: str, by: Actor) -> None:
        text = text.strip()
        if not text:
            raise WorkflowError("a note needs some text")
        if len(text) > MAX_NOTE:
            raise WorkflowError(f"a note holds at most {MAX_NOTE} characters")
        with self._refusals_logged(case_id, "note", by):
            self.check_works_on(self.store.get_case(case_id), by, "annotate")
        self.store.append_event(case_id, NewEvent("note", by.name, rationale=text))

    def decide(
        self,
        case_id: str,
        outcome: str,
        rationale: str,
        by: Actor,
        suppress_days: int | None = None,
    ) -> Decision:
        """Record a decision; one that the four-eyes table names waits for a second person."""
        with self._refusals_logged(case_id, f"decide {outcome}", by):
            return self._decide(case_id, outcome, rationale, by, suppress_days)

    def _decide(
        self, case_id: str, outcome: str, rationale: str, by: Actor, suppress_days: int | None
    ) -> Decision:
        if outcome not in OUTCOMES:
            raise WorkflowError(f"unknown outcome {outcome!r}; use one of {', '.join(OUTCOMES)}")
        if not rationale or not rationale.strip():
            raise WorkflowError("a decision needs a written rationale (--note)")
        if suppress_days is not None and outcome != "cleared":
            raise WorkflowError("only clearing a case can suppress its watchlist hits")
        case = self.store.get_case(case_id)
        if outcome not in ALLOWED.get(case.status, ()):
            raise WorkflowError(f"case {case_id} is {case.status}; it cannot become {outcome}")
        pending = case.pending_decision
        if pending and (pending["outcome"], pending.get("suppress_days")) == (
            outcome,
            suppress_days,
        ):
            return self._approve(case, pending, rationale, by)
        self.check_works_on(case, by, "decide")
        if suppress_days is not None:
            self._suppressions(case, rationale, by.name, suppress_days)  # checked before proposing
        rows = self.four_eyes_rows(case, outcome, suppress_days)
        refused = [row.id for row in rows if by.role not in row.proposers]
        if refused:
            raise AccessDenied(f"a {by.role} may not propose this decision (four-eyes: "
                               f"{', '.join(refused)})")  # fmt: skip
        if not rows:
            return self._complete(case, outcome, rationale, by, None, suppress_days)
        return self._propose(case, outcome, rationale, by, suppress_days, rows)

    def approve(self, case_id: str, by: Actor, note: str = "approved") -> Decision:
        """The second person's approval of the decision waiting on the case."""
        case = self.store.get_case(case_id)
        if not case.pending_decision:
            raise WorkflowError(f"case {case_id} has no decision waiting for approval")
        with self._refusals_logged(case_id, "approve", by):
            return self._approve(case, case.pending_decision, note or "approved", by)

    def four_eyes_rows(
        self, case: Case, outcome: str, suppress_days: int | None = None
    ) -> list[FourEyesRule]:
        """The rows of the four-eyes table this decision on this case matches."""
        if not self.policy.four_eyes:
            return []
        table = self.policy.four_eyes_table
        pending = case.pending_decision or {}
        other_pending = bool(pending) and (
            pending["outcome"],
            pending.get("suppress_days"),
        ) != (outcome, suppress_days)
        return table.matching(table.facts(case, outcome, suppress_days, other_pending))

    def _approvers(self, pending: dict[str, Any]) -> frozenset[str]:
        """Roles that may approve: those of every row the proposal matched."""
        by_id = {row.id: row for row in self.policy.four_eyes_table.rules}
        approvers: frozenset[str] | None = None
        for rule_id in pending.get("four_eyes") or ():
            if rule_id in by_id:
                allowed = by_id[rule_id].approvers
                approvers = allowed if approvers is None else approvers & allowed
        return DEFAULT_APPROVERS if approvers is None else approvers

    def _approve(self, case: Case, pending: dict[str, Any], note: str, by: Actor) -> Decision:
        if same_person(pending["by"], by.name):
            raise FourEyesError(
                f"case {case.case_id}: {by.name} proposed '{pending['outcome']}'; "
                "four-eyes needs another person to approve it"
            )
        approvers = self._approvers(pending)
        if by.role not in approvers:
            raise FourEyesError(
                f"{by.name} is {by.role}: the second approval of '{pending['outcome']}' "
                f"needs a {' or an '.join(sorted(approvers))}"
            )
        days = pending.get("suppress_days")
        return self._complete(case, pending["outcome"], note, by, pending, days)

    def _propose(
        self,
        case: Case,
        outcome: str,
        rationale: str,
        by: Actor,
        suppress_days: int | None,
        rows: list[FourEyesRule],
    ) -> Decision:
        ids = [row.id for row in rows]
        proposal = {"outcome": outcome, "rationale": rationale, "by": by.name, "at": _now_iso(),
                    "suppress_days": suppress_days, "four_eyes": ids}  # fmt: skip
        status = "in_review" if case.status == "open" else case.status
        details: dict[str, Any] = {
            "outcome": outcome, "evidence": _evidence_keys(case), "four_eyes": ids,
            "hard_stops": self.policy.four_eyes_table.hard_stops(case),
        }  # fmt: skip
        if suppress_days is not None:
            details["suppress_days"] = suppress_days
        if case.pending_decision:
            old = case.pending_decision
            details["replaces"] = {"outcome": old["outcome"], "by": old["by"], "at": old["at"]}
        event = NewEvent("decision_proposed", by.name, case.status, status, rationale, details,
                         versions=case.versions)  # fmt: skip
        self._change(case, {"status": status, "pending_json": dumps(proposal)}, event)
        return Decision(case.case_id, outcome, status, pending=True, four_eyes=tuple(ids))

    def _complete(
        self,
        case: Case,
        outcome: str,
        rationale: str,
        by: Actor,
        proposal: dict[str, Any] | None,
        suppress_days: int | None,
    ) -> Decision:
        details: dict[str, Any] = {"outcome": outcome, "evidence": _evidence_keys(case)}
        if proposal:
            details |= {"proposed_by": proposal["by"], "proposal_rationale": proposal["rationale"],
                        "four_eyes": proposal.get("four_eyes") or []}  # fmt: skip
        suppressions = self._suppressions(case, rationale, by.name, suppress_days)
        if suppressions:
            details["suppressed"] = [
                {"entry_id": s["entry_id"], "party": s["party_name"],
                 "until": s["expires_at"].isoformat()}
                for s in suppressions
            ]  # fmt: skip
        event = NewEvent(
            "decided", by.name, case.status, outcome, rationale, details, versions=case.versions
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
    """One line on a decision waiting for a second person, or ''."""
    if not case.pending_decision:
        return ""
    p = case.pending_decision
    rules = f" [four-eyes: {', '.join(p['four_eyes'])}]" if p.get("four_eyes") else ""
    return f"{p['outcome']} proposed by {p['by']} at {p['at']}{rules}: {json.dumps(p['rationale'])}"
