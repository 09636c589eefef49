"""Words written in pinyin: the syllables a word splits into, and when two such words
are two names rather than one name misspelled.

A Chinese name in Latin letters is a run of pinyin syllables ("Mingzheng" is ming +
zheng). Pinyin has some four hundred syllables, so one letter changed in such a word
often gives another valid syllable, that is another Chinese character and another
name: "Mingcheng" (ming + cheng) is not "Mingzheng", "Hongxing" is not "Hongxiang".
A word outside pinyin ("Sinobrite" for "Sinobright") is left to the spelling rules of
`spelling.py`. A name in Chinese characters against a Latin one is read with every
reading of its characters (`han_readings`): a Latin pinyin word none of them gives is
another name ("华源", hua + yuan, is not "Hongyan", though the consonant key of
`transliteration.py` makes them one). The syllables are pypinyin's own: every reading
of every character in its table, tones dropped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin, pinyin
from zhconv import convert as convert_chinese

MIN_SYLLABLES = 2  # a word of one syllable is left to the short-word rules
# letters from which a word that splits into pinyin is taken for pinyin: shorter ones
# ("chiba", "manabo", "enka") split so in many languages, and the short-word rule of
# `features.short_word_changed` judges them
MIN_LETTERS = 7


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable pypinyin knows, but the interjections written
    without a vowel ("hm", "ng"), which would split any word."""
    from pypinyin.constants import PINYIN_DICT

    readings = lazy_pinyin("".join(chr(cp) for cp in PINYIN_DICT))
    return frozenset(s for s in readings if s.isascii() and any(v in s for v in "aeiouv"))


MAX_SYLLABLE = 6  # letters of the longest syllable ("zhuang", "chuang", "shuang")


# pinyin writes an apostrophe before a syllable of a, e or o that follows another
# ("Xi'an"): a word without one starts no syllable after its first with those letters
APOSTROPHE_VOWELS = frozenset("aeo")


@lru_cache(maxsize=65_536)
def syllable_splits(
    word: str, first: bool = True, apostrophe: bool = True
) -> tuple[tuple[str, ...], ...]:
    """Every way `word` splits into pinyin syllables ("xinhua": xin hua, xi nhua is
    none); () when it is no pinyin ("daejin": "da'e" would need its apostrophe).
    `apostrophe=False` lets a syllable of a, e or o follow another, as a name whose
    apostrophe was dropped has it ("changan" for "Chang'an")."""
    if not word.isalpha() or not word.isascii():
        return ()
    if apostrophe and not first and word[0] in APOSTROPHE_VOWELS:
        return ()
    syllables = pinyin_syllables()
    splits: list[tuple[str, ...]] = []
    for size in range(1, min(MAX_SYLLABLE, len(word)) + 1):
        head = word[:size]
        if head not in syllables:
            continue
        if size == len(word):
            splits.append((head,))
            continue
        rest = syllable_splits(word[size:], first=False, apostrophe=apostrophe)
        splits.extend((head, *tail) for tail in rest)
    return tuple(splits)


def _flat(syllable: str) -> str:
    """The syllable with its retroflex initial made flat ("zhong" -> "zong", "sheng" ->
    "seng"): many writers, and the Mandarin of the south, do not tell them apart."""
    return syllable[0] + syllable[2:] if syllable[:2] in ("zh", "ch", "sh") else syllable


@lru_cache(maxsize=65_536)
def syllable_changed(a: str, b: str) -> bool:
    """Two different words of `MIN_LETTERS` or more that split into pinyin syllables,
    two or more, which are the same but for one syllable on each side
    ("mingcheng"/"mingzheng", "hongxing"/"hongxiang"): one character of a Chinese name
    changed, another name. A retroflex initial written flat ("zhongseng" for
    "zhongsheng") is the same syllable."""
    if a == b or min(len(a), len(b)) < MIN_LETTERS:
        return False
    for split_a in syllable_splits(a):
        if len(split_a) < MIN_SYLLABLES:
            continue
        for split_b in syllable_splits(b):
            if len(split_b) != len(split_a):
                continue
            differ = [(x, y) for x, y in zip(split_a, split_b, strict=True) if x != y]
            if len(differ) == 1 and _flat(differ[0][0]) != _flat(differ[0][1]):
                return True
    return False


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


@lru_cache(maxsize=16_384)
def han_readings(raw: str) -> dict[str, tuple[frozenset[str], ...]]:
    """The pinyin words a name in Chinese characters folds to (a run of characters, its
    syllables joined as `names.fold_text` joins them), each with every reading of its
    characters (pypinyin's heteronyms): "华源" is "huayuan", read hua + yuan."""
    text = convert_chinese(unicodedata.normalize("NFKC", raw), "zh-cn")
    words: dict[str, tuple[frozenset[str], ...]] = {}
    for run in _HAN.findall(text):
        first = lazy_pinyin(run)
        if len(first) != len(run):
            continue
        # each character on its own: a phrase gives only the reading it has there
        every = [pinyin(ch, style=Style.NORMAL, heteronym=True)[0] for ch in run]
        readings = [frozenset(r) | {f} for r, f in zip(every, first, strict=True)]
        for i in range(len(run)):
            for j in range(i + 1, len(run) + 1):
                words.setdefault("".join(first[i:j]), tuple(readings[i:j]))
    return words


def read_otherwise(latin: str, readings: tuple[frozenset[str], ...]) -> bool:
    """A Latin word of `MIN_LETTERS` or more that is pinyin of as many syllables as a
    word in Chinese characters has characters, which no reading of them gives
    ("hongyan" against 华源, hua + yuan): the romanization of another name. A word
    outside pinyin (a Cantonese "hungyuen") is left to the transliteration key."""
    if len(readings) < MIN_SYLLABLES or len(latin) < MIN_LETTERS:
        return False
    splits = [s for s in syllable_splits(latin, apostrophe=False) if len(s) == len(readings)]
    if not splits:
        return False
    flat = [{_flat(r) for r in rs} for rs in readings]
    return not any(all(_flat(x) in f for x, f in zip(s, flat, strict=True)) for s in splits)
