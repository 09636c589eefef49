"""What a stored case holds besides its workflow state, and how new evidence merges in.

The content is one JSON document per case (flags, watchlist matches, ML score, the order
lines and parties); the store keeps it beside the indexed workflow columns.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from cases.model import PRIORITIES, Case, CaseDraft, CaseFlag, WatchlistMatch

OPEN_STATUSES: tuple[str, ...] = ("open", "in_review", "escalated")
DECIDED_STATUSES: tuple[str, ...] = ("cleared", "reported")


def iso(moment: datetime | None) -> str | None:
    """UTC timestamps as the case files show them."""
    return None if moment is None else moment.isoformat(timespec="seconds") + "Z"


def higher_priority(a: str, b: str) -> str:
    return a if PRIORITIES.index(a) <= PRIORITIES.index(b) else b


def draft_content(draft: CaseDraft) -> dict[str, Any]:
    return {
        "transaction_ids": list(dict.fromkeys(draft.transaction_ids)),
        "flags": [dict(vars(f)) for f in draft.flags],  # flat dataclasses: no deep copy needed
        "watchlist_matches": [dict(vars(m)) for m in draft.watchlist_matches],
        "ml": dict(draft.ml),
        "recommended_actions": list(dict.fromkeys(draft.recommended_actions)),
        "transactions": list(draft.transactions),
        "parties": list(draft.parties),
        "versions": dict(draft.versions),
        "trigger": draft.trigger,
        "not_evaluable": list(draft.not_evaluable),
        "order_history": dict(draft.order_history),
        "related": dict(draft.related),
    }


def _union(old: list[Any], new: list[Any]) -> list[Any]:
    return list(dict.fromkeys([*old, *new]))


def _merge_by(
    old: list[dict[str, Any]], new: list[dict[str, Any]], key: Callable[[dict[str, Any]], Any]
) -> list[dict[str, Any]]:
    merged = {key(item): item for item in old}
    for item in new:
        merged.setdefault(key(item), item)
    return list(merged.values())


def _merge_flags(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged = {(f["code"], f["source"]): dict(f) for f in old}
    for flag in new:
        known = merged.get((flag["code"], flag["source"]))
        if known is None:
            merged[(flag["code"], flag["source"])] = dict(flag)
            continue
        known["transaction_ids"] = _union(known["transaction_ids"], flag["transaction_ids"])
        known["weight"] = max(float(known.get("weight", 0.0)), float(flag.get("weight", 0.0)))
        known["evidence"] = _merge_evidence(
            known.get("evidence") or {}, flag.get("evidence"), len(known["transaction_ids"])
        )
    return list(merged.values())


def _merge_evidence(old: dict[str, Any], new: Any, transactions: int) -> dict[str, Any]:
    """A flag's per-transaction evidence after a later run added transactions to it, so
    every transaction the flag lists keeps the values that made it fire."""
    old_by, new_by = old.get("by_transaction"), (new or {}).get("by_transaction")
    if not isinstance(old_by, dict) or not isinstance(new_by, dict):
        return old
    by_transaction = dict(old_by)
    for transaction_id, evidence in new_by.items():
        by_transaction.setdefault(transaction_id, evidence)
    return {**old, "transactions": transactions, "by_transaction": by_transaction}


def _match_key(match: dict[str, Any]) -> tuple[Any, ...]:
    return (match["entry_id"], match["role"], match["party_name"], round(float(match["score"]), 2))


def merge_content(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The content of an open case after a later run's draft attached to it."""
    old_ml, new_ml = old.get("ml") or {}, new.get("ml") or {}
    better_ml = new_ml if new_ml.get("score", -1) >= old_ml.get("score", -1) else old_ml
    if "risk_explanation" in new_ml:  # the latest risk is explained by the latest run
        better_ml = {**better_ml, "risk_explanation": new_ml["risk_explanation"]}
    return {
        "transaction_ids": _union(old["transaction_ids"], new["transaction_ids"]),
        "flags": _merge_flags(old["flags"], new["flags"]),
        "watchlist_matches": _merge_by(
            old["watchlist_matches"], new["watchlist_matches"], _match_key
        ),
        "ml": better_ml,
        "recommended_actions": _union(old["recommended_actions"], new["recommended_actions"]),
        "transactions": _merge_by(
            old["transactions"], new["transactions"], lambda t: t.get("transaction_id")
        ),
        "parties": _merge_by(
            old["parties"], new["parties"], lambda p: (p.get("role"), p.get("name"))
        ),
        "versions": {**old.get("versions", {}), **new.get("versions", {})},
        "trigger": old.get("trigger", new.get("trigger", "")),
        # a rule that could not run on some of the case's orders stays a warning
        "not_evaluable": _merge_by(
            old.get("not_evaluable") or [], new.get("not_evaluable") or [], lambda n: n["code"]
        ),
        # the later run saw the longer history
        "order_history": new.get("order_history") or old.get("order_history") or {},
        # the later run saw the network as it is now
        "related": new.get("related") or old.get("related") or {},
    }


# one encoder for every call: json.dumps with options builds a new one each time
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str)


def match_rows(case_id: str, content: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The `case_matches` rows of a case's watchlist matches, in the content's order, each
    field the text the match gives it (`str`; a missing role, party or matched name "",
    a missing list "list"): what the network reads of past cases' hits."""
    return [
        {
            "case_id": case_id, "position": position, "role": str(match.get("role", "")),
            "party_name": str(match.get("party_name", "")),
            "list_name": str(match.get("list", "list")),
            "matched_name": str(match.get("matched_name", "")),
        }
        for position, match in enumerate(content.get("watchlist_matches") or [])
    ]  # fmt: skip


def dumps(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)`."""
    return _COMPACT.encode(value)


def build_case(row: Any, history: list[dict[str, Any]], evidence: list[dict[str, Any]]) -> Case:
    """A `Case` from a `cases` row, its events and its evidence items."""
    return case_from_parts(row, json.loads(row.content_json), history, evidence)


def case_from_parts(
    row: Any,
    content: dict[str, Any],
    history: list[dict[str, Any]],
    evidence: list[dict[str, Any]],
) -> Case:
    """A `Case` from the workflow columns of a `cases` row (an object with those attributes)
    and its content, events and evidence items as the store reads them back."""
    return Case(
        case_id=row.case_id,
        case_key=row.case_key,
        status=row.status,
        priority=row.priority,
        risk_score=int(row.risk_score),
        subject=json.loads(row.subject_json),
        transaction_ids=content["transaction_ids"],
        flags=[CaseFlag(**f) for f in content["flags"]],
        watchlist_matches=[WatchlistMatch(**m) for m in content["watchlist_matches"]],
        ml=content.get("ml") or {},
        recommended_actions=content["recommended_actions"],
        history=history,
        versions=content.get("versions") or {},
        transactions=content.get("transactions") or [],
        parties=content.get("parties") or [],
        assignee=row.assignee,
        due_at=iso(row.due_at),
        trigger=content.get("trigger", ""),
        follow_up_of=row.follow_up_of,
        opened_at=iso(row.opened_at),
        updated_at=iso(row.updated_at),
        evidence=evidence,
        pending_decision=json.loads(row.pending_json) if row.pending_json else None,
        not_evaluable=content.get("not_evaluable") or [],
        order_history=content.get("order_history") or {},
        related=content.get("related") or {},
    )


def evidence_record(
    key: str, added_at: datetime, run_id: str | None, is_new: bool
) -> dict[str, Any]:
    """One evidence item of a case as `Case.evidence` holds it."""
    return {"key": key, "added_at": iso(added_at), "run_id": run_id, "new": bool(is_new)}


@lru_cache(maxsize=256)
def _versions(text: str) -> dict[str, Any]:
    """Every event of a run carries the same versions: parse each distinct text once."""
    versions: dict[str, Any] = json.loads(text)
    return versions


def event_record(row: Any) -> dict[str, Any]:
    """One history entry of Contract 4 (docs/ARCHITECTURE.md) from an `events` row."""
    record: dict[str, Any] = {
        "at": iso(row.at),
        "event": row.event,
        "by": row.by,
        "run_id": row.run_id,
    }
    if row.from_status or row.to_status:
        record["from"] = row.from_status
        record["to"] = row.to_status
    if row.rationale:
        record["rationale"] = row.rationale
    if row.versions_json:
        record["versions"] = dict(_versions(row.versions_json))
    if row.details_json:
        record["details"] = json.loads(row.details_json)
    return record
