"""Flags in the one flag schema, built by hand for the evaluation tests."""

from __future__ import annotations

import pandas as pd

from detectors.schema import FLAG_COLUMNS


def flag(transaction_id: str, code: str, source: str, weight: float, hard_stop: bool = False):
    return {
        "transaction_id": transaction_id,
        "code": code,
        "source": source,
        "title": f"{code} title",
        "severity": "high" if hard_stop else "medium",
        "weight": weight,
        "reason": f"{code} fired on {transaction_id}",
        "evidence": {"value": weight},
        "citation": "15 CFR Part 732 Supp. 3",
        "recommended_action": "Ask for an end-use statement.",
        "hard_stop": hard_stop,
    }


def flag_frame(records: list[dict]) -> pd.DataFrame:
    return pd.DataFrame.from_records(records, columns=list(FLAG_COLUMNS))


def mixed_flags() -> pd.DataFrame:
    """Six transactions: rule, watchlist and ML flags, a repeated code, a hard stop."""
    return flag_frame(
        [
            flag("T-1", "L2", "rule", 0.30),
            flag("T-1", "F1", "rule", 0.25),
            flag("T-1", "ML-SUPERVISED", "ml", 0.60),
            flag("T-2", "E1", "rule", 0.90, hard_stop=True),
            flag("T-3", "P1", "watchlist", 0.95, hard_stop=True),
            flag("T-3", "P1", "watchlist", 0.70),  # a weaker hit on another party
            flag("T-4", "ML-ANOMALY", "ml", 0.20),
            flag("T-4", "ML-SUPERVISED", "ml", 0.35),
            flag("T-5", "L2", "rule", 0.30),
        ]
    )
