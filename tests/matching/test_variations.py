"""Variation kinds of names written by others: each feature behind them, on its own."""

from __future__ import annotations

import dataclasses

import pandas as pd

from detectors.matching import score_pairs
from detectors.matching.alignment import align
from detectors.matching.features import (
    PairContext,
    country_agree,
    legal_form_clash,
    one_word_differs,
)
from detectors.matching.names import analyze_name, normalize_address
from detectors.matching.pairs import reference_weights


def _context(settings, name1, name2, **extra) -> PairContext:
    weights = reference_weights(settings)
    q = analyze_name(name1, settings.tables)
    c = analyze_name(name2, settings.tables)
    return PairContext(q, c, align(q, c, weights), weights, **extra)


def test_hong_kong_party_against_an_entry_in_hong_kong_china(settings):
    address = normalize_address(
        "Room 1201, 88 Queensway, Admiralty, Hong Kong, China", settings.tables
    )
    p = _context(
        settings,
        "Acme Trading Ltd",
        "ACME TRADING LIMITED",
        query_country="HK",
        entry_countries=frozenset({"CN"}),
        entry_addresses=(address,),
    )
    assert country_agree(p) == 1.0
    assert country_agree(dataclasses.replace(p, entry_addresses=())) == 0.0  # not a mismatch
    assert country_agree(dataclasses.replace(p, query_country="US")) == -1.0


def test_hong_kong_is_no_country_mismatch_with_china(settings):
    pairs = pd.DataFrame(
        {
            "name1": ["Hongyuan Trading Ltd"] * 2,
            "name2": ["HONGYUAN TRADING LIMITED"] * 2,
            "country1": ["HK", "US"],
            "country2": ["CN", "CN"],
        }
    )
    scored = score_pairs(pairs, settings)
    assert scored["score"].iat[0] > scored["score"].iat[1]
    assert "country" not in scored["explanation"].iat[0]


def test_legal_form_clash_and_agreement(settings):
    assert legal_form_clash(_context(settings, "Deutsche Bank AG", "Deutsche Bank GmbH")) == 1.0
    assert legal_form_clash(_context(settings, "OOO Almaz", "OAO Almaz")) == 1.0
    assert legal_form_clash(_context(settings, "Siemens AG", "Siemens Aktiengesellschaft")) == 0
    assert legal_form_clash(_context(settings, "Acme Co., Ltd.", "Acme AG")) == 0  # translated


def test_one_word_differs(settings):
    assert one_word_differs(
        _context(
            settings,
            "China State Construction Equipment Corporation",
            "China State Construction Engineering Corporation",
        )
    )
    for name1, name2 in [
        ("Islamic Resistance Support Association", "Islamic Resistance Support Organization"),
        ("Belarusian Oil Trading House", "Belarusian Oil Trade House"),
        ("Shenzhen Acme Trading", "Acme Trading"),  # a place added
        ("Sinno Electronics Trading", "Sinno Electronic Trading"),
    ]:
        assert not one_word_differs(_context(settings, name1, name2)), (name1, name2)
