"""The indexed names kept packed: read back one at a time or many at once, they are the
names that were analysed."""

from __future__ import annotations

import numpy as np

from detectors.matching import list_names
from detectors.matching.list_names import ListNames, PackedText
from detectors.matching.names import analyze_name


def test_packed_texts_come_back_as_given_one_or_many_at_once():
    texts = ["Shenzhen Haige Co", "", "Наука", "北京 华为", "X"]
    packed = PackedText(texts)
    assert [packed[i] for i in range(len(texts))] == texts
    assert packed.take(np.array([4, 0, 2, 2, 1, 3])) == [texts[i] for i in (4, 0, 2, 2, 1, 3)]
    assert packed.take(np.array([], dtype=np.int64)) == []


def test_texts_taken_block_by_block_come_back_in_order(monkeypatch):
    """A large take gathers its texts a block at a time: the blocks join in order."""
    monkeypatch.setattr(list_names, "TAKE_BLOCK", 3)
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


def test_names_analysed_many_at_once_are_those_analysed_alone(settings):
    raw = [
        "Guangzhou Haige Communication Group Co., Ltd.",
        "HUSSEIN, Ali",
        "Unit 8200 Technologies Ltd",
        "株式会社 東京",
        "Beta\nTrading LLC",
    ]
    analysed = [analyze_name(n, settings.tables, "unknown") for n in raw]
    names = ListNames.of(list(range(len(raw))), [False] * len(raw), analysed)
    order = [4, 2, 0, 2, 1, 3]
    assert names.analyzed_many(order) == [analysed[i] for i in order]
    assert [names.analyzed(i) for i in range(len(raw))] == analysed
    assert names.analyzed(2).numbers == frozenset({"8200"})
