"""The learned combination: the risk that opens a case, from a calibrated model over the red
flags and the point-in-time features, trained on investigators' decisions.

Terms of one transaction (its design row):
    prior            logit of the fixed noisy-OR risk of its flags (`cases.grouping`): the
                     configured weights are the starting point the model corrects
    flag:<CODE>      the strongest weight of each flag code seen in training (rule weights,
                     list-match scores x list weight, anomaly and supervised scores); 0 when
                     the code did not fire
    feature:<NAME>   point-in-time features that carry over to other populations
                     (`CARRY_OVER`): ratios, levels, flags and counts, no identifiers and
                     no absolute amounts (a population's prices and order sizes do not
                     transfer), nor those in `leave_out` (configs/ml.yaml: the ratio to
                     the list price follows a population's price level); signed log,
                     missing values at the training median
Model: logistic regression with the prior as an offset, log-odds = prior + b . z + c over
the standardised terms z, with an L2 penalty on b: with no labels it is the noisy-OR (up to
the intercept), and the labels move it only as far as they agree. The loss assumes a share
of wrong decisions (`wrong_labels`, forward correction): a label the model contradicts
confidently costs a bounded amount, so a few wrong decisions cannot pull it far.

Known directions (`monotone`): a red flag, a list-match score, the anomaly and supervised
scores can only raise the risk, so each flag coefficient is kept at or above 0, and the
slope on the prior (1 + its coefficient / its scale) at or above 0; the fit is an L-BFGS-B
with these bounds. A term that correlates negatively with the labels in one population
(a flag that fires mostly on clean lines there) then drops out instead of lowering the
risk of every line it fires on elsewhere. Feature terms have no known direction and stay
free.

Capping (`cap_quantiles`): each feature term is clipped to the training lines' 1st-99th
percentiles (after the signed log), when fitting and when scoring, so that a population
whose values lie outside what the model saw (other prices, larger orders) cannot push a
risk beyond what the model learned from.

Case threshold: the risk is shifted in log-odds (`Combination.shift`, `case_shift`) so
that risk `open_threshold` falls where, on the training lines scored out of fold, clean
lines are in a case no more often than under the active configuration.

Flag patterns no decision covered (`unseen_patterns_keep_rules`): the set of rule and list
codes a line raises is its pattern; a line whose pattern (not empty) occurs on no labelled
line the combination was fitted on keeps at least the fixed noisy-OR risk, since the labels
say nothing about it (a typology the decisions have not met yet, such as a new kind of
order from a long-standing customer, is caught by the rules as before).

Risk = round(100 x sigmoid(log-odds + shift)), or the noisy-OR risk when higher for a line
whose pattern is unseen. Hard stops (E1, a strong list hit) still
open a case and keep their floor: `cases.grouping.in_case` and the drafts apply them to
whatever risk.

Explanation: in log-odds the model is a sum, so term j contributes coef_j x (z_j - mean
z_j); its share of the risk is the change in probability when that term alone is at its
training mean, in risk points. Every case names the terms that raised and lowered it.

With fewer labels than `min_labels` (or too few of a class) training refuses with
`NotEnoughLabels` and the fixed noisy-OR stays the risk.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.optimize import minimize

from detectors.ml.features import ABSOLUTE, CARRY_OVER
from detectors.ml.supervised import NotEnoughLabels, _check_labels

PRIOR = "prior"
LOGIT_CLIP = 6.0  # noisy-OR risk 0 and 100 as log-odds of -6 and +6


def noisy_or(flags: pd.DataFrame, transaction_ids: pd.Series) -> npt.NDArray[np.float64]:
    """The fixed combination, 1 - prod(1 - w) over the strongest weight per code, 0..1."""
    ids = pd.Series(transaction_ids).astype("str").to_numpy()
    if flags.empty:
        return np.zeros(len(ids))
    strongest = flags.assign(transaction_id=flags["transaction_id"].astype("str"))
    strongest = strongest.groupby(["transaction_id", "code"], sort=False)["weight"].max()
    keep = np.log1p(-strongest.astype(float).clip(0.0, 0.999999)).groupby(level=0).sum()
    kept: npt.NDArray[np.float64] = pd.Series(ids).map(keep).fillna(0.0).to_numpy()
    return 1.0 - np.exp(kept)


def patterns(flags: pd.DataFrame, transaction_ids: pd.Series) -> npt.NDArray[np.object_]:
    """Per line, its flag pattern: the sorted rule and list codes it raises, joined by
    commas ("" for none). The ML detectors' codes are left out: whether a model flags a
    line depends on the model, not on the kind of order."""
    ids = pd.Series(transaction_ids).astype("str")
    if flags.empty:
        return np.full(len(ids), "", dtype=object)
    pairs = flags[["transaction_id", "code"]].astype("str")
    pairs = pairs[~pairs["code"].str.startswith("ML-")]
    codes, names = pd.factorize(pairs["code"], sort=True)
    if len(names) > 62:  # more codes than bits: join the strings per line
        joined = (
            pairs.drop_duplicates()
            .sort_values(["transaction_id", "code"], kind="stable")
            .groupby("transaction_id", sort=False)["code"]
            .agg(",".join)
        )
        per_line: npt.NDArray[np.object_] = ids.map(joined).fillna("").to_numpy(dtype=object)
        return per_line
    # one bit per code, OR-ed per line; each distinct set of bits named once
    line, unique_ids = pd.factorize(ids)
    row = pd.Index(unique_ids).get_indexer(pairs["transaction_id"])
    known = row >= 0
    mask = np.zeros(len(unique_ids), dtype=np.int64)
    np.bitwise_or.at(mask, row[known], np.left_shift(np.int64(1), codes[known].astype(np.int64)))
    distinct, which = np.unique(mask[line], return_inverse=True)
    spelled = [",".join(n for i, n in enumerate(names) if (int(v) >> i) & 1) for v in distinct]
    return np.asarray(spelled, dtype=object)[which]


def flag_weights(
    flags: pd.DataFrame, transaction_ids: pd.Series, codes: list[str]
) -> npt.NDArray[np.float64]:
    """Rows x codes: the strongest weight of each code per transaction, 0 when absent."""
    ids = pd.Series(transaction_ids).astype("str")
    out = np.zeros((len(ids), len(codes)))
    if flags.empty or not codes:
        return out
    wide = (
        flags.assign(transaction_id=flags["transaction_id"].astype("str"))
        .pivot_table(index="transaction_id", columns="code", values="weight", aggfunc="max")
        .reindex(columns=codes)
    )
    aligned = wide.reindex(ids.to_numpy()).fillna(0.0)
    weights: npt.NDArray[np.float64] = aligned.to_numpy(dtype=float)
    return weights


@dataclass
class Combination:
    """A fitted combination: its terms, their scaling and coefficients, and figures."""

    codes: list[str]
    features: list[str]
    fill: np.ndarray  # training median of each feature term (after the signed log)
    mean: np.ndarray  # per term, for standardising and as the explanation baseline
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    metrics: dict[str, Any] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)
    kind: str = "combination"
    # added to the log-odds so that the case threshold (risk `open_threshold`) falls where
    # the training lines put it (`case_shift`); 0.0: the calibrated probability
    shift: float = 0.0
    # per feature term, the training range it is clipped to (`cap_quantiles`); None: no cap
    low: np.ndarray | None = None
    high: np.ndarray | None = None
    # flag patterns of the training lines (`patterns`); None: no floor for unseen ones
    seen: frozenset[str] | None = None

    @property
    def terms(self) -> list[str]:
        return [PRIOR, *(f"flag:{c}" for c in self.codes), *(f"feature:{f}" for f in self.features)]

    def design(
        self, flags: pd.DataFrame, transaction_ids: pd.Series, table: pd.DataFrame | None
    ) -> np.ndarray:
        design = _design(flags, transaction_ids, table, self.codes, self.features, self.fill)
        # models stored before capping carry no range
        return _cap(design, 1 + len(self.codes), getattr(self, "low", None),
                    getattr(self, "high", None))  # fmt: skip

    def log_odds(self, design: np.ndarray) -> npt.NDArray[np.float64]:
        z: npt.NDArray[np.float64] = (
            design[:, 0]
            + ((design - self.mean) / self.scale) @ self.coef
            + self.intercept
            + self.shift
        )
        return z

    def probability(
        self, flags: pd.DataFrame, transaction_ids: pd.Series, table: pd.DataFrame | None
    ) -> np.ndarray:
        learned = _sigmoid(self.log_odds(self.design(flags, transaction_ids, table)))
        return self.with_floor(learned, flags, transaction_ids)

    def unseen(self, flags: pd.DataFrame, transaction_ids: pd.Series) -> npt.NDArray[np.bool_]:
        """Per line: its flag pattern is not empty and occurs on no training line."""
        seen = getattr(self, "seen", None)  # models stored before the floor have none
        if seen is None:
            return np.zeros(len(transaction_ids), dtype=bool)
        keys = pd.Series(patterns(flags, transaction_ids))
        novel: npt.NDArray[np.bool_] = ((keys != "") & ~keys.isin(list(seen))).to_numpy(dtype=bool)
        return novel

    def with_floor(
        self, learned: np.ndarray, flags: pd.DataFrame, transaction_ids: pd.Series
    ) -> np.ndarray:
        """`learned` probabilities, raised to the noisy-OR on lines with an unseen pattern."""
        novel = self.unseen(flags, transaction_ids)
        if not novel.any():
            return learned
        return np.where(novel, np.maximum(learned, noisy_or(flags, transaction_ids)), learned)

    def contributions(self, design: np.ndarray) -> npt.NDArray[np.float64]:
        """Rows x terms, in risk points: 100 x (p - p with the term at its training mean)."""
        z = self.log_odds(design)
        each: npt.NDArray[np.float64] = (design - self.mean) / self.scale * self.coef
        each[:, 0] += design[:, 0] - self.mean[0]  # the prior is also the offset
        return 100.0 * (_sigmoid(z)[:, None] - _sigmoid(z[:, None] - each))

    def importance(self) -> dict[str, float]:
        """Share of each term in the summed |coefficient| (terms are standardised; the
        prior counts with its offset)."""
        size = np.abs(self.coef)
        size[0] = abs(self.coef[0] + self.scale[0])
        total = float(size.sum()) or 1.0
        return {t: round(float(s / total), 4) for t, s in zip(self.terms, size, strict=True)}


def _sigmoid(z: np.ndarray) -> npt.NDArray[np.float64]:
    clipped: npt.NDArray[np.float64] = np.clip(z, -40, 40)
    return 1.0 / (1.0 + np.exp(-clipped))


def _signed_log(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.sign(values) * np.log1p(np.abs(values))


def _cap(
    design: np.ndarray, start: int, low: np.ndarray | None, high: np.ndarray | None
) -> np.ndarray:
    """`design` with its feature block (columns from `start`) clipped to [low, high]."""
    if low is None or high is None or design.shape[1] <= start:
        return design
    design = design.copy()
    design[:, start:] = np.clip(design[:, start:], low, high)
    return design


# per coefficient, then the intercept: (low, high), None for no bound (scipy's L-BFGS-B)
Bounds: TypeAlias = list[tuple[float | None, float | None]]


def term_bounds(codes: list[str], features: list[str], scale: np.ndarray) -> Bounds:
    """L-BFGS-B bounds of the standardised coefficients and the intercept under known
    directions: the slope on the prior (1 + b_prior / scale_prior) and every flag's
    coefficient at or above 0; features and the intercept free."""
    return [
        (-float(scale[0]), None),
        *((0.0, None) for _ in codes),
        *((None, None) for _ in features),
        (None, None),
    ]


def _design(
    flags: pd.DataFrame,
    transaction_ids: pd.Series,
    table: pd.DataFrame | None,
    codes: list[str],
    features: list[str],
    fill: np.ndarray | None,
) -> np.ndarray:
    risk = noisy_or(flags, transaction_ids).clip(1e-3, 1 - 1e-3)
    prior = np.clip(np.log(risk / (1 - risk)), -LOGIT_CLIP, LOGIT_CLIP)[:, None]
    parts = [prior, flag_weights(flags, transaction_ids, codes)]
    if features:
        if table is None:
            raise ValueError("the combination needs the feature table of the transactions")
        values = _signed_log(table[features].to_numpy(dtype=float))
        if fill is not None:
            values = np.where(np.isnan(values), fill, values)
        parts.append(values)
    return np.hstack(parts)


def fit_combination(
    flags: pd.DataFrame,
    transaction_ids: pd.Series,
    labels: np.ndarray,
    table: pd.DataFrame | None = None,
    settings: Mapping[str, Any] | None = None,
) -> Combination:
    """Fit on labelled transactions: their flags, their feature table (rows aligned with
    `transaction_ids`; None for flags only) and labels 1/0. `settings` is the
    `combination` section of configs/ml.yaml."""
    settings = dict(settings or {})
    y = pd.Series(np.asarray(labels)).astype(float)
    _check_labels(y, int(settings.get("min_labels", 60)), int(settings.get("min_per_class", 10)))
    ids = pd.Series(transaction_ids).astype("str")
    mine = flags[flags["transaction_id"].astype("str").isin(set(ids))]
    codes = sorted(mine["code"].astype("str").unique().tolist())
    features = [
        f
        for f in settings.get("features", CARRY_OVER)
        if table is not None and f not in settings.get("leave_out", ())
    ]
    raw = _design(mine, ids, table, codes, features, None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a feature missing on every line
        fill = np.nanmedian(raw[:, 1 + len(codes) :], axis=0) if features else np.zeros(0)
    fill = np.where(np.isnan(fill), 0.0, fill)
    design = raw.copy()
    low = high = None
    if features:
        block = design[:, 1 + len(codes) :]
        design[:, 1 + len(codes) :] = np.where(np.isnan(block), fill, block)
        quantiles = settings.get("cap_quantiles")
        if quantiles:
            low, high = np.quantile(design[:, 1 + len(codes) :], list(quantiles), axis=0)
            design = _cap(design, 1 + len(codes), low, high)
    mean, scale = design.mean(axis=0), design.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    # wrong decisions: a share `wrong_labels` of the diversion lines called clean, and as
    # many clean lines called diversion
    share, positive = float(settings.get("wrong_labels", 0.0)), float(y.mean())
    wrong = (share * positive / max(1.0 - positive, 1e-9), share)
    bounds = term_bounds(codes, features, scale) if settings.get("monotone") else None
    coef, intercept = _fit_offset_logistic(
        (design - mean) / scale, design[:, 0], y.to_numpy(dtype=float),
        float(settings.get("C", 0.01)), int(settings.get("max_iter", 1000)), wrong, bounds,
    )  # fmt: skip
    fitted = Combination(
        codes=codes,
        features=features,
        fill=fill,
        mean=mean,
        scale=scale,
        coef=coef,
        intercept=intercept,
        low=low,
        high=high,
        seen=frozenset(patterns(mine, ids)) if settings.get("unseen_patterns_keep_rules") else None,
        training={"rows": len(y), "positives": int(y.sum()), "negatives": int(len(y) - y.sum())},
    )
    importance = fitted.importance()
    top = max((t for t in importance if t != PRIOR), key=importance.__getitem__, default=None)
    fitted.metrics = {
        "importance": importance,
        "largest_term": top,
        "largest_term_share": importance.get(top, 0.0) if top else 0.0,
        "max_term_share": float(settings.get("max_term_share", 0.5)),
    }
    return fitted


def _fit_offset_logistic(
    z: np.ndarray,
    offset: np.ndarray,
    y: np.ndarray,
    C: float,
    max_iter: int,
    wrong: tuple[float, float] = (0.0, 0.0),
    bounds: Bounds | None = None,
) -> tuple[np.ndarray, float]:
    """argmin over (b, c) of  C x sum log-loss(y, q) + |b|^2 / 2, as scikit-learn's
    LogisticRegression scales its penalty, where p = sigmoid(offset + z b + c) is the
    probability of diversion and q = r0 + (1 - r0 - r1) p the probability of a diversion
    label when investigators call a clean line diversion at rate r0 and a diversion line
    clean at rate r1 (`wrong`; the "forward" correction for noisy labels): a label the
    model contradicts confidently costs at most -log(r), so a few wrong decisions cannot
    pull the model far, and p stays the probability of diversion itself. `bounds`: per
    coefficient and the intercept last, (low, high) with None for no bound
    (`term_bounds`)."""
    r0, r1 = wrong
    keep = 1.0 - r0 - r1

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        b, c = params[:-1], params[-1]
        eta = offset + z @ b + c
        p = _sigmoid(eta)
        if r0 == 0.0 and r1 == 0.0:
            # log(1 + e^eta) - y eta, computed stably
            nll = np.sum(np.logaddexp(0.0, eta) - y * eta)
            residual = p - y
        else:
            q = np.clip(r0 + keep * p, 1e-12, 1 - 1e-12)
            nll = -np.sum(y * np.log(q) + (1 - y) * np.log1p(-q))
            residual = keep * p * (1 - p) * ((1 - y) / (1 - q) - y / q)
        grad = np.r_[C * (z.T @ residual) + b, C * residual.sum()]
        return float(C * nll + 0.5 * b @ b), grad

    start = np.zeros(z.shape[1] + 1)
    found = minimize(
        loss, start, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": max_iter}
    )
    return found.x[:-1].copy(), float(found.x[-1])


def case_shift(
    log_odds: np.ndarray,
    y: np.ndarray,
    hard: np.ndarray,
    reference_cased: np.ndarray,
    threshold: float,
) -> tuple[float, dict[str, float]]:
    """The shift of the log-odds that puts the case threshold (risk `threshold`) where, on
    labelled lines scored out of fold (`log_odds`), the combination keeps clean lines in a
    case no more often than the active configuration does (`reference_cased`: its lines in
    a case), and catches as many diversion lines as it does when it can afford to.

    Lines with a hard stop are in a case whatever the risk. With t_clean the lowest cut that
    keeps the share of clean lines in a case at or under the reference's, and t_recall the
    highest that keeps the share of diversion lines in a case at or over it: a model that
    ranks better has t_recall above t_clean, and the cut is t_recall (as many diversion
    lines in a case as before, the fewest clean lines, and room under the reference's share
    of clean lines for a population that differs); otherwise the cut is t_clean (clean
    lines first)."""
    z = np.asarray(log_odds, dtype=float)
    y = np.asarray(y, dtype=int)
    hard = np.asarray(hard, dtype=bool)
    reference_cased = np.asarray(reference_cased, dtype=bool)
    clean, bad = y == 0, y == 1
    allowed_clean = int(reference_cased[clean].sum()) - int(hard[clean].sum())
    wanted_bad = int(reference_cased[bad].sum()) - int(hard[bad].sum())
    free_clean = np.sort(z[clean & ~hard])[::-1]
    free_bad = np.sort(z[bad & ~hard])[::-1]

    def between(values: np.ndarray, k: int) -> float:
        """A cut with exactly the top `k` of `values` at or above it."""
        if k <= 0:
            return float(values[0]) + 1e-6 if len(values) else np.inf
        if k >= len(values):
            return float(values[-1]) - 1e-6 if len(values) else -np.inf
        return float(values[k - 1] + values[k]) / 2

    t_clean = between(free_clean, allowed_clean)
    t_recall = between(free_bad, wanted_bad)
    cut = t_recall if t_recall > t_clean else t_clean
    if not np.isfinite(cut):
        cut = t_clean if np.isfinite(t_clean) else t_recall if np.isfinite(t_recall) else 0.0
    p = (threshold - 0.5) / 100  # rounds to `threshold` (cases open at risk >= threshold)
    shift = float(np.log(p / (1 - p)) - cut)
    cased = (z >= cut) | hard
    return shift, {
        "cut_log_odds": round(float(cut), 4),
        "clean_in_case": round(float(cased[clean].mean()), 4) if clean.any() else 0.0,
        "reference_clean_in_case": round(float(reference_cased[clean].mean()), 4)
        if clean.any()
        else 0.0,
        "recall": round(float(cased[bad].mean()), 4) if bad.any() else 0.0,
        "reference_recall": round(float(reference_cased[bad].mean()), 4) if bad.any() else 0.0,
    }


def explain(
    combination: Combination, design_row: np.ndarray, top: int = 5
) -> list[dict[str, str | float]]:
    """The terms that moved one transaction's risk most, in risk points (signed)."""
    points = combination.contributions(design_row[None, :])[0]
    row_values = design_row
    order = np.argsort(-np.abs(points), kind="stable")[:top]
    return [
        {
            "term": combination.terms[j],
            "value": round(float(row_values[j]), 4),
            "risk_points": round(float(points[j]), 1),
        }
        for j in order
        if abs(points[j]) >= 0.05
    ]


__all__ = [
    "ABSOLUTE",
    "CARRY_OVER",
    "Combination",
    "NotEnoughLabels",
    "case_shift",
    "explain",
    "fit_combination",
    "flag_weights",
    "noisy_or",
    "patterns",
    "term_bounds",
]
