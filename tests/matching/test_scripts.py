"""Names written in another script than the list's: the script is kept with each indexed
name, and listed Chinese companies written in Chinese characters hit their pinyin names."""

from __future__ import annotations

import pandas as pd
import pytest

from detectors.matching import Matcher
from detectors.matching.names import analyze_name, name_script
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
