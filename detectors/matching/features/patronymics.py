"""The father's name of an Arabic name: the word after bin, ibn, bint, ben or ould
("Mohammed bin Salman"), which tells one person from another as the given name does."""

from __future__ import annotations

from detectors.matching.alignment import STOP_WORDS, company_like
from detectors.matching.arabic import consonant_skeleton, skeleton_words
from detectors.matching.features.context import PairContext
from detectors.matching.transliteration import SKELETON, key_method

# "son of" / "daughter of" in Latin letters ("ibn" is read as "bin") and in Arabic script
# as folded (بن, ابن, بنت, ولد), matched as written: by its consonants alone "ould" would
# be "ld", as Walid (وليد) is
PARTICLES = frozenset({"bin", "ben", "bint", "binti", "ould", "bn", "abn", "bnt", "wld"})


def patronymic_differs(p: PairContext) -> float:
    """1 when two persons' names each name a father (the word after bin, ibn, bint, ben
    or ould, not the first word: "Bin Laden" is a family name) and on each side that
    father's name is left unaligned: no word of the other name is it, nor a spelling or
    romanization of it ("Mohammed bin Salman" against "Mohammed bin Sultan", "Hamad bin
    Khalifa Al Thani" against "Hamad bin Jassim Al Thani"): two sons of two fathers.
    A father's name found anywhere in the other name ("Usama bin Laden" against "BIN
    LADEN, Usama bin Muhammad") or dropped on one side leaves the score to the weights."""
    if "entity" in (p.query_type, p.entry_type):
        return 0.0
    if company_like(p.query, p.weights) or company_like(p.candidate, p.weights):
        return 0.0
    method = key_method(p.query, p.candidate)
    if method not in (None, SKELETON):
        return 0.0
    skeletal = method == SKELETON
    q_left, c_left = p.alignment.unaligned
    q_fathers = _fathers(p.query.tokens, skeletal)
    c_fathers = _fathers(p.candidate.tokens, skeletal)
    if not (q_fathers and c_fathers and p.alignment.pairs):
        return 0.0
    if any(f not in q_left for f in q_fathers) or any(f not in c_left for f in c_fathers):
        return 0.0  # a father's name agrees with a word of the other name
    return 1.0


def _fathers(tokens: tuple[str, ...], skeletal: bool) -> tuple[str, ...]:
    """The words after a particle of descent, as the alignment compares them: by their
    consonants, articles left out, when the other name is in Arabic script."""
    if skeletal:
        words = tuple(w for w, _ in skeleton_words(tokens))
    else:
        words = tuple(t for t in tokens if t not in STOP_WORDS)
    return tuple(
        consonant_skeleton(words[k + 1]) if skeletal else words[k + 1]
        for k in range(1, len(words) - 1)
        if words[k] in PARTICLES and words[k + 1] not in PARTICLES
    )
