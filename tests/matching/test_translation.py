"""Business words of other languages read as their English word (names.translations)."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml
from conftest import REPO, entry
from rigour.names import NameTypeTag, SymbolCategory, analyze_names

from detectors.matching import Matcher
from detectors.matching.names import analyze_name
from detectors.matching.pairs import score_pairs
from detectors.matching.translation import Translations
from flows.errors import ConfigError
from watchlists.model import Alias, entries_to_frame

TABLE = yaml.safe_load((REPO / "configs" / "matching.yaml").read_text())["names"]["translations"]


def org_symbols(word: str) -> set[str]:
    """The organisation symbols rigour tags a single word with."""
    return {
        str(span.symbol)
        for name in analyze_names(NameTypeTag.ORG, [word])
        for span in name.spans
        if len(span.parts) == 1
        and span.symbol.category in (SymbolCategory.SYMBOL, SymbolCategory.DOMAIN)
    }


@pytest.mark.parametrize(
    ("english", "spelling"),
    [(english, s) for english, spellings in TABLE["rigour"].items() for s in spellings],
)
def test_the_rigour_group_is_what_rigour_reads(english, spelling):
    assert org_symbols(spelling) & org_symbols(english), (spelling, english)


def test_the_other_groups_hold_what_rigour_lacks():
    known = [
        (s, english)
        for group, table in TABLE.items()
        if group != "rigour"
        for english, spellings in table.items()
        for s in spellings
        if org_symbols(s) & org_symbols(english)
    ]
    # listed elsewhere to give the word another English word than rigour's
    assert known == []


def test_a_word_is_read_one_way_only():
    with pytest.raises(ConfigError, match="both"):
        Translations.from_config({"a": {"trade": ["torgovy"]}, "b": {"commerce": ["torgovy"]}})
    with pytest.raises(ConfigError, match="one folded word"):
        Translations.from_config({"a": {"trade": ["torgovy dom"]}})


def test_a_company_name_reads_its_business_words_in_english(settings):
    name = analyze_name("BANK TORGOVOY KAPITAL ZAO", settings.tables, "entity")
    assert name.tokens == ("bank", "trade", "capital")
    assert name.translated == (("torgovoy", "trade"), ("kapital", "capital"))
    assert name.legal_forms  # ZAO is still a legal form, not a word to translate


def test_a_legal_form_written_out_stays_a_legal_form(settings):
    name = analyze_name("Inversiones Omega Sociedad Anonima", settings.tables, "entity")
    assert name.tokens == ("investment", "omega") and name.legal_forms


def test_a_persons_name_is_not_translated(settings):
    # "Fond" and "Banco" are surnames too
    name = analyze_name("Banco, Maria Fond", settings.tables, "person")
    assert "bank" not in name.tokens and "fund" not in name.tokens
    assert name.translated == ()


def test_a_misspelt_business_word_is_read_back_first(settings):
    # "inwersiones": a slip in the word itself, read as inversiones, then investment
    name = analyze_name("INWERSIONES EL EDEN S.C.S.", settings.tables, "entity")
    assert name.tokens[0] == "investment"


def test_a_slip_two_letters_away_is_compared_with_the_word_as_written(settings):
    pairs = pd.DataFrame(
        {
            "name1": ["AFRI BELG COMMMERCIO E INDUSTRIA LDA"],
            "name2": ["AFRI BELG COMERCIO E INDUSTRIA LDA"],
        }
    )
    assert score_pairs(pairs, settings)["match"].iloc[0]


def test_the_explanation_says_which_words_were_read_as_translations(settings):
    pairs = pd.DataFrame({"name1": ["TRADE CAPITAL BANK"], "name2": ["BANK TORGOVOY KAPITAL ZAO"]})
    out = score_pairs(pairs, settings)
    assert out["match"].iloc[0]
    assert (
        "read as their English translation: torgovoy=trade, kapital=capital"
        in (out["explanation"].iloc[0])
    )


@pytest.fixture(scope="module")
def translated_matcher(settings) -> Matcher:
    entries = [
        entry(
            "t:tkb",
            "BANK TORGOVOY KAPITAL ZAO",
            list_code="SDN",
            aliases=[Alias("TK BANK")],
        ),
        entry("t:dnp", "DISTRIBUIDORA NICARAGUENSE DE PETROLEO, S.A.", list_code="SDN"),
        entry("t:fondo", "FONDO, Maria Elena", kind="person", list_code="SDN"),
    ] + [
        entry(f"t:bank{i}", f"{word} Commercial Bank", list_code="SDN")
        for i, word in enumerate(["Halyk", "Tempbank", "Sberbank", "Onerbank", "Evrofinance"])
    ]
    return Matcher.build(entries_to_frame(entries), settings)


def test_screening_finds_the_listed_name_by_its_translation(translated_matcher):
    hits = translated_matcher.screen(
        pd.DataFrame({"name": ["Trade Capital Bank", "Nicaraguan Petroleum Distributor"]})
    )
    assert set(hits["entry_id"]) == {"t:tkb", "t:dnp"}
    text = hits.set_index("entry_id").loc["t:tkb", "explanation"]
    assert "torgovoy=trade" in text


def test_business_words_alone_do_not_hit_every_bank(translated_matcher):
    hits = translated_matcher.screen(
        pd.DataFrame({"name": ["Commercial Bank", "Trade Bank", "Kommercheski Bank"]})
    )
    assert hits.empty


def test_a_party_named_like_a_business_word_still_finds_the_listed_person(translated_matcher):
    # the party's kind is unknown, so "Fondo" is read as fund; the listed person's name
    # is not translated, and the word is compared as written against it
    hits = translated_matcher.screen(pd.DataFrame({"name": ["Maria Elena Fondo"]}))
    assert list(hits["entry_id"]) == ["t:fondo"]
