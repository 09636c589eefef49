"""Screening through the index: hits, explanations, address hits, thresholds, caching."""

from __future__ import annotations

import gc
import random
import sys
from pathlib import Path

import pandas as pd

from detectors.matching import HIT_COLUMNS, Matcher

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from matcher_pairs import perturb  # noqa: E402  (offline training code, outside the package)


def test_hit_frame_has_the_declared_columns(small_matcher):
    hits = small_matcher.screen(
        pd.DataFrame({"party_id": ["p1"], "name": ["Guangzhou Haige Comm Group"]})
    )
    assert tuple(hits.columns) == HIT_COLUMNS
    hit = hits.iloc[0]
    assert (hit["entry_id"], hit["match_kind"], hit["list_code"]) == ("t:haige", "name", "EL")
    assert hit["score"] >= hit["threshold"]
    assert isinstance(hit["features"], dict) and "numbers" in hit["features"]


def test_screening_pauses_the_collector_and_turns_it_back_on(small_matcher):
    # the collector's walks over the objects a screening keeps cost a tenth of its time
    during: list[bool] = []
    parties = pd.DataFrame({"party_id": ["p1"], "name": ["Guangzhou Haige Comm Group"]})
    hits = small_matcher.screen(parties, progress=lambda done, total: during.append(gc.isenabled()))
    assert during == [False]
    assert gc.isenabled()
    assert list(hits["entry_id"]) == ["t:haige"]


def test_explanation_names_the_alias_the_words_and_the_features(small_matcher):
    hits = small_matcher.screen(pd.DataFrame({"name": ["HAIGE COMMUNICATIONS"]}))
    text = hits.iloc[0]["explanation"]
    assert "matches alias 'Haige Communications'" in text  # the alias that matched
    assert "haige=haige" in text  # aligned words
    assert "raised by" in text


def test_explanation_says_whether_the_primary_name_or_a_weak_alias_matched(small_matcher):
    hits = small_matcher.screen(pd.DataFrame({"name": ["Guangzhou Haige Communication Group"]}))
    assert (
        "matches primary name 'Guangzhou Haige Communication Group" in hits.iloc[0]["explanation"]
    )
    hits = small_matcher.screen(pd.DataFrame({"name": ["Huawei"]}))
    row = hits[hits["entry_id"] == "t:huawei"].iloc[0]
    assert "matches weak alias 'Huawei'" in row["explanation"]


def test_explanation_says_what_lowered_a_score(small_matcher):
    hits = small_matcher.screen(
        pd.DataFrame({"name": ["Guangzhou Haige Communication Group"], "country": ["US"]})
    )
    assert "lowered by country" in hits.iloc[0]["explanation"]


def test_no_hit_for_an_unrelated_name(small_matcher):
    hits = small_matcher.screen(
        pd.DataFrame({"name": ["Northwind Data Centers LLC", "BELLETECH CORP"]})
    )
    assert hits.empty


def test_weak_alias_is_marked(small_matcher):
    hits = small_matcher.screen(pd.DataFrame({"name": ["Huawei"]}))
    row = hits[hits["entry_id"] == "t:huawei"].iloc[0]
    assert row["alias_strength"] == "weak"


def test_address_hit_under_another_name(small_matcher):
    parties = pd.DataFrame(
        {
            "party_id": ["x"],
            "name": ["Bright Future Holdings"],
            "address": ["Rm 1205 Block B Tianan Cyber Park, Futian Dist., Shenzhen"],
            "country": ["CN"],
        }
    )
    hits = small_matcher.screen(parties)
    assert list(hits["match_kind"]) == ["address"]
    assert hits.iloc[0]["entry_id"] == "t:sinno"
    assert "Tianan Cyber Park" in hits.iloc[0]["explanation"]


def test_address_needs_country_agreement_and_specific_listed_address(small_matcher):
    parties = pd.DataFrame(
        {
            "name": ["Bright Future Holdings", "Island Imports"],
            "address": [
                "Room 1205, Block B, Tianan Cyber Park, Futian District, Shenzhen",
                "Havana, Cuba",
            ],
            "country": ["SG", "CU"],
        }
    )
    assert small_matcher.screen(parties).empty


def test_role_threshold_is_lower_for_end_users(settings):
    assert settings.threshold("SDN", "end_user") <= settings.threshold("SDN", "customer")
    assert settings.threshold("EL", "name") == settings.list_thresholds.get(
        "EL", settings.default_threshold
    )


def test_save_and_load_give_the_same_hits(small_matcher, settings, tmp_path):
    path = tmp_path / "snapshot.matcher"
    small_matcher.save(path)
    loaded = Matcher.load(path, settings)
    parties = pd.DataFrame({"name": ["HAIGE GUANGZHOU", "Ismail HANIYA Abdul Salah"]})
    before, after = small_matcher.screen(parties), loaded.screen(parties)
    assert before[["party_id", "entry_id", "score"]].equals(
        after[["party_id", "entry_id", "score"]]
    )


def test_progress_is_reported(small_matcher):
    seen = []
    small_matcher.screen(
        pd.DataFrame({"name": ["A", "B", "C"]}),
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen[-1] == (3, 3)


def test_index_finds_variants_of_real_list_names(ofac_matcher):
    """Recall of the candidate index on perturbed names of the real SDN + consolidated lists."""
    rng = random.Random(5)
    entries = ofac_matcher.entries.sample(300, random_state=5)
    misses = 0
    for name, kind, entry_id in zip(
        entries["name"], entries["type"], entries["entry_id"], strict=True
    ):
        query = ofac_matcher.analyze(perturb(name, kind, rng))
        ids = ofac_matcher.index.candidates(query, ofac_matcher.settings.candidates_per_query)
        rows = {ofac_matcher.entry_info[r]["entry_id"] for r in ofac_matcher.names.entry_row[ids]}
        misses += entry_id not in rows
    assert misses / len(entries) <= 0.03
    # and a query looks at a few hundred names, not the list
    assert len(ids) <= ofac_matcher.settings.candidates_per_query < ofac_matcher.index.size / 50


def test_real_list_exact_names_hit_themselves(ofac_matcher):
    entries = ofac_matcher.entries.sample(200, random_state=9)
    parties = pd.DataFrame({"party_id": entries["entry_id"], "name": entries["name"]})
    hits = ofac_matcher.screen(parties)
    found = set(zip(hits["party_id"], hits["entry_id"], strict=True))
    share = sum((e, e) in found for e in entries["entry_id"]) / len(entries)
    assert share >= 0.98


def test_a_cache_from_another_version_is_refused(settings, tmp_path):
    import pickle

    import pytest

    stale = tmp_path / "old.matcher"
    stale.write_bytes(pickle.dumps(("entries", "names", "index", "addresses")))
    with pytest.raises(ValueError, match="rebuild"):
        Matcher.load(stale, settings)


def test_a_brand_alone_hits_every_entry_holding_it(settings):
    from tests.matching.conftest import entry
    from watchlists.model import entries_to_frame

    trades = ["Logistics", "Trading", "Electronics", "Technology", "Import Export",
              "Shipping", "Development", "Industrial Group"]  # fmt: skip
    listed = [entry(f"t:{i}", f"Bonggewen {t} Co., Ltd.") for i, t in enumerate(trades)]
    others = [entry(f"o:{i}", f"Mavong {t} Ltd") for i, t in enumerate(trades)]
    matcher = Matcher.build(entries_to_frame(listed + others), settings)
    hits = matcher.screen(pd.DataFrame({"party_id": ["p1"], "name": ["Bonggewen"]}))
    assert set(hits["entry_id"]) == {f"t:{i}" for i in range(len(trades))}


def test_a_cache_built_with_other_name_tables_is_refused(small_matcher, tmp_path):
    """A saved matcher holds its list names as read by the name tables: with another
    abbreviation in configs/matching.yaml they would be read otherwise, so it is stale."""
    import pytest
    import yaml

    from detectors.matching import MatchSettings
    from flows.errors import StaleIndexError

    path = tmp_path / "snapshot.matcher"
    small_matcher.save(path)
    cfg = yaml.safe_load((Path(__file__).parents[2] / "configs" / "matching.yaml").read_text())
    assert Matcher.load(path, MatchSettings.from_config(cfg)).names.raw == small_matcher.names.raw
    cfg["names"]["abbreviations"]["hg"] = "haige"
    with pytest.raises(StaleIndexError, match="other name tables"):
        Matcher.load(path, MatchSettings.from_config(cfg))
    cfg["names"]["abbreviations"].pop("hg")
    cfg["index"]["ngram"] = 4
    with pytest.raises(StaleIndexError, match="other name tables or n-grams"):
        Matcher.load(path, MatchSettings.from_config(cfg))
