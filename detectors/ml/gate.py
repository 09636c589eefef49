"""The gate a newly trained model passes before it goes live.

Hold-out. The labelled decisions are split in time and by customer: customers are ordered
by their latest labelled order, and the customers decided last, holding about
`holdout_share` of the labelled lines, form the hold-out with all their lines. No customer
sits on both sides, and the hold-out is what came last, as the next weeks' orders will.

Verdict. On the hold-out, the risk the daily run would give with the candidate is compared
with the risk it gives with the active configuration. The candidate passes when its PR-AUC
is higher by at least `min_gain` and its precision at the case threshold (risk at
`open_threshold` or a hard stop) is not lower. A hold-out with one class only cannot tell,
and the candidate stays inactive.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score


def holdout_split(order_dates: pd.Series, customers: pd.Series, share: float = 0.25) -> np.ndarray:
    """True for the hold-out lines: the customers decided last, with all their lines,
    about `share` of the lines together."""
    frame = pd.DataFrame(
        {"date": pd.to_datetime(pd.Series(order_dates).to_numpy()),
         "customer": pd.Series(customers).astype("str").to_numpy()}
    )  # fmt: skip
    per_customer = frame.groupby("customer", sort=False).agg(
        last=("date", "max"), lines=("date", "size")
    )
    per_customer = per_customer.sort_values(["last", "lines"], ascending=False, kind="stable")
    target = share * len(frame)
    taken = per_customer["lines"].cumsum().shift(fill_value=0) < target
    if taken.all() and len(per_customer) > 1:  # keep at least one customer to train on
        taken.iloc[-1] = False
    return frame["customer"].isin(per_customer.index[taken]).to_numpy()


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


def holdout_figures(y: np.ndarray, risk: np.ndarray, cased: np.ndarray) -> HoldoutFigures:
    """PR-AUC of `risk` against `y`, and precision/recall of the lines in a case."""
    y = np.asarray(y, dtype=int)
    cased = np.asarray(cased, dtype=bool)
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


def verdict(
    candidate: HoldoutFigures,
    active: HoldoutFigures,
    active_label: str,
    min_gain: float = 0.0,
) -> GateVerdict:
    """Whether the candidate beats the active configuration on the hold-out, and why."""
    shown = (
        f"hold-out of {candidate.rows} lines ({candidate.positives} positive): PR-AUC "
        f"{_f(candidate.pr_auc)} against {_f(active.pr_auc)} for {active_label}, precision at "
        f"the case threshold {candidate.precision_at_threshold:.3f} against "
        f"{active.precision_at_threshold:.3f}"
    )
    if candidate.pr_auc is None:
        return GateVerdict(
            False, f"kept inactive: the {shown} cannot tell (one class only)", candidate,
            active, active_label,
        )  # fmt: skip
    problems = []
    if candidate.pr_auc <= (active.pr_auc or 0.0) + min_gain:
        problems.append("PR-AUC not higher" + (f" by {min_gain}" if min_gain else ""))
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
