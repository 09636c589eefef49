"""Near namesakes are not hits; misspellings still are, also in a large list."""

from __future__ import annotations

import random

import pandas as pd

from detectors.matching import Matcher, score_pairs
from detectors.matching.near_words import NearWords
from watchlists.model import WatchlistEntry, entries_to_frame


def test_near_namesake_is_capped_below_the_threshold_and_says_why(settings):
    scored = score_pairs(
        pd.DataFrame({"name1": ["Handa Electronics Pte. Ltd."], "name2": ["HANA ELECTRONICS"]}),
        settings,
    )
    assert scored["score"].iat[0] < min(settings.role_thresholds.values())
    assert "capped at" in scored["explanation"].iat[0]
    assert "handa~hana" in scored["explanation"].iat[0]


def test_a_company_is_no_hit_on_a_listed_person_of_that_name(small_matcher):
    hits = small_matcher.screen(
        pd.DataFrame({"name": ["Haniya Trading Co., Ltd.", "Ismail Haniya Digital Ltd"]})
    )
    assert "t:haniya" not in set(hits["entry_id"])


def test_near_words_reach_two_typos_in_long_words_and_one_in_short_ones():
    words = ["zaidanfen", "tongmaikan", "hana", "haige", "sinno"]
    near = NearWords.build(words)
    found = near.lookup(["maidanjen", "tngmairan", "hanwa", "haieg", "sino", "hgie"], words)
    assert found["maidanjen"] == [("zaidanfen", 2)]
    assert found["tngmairan"] == [("tongmaikan", 2)]
    assert found["haieg"] == [("haige", 1)]
    assert found["sino"] == [("sinno", 1)]
    assert found["hanwa"] == [("hana", 1)]
    assert found["hgie"] == []  # two edits in a four-letter word: too far to look


def _syllable_word(rng: random.Random) -> str:
    syllables = [c + v for c in "bdgklmnprstwxyz" for v in ("a", "e", "i", "o", "u", "ang")]
    return "".join(rng.choice(syllables) for _ in range(rng.choice((2, 3))))


def test_misspelt_party_finds_its_entry_among_many_similar_names(settings, small_entries):
    """Thousands of listed names sharing the generic words and the place of the listed
    party: the index still hands the misspelt party's own entry to the scorer."""
    rng = random.Random(3)
    crowd = [
        WatchlistEntry(
            entry_id=f"t:crowd{i}",
            source="custom",
            list="Specially Designated Nationals (SDN)",
            list_code="SDN",
            type="entity",
            name=f"Guangzhou {_syllable_word(rng).title()} Communication Group",
        )
        for i in range(6000)
    ]
    frame = pd.concat([small_entries, entries_to_frame(crowd)], ignore_index=True)
    matcher = Matcher.build(frame, settings)
    names = ["Guangzhou Hagie Comunication Group", "Guangzhuo Haiga Communication Grp"]
    hits = matcher.screen(pd.DataFrame({"party_id": ["a", "b"], "name": names}))
    assert set(hits.loc[hits["entry_id"] == "t:haige", "party_id"]) == {"a", "b"}
