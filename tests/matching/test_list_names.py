"""The indexed names kept packed: read back one at a time or many at once, they are the
names that were analysed."""

from __future__ import annotations

from detectors.matching.list_names import ListNames
from detectors.matching.names import analyze_name


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
