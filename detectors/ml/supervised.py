"""Supervised detector: learns from investigators' decisions (escalated or reported = 1,
cleared = 0) which transactions deserve a case.

Model. HistGradientBoostingClassifier (handles missing values natively) wrapped in
CalibratedClassifierCV (sigmoid on out-of-fold scores, one booster kept: `ensemble=False`,
so scoring costs one booster), so that its output reads as a probability. Validation is ordered in
time: the model is trained on the earlier labelled decisions and scored on the latest
`validation_share` of them (by order date); those figures (PR-AUC, ROC-AUC, Brier score,
precision at the top k) are the model's validation metrics. The model kept for use is then
refitted on all labels. With too few labels, or one class only, training refuses with
`NotEnoughLabels` and the pipeline runs on rules and anomaly alone.

Explanation. For each flagged transaction and each feature, the change in probability when
that feature alone is replaced by its training median: contribution_j = p(x) - p(x with
x_j := median_j). Positive contributions pushed the probability up. The top k by absolute
change are named with their values. It needs one extra prediction per feature for the
flagged rows only, and no permutation or sampling.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from threadpoolctl import threadpool_limits

from detectors.base import DetectionContext, DetectorResult
from detectors.ml.explanations import MLDetector
from detectors.ml.features import CARRY_OVER, FEATURE_NAMES
from flows.errors import ConfigError, InputError

CODE = "ML-SUPERVISED"
EXPLAIN_BLOCK_PAIRS = 50_000  # (transaction, feature) pairs predicted per block


class NotEnoughLabels(InputError):
    """Too few labelled decisions (or only one class) to train and validate a model."""


@dataclass
class TrainedModel:
    """A calibrated classifier with what its flags, explanations and registry entry need."""

    classifier: CalibratedClassifierCV
    feature_names: list[str]
    median: dict[str, float]  # training median per feature (the explanation baseline)
    metrics: dict[str, Any]  # time-ordered validation figures
    training: dict[str, Any] = field(default_factory=dict)
    kind: str = "supervised"
    threads: int | None = 1  # OpenMP threads for scoring (None: all cores)

    def probability(self, features: pd.DataFrame) -> npt.NDArray[np.float64]:
        if len(features) == 0:
            return np.zeros(0)
        with _threads(self.threads):
            p: npt.NDArray[np.float64] = self.classifier.predict_proba(
                features[self.feature_names].to_numpy(dtype=float)
            )[:, 1]
            return p

    def contributions(self, features: pd.DataFrame) -> npt.NDArray[np.float64]:
        """p(x) - p(x with one feature at its training median), rows x features; 0 where
        the value already is the median (only the other pairs are predicted)."""
        values: npt.NDArray[np.float64] = features[self.feature_names].to_numpy(dtype=float)
        baseline = np.array([self.median[n] for n in self.feature_names])
        out = np.zeros_like(values)
        rows, cols = np.nonzero(values != baseline)  # NaN counts as different
        with _threads(self.threads):
            p = self.classifier.predict_proba(values)[:, 1] if len(values) else np.zeros(0)
            for begin in range(0, len(rows), EXPLAIN_BLOCK_PAIRS):
                r, c = (
                    rows[begin : begin + EXPLAIN_BLOCK_PAIRS],
                    cols[begin : begin + EXPLAIN_BLOCK_PAIRS],
                )
                swapped = values[r].copy()
                swapped[np.arange(len(r)), c] = baseline[c]
                out[r, c] = p[r] - self.classifier.predict_proba(swapped)[:, 1]
        return out


def _threads(count: int | None) -> Any:
    """Cap the OpenMP threads of the booster: on a shared machine, spinning threads cost
    far more than they give."""
    return threadpool_limits(limits=count, user_api="openmp") if count else nullcontext()


def train_supervised(
    features: pd.DataFrame,
    labels: pd.Series,
    order_dates: pd.Series,
    min_labels: int = 60,
    settings: Mapping[str, Any] | None = None,
    decisions: int | None = None,
) -> TrainedModel:
    """Train on labelled transactions (`labels` 1/0 aligned with `features`); `settings` is
    the `supervised` section of configs/ml.yaml. `decisions` is the number of decisions the
    labels come from (a decided case labels all its order lines; default: one per line)."""
    settings = dict(settings or {})
    y = pd.to_numeric(pd.Series(labels).reset_index(drop=True), errors="coerce")
    _check_labels(y, int(min_labels), int(settings.get("min_per_class", 10)), decisions)
    names = model_features(settings)
    X = features[names].reset_index(drop=True)
    dates = pd.to_datetime(pd.Series(order_dates).reset_index(drop=True))
    order = np.argsort(dates.to_numpy(), kind="stable")
    X, y, dates = (
        X.iloc[order].reset_index(drop=True),
        y.iloc[order].reset_index(drop=True),
        dates.iloc[order].reset_index(drop=True),
    )
    cut = int(round(len(y) * (1 - float(settings.get("validation_share", 0.25)))))
    folds = int(settings.get("calibration_folds", 3))
    _check_split(y.iloc[:cut], y.iloc[cut:], folds)

    validation_model = _fit(X.iloc[:cut], y.iloc[:cut], settings)
    with _threads(settings.get("threads", 1)):
        p_valid = validation_model.predict_proba(X.iloc[cut:].to_numpy(dtype=float))[:, 1]
    metrics = validation_metrics(
        y.iloc[cut:].to_numpy(), p_valid, settings.get("top_k", [10, 50, 100])
    )
    metrics |= {
        "train_rows": cut,
        "validation_rows": int(len(y) - cut),
        "validation_from": dates.iloc[cut].date().isoformat(),
        "validation_to": dates.iloc[-1].date().isoformat(),
    }
    final = _fit(X, y, settings)
    return TrainedModel(
        classifier=final,
        feature_names=names,
        median={n: float(v) for n, v in X.median().fillna(0.0).items()},
        metrics=metrics,
        threads=settings.get("threads", 1),
        training={
            "rows": int(len(y)),
            "positives": int(y.sum()),
            "negatives": int(len(y) - y.sum()),
            "data_from": dates.iloc[0].date().isoformat(),
            "data_to": dates.iloc[-1].date().isoformat(),
        },
    )


def model_features(settings: Mapping[str, Any] | None) -> list[str]:
    """The features a supervised model learns from: `features: carry_over` (the default)
    leaves out absolute amounts (`features.ABSOLUTE`), `all` keeps every feature."""
    chosen = str((settings or {}).get("features", "carry_over"))
    if chosen not in ("carry_over", "all"):
        raise ConfigError(f"supervised features {chosen!r}: use carry_over or all")
    return list(CARRY_OVER if chosen == "carry_over" else FEATURE_NAMES)


def _check_labels(
    y: pd.Series, min_labels: int, min_per_class: int, decisions: int | None = None
) -> None:
    if y.isna().any() or not y.isin([0, 1]).all():
        raise NotEnoughLabels("labels must be 0 or 1 (cleared = 0, escalated or reported = 1)")
    positives, total = int(y.sum()), len(y)
    if total < min_labels:
        counted = (
            f"only {total} labelled decisions"
            if decisions is None or decisions == total
            else f"only {decisions} labelled decision(s), covering {total} order lines"
        )
        raise NotEnoughLabels(
            f"{counted}; at least {min_labels} are needed to train "
            "(the pipeline runs on rules and the anomaly model until then)"
        )
    if min(positives, total - positives) < min_per_class:
        raise NotEnoughLabels(
            f"{positives} positive and {total - positives} negative labels; at least "
            f"{min_per_class} of each class are needed to train"
        )


def _check_split(train: pd.Series, valid: pd.Series, folds: int) -> None:
    for name, part, need in (("training", train, folds), ("validation", valid, 1)):
        if min(int(part.sum()), int(len(part) - part.sum())) < need:
            raise NotEnoughLabels(
                f"the time-ordered {name} split holds {int(part.sum())} positive and "
                f"{int(len(part) - part.sum())} negative labels; label decisions over a longer "
                "period so that both classes occur before and after the split"
            )


def _fit(X: pd.DataFrame, y: pd.Series, settings: Mapping[str, Any]) -> CalibratedClassifierCV:
    booster = HistGradientBoostingClassifier(
        max_iter=int(settings.get("max_iter", 200)),
        learning_rate=float(settings.get("learning_rate", 0.1)),
        random_state=int(settings.get("random_state", 0)),
    )
    calibrated = CalibratedClassifierCV(
        booster,
        method=str(settings.get("calibration", "sigmoid")),
        cv=int(settings.get("calibration_folds", 3)),
        ensemble=False,  # calibrate on out-of-fold scores, keep one booster fitted on all
    )
    values = X.to_numpy(dtype=float)
    empty = np.isnan(values).all(axis=0)  # a column the input never carried: constant 0
    values[:, empty] = 0.0
    with _threads(settings.get("threads", 1)):
        return calibrated.fit(values, y.to_numpy(dtype=int))


def validation_metrics(y: np.ndarray, p: np.ndarray, top_k: list[int]) -> dict[str, Any]:
    """PR-AUC, ROC-AUC, Brier score, base rate and precision at the top k."""
    ranked = y[np.argsort(-p, kind="stable")]
    metrics: dict[str, Any] = {
        "pr_auc": round(float(average_precision_score(y, p)), 4),
        "roc_auc": round(float(roc_auc_score(y, p)), 4) if 0 < y.sum() < len(y) else None,
        "brier": round(float(brier_score_loss(y, p)), 4),
        "base_rate": round(float(y.mean()), 4),
    }
    for k in top_k:
        if k <= len(y):
            metrics[f"precision_at_{k}"] = round(float(ranked[:k].mean()), 4)
    return metrics


class SupervisedDetector(MLDetector):
    """Detector protocol: flags transactions the trained model scores at or above the
    threshold; the weight is probability x `weight_scale`."""

    code = CODE
    kind = "supervised"
    default_severity = "medium"

    def detect(self, transactions: pd.DataFrame, context: DetectionContext) -> DetectorResult:
        table = self.shared.table(transactions, context.history, context.policy, context.catalog)
        probability = self.model.probability(table)
        rows = np.flatnonzero(probability >= float(self.params.get("flag_threshold", 0.5)))
        return self.result(
            transactions,
            table,
            probability,
            rows,
            probability[rows] * float(self.params.get("weight_scale", 0.7)),
            "Resembles transactions investigators escalated (probability {score:.2f})",
        )
