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
primary name instead (as `match-pairs` would). The rewrites themselves are in
`name_rewrites`, the scoring in `variation_scores`.

    PYTHONPATH=. python benchmarks/matching_eval.py --kinds
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

from matcher_pairs import _alias_resembles, held_out
from name_rewrites import (
    brand_only,
    cn_pinyin_words,
    digits,
    initials,
    joined_split,
    legal_form,
    nickname,
    numbers,
    pinyin_words,
    place_moved,
    reordered,
    split_brand,
)

from detectors.matching import Matcher

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


CHINA = frozenset({"CN", "HK", "MO"})


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
