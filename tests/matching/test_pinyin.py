"""Pinyin words: their syllables, and when two of them are two names."""

from __future__ import annotations

import pytest

from detectors.matching.pinyin import (
    han_readings,
    read_otherwise,
    syllable_changed,
    syllable_splits,
)


def test_a_pinyin_word_splits_into_its_syllables():
    assert syllable_splits("mingzheng") == (("ming", "zheng"),)
    assert ("xiang",) in syllable_splits("xiang")


def test_a_syllable_after_the_first_starts_with_no_bare_vowel():
    # "da'e" needs its apostrophe: a Korean "Daejin" is no pinyin
    assert syllable_splits("daejin") == ()
    assert syllable_splits("huawei") == (("hua", "wei"),)


def test_a_word_outside_pinyin_has_no_split():
    assert syllable_splits("sinobright") == ()
    assert syllable_splits("h0ngyuan") == ()


@pytest.mark.parametrize(
    ("a", "b"),
    [("mingcheng", "mingzheng"), ("mingneng", "mingzheng"), ("hongxing", "hongxiang")],
)
def test_one_syllable_changed_is_another_name(a, b):
    assert syllable_changed(a, b)


@pytest.mark.parametrize(
    ("a", "b", "why"),
    [
        ("sinobrite", "sinobright", "no pinyin"),
        ("mingzhneg", "mingzheng", "a slip that makes no pinyin"),
        ("zhongseng", "zhongsheng", "a retroflex written flat"),
        ("chiba", "shiba", "too short to be taken for pinyin"),
        ("hongyuan", "hongyuan", "the same word"),
        ("zhongxingda", "zhongxing", "a syllable added, not changed"),
    ],
)
def test_no_syllable_changed(a, b, why):
    assert not syllable_changed(a, b), why


def test_a_chinese_word_is_read_with_every_reading_of_its_characters():
    readings = han_readings("重庆长安贸易有限公司")["changan"]
    assert readings[0] >= {"chang", "zhang"}
    assert not read_otherwise("zhangan", readings)


def test_a_latin_pinyin_word_no_reading_gives_is_another_name():
    assert read_otherwise("hongyan", han_readings("杭州华源贸易股份有限公司")["huayuan"])
    assert not read_otherwise("huayuan", han_readings("华源")["huayuan"])
    # a Cantonese spelling is no pinyin: the transliteration key judges it
    assert not read_otherwise("hungyuen", han_readings("鸿源")["hongyuan"])
