"""One name romanized two ways in the word that names a firm: the consonant classes of
`spelling.sound_skeleton`, the vowel classes of `romanized_alike`, and the pinyin and
one-syllable words they leave alone (`spelling.syllabic_pair`)."""

from __future__ import annotations

import pytest

from detectors.matching.spelling import (
    romanized_alike,
    sound_skeleton,
    syllabic_pair,
    typo_credibility,
)


@pytest.mark.parametrize(
    ("one", "other"),
    [("machrek", "mashrek"), ("charia", "sharia"), ("khorasan", "horasan"),
     ("mashreq", "mashrek"), ("djihad", "jihad"), ("konsulting", "consulting"),
     ("dockrat", "docrat"), ("vahid", "wahid"), ("davood", "dawood")],
)  # fmt: skip
def test_one_consonant_written_two_ways_has_one_skeleton(one, other):
    assert sound_skeleton(one) == sound_skeleton(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("donya", "dunya"), ("bashaer", "bashair"), ("babaei", "babai"), ("taiba", "tayyiba"),
     ("iusong", "yusong"), ("charia", "sharia"), ("khorasan", "horasan"),
     ("konsulting", "consulting"), ("hijab", "hejab"), ("obschestvo", "obshchestvo")],
)  # fmt: skip
def test_one_name_romanized_twice_is_one_word(one, other):
    assert romanized_alike(one, other), (one, other)
    assert typo_credibility(one, other) >= 0.9


@pytest.mark.parametrize(
    ("one", "other"),
    [("daejin", "taijin"), ("kumsang", "kumgang"), ("sinotec", "sinopec"),
     ("bashaed", "bashair"), ("hassan", "hussein"), ("hamid", "hamad")],
)  # fmt: skip
def test_a_consonant_or_vowel_out_of_the_classes_is_another_word(one, other):
    assert not romanized_alike(one, other), (one, other)
    assert typo_credibility(one, other) < 0.9


@pytest.mark.parametrize(
    ("one", "other"),
    [("chenxi", "shenxi"), ("menghui", "minghui"), ("mingcheng", "mingzheng"),
     ("hanjin", "hunjin"), ("chong", "shong"), ("daesung", "daesong"), ("kumsong", "kumsung"),
     ("taijin", "taejin")],
)  # fmt: skip
def test_pinyin_words_keep_their_syllables(one, other):
    assert syllabic_pair(one, other)
    assert not romanized_alike(one, other), (one, other)


def test_a_short_word_that_splits_into_pinyin_beside_one_that_does_not_is_no_pinyin():
    # "dunya" is dun + ya and "yusong" yu + song, but "donya" and "iusong" are no pinyin
    assert not syllabic_pair("donya", "dunya")
    assert not syllabic_pair("iusong", "yusong")
    # the strict split: a syllable of a, e or o follows another only after an apostrophe
    assert not syllabic_pair("sharia", "charia")
    assert not syllabic_pair("bashaer", "bashair")


def test_a_one_syllable_word_keeps_ch_and_sh_apart():
    assert sound_skeleton("ching") != sound_skeleton("shing")  # Wade-Giles, Cantonese
    assert not romanized_alike("ching", "shing")
