"""The model in one place: features, weights, caps and floors, read by both scoring paths."""

from __future__ import annotations

import pandas as pd

from detectors.matching import score_pairs
from detectors.matching.features import FEATURE_NAMES
from detectors.matching.model import CAPS, DESCRIPTIONS, FLOORS, model_table


def test_every_feature_listed_once_with_description_and_weight(settings):
    rows = model_table()
    assert [r["feature"] for r in rows] == list(FEATURE_NAMES)
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)
    assert all(r["description"] for r in rows)
    weights = dict(zip(settings.model.features, settings.model.coef, strict=True))
    assert all(abs(r["weight"] - round(weights[r["feature"]], 4)) < 1e-9 for r in rows)


def test_bounds_name_features_and_are_the_scorers(settings):
    assert {b.feature for b in CAPS + FLOORS} <= set(FEATURE_NAMES)
    assert settings.model.caps == CAPS and settings.model.floors == FLOORS
    # every cap sits below every threshold, but a common person's name, which may still be
    # reviewed: it sits below the hard stop (thresholds.strong) only
    review = {c.feature for c in CAPS if c.score >= 0.45}
    assert review == {"common_person_name"}
    assert all(c.score < settings.strong_threshold for c in CAPS)


def test_explanations_print_feature_descriptions(settings):
    scored = score_pairs(
        pd.DataFrame({"name1": ["Deutsche Bank AG"], "name2": ["Deutsche Bank GmbH"]}), settings
    )
    text = scored["explanation"].iat[0]
    assert DESCRIPTIONS["token_sort"] in text
    assert "capped at 0.40: national legal forms of different kinds" in text
