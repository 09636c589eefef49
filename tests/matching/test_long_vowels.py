"""Arabic given names that sound alike but write another long vowel (Hasan, Husayn)."""

from __future__ import annotations

import pandas as pd
import pytest

from detectors.matching import score_pairs
from detectors.matching.features.long_vowels import long_ya_differs

REASON = "writes a long i where the other has a, o or u"


@pytest.mark.parametrize(
    ("a", "b", "differ"),
    [
        ("hassan", "hussein", True),
        ("hasan", "husain", True),
        ("hassan", "husayn", True),
        ("saad", "said", True),  # Sa'd and Sa'id
        ("hussein", "husain", False),  # one name romanized twice
        ("hussein", "husayn", False),
        ("zaid", "zayed", False),
        ("mahyub", "mihoub", False),  # a "y" before a vowel is a consonant
        ("faisal", "fazl", False),  # other consonants: for the other features
        ("hassan", "hassan", False),
    ],
)
def test_long_ya_differs(a, b, differ):
    assert long_ya_differs(a, b) is differ


def explanation(name1: str, name2: str, settings) -> pd.Series:
    pairs = pd.DataFrame([{"name1": name1, "name2": name2, "schema": "Person"}])
    return score_pairs(pairs, settings).iloc[0]


def test_hassan_against_hussein_is_capped_and_explained(settings):
    row = explanation("Ali Hassan Mahmoud", "Ali Hussein Mahmoud", settings)
    assert row["score"] <= 0.40
    assert REASON in row["explanation"]


@pytest.mark.parametrize(
    ("name1", "name2"),
    [
        ("GARCIA DURAN, Maria Del Rosairo", "GARCIA DURAN, Maria Del Rosario"),  # a slip
        ("CURE SABAGH, Diana Maira", "CURE SABAGH, Diana Maria"),  # two letters swapped
        ("BOHATYRYOVA, Raasa", "BOHATYRYOVA, Raisa"),  # one letter changed
        ("Ali Hussein Mahmoud", "Ali Husain Mahmud"),
    ],
)
def test_a_slip_or_one_name_romanized_twice_is_no_clash(name1, name2, settings):
    assert REASON not in explanation(name1, name2, settings)["explanation"]
