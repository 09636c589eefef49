"""Rewrites of a listed name the way other people write it, one function per kind of
variation (benchmarks/variations.py): a legal form spelled out or in another language,
words joined or split, digits for letters, initials for given names, numbers in words,
Chinese generic words in pinyin, a Chinese place moved or dropped, a distinctive word of
two pinyin syllables written as two words, the brand alone, a nickname. Each returns
None where the name offers nothing to rewrite."""

from __future__ import annotations

import random
import re
from functools import lru_cache

from detectors.matching import Matcher
from detectors.matching.legal_forms import form_code

# legal-form spellings and another spelling of the same form (what a customer writes)
FORM_RESPELLINGS = {
    "co., ltd.": ["Company Limited", "Youxian Gongsi"],
    "co. ltd.": ["Company Limited"],
    "co ltd": ["Company Limited"],
    "company limited": ["Co., Ltd."],
    "limited": ["Ltd."],
    "ltd.": ["Limited"],
    "ltd": ["Limited"],
    "llc": ["Limited Liability Company", "OOO"],
    "ooo": ["LLC", "Limited Liability Company"],
    "jsc": ["Joint Stock Company", "AO"],
    "ojsc": ["Open Joint Stock Company", "OAO"],
    "oao": ["OJSC", "Open Joint Stock Company"],
    "pjsc": ["Public Joint Stock Company", "PAO"],
    "pao": ["PJSC"],
    "cjsc": ["Closed Joint Stock Company", "ZAO"],
    "zao": ["CJSC"],
    "joint stock company": ["JSC"],
    "ag": ["Aktiengesellschaft"],
    "gmbh": ["Gesellschaft mit beschraenkter Haftung"],
    "inc.": ["Incorporated"],
    "inc": ["Incorporated"],
    "corporation": ["Corp."],
    "corp.": ["Corporation"],
    "s.a.": ["Sociedad Anonima"],
    "sa": ["S.A."],
    "pte. ltd.": ["Private Limited"],
    "pte ltd": ["Private Limited"],
    "sdn. bhd.": ["Sendirian Berhad"],
    "sdn bhd": ["Sendirian Berhad"],
    "company": ["Co."],
    "co.": ["Company"],
}
_FORM_AT_END = re.compile(
    r"[\s,]+("
    + "|".join(re.escape(f) for f in sorted(FORM_RESPELLINGS, key=len, reverse=True))
    + r")\s*$",
    re.IGNORECASE,
)
# English generic words of Chinese company names and their pinyin
PINYIN = {
    "technology": "Keji",
    "technologies": "Keji",
    "trading": "Maoyi",
    "trade": "Maoyi",
    "group": "Jituan",
    "international": "Guoji",
    "electronics": "Dianzi",
    "electronic": "Dianzi",
    "communication": "Tongxin",
    "communications": "Tongxin",
    "development": "Fazhan",
    "industrial": "Shiye",
    "industry": "Gongye",
    "investment": "Touzi",
    "logistics": "Wuliu",
    "equipment": "Shebei",
    "engineering": "Gongcheng",
    "holding": "Konggu",
    "holdings": "Konggu",
    "import and export": "Jinchukou",
    "import & export": "Jinchukou",
    "co., ltd.": "Youxian Gongsi",
    "co. ltd.": "Youxian Gongsi",
    "co ltd": "Youxian Gongsi",
    "company limited": "Youxian Gongsi",
    "limited": "Youxian Gongsi",
    "company": "Gongsi",
}
_PINYIN_WORDS = re.compile(
    r"\b(" + "|".join(re.escape(w) for w in sorted(PINYIN, key=len, reverse=True)) + r")(?=\W|$)",
    re.IGNORECASE,
)
CHINESE_PLACES = (
    "Shenzhen", "Guangzhou", "Beijing", "Shanghai", "Hong Kong", "Hongkong", "Tianjin",
    "Chongqing", "Chengdu", "Wuhan", "Hangzhou", "Nanjing", "Xian", "Xi'an", "Ningbo",
    "Dalian", "Xiamen", "Suzhou", "Harbin", "Changsha", "Zhuhai", "Dongguan", "Qingdao",
    "Jinan", "Zhengzhou", "Hefei", "Shenyang", "Kunming", "Fuzhou", "Foshan", "China",
)  # fmt: skip
_PLACE_LEAD = re.compile(r"^(" + "|".join(CHINESE_PLACES) + r")\b[\s,]*", re.IGNORECASE)
_NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth",
             7: "seventh", 8: "eighth", 9: "ninth", 10: "tenth", 11: "eleventh",
             12: "twelfth", 13: "thirteenth"}  # fmt: skip
_LEET = {"o": "0", "i": "1", "e": "3", "a": "4", "s": "5"}


def legal_form(name: str, rng: random.Random) -> str | None:
    m = _FORM_AT_END.search(name)
    if not m:
        return None
    other = rng.choice(FORM_RESPELLINGS[m.group(1).lower()])
    return name[: m.start()] + " " + other


def joined_split(name: str, kind: str, rng: random.Random) -> str | None:
    words = [w for w in re.split(r"[\s,]+", name) if w]
    if kind == "person" and len(words) >= 2:  # "SergeiLavrov"
        i = rng.randrange(len(words) - 1)
        joined = words[i].capitalize() + words[i + 1].capitalize()
        return " ".join(words[:i] + [joined] + words[i + 2 :])
    long_ = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 8]
    if not long_:
        return None
    i = rng.choice(long_)
    cut = rng.randrange(3, len(words[i]) - 3)
    return " ".join(words[:i] + [words[i][:cut], words[i][cut:]] + words[i + 1 :])


def digits(name: str, rng: random.Random) -> str | None:
    words = name.split()
    candidates = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= 5]
    if not candidates:
        return None
    i = max(candidates, key=lambda j: len(words[j]))
    word = words[i]
    inner = [k for k in range(1, len(word) - 1) if word[k].lower() in _LEET]
    if not inner:
        return None
    for k in rng.sample(inner, min(2, len(inner))):
        word = word[:k] + _LEET[word[k].lower()] + word[k + 1 :]
    words[i] = word
    return " ".join(words)


def initials(name: str, rng: random.Random) -> str | None:
    """'SURNAME, Given Middle' -> 'Given M. SURNAME'; 'Given Middle SURNAME' likewise."""
    if "," in name:
        surname, given = (p.strip() for p in name.split(",", 1))
        given_words = given.split()
    else:
        words = name.split()
        surname, given_words = words[-1], words[:-1]
    if len(given_words) < 2 or not surname:
        return None
    first, *middle = given_words
    if rng.random() < 0.5:  # all given names as initials: "J.-C. Juncker"
        return " ".join(f"{w[0]}." for w in given_words) + " " + surname
    return " ".join([first, *(f"{w[0]}." for w in middle), surname])


def _number_words(n: int, ordinal: bool) -> str | None:
    if ordinal:
        return _ORDINALS.get(n)
    if n < 20:
        return _NUMBER_WORDS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _TENS[tens] + (f"-{_NUMBER_WORDS[unit]}" if unit else "")
    return None


def numbers(name: str) -> str | None:
    m = re.search(r"\b(\d{1,2})(st|nd|rd|th)?\b", name, re.IGNORECASE)
    if not m:
        return None
    words = _number_words(int(m.group(1)), bool(m.group(2)))
    if not words:
        return None
    return name[: m.start()] + words.title() + name[m.end() :]


def reordered(name: str) -> str | None:
    if "," not in name:
        return None
    surname, given = (p.strip() for p in name.split(",", 1))
    return f"{surname} {given}" if given else None


def pinyin_words(name: str) -> str | None:
    if not _PLACE_LEAD.search(name) and not re.search(r"\bchina\b", name, re.IGNORECASE):
        return None
    out, count = _PINYIN_WORDS.subn(lambda m: PINYIN[m.group(1).lower()], name)
    return out if count else None


def cn_pinyin_words(name: str) -> str | None:
    """A company of China, Hong Kong or Macau with its generic words in pinyin ("Keji"
    for Technology, "Youxian Gongsi" for Co., Ltd.), whatever its first word."""
    out, count = _PINYIN_WORDS.subn(lambda m: PINYIN[m.group(1).lower()], name)
    return out if count else None


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable pypinyin knows (from its table of characters)."""
    from pypinyin import lazy_pinyin
    from pypinyin.constants import PINYIN_DICT

    return frozenset(lazy_pinyin("".join(chr(cp) for cp in PINYIN_DICT)))


def split_brand(matcher: Matcher, name: str) -> str | None:
    """A distinctive word of two pinyin syllables written as two words ("HONGYUAN
    TRADING" -> "Hong Yuan TRADING")."""
    syllables = pinyin_syllables()
    for word in name.split():
        w = word.strip(".,()").lower()
        if len(w) < 5 or not w.isalpha() or not matcher.weights.distinctive(w):
            continue
        for k in range(2, len(w) - 1):
            if w[:k] in syllables and w[k:] in syllables:
                return name.replace(word, f"{w[:k].capitalize()} {w[k:].capitalize()}", 1)
    return None


def place_moved(name: str, rng: random.Random) -> str | None:
    m = _PLACE_LEAD.search(name)
    if not m or not name[m.end() :].strip():
        return None
    rest = name[m.end() :].strip()
    if rng.random() < 0.5:
        return rest  # the place dropped
    return f"{rest} ({m.group(1)})"


def brand_only(matcher: Matcher, name: str) -> str | None:
    """The distinctive words alone ("Hikvision" for "Hangzhou Hikvision Digital
    Technology Co., Ltd."), of any company name that has words besides them: its
    words as the matcher reads them, less the places, generic words and stop words of
    the name tables (configs/matching.yaml) and the legal forms ("GmbH" inside "GmbH &
    Co. KG"). A name of distinctive words only has no brand to shorten it to; nor has
    one whose remaining words are all common in the list (`TokenWeights.common`:
    "Ocean" of "Pacific Ocean Shipping Limited", "Sberbank" of the many Sberbank
    companies), which says what a business does, or which family, not which one it is."""
    weights = matcher.weights
    analyzed = matcher.analyze(name, "entity")
    kept = [t for t in analyzed.tokens if weights.distinctive(t) and form_code(t) is None]
    if not kept or len(kept) == len(analyzed.tokens) or sum(map(len, kept)) < 5:
        return None
    if all(weights.common(t) or t.isdigit() for t in kept):
        return None
    return " ".join(w.capitalize() for w in kept)


def nickname(name: str, rng: random.Random) -> str | None:
    """A given name replaced by one of its known nicknames ("SMITH, Robert" -> "Bob
    SMITH"), from the `nicknames` package's table."""
    from nicknames import NickNamer

    if "," in name:
        surname, given = (p.strip() for p in name.split(",", 1))
        given_words = given.split()
    else:
        *given_words, surname = name.split() or [""]
    namer = NickNamer()
    options = [
        (i, sorted(n for n in namer.nicknames_of(w) if len(n) >= 3 and n.isalpha()))
        for i, w in enumerate(given_words)
    ]
    options = [(i, nicks) for i, nicks in options if nicks]
    if not surname or not options:
        return None
    i, nicks = options[0]
    given_words[i] = rng.choice(nicks).capitalize()
    return " ".join([*given_words, surname])
