"""The case risk of a partition's orders from the active learned combination, and its
explanation in each case file (`ml.risk_explanation`).

Without an active combination the fixed noisy-OR of `cases.grouping.score_transactions`
stays the risk. Hard stops are untouched: they still open a case and keep the floor.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from cases.grouping import score_transactions
from detectors.base import DetectionContext
from detectors.ml.combination import explain
from detectors.ml.features import build_features


def learned_scores(
    setup: Any, orders: pd.DataFrame, flags: pd.DataFrame, context: DetectionContext
) -> tuple[pd.DataFrame, dict[str, Any] | None]:
    """`score_transactions`' frame, its risk from the combination when one is active; and
    what the explanations need (None without a combination)."""
    scored = score_transactions(orders, flags)
    combination = getattr(setup, "combination", None)
    if combination is None or orders.empty:
        return scored, None
    table = _feature_table(setup, orders, context) if combination.features else None
    design = combination.design(flags, orders["transaction_id"], table)
    learned = 1.0 / (1.0 + np.exp(-np.clip(combination.log_odds(design), -40, 40)))
    # a flag pattern no decision covered keeps at least the noisy-OR risk
    probability = combination.with_floor(learned, flags, orders["transaction_id"])
    scored["risk_score"] = np.rint(100 * probability).astype(int)
    version = setup.versions.get("models", {}).get("combination", "")
    floored = probability > learned
    return scored, {
        "combination": combination, "design": design, "version": version, "floored": floored,
    }  # fmt: skip


def _feature_table(setup: Any, orders: pd.DataFrame, context: DetectionContext) -> pd.DataFrame:
    """The ML detectors' feature table of these orders (built once per partition), or a new
    one when no ML detector ran."""
    for detector in setup.detectors.values():
        shared = getattr(detector, "shared", None)
        if shared is not None:
            return shared.table(orders, context.history, context.policy, context.catalog)
    from detectors.ml.settings import load_ml_settings

    defaults = load_ml_settings(context.settings).get("features", {})
    return build_features(orders, context.history, context.policy, context.catalog, defaults)


def explain_drafts(
    drafts: Iterable[Any],
    scored: pd.DataFrame,
    learned: dict[str, Any] | None,
    top: int = 5,
) -> None:
    """Add to each draft's `ml` block the terms that made the risk of its riskiest line."""
    if learned is None:
        return
    row_of = pd.Series(np.arange(len(scored)), index=scored["transaction_id"].astype("str"))
    risk = scored["risk_score"].to_numpy()
    combination, design = learned["combination"], learned["design"]
    for draft in drafts:
        rows = row_of.reindex([str(t) for t in draft.transaction_ids]).dropna().astype(int)
        if rows.empty:
            continue
        row = int(rows.iloc[int(np.argmax(risk[rows.to_numpy()]))])
        draft.ml = dict(draft.ml or {}) | {
            "risk_explanation": {
                "method": "learned combination (logistic regression over flags and features)",
                "model_version": learned["version"],
                "transaction_id": str(scored["transaction_id"].iloc[row]),
                "risk_score": int(risk[row]),
                "terms": explain(combination, design[row], top),
            }
        }
        if learned.get("floored") is not None and learned["floored"][row]:
            draft.ml["risk_explanation"]["floor"] = (
                "the fixed noisy-OR of the flags: this combination of red flags is on no "
                "decided order the model learned from"
            )
