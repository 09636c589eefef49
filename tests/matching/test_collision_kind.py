"""How the evaluation of false hits on generated orders sorts a hit
(benchmarks/matching_eval.py `collision_kind`): a listed name that holds every word of
the party's is a collision a screening tool should hit, not a false hit."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from matching_eval import collision_kind  # noqa: E402  (offline code, outside the package)

from detectors.matching import Matcher  # noqa: E402
from tests.matching.conftest import entry  # noqa: E402
from watchlists.model import entries_to_frame  # noqa: E402


@pytest.fixture(scope="module")
def matcher(settings):
    names = ["NORTH WOOD INDUSTRY COMPANY", "GREENWAVE TELECOM", "DAEJIN TRADING GENERAL CORP"]
    return Matcher.build(
        entries_to_frame([entry(f"e:{i}", n) for i, n in enumerate(names)]), settings
    )


@pytest.mark.parametrize(
    ("name", "listed", "kind"),
    [
        ("North Wood Industry Company", "NORTH WOOD INDUSTRY COMPANY", "identical"),
        # joined words, a generic word in another form
        ("Northwood Industries AS", "NORTH WOOD INDUSTRY COMPANY", "listed_words"),
        ("Daejin Trading Bhd.", "DAEJIN TRADING GENERAL CORP", "listed_words"),
        # a word the listed name lacks, or another distinctive word
        ("Northwood Energy AS", "NORTH WOOD INDUSTRY COMPANY", "false"),
        ("Garwave Telecom Ltd.", "GREENWAVE TELECOM", "false"),
        ("Daejin Digital Bhd.", "DAEJIN TRADING GENERAL CORP", "false"),
    ],
)
def test_collision_kind(matcher, name, listed, kind):
    assert collision_kind(matcher, name, listed) == kind
