"""Two Latin spellings of Arabic given names that sound alike but write another long
vowel: a long i (the ya of حسين, Husayn, written "ei", "ai", "ay") against only a, o or
u at the same place (حسن, Hasan): two names, not one name spelled twice."""

from __future__ import annotations

import re

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from detectors.matching.alignment import SOUND_ALIKE, company_like
from detectors.matching.arabic import consonant_skeleton, vowel_slots
from detectors.matching.features.context import PairContext
from detectors.matching.transliteration import key_method

# a run of vowel letters that writes a long i or the diphthong ai: "ei", "ai", "ee",
# "ii", a final "y" ("husayn"); a "y" before a vowel is the consonant ("mahyub")
_LONG_YA = re.compile(r"ai|ei|ee|ii|[aei]y$")
_YA_CONSONANT = re.compile(r"y[aeiou]")
_BACK_VOWELS = frozenset("aou")


def _long_ya(run: str) -> bool:
    return bool(_LONG_YA.search(run)) and not _YA_CONSONANT.search(run)


def _back(run: str) -> bool:
    return bool(run) and set(run) <= _BACK_VOWELS


def long_ya_differs(a: str, b: str) -> bool:
    """Two words of one consonant skeleton of which one writes a long i between two
    consonants where the other writes only a, o or u ("hussein", "husain" against
    "hassan"; "saeed" against "saad"): another Arabic name, however alike they sound."""
    if a == b or consonant_skeleton(a) != consonant_skeleton(b):
        return False
    slots_a, slots_b = vowel_slots(a), vowel_slots(b)
    if len(slots_a) != len(slots_b) or len(slots_a) < 3:
        return False
    inner = zip(slots_a[1:-1], slots_b[1:-1], strict=True)
    return any((_long_ya(x) and _back(y)) or (_long_ya(y) and _back(x)) for x, y in inner)


def long_ya_clash(p: PairContext) -> float:
    """1 when two persons' names in Latin letters align a word with another that sounds
    alike (one sound key, one consonant skeleton) but writes a long i where the other
    writes a, o or u (`long_ya_differs`: "Ali Hussein Mahmoud" against "Ali Hassan
    Mahmoud"): Husayn and Hasan are two names. Only words aligned through their sound
    (`SOUND_ALIKE`), and two edits apart or more: one slip, a letter changed or two
    swapped ("Raasa" for "Raisa", "Maira" for "Maria"), moves a vowel without making
    another name."""
    if "entity" in (p.query_type, p.entry_type) or key_method(p.query, p.candidate):
        return 0.0
    if company_like(p.query, p.weights) or company_like(p.candidate, p.weights):
        return 0.0
    return float(
        any(
            long_ya_differs(q, c)
            for q, c, s in p.alignment.pairs
            if s == SOUND_ALIKE and fuzz.ratio(q, c) / 100.0 < SOUND_ALIKE and _not_a_slip(q, c)
        )
    )


def _not_a_slip(q: str, c: str) -> bool:
    return OSA.distance(q, c) > 1
