"""Names a fictional party shares with a real listed one: common two-word names of
persons are possible matches, not hard stops; rarer or backed names keep their score."""

from __future__ import annotations

import pandas as pd

from detectors.matching import score_pairs


def _score(settings, name1, name2, country1=None, country2=None) -> float:
    pairs = pd.DataFrame(
        [
            {
                "name1": name1,
                "name2": name2,
                "schema": "Person",
                "country1": country1,
                "country2": country2,
            }
        ]
    )
    return float(score_pairs(pairs, settings)["score"].iat[0])


def test_common_person_name_is_a_possible_match_not_a_hard_stop(settings):
    score = _score(settings, "Ali Hassan", "HASSAN, Ali", "DE", "IQ")
    assert settings.default_threshold <= score <= 0.70


def test_common_person_name_with_its_country_stays_strong(settings):
    assert _score(settings, "Ali Hassan", "HASSAN, Ali", "IQ", "IQ") >= settings.strong_threshold


def test_rare_person_name_stays_strong(settings):
    assert _score(settings, "Ismail Haniya", "HANIYA, Ismail") >= settings.strong_threshold
