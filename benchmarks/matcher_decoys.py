"""Decoys: names of other parties built from a list name, labelled as non-matches.

Each keeps what a simple matcher is fooled by and changes what names the party: its
generic words without the distinctive one ("Guangzhou Communication Group"), another
distinctive word ("BELLETECH CORP" against "11420 CORP."), a real look-alike word
("Handa Electronics" against "HANA ELECTRONICS"), or a company named after a listed
person ("Yurong Trading Co., Ltd." against "DU, Yurong").
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from detectors.matching.alignment import STOP_WORDS
from detectors.matching.matcher import Matcher
from detectors.matching.names import phonetic_key

LEGAL_FORMS = (
    "Co., Ltd.",
    "Ltd",
    "LLC",
    "Inc.",
    "Corp.",
    "GmbH",
    "S.A.",
    "Pte. Ltd.",
    "Sdn. Bhd.",
    "JSC",
    "Limited",
)
BUSINESS_WORDS = ("Trading", "Technology", "Electronics", "Digital", "Shipping", "Holdings")


def generic_only(matcher: Matcher, name_id: int) -> str | None:
    """Only the generic words and places of a list name ("Guangzhou Communication
    Group" from "Guangzhou Haige Communication Group"): another party's name."""
    tokens = matcher.list_name(name_id).tokens
    kept = [t for t in tokens if not matcher.weights.distinctive(t)]
    if not kept or len(kept) == len(tokens) or all(t in STOP_WORDS for t in kept):
        return None
    return " ".join(kept)


def swap_distinctive(matcher: Matcher, name_id: int, rng: random.Random) -> str | None:
    """The list name with its rarest word replaced by another list's word: same generic
    words and legal form, another party ("BELLETECH CORP" against "11420 CORP.")."""
    analyzed = matcher.list_name(name_id)
    if not analyzed.tokens:
        return None
    rarest = max(analyzed.tokens, key=matcher.weights.weight)
    other = matcher.list_name(rng.randrange(len(matcher.names.raw))).tokens
    replacement = max(other, key=matcher.weights.weight, default=None)
    if not replacement or replacement == rarest:
        return None
    return (
        matcher.names.raw[name_id].lower().replace(rarest, replacement, 1)
        if rarest in matcher.names.raw[name_id].lower()
        else None
    )


@dataclass(frozen=True)
class NamesakeVocabulary:
    """The distinctive words of a snapshot, to find real look-alike words of a word."""

    words: tuple[str, ...]

    @classmethod
    def of(cls, matcher: Matcher) -> NamesakeVocabulary:
        distinctive = matcher.weights.distinctive
        return cls(
            tuple(t for t in matcher.index.terms if len(t) >= 4 and t.isalpha() and distinctive(t))
        )

    def look_alikes(self, word: str) -> list[str]:
        """Other real words one or two edits away that do not sound the same (so not a
        transliteration variant of the word)."""
        found = process.extract(
            word, self.words, scorer=Levenshtein.distance, score_cutoff=2, limit=40
        )
        key = phonetic_key(word)
        return [w for w, d, _ in found if d > 0 and phonetic_key(w) != key]


def near_namesake(
    matcher: Matcher, name_id: int, rng: random.Random, vocabulary: NamesakeVocabulary
) -> str | None:
    """Another company that shares the generic words of a list name and whose only
    distinctive word is a real look-alike of the listed one ("Handa Electronics"
    against "HANA ELECTRONICS")."""
    analyzed = matcher.list_name(name_id)
    if matcher.entry_kinds[int(matcher.names.entry_row[name_id])] == "person":
        return None
    distinctive = [t for t in analyzed.tokens if matcher.weights.distinctive(t)]
    if len(distinctive) != 1 or len(distinctive) == len(analyzed.tokens):
        return None
    raw = matcher.names.raw[name_id].lower()
    if distinctive[0] not in raw:
        return None
    alikes = vocabulary.look_alikes(distinctive[0])
    return raw.replace(distinctive[0], rng.choice(alikes), 1) if alikes else None


def company_named_after(matcher: Matcher, name_id: int, rng: random.Random) -> str | None:
    """A company carrying one word of a listed person's name ("Yurong Trading Co., Ltd."
    against "DU, Yurong")."""
    if matcher.entry_kinds[int(matcher.names.entry_row[name_id])] != "person":
        return None
    tokens = [t for t in matcher.list_name(name_id).tokens if len(t) >= 4]
    if not tokens:
        return None
    return f"{rng.choice(tokens).title()} {rng.choice(BUSINESS_WORDS)} {rng.choice(LEGAL_FORMS)}"
