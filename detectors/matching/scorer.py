"""The calibrated pair scorer: a logistic regression over the named features, caps and
floors (the model in one place: `model.py`).

Its weights ship beside the code (`scorer_weights.json`, written by
`benchmarks/train_matcher.py` with the seed, data sizes and metrics of the training run),
so scoring needs no list files. Every score can say which features raised or lowered it,
with their descriptions. A cap bounds the score of a kind of pair no sum of weights can
tell apart ("Handa Electronics" against "HANA ELECTRONICS": everything but one short
distinctive word agrees exactly, and that word is another name, not a typo); a floor
lifts one (a brand alone against its full legal name); the explanation names them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from detectors.matching.features import FEATURE_NAMES
from detectors.matching.model import CAPS, DESCRIPTIONS, FLOORS, ScoreCap

WEIGHTS_PATH = Path(__file__).with_name("scorer_weights.json")


@dataclass(frozen=True)
class ScorerModel:
    """Logistic model: probability = sigmoid(intercept + sum(coef * feature)), then caps."""

    features: tuple[str, ...]
    coef: npt.NDArray[np.float64]
    intercept: float
    meta: dict[str, Any] = field(default_factory=dict)
    caps: tuple[ScoreCap, ...] = ()
    floors: tuple[ScoreCap, ...] = ()  # the score is at least `score` (before the caps)

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> ScorerModel:
        data = json.loads(Path(path).read_text())
        weights = dict(zip(data["features"], data["coef"], strict=True))
        # a feature added after training counts for nothing until the model is retrained
        coef = np.array([weights.get(name, 0.0) for name in FEATURE_NAMES], dtype=float)
        # the caps and floors are set by hand in model.py, not learned
        meta = data.get("meta", {})
        return cls(FEATURE_NAMES, coef, float(data["intercept"]), meta, CAPS, FLOORS)

    def save(self, path: Path = WEIGHTS_PATH) -> None:
        data = {
            "features": list(self.features),
            "coef": [round(float(c), 6) for c in self.coef],
            "intercept": round(float(self.intercept), 6),
            "meta": self.meta,
        }
        Path(path).write_text(json.dumps(data, indent=2) + "\n")

    def logits(self, x: np.ndarray) -> npt.NDArray[np.float64]:
        return np.asarray(x, dtype=float) @ self.coef + self.intercept

    def probability(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        p = 1.0 / (1.0 + np.exp(-self.logits(x)))
        for floor in self.floors:
            column = x[..., self.features.index(floor.feature)]
            p = np.where(column >= floor.at_least, np.maximum(p, floor.score), p)
        for cap in self.caps:
            column = x[..., self.features.index(cap.feature)]
            p = np.where(column >= cap.at_least, np.minimum(p, cap.score), p)
        return p

    def floors_applied(self, row: np.ndarray) -> list[ScoreCap]:
        return [f for f in self.floors if row[self.features.index(f.feature)] >= f.at_least]

    def caps_applied(self, row: np.ndarray) -> list[ScoreCap]:
        return [c for c in self.caps if row[self.features.index(c.feature)] >= c.at_least]

    def contributions(self, row: np.ndarray) -> list[tuple[str, float, float]]:
        """(feature, value, value x weight) for the features that moved the score,
        largest effect first."""
        contrib = np.asarray(row, dtype=float) * self.coef
        order = np.argsort(-np.abs(contrib))
        return [
            (self.features[i], float(row[i]), float(contrib[i]))
            for i in order
            if abs(contrib[i]) >= 0.05
        ]


def _described(name: str, contribution: float) -> str:
    return f"{name} {contribution:+.2f} ({DESCRIPTIONS[name]})"


def explain_contributions(model: ScorerModel, row: np.ndarray, top: int = 4) -> str:
    """'raised by: name_overlap +3.1, ...; lowered by: numbers -2.4' for one pair."""
    contribs = model.contributions(row)
    up = [_described(name, c) for name, _, c in contribs if c > 0][:top]
    down = [_described(name, c) for name, _, c in contribs if c < 0][:top]
    parts = []
    if up:
        parts.append("raised by " + ", ".join(up))
    if down:
        parts.append("lowered by " + ", ".join(down))
    parts.extend(f"at least {f.score:.2f}: {f.reason}" for f in model.floors_applied(row))
    parts.extend(f"capped at {cap.score:.2f}: {cap.reason}" for cap in model.caps_applied(row))
    return "; ".join(parts) if parts else "no feature moved the score"
