"""Name analysis: what survives normalization decides what can match."""

from __future__ import annotations

import pytest

from detectors.matching.names import analyze_name, normalize_address, phonetic_key


def test_legal_forms_are_set_aside(settings):
    a = analyze_name("Guangzhou Haige Communication Group Co., Ltd.", settings.tables)
    assert a.tokens == ("guangzhou", "haige", "communication", "group")
    assert a.legal_forms == {"co_ltd"}


def test_multilingual_legal_forms(settings):
    t = settings.tables
    assert analyze_name("OOO Rosneft", t).tokens == ("rosneft",)
    assert analyze_name("Sinar Jaya Sdn. Bhd.", t).legal_forms == {"sdn_bhd"}
    assert analyze_name("Acme Pte. Ltd.", t).legal_forms == {"pte_ltd"}
    assert analyze_name("华为技术有限公司", t).legal_forms == {"co_ltd"}


def test_abbreviations_expand(settings):
    a = analyze_name("Sinno Elec Imp & Exp Intl Grp", settings.tables)
    assert a.tokens == ("sinno", "electronics", "import", "and", "export", "international", "group")


def test_chinese_script_becomes_latin_words(settings):
    a = analyze_name("深圳市华为技术有限公司", settings.tables)
    assert a.tokens == ("shenzhen", "huawei", "technology")


def test_cyrillic_transliterates(settings):
    assert analyze_name("Рособоронэкспорт", settings.tables).tokens == ("rosoboroneksport",)
    assert phonetic_key("rosoboroneksport") == phonetic_key("rosoboronexport")


def test_surname_given_order_is_aligned(settings):
    a = analyze_name("HANIYA, Ismail Abdul Salah", settings.tables, "person")
    assert a.tokens == ("ismail", "abdul", "salah", "haniya")
    assert a.reordered
    # an entity's comma before its legal form is not a person's name order
    assert not analyze_name("Acme Trading, Inc.", settings.tables).reordered


def test_numbers_are_kept(settings):
    assert analyze_name("11420 CORP.", settings.tables).numbers == {"11420"}


def test_places_join(settings):
    assert analyze_name("Hong Kong Acme Ltd", settings.tables).tokens == ("hongkong", "acme")


def test_bis_successor_clause_is_dropped(settings):
    a = analyze_name(
        "Beijing Computational Science Research Center; and any successor, sub-unit, or subsidiary thereof",
        settings.tables,
    )
    assert a.tokens[-1] == "center"


def test_address_abbreviations_unify(settings):
    assert (
        normalize_address("88 Haiying Rd., Bldg 2", settings.tables) == "88 haiying road building 2"
    )


def test_a_latin_word_among_the_cjk_words_is_refused():
    """ASCII names skip the CJK tables, so a Latin spelling there would silently do nothing."""
    from detectors.matching.names import NameTables

    with pytest.raises(ValueError, match="names.cjk_words: 'huawei' is not CJK script"):
        NameTables.from_config({"cjk_words": {"华为": "huawei", "huawei": "hua wei"}})
