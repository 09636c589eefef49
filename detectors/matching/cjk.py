"""Names written in Chinese, Japanese or Korean characters read in Latin letters.

Traditional characters are read as simplified ones (the tables' words are simplified),
ordinals in Chinese numerals as digits, and every remaining run of characters as one
word: Chinese by its pinyin (pypinyin), with the places at either end a word of their
own; Korean a syllable a word; kana by its sounds. `names.fold_text` calls these.
"""

from __future__ import annotations

import re

from pypinyin import lazy_pinyin
from unidecode import unidecode
from zhconv import convert as convert_chinese

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_HANGUL = re.compile(r"[\uac00-\ud7af]+")

# an ordinal in Chinese numerals ("第十三研究所", the 13th Research Institute; "第一机械",
# First Machinery); numerals without 第 stay words of the name ("三江", Sanjiang)
_HAN_ORDINAL = re.compile(r"第([零〇一二两三四五六七八九十百]+)")
_HAN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_HAN_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})


def is_han(word: str) -> bool:
    """The word is written in Chinese characters only."""
    return bool(_HAN.fullmatch(word))


def simplified(text: str) -> str:
    """Traditional Chinese characters as simplified ones (text without any as it is)."""
    return convert_chinese(text, "zh-cn") if _HAN.search(text) else text


def han_ordinals_as_digits(text: str) -> str:
    """Ordinals in Chinese numerals as digits ("第十三研究所" -> " 13 研究所")."""
    return _HAN_ORDINAL.sub(lambda m: f" {_han_number(m.group(1))} ", text)


def romanize_cjk(text: str, places: frozenset[str]) -> str:
    """Every run of CJK characters as Latin words set apart by spaces."""
    return _CJK.sub(lambda m: " " + _romanize_run(m.group(0), places) + " ", text)


def _han_number(numeral: str) -> int:
    """A number in Chinese numerals ("十三" 13, "二十" 20, "一百零二" 102)."""
    total, digit = 0, 0
    for ch in numeral:
        if ch in _HAN_DIGITS:
            digit = _HAN_DIGITS[ch]
        else:  # 十 or 百: the digit before it counts that many (a bare 十 is ten)
            total += (digit or 1) * (10 if ch == "十" else 100)
            digit = 0
    return total + digit


def _romanize_run(run: str, places: frozenset[str]) -> str:
    if _HAN.fullmatch(run):
        return " ".join(split_places(lazy_pinyin(run), places))
    if _HANGUL.fullmatch(run):  # Korean: a syllable a word, as Korean names are romanized
        return " ".join(unidecode(ch).lower() for ch in run)
    # kana: the prolonged sound mark (ー, "de-ta") is no word break, the middle dot (・)
    # is one ("ジョン・スミス")
    words = run.replace("\u30fc", "").split("\u30fb")
    return " ".join(unidecode(w).replace(" ", "").lower() for w in words)


PLACE_SYLLABLES = (4, 3, 2)  # syllables of a place written in Chinese characters


def split_places(syllables: list[str], places: frozenset[str]) -> list[str]:
    """The pinyin syllables of a run of Chinese characters as words: the places at its
    start and at its end (two syllables or more, as the place table spells them:
    "zhejiang", "ningbo") a word each, the syllables between them one word. A name
    written in pinyin puts its places apart ("Zhejiang Ningbo Xinshiji"); the brand
    between them is written as one word as often as not, so it stays joined."""
    head: list[str] = []
    tail: list[str] = []
    rest = list(syllables)
    for side in (head, tail):
        found = True
        while found and len(rest) > 2:  # a place takes two syllables; a word stays
            found = False
            for width in PLACE_SYLLABLES:
                if width > len(rest) - 1:
                    continue
                part = rest[:width] if side is head else rest[-width:]
                if "".join(part) in places:
                    side.append("".join(part))
                    rest = rest[width:] if side is head else rest[:-width]
                    found = True
                    break
    return [*head, "".join(rest), *reversed(tail)]
