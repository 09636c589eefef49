"""The gate a newly trained model passes before it goes live.

Hold-out. The labelled decisions are split in time and by customer: the hold-out is the
latest `holdout_share` of the lines (by order date) of half the customers (chosen by a hash
of their id); the model under test is trained on the earlier lines of the other half. No
customer sits on both sides, and the hold-out comes after everything trained on, as the
next weeks' orders will. `holdout_sides` gives both halves in turn, so that a gate can
score the latest lines of every customer (each half by models trained on the other).

Verdict. On the hold-out, the risk the daily run would give with the candidate is compared
with the risk it gives with the active configuration, on two figures: PR-AUC (ranking) and
precision at the case threshold (the lines in a case: risk at `open_threshold` or a hard
stop). The candidate passes when it is no worse on both (not lower in `min_confidence` of
paired bootstrap resamples of the hold-out), and better on at least one of them (higher in
at least `min_confidence` of the resamples; PR-AUC by more than `min_gain`): a small hold-out does not let chance decide, and a model that
learned nothing, which ranks like the configuration under it up to noise, wins about half
the resamples and stays inactive. A hold-out with one class only cannot tell, and the
candidate stays inactive.
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


def precision_of(y: np.ndarray, cased: np.ndarray) -> float:
    """Share of the lines in a case that are positive; 0.0 with no line in a case."""
    return float(y[cased].mean()) if cased.any() else 0.0


@dataclass(frozen=True)
class Resampled:
    """Paired bootstrap of the hold-out: the share of resamples where the candidate is
    higher than the active configuration on PR-AUC and on precision at the case threshold
    (a tie counting half), and the resamples counted."""

    pr_auc_higher: float
    precision_higher: float
    rounds: int


def bootstrap_shares(
    y: np.ndarray,
    new: tuple[np.ndarray, np.ndarray],
    old: tuple[np.ndarray, np.ndarray],
    rounds: int = 200,
    seed: int = 0,
) -> Resampled:
    """Paired resamples of the hold-out lines: (ranked risk, in a case) of the candidate
    and of the active configuration, compared on the same draw; draws with one class only
    are skipped."""
    y = np.asarray(y, dtype=int)
    rng = np.random.default_rng(seed)
    wins = np.zeros(2)
    counted = 0
    for _ in range(rounds):
        pick = rng.integers(0, len(y), len(y))
        if not 0 < y[pick].sum() < len(pick):
            continue
        counted += 1
        pairs = (
            (average_precision_score(y[pick], new[0][pick]),
             average_precision_score(y[pick], old[0][pick])),
            (precision_of(y[pick], new[1][pick]), precision_of(y[pick], old[1][pick])),
        )  # fmt: skip
        wins += [1.0 if a > b else 0.5 if a == b else 0.0 for a, b in pairs]
    if not counted:
        return Resampled(0.0, 0.0, 0)
    return Resampled(float(wins[0] / counted), float(wins[1] / counted), counted)


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
    shares = bootstrap_shares(
        y,
        (ranked(new[0], new[2], floor), np.asarray(new[1], bool)),
        (ranked(old[0], old[2], floor), np.asarray(old[1], bool)),
        int(settings.get("bootstrap_rounds", 200)),
    )
    return verdict(
        figures[0], figures[1], active_label, shares,
        float(settings.get("min_pr_auc_gain", 0.0)), float(settings.get("min_confidence", 0.9)),
    )  # fmt: skip


def verdict(
    candidate: HoldoutFigures,
    active: HoldoutFigures,
    active_label: str,
    shares: Resampled,
    min_gain: float = 0.0,
    min_confidence: float = 0.9,
) -> GateVerdict:
    """Whether the candidate beats the active configuration on the hold-out, and why: no
    worse on both PR-AUC and precision at the case threshold (worse: lower, and lower in at
    least `min_confidence` of the paired resamples), and better on at least one of them
    (higher, and higher in at least `min_confidence` of them; PR-AUC by more than
    `min_gain`). A model that has learned nothing (shuffled labels) ranks and cases like
    the configuration under it, up to noise: it wins about half the resamples on each
    figure and is refused."""
    shown = (
        f"hold-out of {candidate.rows} lines ({candidate.positives} positive): PR-AUC "
        f"{_f(candidate.pr_auc)} against {_f(active.pr_auc)} for {active_label} (higher in "
        f"{shares.pr_auc_higher:.0%} of resamples), precision at the case threshold "
        f"{candidate.precision_at_threshold:.3f} against {active.precision_at_threshold:.3f} "
        f"(higher in {shares.precision_higher:.0%}), lines in a case {candidate.in_case} "
        f"against {active.in_case}"
    )
    if candidate.pr_auc is None:
        return GateVerdict(
            False, f"kept inactive: the {shown} cannot tell (one class only)", candidate,
            active, active_label,
        )  # fmt: skip
    problems = []
    old_auc = active.pr_auc or 0.0
    worse = 1.0 - min_confidence  # lower in all but this share of resamples: worse
    if candidate.pr_auc < old_auc and shares.pr_auc_higher < worse:
        problems.append(f"PR-AUC lower in over {min_confidence:.0%} of resamples")
    if (
        candidate.precision_at_threshold < active.precision_at_threshold
        and shares.precision_higher < worse
    ):
        problems.append(f"precision at the case threshold lower in over {min_confidence:.0%}")
    better_auc = candidate.pr_auc > old_auc + min_gain and shares.pr_auc_higher >= min_confidence
    better_precision = (
        candidate.precision_at_threshold > active.precision_at_threshold
        and shares.precision_higher >= min_confidence
    )
    if not problems and not (better_auc or better_precision):
        problems.append(f"neither PR-AUC nor precision higher in {min_confidence:.0%} of resamples")
    if problems:
        return GateVerdict(
            False, f"kept inactive ({'; '.join(problems)}): {shown}", candidate, active,
            active_label,
        )  # fmt: skip
    return GateVerdict(True, f"activated: {shown}", candidate, active, active_label)


def _f(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"
