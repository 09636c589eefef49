"""The failure modes of simple matchers, kept right: tests/matching/hard_cases.yaml."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from detectors.matching import score_pairs

CASES = yaml.safe_load((Path(__file__).with_name("hard_cases.yaml")).read_text())


@pytest.mark.parametrize("case", CASES, ids=[f"{c['name1']} | {c['name2']}" for c in CASES])
def test_hard_case_decision(case, settings):
    pairs = pd.DataFrame(
        [
            {
                "name1": case["name1"],
                "name2": case["name2"],
                "schema": case.get("schema"),
                "country1": case.get("country1"),
                "country2": case.get("country2"),
            }
        ]
    )
    scored = score_pairs(pairs, settings)
    assert bool(scored["match"].iat[0]) is case["match"], (
        f"{case['why']}: score {scored['score'].iat[0]:.3f}, {scored['explanation'].iat[0]}"
    )


def test_match_is_the_score_at_the_default_threshold(settings):
    pairs = pd.DataFrame(
        {"name1": [c["name1"] for c in CASES], "name2": [c["name2"] for c in CASES]}
    )
    scored = score_pairs(pairs, settings)
    assert ((scored["score"] >= settings.default_threshold) == scored["match"]).all()
    assert scored["score"].between(0, 1).all()


def test_legal_form_alone_scores_near_zero(settings):
    scored = score_pairs(
        pd.DataFrame({"name1": ["BELLETECH CORP"], "name2": ["11420 CORP."]}), settings
    )
    assert scored["score"].iat[0] < 0.05


def test_generic_query_does_not_flood(small_matcher):
    hits = small_matcher.screen(
        pd.DataFrame({"name": ["Global Trading Group Co Ltd", "The Trading Group"]})
    )
    assert (
        len(hits) <= 1
    )  # eight listed "<word> Global Trading Group" names share only generic words


def test_abbreviated_and_reordered_chinese_names_hit_their_entry(small_matcher):
    names = ["GUANGZHOU HAIGE COMM GRP", "HAIGE GUANGZHOU", "广州海格通信集团有限公司"]
    hits = small_matcher.screen(pd.DataFrame({"party_id": ["a", "b", "c"], "name": names}))
    found = set(hits.loc[hits["entry_id"] == "t:haige", "party_id"])
    assert {"a", "b"} <= found
