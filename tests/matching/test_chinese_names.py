"""Chinese company names written in Chinese characters against their pinyin or English
renderings: places set apart, generic words by their English rendering, ordinals in
Chinese numerals as digits; and words written in English by the folding never agree
with a pinyin name through a transliteration key."""

from __future__ import annotations

import pandas as pd
import pytest

from detectors.matching import Matcher, score_pairs
from detectors.matching.names import analyze_name, split_places
from watchlists.model import Alias, WatchlistEntry, entries_to_frame

PLACES = frozenset({"zhejiang", "ningbo", "hongkong", "xian"})


@pytest.mark.parametrize(
    ("syllables", "words"),
    [
        (["zhe", "jiang", "ning", "bo", "xin", "shi", "ji"], ["zhejiang", "ningbo", "xinshiji"]),
        (["hua", "xin", "xiang", "gang"], ["huaxinxianggang"]),  # no place at either end
        (["xin", "shi", "ji", "ning", "bo"], ["xinshiji", "ningbo"]),
        (["zhe", "jiang", "ning", "bo"], ["zhejiang", "ningbo"]),
        (["ning", "bo"], ["ningbo"]),  # a run that is one place stays one word
        (["xian"], ["xian"]),  # one syllable is no place of two
    ],
)
def test_places_at_either_end_of_a_run_are_words_of_their_own(syllables, words):
    assert split_places(syllables, PLACES) == words


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("浙江宁波新世纪进出口有限公司", ("zhejiang", "ningbo", "xinshiji", "import", "export")),
        ("东方海运有限公司", ("dongfang", "shipping")),
        ("華信船務(香港)有限公司", ("huaxin", "shipping", "hongkong")),
        (
            "中国电子科技集团公司第十三研究所",
            (
                "china",
                "electronics",
                "technology",
                "group",
                "company",
                "13",
                "research",
                "institute",
            ),
        ),
        ("第一机械集团", ("1", "machinery", "group")),
        ("第二十三研究所", ("23", "research", "institute")),
        ("武汉三江进出口有限公司", ("wuhan", "sanjiang", "import", "export")),  # no 第: a word
        ("カエデデータ株式会社", ("kaededeta",)),  # the prolonged sound mark is no break
        ("ジョン・スミス", ("ziyon", "sumisu")),  # the middle dot is one
    ],
)
def test_names_in_chinese_characters_and_kana_are_read_as_words(settings, name, tokens):
    assert analyze_name(name, settings.tables).tokens == tokens


@pytest.mark.parametrize(
    ("name1", "name2", "schema", "match"),
    [
        (
            "浙江宁波新世纪进出口有限公司",
            "Zhejiang Ningbo Xinshiji Jinchukou Youxian Gongsi",
            None,
            True,
        ),
        ("东方海运有限公司", "DONGFANG SHIPPING CO LTD", None, True),
        (
            "中国电子科技集团公司第十三研究所",
            "China Electronics Technology Group Corporation 13th Research Institute",
            None,
            True,
        ),
        (
            "中国电子科技集团公司第十三研究所",
            "China Electronics Technology Group Corporation 14th Research Institute",
            None,
            False,
        ),
        # "china" is the English of 中国, not a romanization agreeing with "zhonghua"
        ("中国移动有限公司", "DENG, Zhonghua", "Person", False),
        ("カエデデータ株式会社", "TA KAT", None, False),
    ],
)
def test_chinese_names_against_latin_ones(settings, name1, name2, schema, match):
    pairs = pd.DataFrame({"name1": [name1], "name2": [name2], "schema": [schema]})
    assert bool(score_pairs(pairs, settings)["match"].iloc[0]) is match


def test_a_company_in_chinese_characters_hits_its_listed_pinyin_name(settings):
    listed = [
        WatchlistEntry(
            entry_id="f:ningbo",
            source="custom",
            list="Specially Designated Nationals (SDN)",
            list_code="SDN",
            type="entity",
            name="ZHEJIANG NINGBO XINSHIJI TRADING CO., LTD.",
            aliases=[Alias("ZHEJIANG NINGBO XINSHIJI MAOYI YOUXIAN GONGSI")],
        ),
        WatchlistEntry(
            entry_id="f:other",
            source="custom",
            list="Specially Designated Nationals (SDN)",
            list_code="SDN",
            type="entity",
            name="NINGBO HAITIAN TRADING CO., LTD.",
        ),
    ]
    matcher = Matcher.build(entries_to_frame(listed), settings)
    parties = pd.DataFrame({"party_id": ["p1"], "name": ["浙江宁波新世纪贸易有限公司"]})
    hits = matcher.screen(parties)
    assert hits["entry_id"].tolist() == ["f:ningbo"]
    features = hits["features"].iloc[0]
    assert features["same_after_transliteration"] == 1.0
    assert "zhejiang=zhejiang" in hits["explanation"].iloc[0]
