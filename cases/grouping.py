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
from flows.runtime.bulk import collector_paused

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


def score_transactions(transactions: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """One row per transaction: transaction_id, risk_score (0-100), flags, hard_stop."""
    strongest = (
        flags.groupby(["transaction_id", "code"], sort=False)
        .agg(weight=("weight", "max"), hard_stop=("hard_stop", "any"))
        .reset_index()
    )
    strongest["log_keep"] = np.log1p(-strongest["weight"].clip(0.0, 0.999999))
    codes = sorted(strongest["code"].unique().tolist())
    if len(codes) < 63:  # each code one bit: the codes of a transaction are one integer
        strongest["code_bits"] = (
            strongest["code"].map({code: 1 << i for i, code in enumerate(codes)}).astype("int64")
        )
        per_tx = strongest.groupby("transaction_id", sort=False).agg(
            log_keep=("log_keep", "sum"),
            hard_stop=("hard_stop", "any"),
            code_bits=("code_bits", "sum"),
        )
        per_tx["flags"] = per_tx["code_bits"].map(_code_lists(per_tx["code_bits"], codes))
    else:
        per_tx = strongest.groupby("transaction_id", sort=False).agg(
            log_keep=("log_keep", "sum"),
            hard_stop=("hard_stop", "any"),
            flags=("code", lambda group: ";".join(sorted(group))),
        )
    scored = pd.DataFrame({"transaction_id": transactions["transaction_id"]})
    scored = scored.merge(
        per_tx[["log_keep", "hard_stop", "flags"]],
        left_on="transaction_id",
        right_index=True,
        how="left",
    )
    risk = 100.0 * (1.0 - np.exp(scored["log_keep"].fillna(0.0)))
    scored["risk_score"] = np.rint(risk).astype(int)
    # with no flag at all the merged columns come back all-missing floats
    scored["flags"] = scored["flags"].astype("str").fillna("")
    scored["hard_stop"] = scored["hard_stop"].astype("boolean").fillna(False).astype(bool)
    return scored[["transaction_id", "risk_score", "flags", "hard_stop"]].reset_index(drop=True)


def _code_lists(code_bits: pd.Series, codes: list[str]) -> dict[int, str]:
    """`;`-joined sorted codes for each distinct set of code bits."""
    return {
        int(bits): ";".join(code for i, code in enumerate(codes) if int(bits) >> i & 1)
        for bits in code_bits.unique()
    }


def in_case(scored: pd.DataFrame, case_settings: Mapping[str, Any]) -> pd.Series:
    """Transactions worth a case: risk at the open threshold, or a hard-stop flag."""
    return (scored["risk_score"] >= case_settings.get("open_threshold", 40)) | scored["hard_stop"]


def attach_case_ids(
    scored: pd.DataFrame,
    transactions: pd.DataFrame,
    case_of_key: Mapping[str, str],
    case_settings: Mapping[str, Any],
) -> pd.DataFrame:
    """`scored` with `case_id`: the customer's case for a transaction in a case, else empty."""
    key = "customer:" + transactions["customer_id"].astype(str)
    case_id = key.map(case_of_key).where(in_case(scored, case_settings), "").fillna("")
    return scored.assign(case_id=case_id.to_numpy())


def case_priority(risk: int, hard_stop: bool, thresholds: Mapping[str, Any]) -> str:
    """high, medium or low from a case's risk (a hard stop is always high)."""
    return _priority(risk, hard_stop, thresholds)


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


def _case_flags(flags: list[dict[str, Any]]) -> list[CaseFlag]:
    """One CaseFlag per red-flag code, strongest first, with per-transaction evidence."""
    by_code: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for flag in sorted(flags, key=lambda f: (-f["weight"], f["code"])):
        if flag["source"] != "watchlist":  # watchlist hits are listed as matches instead
            by_code.setdefault((flag["code"], flag["source"]), []).append(flag)
    result = []
    for (code, source), group in by_code.items():
        tx_ids = list(dict.fromkeys(f["transaction_id"] for f in group))
        first = group[0]
        result.append(
            CaseFlag(
                code=str(code),
                source=str(source),
                title=str(first["title"]),
                severity=str(first["severity"]),
                transaction_ids=tx_ids,
                evidence={
                    "transactions": len(tx_ids),
                    "by_transaction": {f["transaction_id"]: f["evidence"] for f in group},
                },
                citation=str(first["citation"]),
                weight=float(first["weight"]),
                reason=str(
                    first["reason"]
                ),  # strongest transaction; the values of all are in evidence
                recommended_action=str(first["recommended_action"] or ""),
            )
        )
    return result


def _watchlist_matches(flags: list[dict[str, Any]]) -> tuple[list[WatchlistMatch], list[CaseFlag]]:
    hits = [f for f in flags if f["source"] == "watchlist"]
    matches: dict[tuple[Any, ...], WatchlistMatch] = {}
    for hit in hits:
        evidence = hit["evidence"]
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
        matches[key].transaction_ids.append(str(hit["transaction_id"]))
    summary = []
    if hits:
        best = max(hits, key=lambda f: f["weight"])
        summary.append(
            CaseFlag(
                code=str(best["code"]),
                source="watchlist",
                title=str(best["title"]),
                severity=str(best["severity"]),
                transaction_ids=list(dict.fromkeys(f["transaction_id"] for f in hits)),
                evidence={"matches": len(matches), "best": best["evidence"]},
                citation=str(best["citation"]),
                weight=float(best["weight"]),
                reason=str(best["reason"]),
                recommended_action=str(best["recommended_action"] or ""),
            )
        )
    ranked = sorted(matches.values(), key=lambda m: -m.score)
    return ranked, summary


def _ml_block(flags: list[dict[str, Any]]) -> dict[str, Any]:
    ml = [f for f in flags if f["source"] == "ml"]
    if not ml:
        return {}
    best = max(ml, key=lambda f: f["weight"])
    evidence = best["evidence"] or {}
    return {
        "model_version": evidence.get("model_version", ""),
        "score": float(evidence.get("score", best["weight"])),
        "top_features": evidence.get("top_features", []),
        "detector": str(best["code"]),
        "transaction_id": str(best["transaction_id"]),
    }


def _parties(columns: Mapping[str, list[Any]], rows: range) -> list[dict[str, Any]]:
    """Every distinct party of a customer's order lines, role by role (`rows` index the
    customer's lines in the column lists)."""
    parties: dict[tuple[Any, ...], dict[str, Any]] = {}
    for role, fields in PARTY_ROLES.items():
        names, countries = columns[str(fields["name"])], columns[str(fields["country"])]
        addresses = columns[fields["address"]] if fields["address"] else None
        for i in rows:
            name = names[i]
            if name is None:
                continue
            address = addresses[i] if addresses is not None else None
            parties.setdefault(
                (role, name, countries[i], address),
                {"role": role, "name": name, "country": countries[i], "address": address},
            )
    return list(parties.values())


def _column_values(values: pd.Series) -> list[Any]:
    """A column as JSON-friendly Python values (None for missing, ISO dates), in one pass."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return [_jsonable(v) for v in values]
    plain = values.astype(object).where(values.notna(), None)
    return [v.item() if isinstance(v, np.generic) else v for v in plain.tolist()]


def _flag_records(flags: pd.DataFrame) -> list[dict[str, Any]]:
    """`flags.to_dict("records")`, built column by column (several times faster)."""
    columns = list(flags.columns)
    values = []
    for column in columns:
        items = flags[column].tolist()
        if flags[column].dtype == object:
            items = [v.item() if isinstance(v, np.generic) else v for v in items]
        values.append(items)
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _customer_ranges(customer_ids: list[Any]) -> list[tuple[Any, range]]:
    """(customer_id, rows) for each run of equal ids in a list sorted by customer."""
    ranges, start = [], 0
    for i in range(1, len(customer_ids) + 1):
        if i == len(customer_ids) or customer_ids[i] != customer_ids[start]:
            ranges.append((customer_ids[start], range(start, i)))
            start = i
    return ranges


PARTY_COLUMNS: list[str] = sorted(
    {c for cols in PARTY_ROLES.values() for c in cols.values() if c is not None}
)
SUBJECT_COLUMNS: list[str] = [
    "customer_id",
    "customer_name",
    "customer_country",
    "customer_type",
    "customer_address",
]


def build_drafts(
    transactions: pd.DataFrame,
    flags: pd.DataFrame,
    scored: pd.DataFrame,
    case_settings: Mapping[str, Any],
) -> list[CaseDraft]:
    """One draft per subject (customer) with at least one transaction worth a case.

    The frames are turned into plain Python column lists once, sorted by customer, and
    each customer's lines are a range of rows: a run with tens of thousands of cases must
    not pay pandas' per-group overhead, nor a dict per row per column, for each one.
    """
    with collector_paused():
        return _drafts(transactions, flags, scored, case_settings)


def _drafts(
    transactions: pd.DataFrame,
    flags: pd.DataFrame,
    scored: pd.DataFrame,
    case_settings: Mapping[str, Any],
) -> list[CaseDraft]:
    cased = scored[in_case(scored, case_settings)]
    if cased.empty:
        return []
    rows = transactions.merge(cased, on="transaction_id", how="inner").sort_values(
        ["customer_id", "transaction_id"], kind="stable"
    )
    columns = list(
        dict.fromkeys(
            [
                *TRANSACTION_FIELDS,
                "risk_score",
                "flags",
                "hard_stop",
                *SUBJECT_COLUMNS,
                *PARTY_COLUMNS,
            ]
        )
    )
    values = {c: _column_values(rows[c]) for c in columns}
    line_keys = (*TRANSACTION_FIELDS, "risk_score", "flags")
    line_values = zip(*(values[k] for k in line_keys), strict=True)
    lines = [dict(zip(line_keys, row, strict=True)) for row in line_values]
    customer_of = dict(zip(values["transaction_id"], values["customer_id"], strict=True))
    cased_flags = flags[flags["transaction_id"].isin(cased["transaction_id"])]
    flags_by_customer: dict[str, list[dict[str, Any]]] = {}
    for flag in _flag_records(cased_flags):
        flags_by_customer.setdefault(customer_of[flag["transaction_id"]], []).append(flag)

    drafts = []
    risks, hard_stops = values["risk_score"], values["hard_stop"]
    for customer_id, group in _customer_ranges(values["customer_id"]):
        customer_flags = flags_by_customer.get(customer_id, [])
        matches, watchlist_summary = _watchlist_matches(customer_flags)
        case_flags = watchlist_summary + _case_flags(customer_flags)
        hard = any(hard_stops[i] for i in group)
        risk = max(int(risks[i]) for i in group)
        if hard:
            risk = max(risk, int(case_settings.get("hard_stop_floor", 80)))
        actions = list(
            dict.fromkeys(f.recommended_action for f in case_flags if f.recommended_action)
        )
        first = group.start
        drafts.append(
            CaseDraft(
                case_key=f"customer:{customer_id}",
                subject={
                    "role": "customer",
                    "name": values["customer_name"][first],
                    "country": values["customer_country"][first],
                    "customer_id": customer_id,
                    "customer_type": values["customer_type"][first],
                    "address": values["customer_address"][first],
                },
                transaction_ids=values["transaction_id"][group.start : group.stop],
                flags=case_flags,
                watchlist_matches=matches,
                risk_score=risk,
                priority=_priority(risk, hard, case_settings.get("priority", {})),
                recommended_actions=actions,
                ml=_ml_block(customer_flags),
                transactions=lines[group.start : group.stop],
                parties=_parties(values, group),
            )
        )
    return drafts
