"""Names written in another script than the list's: the script is kept with each indexed
name, and listed Chinese companies written in Chinese characters hit their pinyin names."""

from __future__ import annotations

import pandas as pd
import pytest

from detectors.matching import Matcher, score_pairs
from detectors.matching.names import analyze_name, name_script
from detectors.matching.transliteration import translit_key
from watchlists.model import Alias, WatchlistEntry, entries_to_frame


def entry(entry_id: str, name: str, aliases: list[Alias] | None = None) -> WatchlistEntry:
    return WatchlistEntry(
        entry_id=entry_id,
        source="custom",
        list="Specially Designated Nationals (SDN)",
        list_code="SDN",
        type="entity",
        name=name,
        aliases=aliases or [],
    )


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("Bank Melli Iran", "latin"),
        ("Công ty TNHH", "latin"),
        ("Ким Чен Ын", "cyrillic"),
        ("بنك ملي ايران", "arabic"),
        ("中国精密机械进出口总公司", "han"),
        ("Akrin Saleh Akrin (أقرين صالح أقرين)", "arabic"),
        ("123 / -", ""),
    ],
)
def test_name_script(text, script):
    assert name_script(text) == script


FIXTURE = [
    entry(
        "f:cpmiec",
        "CHINA NATIONAL PRECISION MACHINERY IMPORT/EXPORT CORPORATION",
        aliases=[Alias("ZHONGGUO JINGMI JIXIE JINCHUKOU ZONGGONGSI")],
    ),
    entry("f:melli", "بنك ملي ايران"),
    entry("f:other", "BANK MELLAT"),
]


@pytest.fixture(scope="module")
def fixture_matcher(settings) -> Matcher:
    return Matcher.build(entries_to_frame(FIXTURE), settings)


def test_indexed_names_keep_their_script(fixture_matcher):
    names = fixture_matcher.names
    by_raw = dict(zip(names.raw, names.analyzed_many(list(range(len(names.raw)))), strict=True))
    listed = by_raw["بنك ملي ايران"]
    assert listed.script == "arabic" and listed.arabic
    assert by_raw["BANK MELLAT"].script == "latin" and not by_raw["BANK MELLAT"].arabic


def test_latin_name_hits_entry_listed_in_arabic_script(fixture_matcher):
    hits = fixture_matcher.screen(pd.DataFrame({"party_id": ["p"], "name": ["Bank Melli Iran"]}))
    assert "f:melli" in set(hits["entry_id"]), hits.to_string()


def test_head_company_in_chinese_characters_hits_its_pinyin_name(fixture_matcher, settings):
    query = "中国精密机械进出口总公司"
    assert analyze_name(query, settings.tables).legal_forms == frozenset({"corp"})
    hits = fixture_matcher.screen(pd.DataFrame({"party_id": ["p"], "name": [query]}))
    assert "f:cpmiec" in set(hits["entry_id"]), hits.to_string()


REAL_CASES = [
    ("中国精密机械进出口总公司", "ofac-sdn:9753"),  # ZHONGGUO JINGMI JIXIE JINCHUKOU ZONGGONGSI
    ("北京海力联合科技有限公司", "ofac-sdn:9750"),  # BEIJING HAILI LIANHE KEJI YOUXIAN GONGSI
    ("大连正华贸易有限公司", "ofac-sdn:16849"),  # DALIAN ZHENGHUA MAOYI YOUXIAN GONGSI
    ("بنك ملي ايران", "ofac-sdn:25578"),  # BANK MELLI IRAN
]


@pytest.mark.parametrize(("name", "entry_id"), REAL_CASES)
def test_other_script_names_hit_the_real_sdn(ofac_matcher, name, entry_id):
    hits = ofac_matcher.screen(pd.DataFrame({"party_id": ["p"], "name": [name]}))
    assert entry_id in set(hits["entry_id"]), hits.head().to_string()


# ---- names across scripts: the transliteration key and the consonant skeleton ---------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("chen", "jong"),  # Korean 정 in Russian and in McCune-Reischauer
        ("yn", "un"),
        ("gim", "kim"),  # Revised Romanization against the usual spelling
        ("jeong", "jong"),
        ("khuavei", "huawei"),  # Cyrillic х and в
        ("zhongguo", "chungkuo"),  # pinyin against Wade-Giles
        ("mukhammad", "muhamad"),  # a letter doubled is one
    ],
)
def test_romanizations_of_one_word_share_a_transliteration_key(one, other):
    assert translit_key(one) == translit_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("kim", "pak"),
        ("jong", "sol"),
        ("ivan", "oleg"),
        ("kaikai", "yuke"),  # 开凯 and 宇科: a consonant twice is two, not one doubled
    ],
)
def test_other_words_keep_other_keys(one, other):
    assert translit_key(one) != translit_key(other)


def test_hangul_is_read_a_syllable_a_word(settings):
    assert analyze_name("김정은", settings.tables, "person").tokens == ("gim", "jeong", "eun")


def test_traditional_characters_read_as_simplified(settings):
    traditional = analyze_name("中國精密機械進出口總公司", settings.tables)
    simplified = analyze_name("中国精密机械进出口总公司", settings.tables)
    assert traditional.tokens == simplified.tokens
    assert traditional.raw == "中國精密機械進出口總公司"


def test_a_name_in_arabic_script_keeps_its_own_spelling(settings):
    name = "برزان عبد الغفور"  # ghain is rewritten for comparison only
    assert analyze_name(name, settings.tables).raw == name


def person(entry_id: str, name: str, aliases: list[Alias] | None = None) -> WatchlistEntry:
    return WatchlistEntry(
        entry_id=entry_id,
        source="custom",
        list="Specially Designated Nationals (SDN)",
        list_code="SDN",
        type="person",
        name=name,
        aliases=aliases or [],
    )


LATIN_LIST = [
    person("l:kim", "KIM, Jong Un"),
    person("l:kimyo", "KIM, Yo Jong"),
    person("l:choe", "CHOE, Son Hui"),
    entry("l:melli", "BANK MELLI IRAN"),
    entry("l:mellat", "BANK MELLAT"),
    entry(
        "l:cpmiec",
        "CHINA NATIONAL PRECISION MACHINERY IMPORT/EXPORT CORPORATION",
        aliases=[Alias("ZHONGGUO JINGMI JIXIE JINCHUKOU ZONGGONGSI")],
    ),
    person("l:tariq", "AZIZ, Tariq"),
]


@pytest.fixture(scope="module")
def latin_matcher(settings) -> Matcher:
    return Matcher.build(entries_to_frame(LATIN_LIST), settings)


def screened(matcher: Matcher, name: str, kind: str | None = None) -> pd.DataFrame:
    return matcher.screen(pd.DataFrame({"party_id": ["p"], "name": [name], "type": [kind]}))


@pytest.mark.parametrize(
    ("name", "kind", "entry_id"),
    [
        ("Ким Чен Ын", "person", "l:kim"),  # Cyrillic
        ("김정은", "person", "l:kim"),  # Hangul
        ("بنك ملي ايران", "entity", "l:melli"),  # Arabic
        ("طارق عزيز", "person", "l:tariq"),
        ("中國精密機械進出口總公司", "entity", "l:cpmiec"),  # traditional Chinese
    ],
)
def test_a_name_in_another_script_finds_its_latin_entry(latin_matcher, name, kind, entry_id):
    hits = screened(latin_matcher, name, kind)
    assert set(hits["entry_id"]) == {entry_id}, hits.to_string()


def test_one_distinctive_word_apart_is_another_bank(latin_matcher):
    """Bank Mellat in Arabic script hits BANK MELLAT, not BANK MELLI IRAN: "bank" weighs
    as the generic word it is, skeleton or not."""
    hits = screened(latin_matcher, "بنك ملت ايران", "entity")
    assert set(hits["entry_id"]) == {"l:mellat"}, hits.to_string()


def test_the_explanation_says_which_transliteration_made_the_names_one(latin_matcher):
    hits = screened(latin_matcher, "Ким Чен Ын", "person")
    explanation = hits.iloc[0]["explanation"]
    assert "Cyrillic against Latin script, compared by transliteration key" in explanation
    assert "chen=jong [jn]" in explanation
    assert hits.iloc[0]["features"]["same_after_transliteration"] == 1.0
    melli = screened(latin_matcher, "بنك ملي ايران", "entity").iloc[0]["explanation"]
    assert "compared by consonant skeleton" in melli and "ml=ml" in melli


@pytest.mark.parametrize(
    "name",
    [
        "Ким Ир Сен",  # Kim Il Sung: the family name agrees, the given names clash
        "Ким Чен Сок",  # one given name differs
        "Ольга Кузнецова",  # a clean name
        "박정희",  # Park Chung-hee in Hangul
        "بنك صادرات ايران",  # Bank Saderat Iran: only "bank" and "iran" agree
    ],
)
def test_a_clean_name_in_another_script_does_not_hit(latin_matcher, name):
    hits = screened(latin_matcher, name)
    assert hits.empty, hits.to_string()


def test_a_latin_name_finds_an_entry_listed_in_cyrillic(settings):
    matcher = Matcher.build(
        entries_to_frame([person("c:kim", "Ким Чен Ын"), person("c:other", "Ким Ир Сен")]),
        settings,
    )
    hits = screened(matcher, "Kim Jong Un", "person")
    assert set(hits["entry_id"]) == {"c:kim"}, hits.to_string()


REAL_ACROSS_SCRIPTS = [
    ("Ким Чен Ын", "person", "ofac-sdn:20157"),  # KIM, Jong Un
    ("김정은", "person", "ofac-sdn:20157"),
    ("中國精密機械進出口總公司", "entity", "ofac-sdn:9753"),  # ZHONGGUO JINGMI JIXIE ...
]


@pytest.mark.parametrize(("name", "kind", "entry_id"), REAL_ACROSS_SCRIPTS)
def test_names_in_other_scripts_find_latin_entries_of_the_real_sdn(
    ofac_matcher, name, kind, entry_id
):
    hits = screened(ofac_matcher, name, kind)
    assert entry_id in set(hits["entry_id"]), hits.head().to_string()


def test_a_clean_cyrillic_name_does_not_hit_the_real_sdn(ofac_matcher):
    hits = screened(ofac_matcher, "Ольга Николаевна Кузнецова", "person")
    assert hits.empty, hits.head().to_string()


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("Юрий Ковальчук", ("yury", "kovalchuk")),  # not "iurii koval chuk"
        ("Евгений Пригожин", ("evgeny", "prigozhin")),
        ("Αλέξης Τσίπρας", ("alexis", "tsipras")),  # not "alexes"
        ("ООО «Газпром»", ("gazprom",)),
    ],
)
def test_cyrillic_and_greek_are_spelled_as_the_lists_spell_them(settings, name, tokens):
    assert analyze_name(name, settings.tables).tokens == tokens


def test_a_cyrillic_name_reaches_its_listed_spelling(settings):
    pairs = pd.DataFrame(
        {"name1": ["Юрий Ковальчук"], "name2": ["KOVALCHUK, Yuri"], "schema": ["Person"]}
    )
    assert score_pairs(pairs, settings)["score"].iloc[0] >= 0.90


def test_names_in_arabic_script_sharing_a_short_key_leave_room_for_the_latin_entry(settings):
    """ "El-aichDhou" reads "sd" by its consonants, as every "سيد" (Sayyid) does: those
    names must not fill the places of the scorer before the listed Latin spelling."""
    listed = [person("l:elaich", "EL-AICH, Dhou")] + [
        person(f"a:sayyid{i}", f"سيد {name}")
        for i, name in enumerate(
            ["أحمد شهيد خيل", "غیاث الدین آغا", "محمد حقانی", "عزت الله", "علي", "حسن"]
        )
    ]
    matcher = Matcher.build(entries_to_frame(listed), settings)
    hits = screened(matcher, "El-aichDhou", "person")
    assert "l:elaich" in set(hits["entry_id"]), hits.to_string()
