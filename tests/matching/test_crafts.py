"""A company's name against a listed vessel's or aircraft's name: a firm named like a
ship is not the ship; the owner firm listed in its own right is still hit."""

from __future__ import annotations

import pandas as pd
import pytest

from detectors.matching import Matcher, score_pairs
from tests.matching.conftest import entry
from watchlists.model import entries_to_frame


@pytest.fixture(scope="module")
def matcher(settings):
    listed = [
        entry("v:1", "DAL LAKE", kind="vessel", list_code="SDN"),
        entry("v:2", "HADI", kind="vessel", list_code="SDN"),
        entry("e:2", "HADI SHIPPING COMPANY LIMITED", list_code="SDN"),
        entry("a:3", "KARAVAN", kind="aircraft", list_code="SDN"),
        entry("o:1", "Mavong Trading Ltd", list_code="SDN"),
    ]
    return Matcher.build(entries_to_frame(listed), settings)


def _scores(matcher, name: str) -> dict[str, float]:
    """The entries hit (at the screening's thresholds) and their scores."""
    hits = matcher.screen(pd.DataFrame({"party_id": ["p"], "name": [name]}))
    return hits.groupby("entry_id")["score"].max().to_dict()


@pytest.mark.parametrize("name", ["Dallake Energy Ltd.", "Dal Lake AI GmbH", "Karavan Logistics"])
def test_a_company_named_like_a_listed_craft_is_not_the_craft(matcher, name):
    scores = _scores(matcher, name)
    assert not {"v:1", "a:3"} & set(scores), scores


@pytest.mark.parametrize("name", ["Dal Lake", "Dal Lake Pte. Ltd.", "Dubai Dal Lake LLC"])
def test_the_crafts_name_with_no_word_more_still_hits_it(matcher, name):
    # a legal form or a place added is left to the weights
    assert "v:1" in _scores(matcher, name)


def test_the_owner_firm_named_after_its_ship_is_hit_as_listed(matcher):
    scores = _scores(matcher, "Hadi Shipping Co. Ltd.")
    assert scores.get("e:2", 0.0) >= 0.9
    assert "v:2" not in scores


def test_match_pairs_caps_it_and_says_why(settings):
    pairs = pd.DataFrame(
        {
            "name1": ["Dal Lake AI GmbH", "Dal Lake"],
            "name2": ["DAL LAKE"] * 2,
            "schema": ["Vessel"] * 2,
        }
    )
    scored = score_pairs(pairs, settings)
    assert scored["score"].iat[0] <= 0.40 < scored["score"].iat[1]
    assert "firm named like a ship" in scored["explanation"].iat[0]
