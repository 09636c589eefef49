"""Name variations by kind, made from the held-out entries of the real list files.

Each kind rewrites a listed name the way other people write it (a legal form spelled
out or in another language, words joined or split, digits for letters, initials for
given names, numbers in words, Chinese generic words in pinyin, a Chinese place moved
or dropped, the brand alone); `script` and `alias` are no rewrite at all but the
alternate names the list files carry (in another script, or in Latin script). The
`cn_pinyin_words` and `cn_split_brand` kinds take the companies of China, Hong Kong and
Macau: their generic words in pinyin ("Keji", "Youxian Gongsi"), or a distinctive word of
two pinyin syllables written as two words ("Hong Yuan" for HONGYUAN). `brand_only`
takes every company whose name has a distinctive word not common in the list and other
words besides (`brand_only`), with its own draw. The
`one_word_negative` kind pairs distinct listed entries whose names agree but for one
word. Screened end to end (`Matcher.screen`), a kind is scored by the hits it gets:
its own entry (or an entry of the same name on another list) is a true hit, any other
a false one. `alias` takes every alternate Latin-script name (former names included),
`alias_resembling` those that look like the primary name as the scorer's own training
pairs do. An alias is in the index itself, so it is scored against its entry's
primary name instead (as `match-pairs` would).

    PYTHONPATH=. python benchmarks/matching_eval.py --kinds
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from matcher_pairs import PairSpec, _alias_resembles, held_out, pair_features

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

KINDS = (
    "alias",
    "alias_resembling",
    "script",
    "legal_form",
    "joined_split",
    "digits",
    "initials",
    "numbers",
    "reordered",
    "pinyin_words",
    "place_moved",
    "brand_only",
    "nickname",
    "cn_pinyin_words",
    "cn_split_brand",
)
NEGATIVE_KINDS = ("one_word_negative",)


@dataclass(frozen=True)
class Variation:
    query: str
    row: int  # entry row of the name it varies (or, for negatives, of the other entry)
    kind: str
    entry_type: str
    label: int = 1
    name_id: int = -1  # for an alias: the entry's primary name it is scored against


def _words(name: str) -> list[str]:
    return name.split()


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


CHINA = frozenset({"CN", "HK", "MO"})


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


def _script(name: str) -> bool:
    return any(ord(ch) >= 0x370 and ch.isalpha() for ch in name)


def variations(matcher: Matcher, seed: int, per_kind: int = 400) -> list[Variation]:
    """Variations of the held-out entries' names, at most `per_kind` of each kind."""
    rng = random.Random(seed)
    nick_rng = random.Random(seed + 1)  # its own draws: the other kinds stay as they were
    by_kind: dict[str, list[Variation]] = defaultdict(list)
    names_of_row: dict[int, list[int]] = defaultdict(list)
    for name_id, row in enumerate(matcher.names.entry_row.tolist()):
        names_of_row[row].append(name_id)
    for row, ids in names_of_row.items():
        if not held_out(matcher.entry_info[row]["entry_id"]):
            continue
        kind = matcher.entry_kinds[row]
        primary = matcher.names.raw[ids[0]]
        made: dict[str, str | None] = {}
        for alias in ids[1:]:
            text = matcher.names.raw[alias]
            if matcher.names.weak[alias]:
                continue
            made.setdefault("script" if _script(text) else "alias", text)
        if "alias" in made:
            first = next(a for a in ids[1:] if matcher.names.raw[a] == made["alias"])
            if _alias_resembles(matcher, first, ids[0]):
                made["alias_resembling"] = made["alias"]
        aliases = {k: made[k] for k in ("script", "alias", "alias_resembling") if k in made}
        made = {}
        for variation, query in aliases.items():
            by_kind[variation].append(Variation(query, row, variation, kind, 1, ids[0]))
        if _script(primary):
            continue
        if kind != "person":
            made["legal_form"] = legal_form(primary, rng)
            made["numbers"] = numbers(primary)
            made["pinyin_words"] = pinyin_words(primary)
            made["place_moved"] = place_moved(primary, rng)
            if kind == "entity":
                made["brand_only"] = brand_only(matcher, primary)
            if matcher.entry_countries[row] & CHINA:
                made["cn_pinyin_words"] = cn_pinyin_words(primary)
                made["cn_split_brand"] = split_brand(matcher, primary)
        else:
            made["initials"] = initials(primary, rng)
            made["reordered"] = reordered(primary)
            made["nickname"] = nickname(primary, nick_rng)
        made["joined_split"] = joined_split(primary, kind, rng)
        made["digits"] = digits(primary, rng)
        for variation, query in made.items():
            if query and query.strip() and query != primary:
                by_kind[variation].append(Variation(query, row, variation, kind))
    out: list[Variation] = []
    for variation in KINDS:
        found = by_kind.get(variation, [])
        # the kinds added later draw on their own: the others stay as they were
        draw = nick_rng if variation == "nickname" else rng
        if variation in ("cn_pinyin_words", "cn_split_brand", "brand_only"):
            draw = random.Random(f"{seed}:{variation}")
        out.extend(draw.sample(found, min(per_kind, len(found))))
    out.extend(one_word_negatives(matcher, rng, per_kind))
    return out


def one_word_negatives(matcher: Matcher, rng: random.Random, limit: int) -> list[Variation]:
    """Names of two distinct listed entities that agree word for word but for one word
    on each side; the held-out one is screened and must not hit the other."""
    buckets: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for name_id, (core, row) in enumerate(
        zip(matcher.names.core, matcher.names.entry_row.tolist(), strict=True)
    ):
        tokens = core.split()
        if matcher.entry_kinds[row] == "person" or not 2 <= len(tokens) <= 8:
            continue
        for i in range(len(tokens)):
            buckets[(*tokens[:i], "*", *tokens[i + 1 :])].append(name_id)
    same_core = defaultdict(set)
    for core, row in zip(matcher.names.core, matcher.names.entry_row.tolist(), strict=True):
        same_core[core].add(row)
    seen: set[tuple[int, int]] = set()
    out: list[Variation] = []
    for ids in buckets.values():
        for a in ids:
            row_a = int(matcher.names.entry_row[a])
            if not held_out(matcher.entry_info[row_a]["entry_id"]):
                continue
            for b in ids:
                row_b = int(matcher.names.entry_row[b])
                if row_b == row_a or matcher.names.core[a] == matcher.names.core[b]:
                    continue
                if row_b in same_core[matcher.names.core[a]] or (row_a, row_b) in seen:
                    continue
                seen.add((row_a, row_b))
                out.append(Variation(matcher.names.raw[a], row_b, "one_word_negative", "entity", 0))
    return rng.sample(out, min(limit, len(out)))


def evaluate(matcher: Matcher, items: list[Variation]) -> pd.DataFrame:
    """Screen every variation; one row per variation with `found` (its own entry, or an
    entry of one of its names, was hit) and `false_hits` (hits on other entries)."""
    parties = pd.DataFrame(
        {
            "party_id": [str(i) for i in range(len(items))],
            "name": [v.query for v in items],
            "type": [v.entry_type if v.entry_type in ("person", "entity") else None for v in items],
        }
    )
    hits = matcher.screen(parties[[v.name_id < 0 for v in items]])
    row_of = {info["entry_id"]: row for row, info in enumerate(matcher.entry_info)}
    cores = defaultdict(set)
    for core, row in zip(matcher.names.core, matcher.names.entry_row.tolist(), strict=True):
        cores[row].add(core)
    hit_rows: dict[str, set[int]] = defaultdict(set)
    if len(hits):
        for pid, entry_id in zip(hits["party_id"], hits["entry_id"], strict=True):
            hit_rows[str(pid)].add(row_of[entry_id])
    # an alias is in the index itself: it is scored against the entry's primary name
    pairs = [i for i, v in enumerate(items) if v.name_id >= 0]
    specs = [
        PairSpec(items[i].query, items[i].name_id, 1, items[i].entry_type, None, None, "alias")
        for i in pairs
    ]
    scores = matcher.settings.model.probability(pair_features(matcher, specs)) if specs else []
    alias_found = {
        i: bool(s >= matcher.settings.default_threshold) for i, s in zip(pairs, scores, strict=True)
    }
    rows = []
    for i, v in enumerate(items):
        if i in alias_found:
            rows.append({"kind": v.kind, "entry_type": v.entry_type, "label": 1,
                         "found": alias_found[i], "false_hits": 0, "wrong_only": False})  # fmt: skip
            continue
        got = hit_rows.get(str(i), set())
        same = {r for r in got if r == v.row or cores[r] & cores[v.row]}
        if v.label:
            rows.append({"kind": v.kind, "entry_type": v.entry_type, "label": 1,
                         "found": bool(same), "false_hits": len(got - same),
                         "wrong_only": bool(got - same) and not same})  # fmt: skip
        else:  # the other entry hit is the false hit; the query's own entry is right
            own = {r for r in got if r != v.row and not cores[r] & cores[v.row]}
            rows.append({"kind": v.kind, "entry_type": v.entry_type, "label": 0,
                         "found": False, "false_hits": int(bool(same)),
                         "wrong_only": bool(same), "own": bool(own)})  # fmt: skip
    first_name: dict[int, int] = {}
    for name_id, row in enumerate(matcher.names.entry_row.tolist()):
        first_name.setdefault(row, name_id)
    frame = pd.DataFrame(rows)
    frame["query"] = [v.query for v in items]
    frame["listed"] = [
        matcher.names.raw[v.name_id if v.name_id >= 0 else first_name[v.row]] for v in items
    ]
    return frame


def kind_misses(frame: pd.DataFrame, limit: int) -> dict[str, list[str]]:
    """Up to `limit` misses of each kind, "query -> listed name": the rewrites whose own
    entry was not hit, the negatives that hit the other entry."""
    positive = frame["label"] == 1
    missed = frame[(positive & ~frame["found"]) | (~positive & frame["wrong_only"])]
    return {
        str(kind): [f"{q} -> {n}" for q, n in zip(part["query"], part["listed"], strict=True)][
            :limit
        ]
        for kind, part in missed.groupby("kind", sort=False)
    }


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def kind_table(frame: pd.DataFrame) -> dict:
    """Precision, recall and F1 per kind, for entities (companies) and overall. A name
    whose hits are all other entries (none its own) is a false positive, and so is a
    one-word negative that hits the other entry (counted in the overall and company
    figures); `other_hits_per_name` counts every hit of another entry besides."""
    out: dict = {"by_kind": {}}
    pos, neg = frame[frame["label"] == 1], frame[frame["label"] == 0]
    for kind, part in pos.groupby("kind", sort=False):
        tp = int(part["found"].sum())
        out["by_kind"][kind] = {"names": int(len(part)),
                                **_prf(tp, int(part["wrong_only"].sum()), len(part) - tp),
                                "other_hits_per_name": round(float(part["false_hits"].mean()), 3)}  # fmt: skip
    for kind, part in neg.groupby("kind", sort=False):
        out["by_kind"][kind] = {"pairs": int(len(part)),
                                "false_hit_share": round(float(part["false_hits"].mean()), 4)}  # fmt: skip
    # `alias` (every alias, former names included) repeats the names of `alias_resembling`
    # and adds names no name matcher can find; the summaries leave it out, and
    # `overall_with_every_alias` puts it back
    rewrites = pos["kind"] != "alias"
    everything_neg = neg.index == neg.index
    for label, mask_pos, mask_neg in (
        ("overall", rewrites, everything_neg),
        ("companies", rewrites & (pos["entry_type"] != "person"), neg["entry_type"] != "person"),
        ("persons", rewrites & (pos["entry_type"] == "person"), ~everything_neg),
        ("overall_with_every_alias", pos.index == pos.index, everything_neg),
    ):
        p, n = pos[mask_pos], neg[mask_neg]
        tp = int(p["found"].sum())
        fp = int(p["wrong_only"].sum()) + int(n["false_hits"].sum())
        out[label] = {"names": int(len(p) + len(n)), **_prf(tp, fp, len(p) - tp)}
    return out
