"""Name analysis: what survives normalization decides what can match."""

from __future__ import annotations

import pytest

from detectors.matching.arabic import long_vowels_agree
from detectors.matching.names import (
    analyze_name,
    normalize_address,
    phonetic_key,
)


def test_legal_forms_are_set_aside(settings):
    a = analyze_name("Guangzhou Haige Communication Group Co., Ltd.", settings.tables)
    assert a.tokens == ("guangzhou", "haige", "communication", "group")
    assert a.legal_forms == {"llc.coltd"}


def test_multilingual_legal_forms(settings):
    t = settings.tables
    assert analyze_name("OOO Rosneft", t).tokens == ("rosneft",)
    assert analyze_name("Sinar Jaya Sdn. Bhd.", t).legal_forms == {"llc.sdn bhd"}
    assert analyze_name("Acme Pte. Ltd.", t).legal_forms == {"llc.pte ltd"}
    assert analyze_name("华为技术有限公司", t).legal_forms == {"llc.coltd"}


@pytest.mark.parametrize(
    ("name", "tokens", "kind"),
    [
        ("Siemens Aktiengesellschaft", ("siemens",), "jsc"),
        ("Siemens AG", ("siemens",), "jsc"),
        ("Open Joint Stock Company Gazprom", ("gazprom",), "jsc"),
        ("OAO Gazprom", ("gazprom",), "jsc"),
        ("Deutsche Bank GmbH", ("deutsche", "bank"), "llc"),
        ("Huawei Keji Youxian Gongsi", ("huawei", "technology"), "llc"),
        ("Acme Sociedad Anonima", ("acme",), "jsc"),
    ],
)
def test_legal_forms_by_canonical_kind(settings, name, tokens, kind):
    """rigour's organisation types: written-out and foreign forms are set aside, by kind."""
    a = analyze_name(name, settings.tables)
    assert a.tokens == tokens
    assert {f.split(".")[0] for f in a.legal_forms} == {kind}


def test_legal_form_kinds_agree_and_clash():
    from detectors.matching.legal_forms import forms_agree, forms_clash

    assert forms_agree({"jsc.ag"}, {"jsc.ojsc"})
    assert forms_clash({"jsc.ag"}, {"llc.gmbh"})
    assert not forms_clash({"llc.coltd"}, {"jsc.ag"})  # Co., Ltd. translates many forms
    assert not forms_clash({"corp"}, {"llc.gmbh"})


def test_pinyin_generic_words_read_as_english(settings):
    t = settings.tables
    assert analyze_name("Shenzhen Hongyuan Maoyi Youxian Gongsi", t).tokens == (
        "shenzhen",
        "hongyuan",
        "trading",
    )
    assert analyze_name("Ningbo Jin Chu Kou Co", t).tokens == ("ningbo", "import", "export")
    assert analyze_name("重庆长安工业公司", t).tokens == ("chongqing", "changan", "industrial")


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


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("Ig0r Sech1n", ("igor", "sechin")),
        ("1st International Bank", ("1", "international", "bank")),
        ("First International Bank", ("1", "international", "bank")),
        ("Brigade Forty-Four", ("brigade", "44")),
        ("13th Research Institute", ("13", "research", "institute")),
        ("Unit 61398", ("unit", "61398")),
        ("Airbus A320", ("airbus", "a320")),
    ],
)
def test_numbers_one_way(settings, name, tokens):
    assert analyze_name(name, settings.tables).tokens == tokens


def test_split_words_rejoin_against_the_other_name():
    from detectors.matching.word_forms import rejoin

    assert rejoin(("nikolai", "patr", "ushev"), ("nikolai", "patrushev")) == (
        "nikolai",
        "patrushev",
    )
    assert rejoin(("hong", "yuan"), ("hongyuan",)) == ("hongyuan",)
    assert rejoin(("hong", "yuan"), ("hong", "yuan")) == ("hong", "yuan")
    # a person's names join in either order, a company's only as written but for a place
    assert rejoin(("jin", "tai"), ("taijin",)) == ("taijin",)
    assert rejoin(("jin", "tai"), ("taijin",), any_order=False) == ("jin", "tai")
    east = ("east", "trading", "middle")
    joined = rejoin(east, ("middleeast", "trading"), False, {"middleeast"})
    assert sorted(joined) == ["middleeast", "trading"]


def test_known_nicknames_of_given_names_are_read_both_ways():
    from detectors.matching.nicknames import is_nickname

    assert is_nickname("bob", "robert") and is_nickname("robert", "bob")
    assert is_nickname("alec", "alexander")
    assert not is_nickname("robert", "william")
    assert not is_nickname("smith", "robert")


def test_a_nickname_aligns_with_its_given_name_for_persons_only(settings):
    from detectors.matching.alignment import align
    from detectors.matching.pairs import reference_weights

    weights = reference_weights(settings)
    person = align(
        analyze_name("Bob Smith", settings.tables, "person"),
        analyze_name("SMITH, Robert", settings.tables, "person"),
        weights,
    )
    assert ("bob", "robert") in {(q, c) for q, c, _ in person.pairs}
    assert person.query_text == "robert smith"  # compared as the given name
    company = align(
        analyze_name("Bob Trading Co., Ltd.", settings.tables, "entity"),
        analyze_name("ROBERT TRADING CO., LTD.", settings.tables, "entity"),
        weights,
    )
    assert ("bob", "robert") not in {(q, c) for q, c, _ in company.pairs}


def test_ghain_in_arabic_script_is_no_legal_form(settings):
    """unidecode writes ghain as "G": "آغا" (Agha) lower-cased was "ag", read as the
    legal form AG and dropped from the name."""
    name = analyze_name("تورک آغا", settings.tables, "person")
    assert len(name.tokens) == 2 and not name.legal_forms
    assert name.tokens[0] == "twrk"  # the Persian kaf is k


@pytest.mark.parametrize(
    ("arabic", "latin", "agree"),
    [
        ("mhmwd", "mahmud", True),  # محمود
        ("mhmwd", "mahmood", True),
        ("mhmwd", "muhammad", False),  # the waw asks for u or o after the second m
        ("mhmd", "mahmood", True),  # محمد: short vowels unwritten, anything goes
        ("hamd", "hamid", True),  # حامد
        ("hamd", "ahmad", False),
        ("ahmd", "hamid", False),  # أحمد: a word-initial alif asks for a vowel first
        ("hsyn", "hussein", True),  # حسين
        ("hsyn", "hasan", False),
        ("ysy", "isa", True),  # عیسی: a final ya may be alif maqsura
        ("sydallh", "saidullah", True),  # the alif of Allah takes the vowel before it
        ("qaada", "qaida", True),  # القاعدة: alif and ta marbuta
        ("qaada", "cad", False),
    ],
)
def test_long_vowels_agree(arabic, latin, agree):
    assert long_vowels_agree(arabic, latin) is agree


def test_three_words_rejoin_against_the_other_name():
    from detectors.matching.word_forms import rejoin

    assert rejoin(("chong", "chon", "gang", "shipping"), ("chongchongang", "shipping")) == (
        "chongchongang",
        "shipping",
    )
    # the same number of words on both sides, another word besides the joined one
    assert rejoin(("petro", "iran", "development"), ("petroiran", "development", "pedco")) == (
        "petroiran",
        "development",
    )
    # words not in a row are not joined three at a time
    assert rejoin(("chong", "shipping", "chon", "gang"), ("chongchongang",)) == (
        "chong",
        "shipping",
        "chon",
        "gang",
    )
