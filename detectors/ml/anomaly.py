"""Unsupervised anomaly detector: works from day one, with no labels.

Model. A scikit-learn Pipeline — signed log transform (heavy-tailed values such as order
value become comparable), median imputation, robust scaling, IsolationForest — fitted on
the workspace's transaction history (a random sample of at most `max_training_rows`). The
anomaly score is `-score_samples`, in (0, 1): about 0.5 is ordinary, higher is stranger.
A transaction is flagged when its score reaches the `flag_quantile` of the training scores;
the flag weight grows linearly from `weight_min` at that threshold to `weight_max` at the
highest training score (kept below 0.4, so that an anomaly alone never opens a case).

Explanation. For each flagged transaction, each feature's deviation from its training
median in robust-z units on the model's own (signed log) scale:
    z_j = (t(x_j) - median_j) / spread_j,  spread_j = IQR_j / 1.349 (else std_j, else 1),
a missing value counting as the median (as the imputer treats it), and a feature that never
varied in training counting 0 (the forest cannot split on it). IsolationForest isolates
a point fast when some of its values sit far out in the tails of the training data, which
is what a large |z| measures; it costs one pass over the flagged rows. The evidence names
the top features by |z| with their values and the usual (median) value.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.ensemble import IsolationForest
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, RobustScaler

from detectors.base import DetectionContext, DetectorResult
from detectors.ml.drift import reference_profile
from detectors.ml.explanations import MLDetector
from detectors.ml.features import FEATURE_NAMES

CODE = "ML-ANOMALY"


def signed_log(values: np.ndarray) -> npt.NDArray[np.float32]:
    """sign(x) * log(1 + |x|): monotone, tames heavy tails, keeps 0 at 0. In float32, the
    precision the forest's trees split in anyway (and much faster on missing values)."""
    single = np.asarray(values, dtype=np.float32)
    return np.sign(single) * np.log(np.abs(single) + np.float32(1))


def make_anomaly_pipeline(
    n_estimators: int = 100, max_samples: int = 512, random_state: int = 0
) -> Pipeline:
    return Pipeline(
        [
            ("log", FunctionTransformer(signed_log, feature_names_out="one-to-one")),
            ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("scale", RobustScaler()),
            (
                "forest",
                IsolationForest(
                    n_estimators=n_estimators,
                    max_samples=max_samples,
                    random_state=random_state,
                    n_jobs=1,
                ),
            ),
        ]
    )


@dataclass
class AnomalyModel:
    """A fitted anomaly pipeline with what its flags and explanations need."""

    pipeline: Pipeline
    feature_names: list[str]
    threshold: float  # anomaly score at the flag quantile of the training scores
    score_max: float  # highest training score
    median: dict[str, float]  # training median per feature, natural units
    centre: np.ndarray  # per-feature median on the signed-log scale
    spread: np.ndarray  # per-feature robust spread on the signed-log scale
    training: dict[str, Any] = field(default_factory=dict)
    kind: str = "anomaly"

    def score(self, features: pd.DataFrame) -> npt.NDArray[np.float64]:
        normality: npt.NDArray[np.float64] = self.pipeline.score_samples(
            features[self.feature_names]
        )
        return -normality

    def contributions(self, features: pd.DataFrame) -> npt.NDArray[np.float64]:
        """Robust z of every feature (rows x features); 0 where the value is missing."""
        z = (
            signed_log(features[self.feature_names].to_numpy(dtype=float)) - self.centre
        ) / self.spread
        z_or_zero: npt.NDArray[np.float64] = np.nan_to_num(z.astype(float), nan=0.0)
        return z_or_zero


def fit_anomaly(
    features: pd.DataFrame, settings: Mapping[str, Any], order_dates: pd.Series | None = None
) -> AnomalyModel:
    """Fit on a feature table (e.g. of the workspace history); `settings` is the `anomaly`
    section of configs/ml.yaml."""
    if len(features) < 10:
        raise ValueError(
            f"anomaly model needs at least 10 transactions to fit, got {len(features)}"
        )
    names = list(FEATURE_NAMES)
    limit = int(settings.get("max_training_rows", 20_000))
    sample = features[names]
    if len(sample) > limit:
        sample = sample.sample(n=limit, random_state=int(settings.get("random_state", 0)))
    pipeline = make_anomaly_pipeline(
        n_estimators=int(settings.get("n_estimators", 100)),
        max_samples=min(int(settings.get("max_samples", 512)), len(sample)),
        random_state=int(settings.get("random_state", 0)),
    )
    pipeline.fit(sample)
    scores = -pipeline.score_samples(sample)
    centre, spread = _robust_scale(signed_log(sample.to_numpy(dtype=float)))
    training = {
        "rows": int(len(features)),
        "fitted_rows": int(len(sample)),
        "reference": reference_profile(sample),  # what drift is measured against
    }
    if order_dates is not None and len(order_dates):
        training |= {"data_from": _iso(order_dates.min()), "data_to": _iso(order_dates.max())}
    return AnomalyModel(
        pipeline=pipeline,
        feature_names=names,
        threshold=float(np.quantile(scores, float(settings.get("flag_quantile", 0.995)))),
        score_max=float(scores.max()),
        median={n: float(v) for n, v in sample.median().items()},
        centre=centre,
        spread=spread,
        training=training,
    )


def _robust_scale(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median and spread per column; a column that never varied in training gets an
    infinite spread (z = 0), since the forest could not split on it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-missing columns
        centre = np.nan_to_num(np.nanmedian(values, axis=0))
        q75, q25 = np.nanpercentile(values, [75, 25], axis=0)
        std = np.nan_to_num(np.nanstd(values, axis=0))
    spread = np.nan_to_num((q75 - q25) / 1.349)
    spread = np.where(spread > 1e-9, spread, np.where(std > 1e-9, std, np.inf))
    return centre, spread


def _iso(value: Any) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()


PART_MIN_ROWS = 50_000  # below this, one thread scores faster than several


def score_in_parts(
    score: Callable[[pd.DataFrame], np.ndarray], table: pd.DataFrame, threads: int
) -> np.ndarray:
    """`score(table)`, the rows split into `threads` parts scored at once (the forest's
    tree walks release the GIL). A row's score does not depend on its part."""
    if not len(table):
        return np.zeros(0)
    if threads <= 1 or len(table) < PART_MIN_ROWS:
        return score(table)
    bounds = np.linspace(0, len(table), threads + 1).astype(int)
    parts = [table.iloc[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    with ThreadPoolExecutor(threads) as pool:
        return np.concatenate(list(pool.map(score, parts)))


class AnomalyDetector(MLDetector):
    """Detector protocol: flags transactions whose anomaly score passes the threshold."""

    code = CODE
    kind = "anomaly"
    default_severity = "low"

    def detect(self, transactions: pd.DataFrame, context: DetectionContext) -> DetectorResult:
        table = self.shared.table(transactions, context.history, context.policy, context.catalog)
        scores = score_in_parts(self.model.score, table, self.threads)
        threshold = self.model.threshold
        rows = np.flatnonzero(scores >= threshold)
        low = float(self.params.get("weight_min", 0.1))
        high = float(self.params.get("weight_max", 0.35))
        span = max(self.model.score_max - threshold, 1e-9)
        weights = low + (high - low) * np.clip((scores[rows] - threshold) / span, 0, 1)
        return self.result(
            transactions,
            table,
            scores,
            rows,
            weights,
            f"Unusual against the order history (anomaly score {{score:.2f}}, threshold {threshold:.2f})",
            threshold=threshold,
        )
