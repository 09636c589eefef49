"""Drift: how far today's orders are from the data the models learned from.

Population stability index per feature. The reference is the anomaly model's training
table: per feature, the decile edges of its values and the share of rows in each bin (a
missing value is a bin of its own). Today's rows are counted into the same bins
(`bin_counts`: counts add up across partitions), and
    PSI = sum over bins of (today - reference) x ln(today / reference)
with shares floored at 1e-4. Common reading: below 0.1 stable, 0.1-0.25 moderate, above
0.25 a shift worth acting on (`drift.psi_threshold` in configs/ml.yaml).

Share of cases. The share of lines that reached a case today against the mean share of the
runs of the last weeks; beyond `drift.case_share_ratio` times (or below its inverse) the
run says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

FLOOR = 1e-4


def reference_profile(table: pd.DataFrame, bins: int = 10) -> dict[str, dict[str, list[float]]]:
    """Per feature: inner bin edges (distinct quantiles) and the share of rows per bin, the
    last bin holding the missing values."""
    profile = {}
    for name in table.columns:
        values = table[name].to_numpy(dtype=float)
        present = values[~np.isnan(values)]
        edges = (
            np.unique(np.quantile(present, np.linspace(0, 1, bins + 1)[1:-1]))
            if len(present)
            else np.zeros(0)
        )
        counts = _counts(values, edges)
        profile[str(name)] = {
            "edges": [float(e) for e in edges],
            "shares": [float(c) / max(1, len(values)) for c in counts],
        }
    return profile


def _counts(values: np.ndarray, edges: np.ndarray) -> npt.NDArray[np.float64]:
    missing = np.isnan(values)
    # a value equal to an edge falls in the bin above it, as in the reference
    at = np.searchsorted(edges, values[~missing], side="right")
    counts = np.bincount(at, minlength=len(edges) + 1).astype(float)
    with_missing: npt.NDArray[np.float64] = np.r_[counts, float(missing.sum())]
    return with_missing


def bin_counts(
    table: pd.DataFrame, profile: Mapping[str, Mapping[str, Any]]
) -> dict[str, list[float]]:
    """Today's rows counted into the reference bins, per feature the reference knows."""
    return {
        name: _counts(table[name].to_numpy(dtype=float), np.asarray(ref["edges"])).tolist()
        for name, ref in profile.items()
        if name in table.columns
    }


def add_counts(parts: Iterable[Mapping[str, Sequence[float]]]) -> dict[str, list[float]]:
    total: dict[str, np.ndarray] = {}
    for part in parts:
        for name, counts in part.items():
            total[name] = total.get(name, 0) + np.asarray(counts, dtype=float)
    return {k: v.tolist() for k, v in total.items()}


def psi(reference: Sequence[float], counts: Sequence[float]) -> float:
    expected = np.maximum(np.asarray(reference, dtype=float), FLOOR)
    observed = np.asarray(counts, dtype=float)
    observed = np.maximum(observed / max(1.0, observed.sum()), FLOOR)
    return float(np.sum((observed - expected) * np.log(observed / expected)))


def drift_report(
    profile: Mapping[str, Mapping[str, Any]],
    counts: Mapping[str, Sequence[float]],
    threshold: float = 0.25,
    case_share: float | None = None,
    recent_shares: Sequence[float] = (),
    case_share_ratio: float = 2.0,
) -> dict[str, Any]:
    """PSI per feature, the features beyond `threshold`, the case-share comparison, and
    whether the run should say it drifted."""
    by_feature = {
        name: round(psi(profile[name]["shares"], c), 4)
        for name, c in counts.items()
        if name in profile
    }
    shifted = sorted(
        (n for n, v in by_feature.items() if v > threshold), key=lambda n: -by_feature[n]
    )
    report: dict[str, Any] = {
        "psi_threshold": threshold,
        "psi": dict(sorted(by_feature.items(), key=lambda kv: -kv[1])),
        "features_shifted": shifted,
    }
    recent = [s for s in recent_shares if s is not None]
    cases_odd = False
    if case_share is not None and recent:
        usual = float(np.mean(recent))
        ratio = case_share / usual if usual > 0 else (np.inf if case_share > 0 else 1.0)
        cases_odd = bool(ratio > case_share_ratio or ratio < 1 / case_share_ratio)
        report["case_share"] = {
            "today": round(case_share, 5),
            "recent_mean": round(usual, 5),
            "recent_runs": len(recent),
            "ratio": round(float(ratio), 3) if np.isfinite(ratio) else None,
            "beyond": cases_odd,
        }
    report["drifted"] = bool(shifted) or cases_odd
    report["message"] = _message(report)
    return report


def _message(report: Mapping[str, Any]) -> str:
    parts = []
    shifted = report["features_shifted"]
    if shifted:
        named = ", ".join(f"{n} {report['psi'][n]:.2f}" for n in shifted[:5])
        parts.append(
            f"{len(shifted)} feature(s) drifted from the training data (PSI over "
            f"{report['psi_threshold']}): {named}"
        )
    share = report.get("case_share")
    if share and share["beyond"]:
        parts.append(
            f"{share['today']:.2%} of lines reached a case against {share['recent_mean']:.2%} "
            f"over the last {share['recent_runs']} run(s)"
        )
    return "; ".join(parts) if parts else "no drift beyond the thresholds"
