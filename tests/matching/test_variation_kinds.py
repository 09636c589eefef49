"""The variation kinds of benchmarks/variations.py (rewrites in benchmarks/name_rewrites.py,
scores in benchmarks/variation_scores.py) rewrite names as other people write them."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import name_rewrites as v  # noqa: E402
import variation_scores as scores  # noqa: E402


def test_rewrites():
    rng = random.Random(1)
    assert v.legal_form("SIEMENS AG", rng) == "SIEMENS Aktiengesellschaft"
    assert v.legal_form("ACME", rng) is None
    assert v.numbers("CETC 13th Research Institute") == "CETC Thirteenth Research Institute"
    assert v.numbers("Brigade 44") == "Brigade Forty-Four"
    assert v.reordered("LAVROV, Sergei") == "LAVROV Sergei"
    assert (
        v.pinyin_words("Shenzhen Hongyuan Trading Co., Ltd.")
        == "Shenzhen Hongyuan Maoyi Youxian Gongsi"
    )
    assert v.pinyin_words("Hongyuan Trading Co., Ltd.") is None  # not a Chinese name
    joined = v.joined_split("LAVROV, Sergei", "person", rng)
    assert joined == "LavrovSergei"
    initials = {v.initials("JUNCKER, Jean Claude", random.Random(s)) for s in range(20)}
    assert initials == {"J. C. JUNCKER", "Jean C. JUNCKER"}
    assert v.initials("LAVROV, Sergei", rng) is None


def test_kind_table_counts_false_hits_and_leaves_every_alias_out_of_the_summary():
    frame = pd.DataFrame(
        [
            {"kind": "digits", "entry_type": "entity", "label": 1, "found": True,
             "false_hits": 0, "wrong_only": False},
            {"kind": "digits", "entry_type": "entity", "label": 1, "found": False,
             "false_hits": 1, "wrong_only": True},
            {"kind": "alias", "entry_type": "entity", "label": 1, "found": False,
             "false_hits": 0, "wrong_only": False},
            {"kind": "one_word_negative", "entry_type": "entity", "label": 0, "found": False,
             "false_hits": 1, "wrong_only": True},
        ]
    )  # fmt: skip
    table = scores.kind_table(frame)
    assert table["by_kind"]["digits"]["recall"] == 0.5
    assert table["by_kind"]["digits"]["precision"] == 0.5
    assert table["by_kind"]["one_word_negative"]["false_hit_share"] == 1.0
    assert table["overall"] == {"names": 3, "precision": round(1 / 3, 4), "recall": 0.5, "f1": 0.4}
    assert table["overall_with_every_alias"]["recall"] == round(1 / 3, 4)


def test_brand_only_takes_the_distinctive_words_of_any_company_name(small_matcher):
    brand = v.brand_only
    assert brand(small_matcher, "Guangzhou Haige Communication Group Co., Ltd.") == "Haige"
    assert brand(small_matcher, "Sinno Electronics Co., Ltd.") == "Sinno"  # no place leads it
    # a legal form inside the name ("GmbH & Co. KG") is no word of the brand
    assert brand(small_matcher, "Breyeller Stahl Technology GmbH & Co. KG") == "Breyeller Stahl"
    assert brand(small_matcher, "Zhenhua") is None  # distinctive words only: nothing to drop
    assert brand(small_matcher, "Shenzhen Trading Co., Ltd.") is None  # no distinctive word
    # words common in the list say what a business does, not which one it is
    assert brand(small_matcher, "Pacific Ocean Shipping Limited") is None


def test_kind_misses_lists_the_rewrites_not_found_and_the_negatives_that_hit():
    frame = pd.DataFrame(
        [
            {"kind": "digits", "label": 1, "found": True, "false_hits": 1,
             "wrong_only": False, "query": "Ig0r", "listed": "IGOR"},
            {"kind": "digits", "label": 1, "found": False, "false_hits": 0,
             "wrong_only": False, "query": "H4ige", "listed": "HAIGE"},
            {"kind": "one_word_negative", "label": 0, "found": False, "false_hits": 1,
             "wrong_only": True, "query": "A B", "listed": "A C"},
            {"kind": "one_word_negative", "label": 0, "found": False, "false_hits": 0,
             "wrong_only": False, "query": "D E", "listed": "D F"},
        ]
    )  # fmt: skip
    assert scores.kind_misses(frame, 5) == {
        "digits": ["H4ige -> HAIGE"],
        "one_word_negative": ["A B -> A C"],
    }
