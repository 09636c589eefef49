"""Names across scripts: the keys under which a name and its rendering in another script
agree, and the lookup of list names by those keys.

Every name is folded to Latin letters (`names.fold_text`: pinyin for Chinese characters,
rigour's and unidecode's transliteration for the rest), but two romanizations of one
name still differ: "Ким Чен Ын" folds to "kim chen yn", the SDN writes "KIM Jong Un";
"김정은" reads "gim jeong eun". Two keys make them comparable:

- the transliteration key of a word (`translit_key`): its consonants, with the letters
  transliteration systems render differently made one (voiced and voiceless stops,
  ch/j/zh, kh/h, v/w/f, ng/n); "chen" and "jong" are both "jn", "yn" and "un" both "n";
- for a name written in Arabic script, which leaves short vowels unwritten, the
  consonant skeleton of each word (`arabic.skeleton_tokens`): "melli" and "mly" are "ml".

`ScriptKeys` indexes the list names under these keys (Latin names under both, the names
in other scripts under theirs), so that a party name in one script finds the list names
written in another; the scorer then compares the pair word by word through the same key.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from detectors.matching.arabic import ARTICLES, REPEATS, skeleton_tokens
from detectors.matching.names import AnalyzedName
from detectors.matching.postings import Postings

# letters and letter groups that the romanizations of one name render differently
_TRANSLIT_RULES = (
    ("tch", "j"),
    ("dzh", "j"),
    ("dj", "j"),
    ("zh", "j"),
    ("ch", "j"),
    ("sch", "s"),
    ("sh", "s"),
    ("kh", "h"),
    ("gh", "g"),
    ("th", "t"),
    ("ph", "f"),
    ("ts", "s"),
    ("tz", "s"),
    ("ng", "n"),
    ("q", "k"),
    ("c", "k"),
    ("x", "ks"),
    ("g", "k"),
    ("d", "t"),
    ("b", "p"),
    ("z", "s"),
    ("v", "f"),
    ("w", "f"),
)
_TRANSLIT_DROP = re.compile(r"[aeiouy]")

SKELETON = "skeleton"  # the consonant skeleton, for a name written in Arabic script
TRANSLIT = "translit"  # the transliteration key, for the other scripts
METHOD_TEXT = {
    SKELETON: "consonant skeleton (Arabic script leaves short vowels unwritten)",
    TRANSLIT: "transliteration key (consonants, romanization variants made one)",
}


@lru_cache(maxsize=262_144)
def translit_key(token: str) -> str:
    """A word's consonants, the letters romanization systems disagree on made one
    ("chen", "jong" -> "jn"; "gim", "kim" -> "km"; "huavei", "huawei" -> "hf"). A
    letter doubled is one, but the same consonant twice with a vowel between is two:
    "kaikai" is "kk", no key of "yuke" ("k"), a reading of other characters."""
    if token.isdigit():
        return token
    key = token
    for old, new in _TRANSLIT_RULES:
        key = key.replace(old, new)
    return _TRANSLIT_DROP.sub("", REPEATS.sub(r"\1", key)) or token[:1]


def cross_script(a: AnalyzedName, b: AnalyzedName) -> bool:
    """The two names were written in different scripts, one of them not Latin."""
    return a.script != b.script and (a.script != "latin" or b.script != "latin")


def key_method(a: AnalyzedName, b: AnalyzedName) -> str | None:
    """How two names are compared across scripts: by consonant skeleton when one is in
    Arabic script and the other not, by transliteration key for other scripts, None for
    two names of one script."""
    if a.arabic != b.arabic:
        return SKELETON
    return TRANSLIT if cross_script(a, b) else None


def keyed(tokens: Iterable[str], method: str) -> tuple[str, ...]:
    """A name's words by the key of `method`."""
    words = tuple(tokens)
    if method == SKELETON:
        return skeleton_tokens(words)
    return tuple(translit_key(t) for t in words)


def _lookup_words(name: AnalyzedName) -> tuple[str, ...]:
    """The words worth a key: no article, no lone letter."""
    return tuple(t for t in name.tokens if len(t) > 1 and t not in ARTICLES)


def name_keys(name: AnalyzedName, latin_side: bool) -> set[str]:
    """The keys a name is indexed (or looked up) under. A Latin name is written both
    ways ("s:" skeleton and "k:" transliteration keys); a name in Arabic script by its
    skeleton, in another script by its transliteration keys."""
    words = _lookup_words(name)
    if not words:
        return set()
    keys: set[str] = set()
    if latin_side or name.arabic:
        skeleton = skeleton_tokens(words)
        keys.update("s:" + k for k in skeleton if len(k) > 1 or k.isdigit())
        if not latin_side:  # two words Arabic script writes apart, Latin as one
            keys.update("s:" + a + b for a, b in zip(skeleton, skeleton[1:], strict=False))
    if latin_side or not name.arabic:
        keys.update("k:" + translit_key(t) for t in words)
    return keys


@dataclass
class ScriptKeys:
    """List names by the keys of their words: the Latin names in one posting list, the
    names written in other scripts in another. A party name in Latin looks up the
    foreign names, one in another script the Latin names."""

    latin: Postings
    foreign: Postings
    latin_ids: np.ndarray  # int32: the name id of each Latin name
    foreign_ids: np.ndarray  # int32: the name id of each foreign name

    @classmethod
    def build(cls, names: Sequence[AnalyzedName]) -> ScriptKeys:
        is_latin = np.asarray([n.script == "latin" for n in names], dtype=bool)
        latin_ids = np.flatnonzero(is_latin).astype(np.int32)
        foreign_ids = np.flatnonzero(~is_latin).astype(np.int32)
        return cls(
            latin=Postings.build(name_keys(names[i], True) for i in latin_ids.tolist()),
            foreign=Postings.build(name_keys(names[i], False) for i in foreign_ids.tolist()),
            latin_ids=latin_ids,
            foreign_ids=foreign_ids,
        )

    def candidates_many(
        self, queries: Sequence[AnalyzedName], limit: int, budget: int, min_share: float = 0.5
    ) -> list[np.ndarray]:
        """For each party name, the ids of the list names of another script sharing the
        most rarity-weighted keys with it (at most `limit`, at least `min_share` of the
        best one's), its keys read rarest first until `budget` postings."""
        return [self._candidates(q, limit, budget, min_share) for q in queries]

    def _candidates(
        self, query: AnalyzedName, limit: int, budget: int, min_share: float
    ) -> np.ndarray:
        latin = query.script == "latin"
        postings, ids_of = (
            (self.foreign, self.foreign_ids) if latin else (self.latin, self.latin_ids)
        )
        if not len(ids_of):
            return _NO_IDS
        keys = name_keys(query, latin_side=latin)
        found = sorted((postings.df(k), k) for k in keys if k in postings.vocab)
        if not found:
            return _NO_IDS
        size = len(ids_of)
        read: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        total = 0
        for df, key in found:
            if read and total + df > budget:
                break
            total += df
            read.append(postings.get(key))
            weights.append(np.full(df, math.log((size + 1) / (df + 1)) + 1.0))
        rows, inverse = np.unique(np.concatenate(read), return_inverse=True)
        score = np.bincount(inverse, weights=np.concatenate(weights))
        keep = np.flatnonzero(score >= min_share * score.max())
        if len(keep) > limit:
            keep = keep[np.argsort(-score[keep], kind="stable")[:limit]]
        return np.sort(ids_of[rows[keep]])

    @property
    def nbytes(self) -> int:
        return (
            self.latin.nbytes
            + self.foreign.nbytes
            + self.latin_ids.nbytes
            + self.foreign_ids.nbytes
        )


_NO_IDS = np.empty(0, dtype=np.int32)
