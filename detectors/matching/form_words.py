"""Generic words and legal forms misspelt by one letter.

A party's "Atlas Air Conditioning Compani Limited" or "Mighat Shipping Oompany Limited"
carries a word no list holds, and an unknown word weighs as the rarest, most distinctive
word of all: the slip in a word that says nothing about which company it is would sink
the match. A word of six letters or more that no reference list carries, one edit
(a letter more, less, changed, or two swapped) from exactly one such word of the name
tables (configs/matching.yaml: legal forms and generic words), with the same first
letter and not in its last letter only, is read as that word. A word the lists carry
("Marino") stays what it is, and so do words coined from one by changing its end
("Unitec", "Limitex"). Places are left out: a Chinese name one letter from a city is
another name ("Hongtong", a county, against "Hongkong").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

MIN_LETTERS = 6  # shorter words are one edit from too many others


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))} | {word}


def _last_letter_only(token: str, word: str) -> bool:
    """The words differ in their last letter only: how names are coined from words
    ("Unitec", "Limitex", "Energo"), not a slip."""
    return token[:-1] == word[:-1] or token == word[:-1] or token[:-1] == word


@dataclass(frozen=True)
class FormWords:
    """The words of the name tables that a misspelling is read back to. Plain data, so
    that the settings holding it pickle and fingerprint alike in every process."""

    words: frozenset[str]

    @classmethod
    def of(cls, words: set[str]) -> FormWords:
        return cls(frozenset(w for w in words if len(w) >= MIN_LETTERS and w.isalpha()))

    def correct(self, token: str) -> str:
        return _correct(self.words, token)

    def correct_all(self, tokens: list[str]) -> list[str]:
        return [_correct(self.words, t) for t in tokens]


@lru_cache(maxsize=8)
def _by_key(words: frozenset[str]) -> dict[str, frozenset[str]]:
    """Each word under itself and under every one-letter deletion of it: a word one edit
    from another shares one of these keys with it."""
    found: dict[str, set[str]] = {}
    for word in words:
        for key in _deletes(word):
            found.setdefault(key, set()).add(word)
    return {key: frozenset(w) for key, w in found.items()}


@lru_cache(maxsize=262_144)
def _correct(words: frozenset[str], token: str) -> str:
    if len(token) < MIN_LETTERS or token in words or not token.isalpha():
        return token
    from detectors.matching.alignment import reference_words

    if token in reference_words():
        return token
    index = _by_key(words)
    found = {
        word
        for key in _deletes(token)
        for word in index.get(key, ())
        if word[0] == token[0]
        and not _last_letter_only(token, word)
        and OSA.distance(word, token, score_cutoff=1) <= 1
    }
    return found.pop() if len(found) == 1 else token
