"""The labelled pairs of benchmarks/matcher_pairs.py: a hard negative must be one a name
matcher could tell apart."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from matcher_pairs import same_name_words  # noqa: E402  (offline code, outside the package)

from detectors.matching.names import analyze_name  # noqa: E402


def test_another_entry_of_the_query_s_very_name_is_no_fair_negative(settings):
    def same(a: str, b: str) -> bool:
        tables = settings.tables
        return same_name_words(analyze_name(a, tables, "entity"), analyze_name(b, tables))

    assert same("RAMCHARAN LTD", "RAMCHARAN LTD")
    assert same("NICO LIMITED", "NICO")  # no legal form on one side
    assert same("Rah Sahel", "RAH SAHEL")
    assert not same("Deutsche Bank AG", "Deutsche Bank GmbH")  # another legal form
    assert not same("RAMCHARAN LTD", "RAMCHARAN BROTHERS LTD")  # a word more
    assert not same("Nico Trading", "NICO SHIPPING")
