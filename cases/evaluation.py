"""Detection quality against labelled transactions: rules and lists alone, ML alone, combined.

Scores. For each detector family the flags of that family alone are turned into a
transaction risk (0-100) by `cases.grouping.score_transactions`, the same noisy-OR of the
strongest flag per code that the case queue uses:
    rules_and_lists   rule and watchlist flags: what a rules-only screening system sees
    ml                ML flags only (anomaly and supervised detectors)
    combined          every flag: the risk the daily run gives a transaction
A hard-stop flag (E1, a strong list hit) opens a case whatever the risk, and a case with
one scores at least `hard_stop_floor` (80, configs/pipeline.yaml); the ranking used here
applies the same floor, and "in a case" means risk >= threshold or a hard stop.

Figures (all computed from the scores and labels, nothing sampled):
    pr_auc            average precision (scikit-learn), the area under the PR curve
    precision_at_k    share of diversion among the k riskiest transactions; ties at the
                      k-th score are shared out pro rata (the expected precision under a
                      random order among equal scores), so the figure does not depend on
                      row order
    at_threshold      transactions that would enter a case: count, precision, recall
    cases             with a `case_id` column: a case is positive when any of its
                      transactions is; precision at the top k cases ranked by their highest
                      transaction risk
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, precision_recall_curve

from cases.grouping import score_transactions

FAMILY_SOURCES: dict[str, tuple[str, ...]] = {
    "rules_and_lists": ("rule", "watchlist"),
    "ml": ("ml",),
    "combined": ("rule", "watchlist", "ml"),
}
FAMILIES: tuple[str, ...] = tuple(FAMILY_SOURCES)
FAMILY_LABELS: dict[str, str] = {
    "rules_and_lists": "rules and watchlists alone",
    "ml": "ML alone",
    "combined": "combined (rules, watchlists and ML)",
}
HARD_STOP_FLOOR = 80


@dataclass(frozen=True)
class LearningPoint:
    """PR-AUC per family of a model trained on `labelled_decisions` labelled transactions."""

    labelled_decisions: int
    pr_auc: Mapping[str, float] = field(default_factory=dict)
    model_trained: bool = True  # False: too few labels, the model refused to train


def family_scores(flags: pd.DataFrame, transaction_ids: pd.Series) -> pd.DataFrame:
    """One row per transaction (in the order given): `transaction_id`, then per family its
    risk (0-100) and `<family>_hard_stop`."""
    frame = pd.DataFrame({"transaction_id": pd.Series(transaction_ids).to_numpy()})
    scores = frame.copy()
    flags = flags.assign(
        weight=pd.to_numeric(flags["weight"]).astype(float),
        hard_stop=flags["hard_stop"].astype(bool),
    )
    for family, sources in FAMILY_SOURCES.items():
        chosen = flags[flags["source"].isin(sources)]
        scored = score_transactions(frame, chosen)
        scores[family] = scored["risk_score"].to_numpy()
        scores[f"{family}_hard_stop"] = scored["hard_stop"].to_numpy()
    return scores


def ranking_score(
    scores: pd.DataFrame, family: str, hard_stop_floor: int = HARD_STOP_FLOOR
) -> np.ndarray:
    """The family's risk, raised to `hard_stop_floor` where a hard stop fired."""
    risk: np.ndarray = scores[family].to_numpy(dtype=float)
    hard = scores.get(f"{family}_hard_stop")
    if hard is None:
        return risk
    raised: np.ndarray = np.where(
        hard.to_numpy(dtype=bool), np.maximum(risk, hard_stop_floor), risk
    )
    return raised


def in_case(scores: pd.DataFrame, family: str, threshold: float) -> np.ndarray:
    """True where the family alone would put the transaction in a case."""
    cased: np.ndarray = scores[family].to_numpy(dtype=float) >= threshold
    hard = scores.get(f"{family}_hard_stop")
    return cased if hard is None else cased | hard.to_numpy(dtype=bool)


def precision_at_k(labels: np.ndarray, score: np.ndarray, k: int) -> float | None:
    """Share of positives among the k highest scores, ties at the cut shared pro rata;
    None when there are fewer than k items."""
    labels, score = np.asarray(labels, dtype=float), np.asarray(score, dtype=float)
    if k <= 0 or k > len(score):
        return None
    cut = np.sort(score)[::-1][k - 1]
    above, tied = score > cut, score == cut
    expected = labels[above].sum() + (k - above.sum()) * labels[tied].mean()
    return float(expected / k)


def _threshold_figures(labels: np.ndarray, cased: np.ndarray) -> dict[str, Any]:
    hits = int((labels[cased] == 1).sum())
    positives = int(labels.sum())
    return {
        "in_case": int(cased.sum()),
        "true_positives": hits,
        "false_positives": int(cased.sum()) - hits,
        "precision": hits / int(cased.sum()) if cased.any() else None,
        "recall": hits / positives if positives else None,
    }


def _case_figures(
    case_ids: pd.Series, labels: np.ndarray, score: np.ndarray, k_values: Iterable[int]
) -> dict[str, Any]:
    present = case_ids.fillna("").astype(str).to_numpy() != ""
    cases = (
        pd.DataFrame(
            {"case": case_ids.to_numpy()[present], "y": labels[present], "s": score[present]}
        )
        .groupby("case", sort=False)
        .agg(y=("y", "max"), s=("s", "max"))
    )
    return {
        "cases": len(cases),
        "positive": int(cases["y"].sum()),
        "precision_at_k": {
            str(k): precision_at_k(cases["y"].to_numpy(), cases["s"].to_numpy(), k)
            for k in k_values
        },
    }


def evaluate_scores(
    scores: pd.DataFrame,
    labels: pd.Series | np.ndarray,
    k_values: Sequence[int] = (50, 100, 500),
    threshold: float = 40,
    hard_stop_floor: int = HARD_STOP_FLOOR,
) -> dict[str, Any]:
    """Figures per family (see the module doc) for `labels` (1 diversion, 0 clean) aligned
    with the rows of `scores` (from `family_scores`, optionally with `case_id`)."""
    y = np.asarray(labels, dtype=int)
    if len(y) != len(scores):
        raise ValueError(f"{len(y)} labels for {len(scores)} scored transactions")
    result: dict[str, Any] = {
        "transactions": len(y),
        "positives": int(y.sum()),
        "base_rate": float(y.mean()) if len(y) else None,
        "threshold": threshold,
        "hard_stop_floor": hard_stop_floor,
        "k_values": list(k_values),
        "families": {},
    }
    for family in (f for f in FAMILIES if f in scores.columns):
        score = ranking_score(scores, family, hard_stop_floor)
        figures: dict[str, Any] = {
            "pr_auc": float(average_precision_score(y, score)) if 0 < y.sum() < len(y) else None,
            "precision_at_k": {str(k): precision_at_k(y, score, k) for k in k_values},
            "at_threshold": _threshold_figures(y, in_case(scores, family, threshold)),
        }
        if "case_id" in scores.columns:
            figures["cases"] = _case_figures(scores["case_id"], y, score, k_values)
        result["families"][family] = figures
    return result


def typology_recall(
    scores: pd.DataFrame, typology: pd.Series, threshold: float = 40
) -> pd.DataFrame:
    """Per typology (labelled rows with a non-empty typology): rows, and the share each
    family puts in a case."""
    name = typology.fillna("").astype(str).to_numpy()
    table = pd.DataFrame({"typology": name})
    for family in (f for f in FAMILIES if f in scores.columns):
        table[family] = in_case(scores, family, threshold)
    table = table[table["typology"] != ""]
    grouped = table.groupby("typology", sort=True)
    return grouped.size().to_frame("transactions").join(grouped.mean()).reset_index()


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(plt: Any, figure: Any, path: Path) -> Path:
    figure.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
    return path


def pr_curve_png(
    scores: pd.DataFrame,
    labels: pd.Series | np.ndarray,
    path: Path,
    hard_stop_floor: int = HARD_STOP_FLOOR,
    title: str = "Precision-recall by detector family",
) -> Path:
    """The precision-recall curve of each family (legend: its PR-AUC) and the base rate."""
    plt = _pyplot()
    y = np.asarray(labels, dtype=int)
    figure, axes = plt.subplots(figsize=(7, 5), dpi=110)
    for family in (f for f in FAMILIES if f in scores.columns):
        score = ranking_score(scores, family, hard_stop_floor)
        precision, recall, _ = precision_recall_curve(y, score)
        area = average_precision_score(y, score)
        axes.step(
            recall, precision, where="post", label=f"{FAMILY_LABELS[family]} (PR-AUC {area:.3f})"
        )
    axes.axhline(y.mean(), color="grey", linestyle=":", label=f"base rate {y.mean():.3f}")
    axes.set(xlabel="recall", ylabel="precision", xlim=(0, 1.0), ylim=(0, 1.02), title=title)
    axes.grid(alpha=0.3)
    axes.legend(loc="lower left", fontsize=8)
    return _save(plt, figure, path)


def learning_curve_png(
    points: Sequence[LearningPoint],
    path: Path,
    title: str = "PR-AUC against the number of labelled decisions",
) -> Path:
    """PR-AUC of each family (log x axis: labelled decisions the model was trained on)."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(7, 4.5), dpi=110)
    ordered = sorted(points, key=lambda p: p.labelled_decisions)
    families = [f for f in FAMILIES if any(f in p.pr_auc for p in ordered)]
    for family in families:
        shown = [p for p in ordered if p.pr_auc.get(family) is not None]
        axes.plot(
            [p.labelled_decisions for p in shown],
            [p.pr_auc[family] for p in shown],
            marker="o",
            linestyle="--" if family == "rules_and_lists" else "-",
            label=FAMILY_LABELS[family],
        )
    refused = [p for p in ordered if not p.model_trained and "ml" in p.pr_auc]
    if refused:
        axes.scatter(
            [p.labelled_decisions for p in refused],
            [p.pr_auc["ml"] for p in refused],
            s=90,
            facecolors="none",
            edgecolors="black",
            zorder=3,
            label="too few labels: no supervised model (anomaly only)",
        )
    axes.set_xscale("log")
    axes.set(xlabel="labelled decisions used for training", ylabel="PR-AUC", title=title)
    axes.set_ylim(0, 1.02)
    axes.grid(alpha=0.3, which="both")
    axes.legend(loc="lower right", fontsize=8)
    return _save(plt, figure, path)
