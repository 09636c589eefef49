"""How an ML score becomes a flag an investigator can read: the top contributing features
with direction and value ("unit price 2.5x list price, usually 1.0x"), and the flag rows in
the one flag schema; `MLDetector`, what the anomaly and supervised detectors share.

The contribution of each feature is computed by the model that flagged the transaction
(see `anomaly` and `supervised` for the method each uses); this module only ranks and words
them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from detectors.base import DetectorResult, empty_flags
from detectors.ml.features import FEATURES_BY_NAME, SharedFeatures
from detectors.schema import FLAG_COLUMNS


def describe(name: str, value: float, typical: float) -> str:
    """One feature in words, with the usual value beside it."""
    feature = FEATURES_BY_NAME[name]
    if np.isnan(value):
        return f"{feature.meaning}: not given"
    if feature.unit == "flag":
        return feature.says if value >= 0.5 else feature.says_off
    text = feature.says.format(v=value)
    if np.isnan(typical):
        return text
    return f"{text} (usually {_number(typical, feature.unit)})"


def _number(value: float, unit: str) -> str:
    if unit == "USD":
        return f"${value:,.0f}"
    if unit in ("ratio", "sd"):
        return f"{value:.1f}" + ("x" if unit == "ratio" else " sd")
    if unit == "H100-eq":
        return f"{value:,.1f} H100-eq"
    return f"{value:,.0f}"


def top_features(
    contributions: np.ndarray,
    values: pd.DataFrame,
    typical: Mapping[str, float],
    k: int,
) -> list[list[dict[str, Any]]]:
    """For each row, the k features with the largest absolute contribution (ties broken by
    feature order), each as {feature, value, typical, direction, contribution, text}."""
    names = list(values.columns)
    magnitude = np.nan_to_num(np.abs(contributions))
    ranked = np.argsort(-magnitude, axis=1, kind="stable")[:, :k]
    raw = values.to_numpy(dtype=float)
    result = []
    for row, columns in enumerate(ranked):
        picked = []
        for j in columns:
            if magnitude[row, j] <= 0:
                continue
            name, value = names[j], float(raw[row, j])
            usual = float(typical.get(name, np.nan))
            picked.append(
                {
                    "feature": name,
                    "value": None if np.isnan(value) else value,
                    "typical": None if np.isnan(usual) else usual,
                    "direction": _direction(value, usual, contributions[row, j]),
                    "contribution": round(float(contributions[row, j]), 4),
                    "text": describe(name, value, usual),
                }
            )
        result.append(picked)
    return result


def _direction(value: float, typical: float, contribution: float) -> str:
    if np.isnan(value) or np.isnan(typical) or value == typical:
        return "raises" if contribution > 0 else "lowers"
    return "above usual" if value > typical else "below usual"


def ml_flags(
    transactions: pd.DataFrame,
    rows: np.ndarray,
    scores: np.ndarray,
    weights: np.ndarray,
    explanations: list[list[dict[str, Any]]],
    spec: Mapping[str, Any],
    evidence_extra: Mapping[str, Any],
    reason_lead: str,
) -> pd.DataFrame:
    """Flag rows (one schema) for the transactions at positions `rows`; `spec` is the code's
    entry of `flags:` in configs/ml.yaml plus `code` and `severity`; `reason_lead` opens
    each reason sentence and may use {score}."""
    if len(rows) == 0:
        return empty_flags()
    evidence = [
        {**evidence_extra, "score": round(float(s), 4), "top_features": top}
        for s, top in zip(scores, explanations, strict=True)
    ]
    reasons = [
        reason_lead.format(score=float(s))
        + (": " + "; ".join(t["text"] for t in top) if top else "")
        + "."
        for s, top in zip(scores, explanations, strict=True)
    ]
    flags = pd.DataFrame(
        {
            "transaction_id": transactions["transaction_id"].to_numpy()[rows],
            "code": spec["code"],
            "source": "ml",
            "title": spec.get("title", spec["code"]),
            "severity": spec.get("severity", "low"),
            "weight": np.round(weights.astype(float), 4),
            "reason": reasons,
            "evidence": evidence,
            "citation": spec.get("citation", ""),
            "recommended_action": spec.get("recommended_action", ""),
            "hard_stop": False,
        }
    )
    return flags[list(FLAG_COLUMNS)]


class MLDetector:
    """Base of the ML detectors: the feature table shared within a run, and how the flagged
    rows become flags (top features as evidence) and run details. A subclass sets `code`,
    `kind` (also its section of configs/ml.yaml) and `default_severity`, and implements
    `detect`, calling `result` with its scores."""

    family = "ml"
    code = ""
    kind = ""
    default_severity = "low"
    threads = 1  # rows scored in this many threads at once (set per process by the flow)

    def __init__(
        self,
        model: Any,
        version: str,
        settings: Mapping[str, Any],
        shared: SharedFeatures | None = None,
    ) -> None:
        self.model = model
        self.version = version
        self.settings = settings  # the parsed configs/ml.yaml
        self.shared = shared or SharedFeatures(settings.get("features", {}))

    @property
    def params(self) -> Mapping[str, Any]:
        section: Mapping[str, Any] = self.settings.get(self.kind, {})
        return section

    def result(
        self,
        transactions: pd.DataFrame,
        table: pd.DataFrame,
        scores: np.ndarray,
        rows: np.ndarray,
        weights: np.ndarray,
        reason_lead: str,
        **extra: Any,
    ) -> DetectorResult:
        """Flags for the positions `rows` of `transactions` (`table` is their feature table);
        `extra` goes into each flag's evidence and the details."""
        flagged = table.iloc[rows]
        explained = top_features(
            self.model.contributions(flagged),
            flagged,
            self.model.median,
            int(self.params.get("top_features", 3)),
        )
        spec = {
            "code": self.code,
            "severity": self.params.get("severity", self.default_severity),
            **self.settings.get("flags", {}).get(self.code, {}),
        }
        evidence = {"model_version": self.version, "model_kind": self.kind}
        evidence |= {k: round(v, 4) for k, v in extra.items()}
        flags = ml_flags(
            transactions, rows, scores[rows], weights, explained, spec, evidence, reason_lead
        )
        details = {
            "model_version": self.version,
            "scores": pd.DataFrame(
                {"transaction_id": transactions["transaction_id"].to_numpy(), "score": scores}
            ),
            **extra,
            "flagged": int(len(rows)),
        }
        return DetectorResult(flags=flags, details=details)
