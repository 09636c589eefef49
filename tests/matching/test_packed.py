"""Texts packed in one buffer come back as given, one at a time or many at once."""

from __future__ import annotations

import numpy as np

from detectors.matching import packed as packed_module
from detectors.matching.packed import PackedText


def test_packed_texts_come_back_as_given_one_or_many_at_once():
    texts = ["Shenzhen Haige Co", "", "Наука", "北京 华为", "X"]
    packed = PackedText(texts)
    assert [packed[i] for i in range(len(texts))] == texts
    assert packed.take(np.array([4, 0, 2, 2, 1, 3])) == [texts[i] for i in (4, 0, 2, 2, 1, 3)]
    assert packed.take(np.array([], dtype=np.int64)) == []


def test_texts_taken_block_by_block_come_back_in_order(monkeypatch):
    """A large take gathers its texts a block at a time: the blocks join in order."""
    monkeypatch.setattr(packed_module, "TAKE_BLOCK", 3)
    texts = [f"word{i}" * (i % 4) for i in range(11)]
    packed = PackedText(texts)
    ids = np.array([10, 0, 3, 3, 7, 1, 2, 9, 4, 5])
    assert packed.take(ids) == [texts[i] for i in ids]
    assert packed.take(ids[:3]) == [texts[i] for i in ids[:3]]


def test_a_text_with_a_line_break_does_not_shift_the_others():
    """`take` gathers the texts joined by line breaks: a raw list name holding one (a
    badly exported list file) must not split into two names."""
    texts = ["ALPHA TRADING\nLIMITED", "BETA LLC", "GAMMA"]
    packed = PackedText(texts)
    assert packed.take(np.array([1, 0, 2])) == ["BETA LLC", "ALPHA TRADING\nLIMITED", "GAMMA"]
