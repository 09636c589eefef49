"""The father's name of an Arabic name (the word after bin, ibn, bint, ben, ould): two
fathers' names that differ make two persons, and the explanation says so."""

from __future__ import annotations

import pandas as pd
import pytest

from detectors.matching import score_pairs

REASON = "the fathers' names differ"


def scored(name1: str, name2: str, settings, schema: str = "Person") -> pd.Series:
    pairs = pd.DataFrame([{"name1": name1, "name2": name2, "schema": schema}])
    return score_pairs(pairs, settings).iloc[0]


@pytest.mark.parametrize(
    ("name1", "name2"),
    [
        ("Mohammed bin Salman", "Mohammed bin Sultan"),
        ("Hamad bin Khalifa Al Thani", "Hamad bin Jassim Al Thani"),
        ("Sidi ould Ahmed", "Sidi ould Mohamed"),
    ],
)
def test_two_fathers_cap_the_score_and_say_why(name1, name2, settings):
    row = scored(name1, name2, settings)
    assert row["score"] <= 0.40
    assert REASON in row["explanation"]


@pytest.mark.parametrize(
    ("name1", "name2"),
    [
        ("Mohammed bin Salman", "Muhammad ibn Salman"),  # one particle, one father
        ("Usama bin Laden", "BIN LADEN, Usama bin Muhammad"),  # bin Laden, a family name
        ("Mohammed bin Rashid Al Maktoum", "Mohammed bin Rashid"),
        ("Ali bin Ahmed bin Saleh", "Ali bin Saleh"),  # a forebear's name left out
        ("Mohammed bin Salman", "Mohammed Salman"),  # the particle on one side only
        ("عدنان أبو وليد الصحراوي", "ADNAN ABOU WALID AL-SAHRAOUI"),  # Walid is no ould
    ],
)
def test_one_father_or_none_on_one_side_is_no_clash(name1, name2, settings):
    assert REASON not in scored(name1, name2, settings)["explanation"]


def test_companies_are_left_alone(settings):
    explanation = scored("Saif bin Salman Trading", "Saif bin Sultan Trading", settings, "Company")
    assert REASON not in explanation["explanation"]
