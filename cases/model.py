"""The case model: what an investigator opens. `Case.to_json()` is Contract 4
(docs/ARCHITECTURE.md)."""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1
STATUSES: tuple[str, ...] = ("open", "in_review", "escalated", "cleared", "reported")
PRIORITIES: tuple[str, ...] = ("high", "medium", "low")


def _fields(item: Any) -> dict[str, Any]:
    """A flat dataclass as a dict of its fields. The values are the item's own, not copies
    (`dataclasses.asdict` deep-copies every evidence value, the larger part of the cost of
    writing a large run's case files), so the result is for reading and serializing."""
    return {name: getattr(item, name) for name in item.__dataclass_fields__}


@dataclass
class CaseFlag:
    code: str
    source: str  # watchlist, rule or ml
    title: str
    severity: str
    transaction_ids: list[str]
    evidence: dict[str, Any]
    citation: str
    weight: float = 0.0
    reason: str = ""
    recommended_action: str = ""


@dataclass
class WatchlistMatch:
    role: str  # customer, ship_to, end_user, intermediate_consignee, freight_forwarder, payer
    party_name: str
    list: str
    entry_id: str
    matched_name: str
    score: float
    explanation: str
    transaction_ids: builtins.list[str] = field(default_factory=builtins.list)
    match_kind: str = "name"  # name or address
    list_code: str = ""
    entry: dict[str, Any] = field(default_factory=dict)  # the list entry as screened


@dataclass
class CaseDraft:
    """A case as one run's grouping sees it, before the case store gives it an id."""

    case_key: str  # e.g. "customer:CUST-0042"
    subject: dict[str, Any]  # role, name, country, customer_id, ...
    transaction_ids: list[str]
    flags: list[CaseFlag]
    watchlist_matches: list[WatchlistMatch]
    risk_score: int
    priority: str
    recommended_actions: list[str]
    ml: dict[str, Any] = field(default_factory=dict)
    transactions: list[dict[str, Any]] = field(default_factory=list)  # the order lines
    parties: list[dict[str, Any]] = field(default_factory=list)  # every party by role
    versions: dict[str, Any] = field(default_factory=dict)
    trigger: str = "daily screening"
    # rules that could not run on this customer's orders: {"code", "title", "reason",
    # "hard_stop"}; a case missing them must say so, never look safer than it is
    not_evaluable: list[dict[str, Any]] = field(default_factory=list)
    # the customer's earlier orders as the run saw them (see cases.customer_history)
    order_history: dict[str, Any] = field(default_factory=dict)
    # the parties and cases related to the customer (detectors.network): {"hops", "links"}
    related: dict[str, Any] = field(default_factory=dict)

    def evidence_keys(self) -> set[str]:
        """What the evidence consists of, so a later run can tell new evidence from old:
        one key per (flag code, transaction) and per (watchlist entry, party, score)."""
        keys = {f"flag:{f.code}:{t}" for f in self.flags for t in f.transaction_ids}
        keys |= {
            f"match:{m.entry_id}:{m.role}:{m.party_name}:{m.score:.2f}"
            for m in self.watchlist_matches
        }
        return keys


@dataclass
class Case:
    """A case as stored: a draft plus identity, workflow state and history."""

    case_id: str
    case_key: str
    status: str
    priority: str
    risk_score: int
    subject: dict[str, Any]
    transaction_ids: list[str]
    flags: list[CaseFlag]
    watchlist_matches: list[WatchlistMatch]
    ml: dict[str, Any]
    recommended_actions: list[str]
    history: list[dict[str, Any]]
    versions: dict[str, Any]
    transactions: list[dict[str, Any]] = field(default_factory=list)
    parties: list[dict[str, Any]] = field(default_factory=list)
    assignee: str | None = None
    due_at: str | None = None
    trigger: str = "daily screening"
    follow_up_of: str | None = None
    opened_at: str | None = None
    updated_at: str | None = None
    # one item per evidence key: {"key", "added_at", "run_id", "new"}
    evidence: list[dict[str, Any]] = field(default_factory=list)
    # a four-eyes decision waiting for a second reviewer: {"outcome", "rationale", "by", "at"}
    pending_decision: dict[str, Any] | None = None
    not_evaluable: list[dict[str, Any]] = field(default_factory=list)  # see CaseDraft
    order_history: dict[str, Any] = field(default_factory=dict)  # see CaseDraft
    related: dict[str, Any] = field(default_factory=dict)  # see CaseDraft

    def to_json(self) -> dict[str, Any]:
        """Contract 4: the required keys first, then the extras."""
        return {
            "schema_version": SCHEMA_VERSION,
            "case_id": self.case_id,
            "case_key": self.case_key,
            "status": self.status,
            "priority": self.priority,
            "risk_score": int(self.risk_score),
            "subject": self.subject,
            "transaction_ids": list(self.transaction_ids),
            "flags": [_fields(f) for f in self.flags],
            "watchlist_matches": [_fields(m) for m in self.watchlist_matches],
            "ml": self.ml,
            "recommended_actions": list(self.recommended_actions),
            "history": list(self.history),
            "versions": self.versions,
            "assignee": self.assignee,
            "due_at": self.due_at,
            "trigger": self.trigger,
            "follow_up_of": self.follow_up_of,
            "opened_at": self.opened_at,
            "updated_at": self.updated_at,
            "pending_decision": self.pending_decision,
            "evidence": list(self.evidence),
            "transactions": self.transactions,
            "parties": self.parties,
            "not_evaluable": self.not_evaluable,
            "order_history": self.order_history,
            "related": self.related,
        }
