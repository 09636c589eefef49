"""East Slavic names in their Ukrainian, Belarusian and Russian forms."""

from __future__ import annotations

import pandas as pd
import pytest

from detectors.matching import score_pairs
from detectors.matching.east_slavic import slavic_alike
from detectors.matching.settings import MatchSettings


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("oleksiy", "aleksey"),
        ("oleksiy", "alexei"),
        ("ihor", "igor"),
        ("aleh", "oleg"),
        ("serhiy", "sergei"),
        ("hennadiy", "gennady"),
        ("dmytro", "dmitry"),
        ("dzmitry", "dmitry"),
        ("andriy", "andrei"),
        ("volodymyr", "vladimir"),
        ("pavlo", "pavel"),
        ("mykhailo", "mikhail"),
        ("leanidavich", "leonidovich"),
        ("hubaryev", "gubarev"),
        ("slizheuski", "slizhevsky"),
        ("aliaksandr", "aleksandr"),
        ("siarhei", "sergei"),
        ("uladzimir", "vladimir"),
        ("liudmila", "lyudmila"),
    ],
)
def test_one_name_in_two_languages_forms(a: str, b: str) -> None:
    assert slavic_alike(a, b) and slavic_alike(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("hassan", "hussein"),  # another vowel sound
        ("jamal", "jamil"),
        ("hamid", "ahmad"),  # the consonants in another order
        ("omar", "amir"),
        ("nasr", "naser"),  # a vowel more, no Ukrainian -o
        ("aleksandra", "aleksandr"),  # a woman's name
        ("ivanova", "ivanov"),
        ("yevgenia", "yevgeny"),
        ("maria", "mario"),
        ("mykola", "nikolai"),  # another consonant: left to other knowledge
        ("ivan", "ivan"),  # the same word is no variant
        ("hammadi", "hamad"),  # an Arabic family name in -i is another name
        ("ahmadi", "ahmad"),
        ("behzadi", "behzad"),
        ("ding", "deng"),  # two pinyin syllables
        ("ming", "meng"),
    ],
)
def test_other_names_stay_apart(a: str, b: str) -> None:
    assert not slavic_alike(a, b)


def test_the_explanation_names_the_two_forms(settings: MatchSettings) -> None:
    pairs = pd.DataFrame(
        {"name1": ["Oleksiy Hubaryev"], "name2": ["GUBAREV, Aleksey"], "schema": ["Person"]}
    )
    scored = score_pairs(pairs, settings)
    assert bool(scored["match"].iat[0])
    assert "forms of one name: " in scored["explanation"].iat[0]
    assert "oleksiy=aleksey" in scored["explanation"].iat[0]


def test_a_name_romanized_two_ways_is_no_slavic_form(settings: MatchSettings) -> None:
    pairs = pd.DataFrame(
        {"name1": ["Iyad Ag Ghaly"], "name2": ["AG GHALI, Iyad"], "schema": ["Person"]}
    )
    scored = score_pairs(pairs, settings)
    assert bool(scored["match"].iat[0])
    assert "forms of one name" not in scored["explanation"].iat[0]
