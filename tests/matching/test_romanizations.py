"""One name romanized two ways: Korean names in McCune-Reischauer and the Revised
Romanization, Arabic compound names written as one word or several, Persian names with
a short a written e."""

from __future__ import annotations

import pytest

from detectors.matching.compound_names import join_compounds
from detectors.matching.korean import korean_alike, korean_key, korean_name
from detectors.matching.spelling import romanized_alike


@pytest.mark.parametrize(
    ("mr", "rr"),
    [("chol", "cheol"), ("kyong", "gyeong"), ("pak", "bak"), ("chong", "jeong"),
     ("sung", "seung"), ("pom", "bom"), ("chae", "jae"), ("tong", "dong"), ("ri", "li")],
)  # fmt: skip
def test_korean_syllables_romanized_two_ways_share_a_key(mr, rr):
    assert korean_key(mr) == korean_key(rr)
    assert korean_alike(mr, rr)


@pytest.mark.parametrize(
    ("one", "other"), [("kim", "kum"), ("hak", "hok"), ("chol", "chon"), ("il", "un"), ("su", "ho")]
)
def test_other_korean_syllables_keep_other_keys(one, other):
    assert not korean_alike(one, other)


def test_a_korean_name_is_romanized_syllables_only():
    assert korean_name(("kim", "jong", "un"))
    assert korean_name(("jang", "kyonghwa"))
    assert not korean_name(("tom", "smith"))  # "smith" is no Korean syllable
    assert not korean_name(("kyonghwa",))  # one word: nothing to tell it by
    assert not korean_name(("morales", "kyonghwa"))  # no syllable alone: no family name


def test_compounds_written_apart_and_as_one_word_are_joined_alike():
    assert join_compounds(("azouz", "abdelbassed"), ("azzouz", "abd", "al", "baset")) == (
        ("azouz", "abdalbassed"),
        ("azzouz", "abdalbaset"),
    )
    assert join_compounds(("badreddine", "mohamed"), ("badr", "al", "din", "muhammad")) == (
        ("badraldin", "mohamed"),
        ("badraldin", "muhammad"),
    )
    assert join_compounds(("abdurrahman", "ali"), ("abdul", "rahman", "ali"))[1] == (
        "abdalrahman",
        "ali",
    )


def test_compounds_alike_on_both_sides_keep_their_words():
    same = (("abdul", "rahman", "yasin"), ("abdul", "rahman", "taha"))
    assert join_compounds(*same) == same
    other = (("abdurrahman", "ali"), ("abdulkarim", "ali"))
    assert join_compounds(*other) == other  # two compounds, two names


def test_a_short_a_written_e_is_one_persian_name_but_another_vowel_is_not():
    for one, other in [("razavi", "rezavi"), ("morteza", "mortaza"), ("araqi", "araghi")]:
        assert romanized_alike(one, other), (one, other)
    for one, other in [("hamid", "hamad"), ("hassan", "hussein")]:
        assert not romanized_alike(one, other), (one, other)
