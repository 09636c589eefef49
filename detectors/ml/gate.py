"""The gate a newly trained model passes before it goes live.

Hold-out. The labelled decisions are split in time and by customer: the hold-out is the
latest `holdout_share` of the lines (by order date) of half the customers (chosen by a hash
of their id); the model under test is trained on the earlier lines of the other half. No
customer sits on both sides, and the hold-out comes after everything trained on, as the
next weeks' orders will. `holdout_sides` gives both halves in turn, so that a gate can
score the latest lines of every customer (each half by models trained on the other).

Verdict. On the hold-out, the risk the daily run would give with the candidate is compared
with the risk it gives with the active configuration. The candidate passes when its PR-AUC
is higher by more than `min_gain`, higher in at least `min_confidence` of paired bootstrap
resamples of the hold-out (a small hold-out does not let chance decide), and its precision
at the case threshold (risk at `open_threshold` or a hard stop) is not lower. A hold-out
with one class only cannot tell, and the candidate stays inactive.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score


def holdout_split(
    order_dates: pd.Series,
    customers: pd.Series,
    share: float = 0.25,
    customer_share: float = 0.5,
    side: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """(training, hold-out) masks of the lines: the hold-out is the latest `share` of the
    lines (by order date) of a fixed `customer_share` of the customers (by a hash of the id);
    training is the earlier lines of the other customers. Hold-out customers' earlier lines
    and the other customers' later lines are left out of both. `side` 1 swaps the two
    groups of customers."""
    dates = pd.to_datetime(pd.Series(order_dates).reset_index(drop=True))
    ids = pd.Series(customers).astype("str").to_numpy(dtype=object)
    later = np.zeros(len(dates), dtype=bool)
    if len(dates):
        order = np.argsort(dates.to_numpy(), kind="stable")
        cut = dates.iloc[order[min(len(order) - 1, int(len(order) * (1 - share)))]]
        later = (dates >= cut).to_numpy()
        if later.all():  # one date only: split by customer alone
            later = np.ones(len(dates), dtype=bool)
    chosen = (pd.util.hash_array(ids) % 1000) < customer_share * 1000
    if side:
        chosen = ~chosen
    if later.all():
        return ~chosen, chosen
    return ~later & ~chosen, later & chosen


def holdout_sides(
    order_dates: pd.Series, customers: pd.Series, share: float = 0.25
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Both halves of the customers in turn as the hold-out (`holdout_split` with
    `side` 0 and 1): together the hold-outs cover the latest lines of every customer, each
    scored by a model trained on the earlier lines of the other half only, so the hold-out
    is twice as large and still shares no customer with the lines its scores come from."""
    return [holdout_split(order_dates, customers, share, 0.5, side) for side in (0, 1)]


@dataclass(frozen=True)
class HoldoutFigures:
    pr_auc: float | None
    precision_at_threshold: float  # 0.0 when nothing reaches a case
    recall_at_threshold: float | None
    in_case: int
    rows: int
    positives: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def holdout_figures(
    y: np.ndarray,
    risk: np.ndarray,
    cased: np.ndarray,
    hard: np.ndarray | None = None,
    hard_stop_floor: float = 80,
) -> HoldoutFigures:
    """PR-AUC of `risk` against `y` (a hard stop ranks at least at its floor, as its case
    does), and precision/recall of the lines in a case."""
    y = np.asarray(y, dtype=int)
    cased = np.asarray(cased, dtype=bool)
    risk = np.asarray(risk, dtype=float)
    if hard is not None:
        risk = np.where(np.asarray(hard, dtype=bool), np.maximum(risk, hard_stop_floor), risk)
    both = 0 < y.sum() < len(y)
    return HoldoutFigures(
        pr_auc=round(float(average_precision_score(y, risk)), 4) if both else None,
        precision_at_threshold=round(float(y[cased].mean()), 4) if cased.any() else 0.0,
        recall_at_threshold=round(float(cased[y == 1].mean()), 4) if y.sum() else None,
        in_case=int(cased.sum()),
        rows=len(y),
        positives=int(y.sum()),
    )


@dataclass(frozen=True)
class GateVerdict:
    passed: bool
    reason: str
    candidate: HoldoutFigures
    active: HoldoutFigures
    active_label: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "reason": self.reason,
            "candidate": self.candidate.as_dict(),
            "active": self.active.as_dict(),
            "active_configuration": self.active_label,
        }


def ranked(risk: np.ndarray, hard: np.ndarray | None, floor: float = 80) -> np.ndarray:
    risk = np.asarray(risk, dtype=float)
    return risk if hard is None else np.where(np.asarray(hard, bool), np.maximum(risk, floor), risk)


def bootstrap_share(
    y: np.ndarray, new: np.ndarray, old: np.ndarray, rounds: int = 200, seed: int = 0
) -> float:
    """Share of paired bootstrap resamples of the hold-out where `new` ranks better (higher
    PR-AUC) than `old`, a tie counting half; resamples with one class only are skipped."""
    y = np.asarray(y, dtype=int)
    rng = np.random.default_rng(seed)
    wins: float = 0
    counted = 0
    for _ in range(rounds):
        pick = rng.integers(0, len(y), len(y))
        if not 0 < y[pick].sum() < len(pick):
            continue
        counted += 1
        a, b = (
            average_precision_score(y[pick], new[pick]),
            average_precision_score(y[pick], old[pick]),
        )
        wins += 1.0 if a > b else 0.5 if a == b else 0.0
    return wins / counted if counted else 0.0


def compare(
    y: np.ndarray,
    new: tuple[np.ndarray, np.ndarray, np.ndarray],
    old: tuple[np.ndarray, np.ndarray, np.ndarray],
    active_label: str,
    settings: dict[str, Any] | None = None,
    floor: float = 80,
) -> GateVerdict:
    """The verdict from (risk, in a case, hard stop) per hold-out line of the candidate and
    of the active configuration; `settings` is the `gate` section of configs/ml.yaml."""
    settings = settings or {}
    figures = [holdout_figures(y, r, c, h, floor) for r, c, h in (new, old)]
    share = bootstrap_share(
        y, ranked(new[0], new[2], floor), ranked(old[0], old[2], floor),
        int(settings.get("bootstrap_rounds", 200)),
    )  # fmt: skip
    return verdict(
        figures[0], figures[1], active_label, float(settings.get("min_pr_auc_gain", 0.0)),
        share, float(settings.get("min_confidence", 0.9)),
        float(settings.get("min_confidence_with_precision", settings.get("min_confidence", 0.9))),
    )  # fmt: skip


def verdict(
    candidate: HoldoutFigures,
    active: HoldoutFigures,
    active_label: str,
    min_gain: float = 0.0,
    confidence: float = 1.0,
    min_confidence: float = 0.0,
    min_confidence_with_precision: float | None = None,
) -> GateVerdict:
    """Whether the candidate beats the active configuration on the hold-out, and why: PR-AUC
    higher in at least `min_confidence` of the resamples, or in at least
    `min_confidence_with_precision` of them when the precision at the case threshold is
    higher too (where the rules already rank the hold-out near 1.0, a better model wins
    PR-AUC by a hair and shows itself in fewer clean lines in a case); precision never
    lower."""
    relaxed = (
        min_confidence
        if min_confidence_with_precision is None
        else min(min_confidence, min_confidence_with_precision)
    )
    if candidate.precision_at_threshold > active.precision_at_threshold:
        min_confidence = relaxed
    shown = (
        f"hold-out of {candidate.rows} lines ({candidate.positives} positive): PR-AUC "
        f"{_f(candidate.pr_auc)} against {_f(active.pr_auc)} for {active_label} (higher in "
        f"{confidence:.0%} of resamples), precision at the case threshold "
        f"{candidate.precision_at_threshold:.3f} against {active.precision_at_threshold:.3f}"
    )
    if candidate.pr_auc is None:
        return GateVerdict(
            False, f"kept inactive: the {shown} cannot tell (one class only)", candidate,
            active, active_label,
        )  # fmt: skip
    problems = []
    if candidate.pr_auc <= (active.pr_auc or 0.0) + min_gain:
        problems.append("PR-AUC not higher" + (f" by {min_gain}" if min_gain else ""))
    elif confidence < min_confidence:
        problems.append(f"PR-AUC higher in fewer than {min_confidence:.0%} of resamples")
    if candidate.precision_at_threshold < active.precision_at_threshold:
        problems.append("precision at the case threshold lower")
    if problems:
        return GateVerdict(
            False, f"kept inactive ({'; '.join(problems)}): {shown}", candidate, active,
            active_label,
        )  # fmt: skip
    return GateVerdict(True, f"activated: {shown}", candidate, active, active_label)


def _f(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
