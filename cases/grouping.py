"""From one run's flags to transaction risk scores and case drafts.

Risk (0-100) of a transaction: every flag carries a weight w in 0..1 (watchlist hits
their match score scaled by the list's weight, rules their YAML weight, ML its calibrated
score); the flags of one transaction combine as a noisy-OR, 100 × (1 − Π(1 − w)), taking
the strongest flag per code. No single weak flag opens a case; independent flags add up;
and a strong list hit (weight near 1) keeps the score high whatever else says. A
transaction joins a case when its risk reaches `cases.open_threshold` or a hard-stop flag
fires (E1, a strong watchlist hit); the case is keyed by its subject, the customer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from cases.model import CaseDraft, CaseFlag, WatchlistMatch
from detectors.schema import PARTY_ROLES

TRANSACTION_FIELDS: tuple[str, ...] = (
    "transaction_id",
    "order_date",
    "item_sku",
    "item_description",
    "eccn",
    "quantity",
    "unit_price",
    "currency",
    "order_value_usd",
    "h100_equivalents",
    "ship_to_name",
    "ship_to_country",
    "end_user_name",
    "end_user_country",
    "end_use",
    "payer_name",
    "payer_country",
    "payment_method",
    "route",
    "license_number",
    "license_exception",
)
MAX_EVIDENCE_PER_FLAG = 25  # per-transaction evidence kept in a case flag; the count is always kept


def score_transactions(transactions: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """One row per transaction: transaction_id, risk_score (0-100), flags, hard_stop."""
    strongest = (
        flags.groupby(["transaction_id", "code"], sort=False)
        .agg(weight=("weight", "max"), hard_stop=("hard_stop", "any"))
        .reset_index()
    )
    strongest["log_keep"] = np.log1p(-strongest["weight"].clip(0.0, 0.999999))
    per_tx = strongest.groupby("transaction_id", sort=False).agg(
        log_keep=("log_keep", "sum"),
        hard_stop=("hard_stop", "any"),
        flags=("code", lambda codes: ";".join(sorted(codes))),
    )
    scored = pd.DataFrame({"transaction_id": transactions["transaction_id"]})
    scored = scored.merge(per_tx, left_on="transaction_id", right_index=True, how="left")
    risk = 100.0 * (1.0 - np.exp(scored["log_keep"].fillna(0.0)))
    scored["risk_score"] = np.rint(risk).astype(int)
    scored["flags"] = scored["flags"].fillna("")
    scored["hard_stop"] = scored["hard_stop"].fillna(False).astype(bool)
    return scored[["transaction_id", "risk_score", "flags", "hard_stop"]].reset_index(drop=True)


def _priority(risk: int, hard_stop: bool, thresholds: Mapping[str, Any]) -> str:
    if hard_stop or risk >= thresholds.get("high", 70):
        return "high"
    return "medium" if risk >= thresholds.get("medium", 50) else "low"


def _jsonable(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _case_flags(flags: pd.DataFrame) -> list[CaseFlag]:
    result = []
    ordered = flags.sort_values(["weight", "code"], ascending=[False, True], kind="stable")
    for (code, source), group in ordered.groupby(["code", "source"], sort=False):
        if source == "watchlist":
            continue  # watchlist hits are listed as matches, and summarised below
        tx_ids = list(dict.fromkeys(group["transaction_id"]))
        first = group.iloc[0]
        evidence = {
            "transactions": len(tx_ids),
            "by_transaction": {
                t: e
                for t, e in zip(
                    group["transaction_id"][:MAX_EVIDENCE_PER_FLAG],
                    group["evidence"][:MAX_EVIDENCE_PER_FLAG],
                    strict=False,
                )
            },
        }
        more = f" (and {len(tx_ids) - 1} more transaction(s))" if len(tx_ids) > 1 else ""
        result.append(
            CaseFlag(
                code=str(code),
                source=str(source),
                title=str(first["title"]),
                severity=str(first["severity"]),
                transaction_ids=tx_ids,
                evidence=evidence,
                citation=str(first["citation"]),
                weight=float(group["weight"].max()),
                reason=f"{first['reason']}{more}",
                recommended_action=str(first["recommended_action"] or ""),
            )
        )
    return result


def _watchlist_matches(flags: pd.DataFrame) -> tuple[list[WatchlistMatch], list[CaseFlag]]:
    hits = flags[flags["source"] == "watchlist"]
    matches: dict[tuple, WatchlistMatch] = {}
    for tx_id, evidence in zip(hits["transaction_id"], hits["evidence"], strict=True):
        key = (evidence.get("role"), evidence.get("party_name"), evidence.get("entry_id"))
        if key not in matches:
            matches[key] = WatchlistMatch(
                role=str(evidence.get("role", "")),
                party_name=str(evidence.get("party_name", "")),
                list=str(evidence.get("list", "")),
                entry_id=str(evidence.get("entry_id", "")),
                matched_name=str(evidence.get("matched_name", "")),
                score=float(evidence.get("score", 0.0)),
                explanation=str(evidence.get("explanation", "")),
                match_kind=str(evidence.get("match_kind", "name")),
                list_code=str(evidence.get("list_code", "")),
                entry=dict(evidence.get("entry") or {}),
            )
        matches[key].transaction_ids.append(str(tx_id))
    summary = []
    if len(hits):
        best = hits.sort_values("weight", ascending=False).iloc[0]
        summary.append(
            CaseFlag(
                code=str(best["code"]),
                source="watchlist",
                title=str(best["title"]),
                severity=str(best["severity"]),
                transaction_ids=list(dict.fromkeys(hits["transaction_id"])),
                evidence={"matches": len(matches), "best": best["evidence"]},
                citation=str(best["citation"]),
                weight=float(best["weight"]),
                reason=str(best["reason"]),
                recommended_action=str(best["recommended_action"] or ""),
            )
        )
    ranked = sorted(matches.values(), key=lambda m: -m.score)
    return ranked, summary


def _ml_block(flags: pd.DataFrame) -> dict[str, Any]:
    ml = flags[flags["source"] == "ml"]
    if ml.empty:
        return {}
    best = ml.sort_values("weight", ascending=False).iloc[0]
    evidence = best["evidence"] or {}
    return {
        "model_version": evidence.get("model_version", ""),
        "score": float(evidence.get("score", best["weight"])),
        "top_features": evidence.get("top_features", []),
        "detector": str(best["code"]),
        "transaction_id": str(best["transaction_id"]),
    }


def _parties(rows: pd.DataFrame) -> list[dict[str, Any]]:
    parties = []
    for role, columns in PARTY_ROLES.items():
        picked = [c for c in (columns["name"], columns["country"], columns["address"]) if c]
        distinct = rows[picked].dropna(subset=[columns["name"]]).drop_duplicates()
        for record in distinct.to_dict("records"):
            parties.append(
                {
                    "role": role,
                    "name": record[columns["name"]],
                    "country": _jsonable(record.get(columns["country"])),
                    "address": _jsonable(record.get(columns["address"]))
                    if columns["address"]
                    else None,
                }
            )
    return parties


def build_drafts(
    transactions: pd.DataFrame,
    flags: pd.DataFrame,
    scored: pd.DataFrame,
    case_settings: Mapping[str, Any],
) -> list[CaseDraft]:
    """One draft per subject (customer) with at least one transaction worth a case."""
    threshold = case_settings.get("open_threshold", 40)
    cased = scored[(scored["risk_score"] >= threshold) | scored["hard_stop"]]
    if cased.empty:
        return []
    rows = transactions.merge(cased, on="transaction_id", how="inner")
    flags = flags[flags["transaction_id"].isin(cased["transaction_id"])]
    flags_by_customer = flags.merge(
        rows[["transaction_id", "customer_id"]], on="transaction_id", how="inner"
    ).groupby("customer_id", sort=False)
    drafts = []
    for customer_id, group in rows.groupby("customer_id", sort=True):
        case_flags_frame = flags_by_customer.get_group(customer_id)
        matches, watchlist_summary = _watchlist_matches(case_flags_frame)
        case_flags = watchlist_summary + _case_flags(case_flags_frame)
        hard = bool(group["hard_stop"].any())
        risk = int(group["risk_score"].max())
        if hard:
            risk = max(risk, int(case_settings.get("hard_stop_floor", 80)))
        actions = list(
            dict.fromkeys(f.recommended_action for f in case_flags if f.recommended_action)
        )
        first = group.iloc[0]
        drafts.append(
            CaseDraft(
                case_key=f"customer:{customer_id}",
                subject={
                    "role": "customer",
                    "name": first["customer_name"],
                    "country": first["customer_country"],
                    "customer_id": customer_id,
                    "customer_type": _jsonable(first["customer_type"]),
                    "address": _jsonable(first["customer_address"]),
                },
                transaction_ids=sorted(group["transaction_id"]),
                flags=case_flags,
                watchlist_matches=matches,
                risk_score=risk,
                priority=_priority(risk, hard, case_settings.get("priority", {})),
                recommended_actions=actions,
                ml=_ml_block(case_flags_frame),
                transactions=[
                    {k: _jsonable(v) for k, v in r.items()}
                    for r in group[list(TRANSACTION_FIELDS) + ["risk_score", "flags"]].to_dict(
                        "records"
                    )
                ],
                parties=_parties(group),
            )
        )
    return drafts
