"""Generic words, legal forms and number words misspelt by one letter.

A party's "Atlas Air Conditioning Compani Limited" or "Mighat Shipping Oompany Limited"
carries a word no list holds, and an unknown word weighs as the rarest, most distinctive
word of all: the slip in a word that says nothing about which company it is would sink
the match. A word that no reference list carries, one edit (a letter more, less,
changed, or two swapped) from exactly one word of the name tables (configs/matching.yaml:
legal forms and generic words, six letters or more) or from one number word ("sewen",
"furteen"; five letters or more), is read as that word when the edit is a slip of the
hand: with the same first letter and not in its last letter only, or the first two
letters swapped ("ocmpany"), or the last letter doubled ("limitedd"), or a final "y"
written "i" ("compani", "liabiliti", one sound spelt two ways); a slip one letter from
two numbers ("forth": fourth, forty) is read as neither. A word the lists carry
("Marino", "Steven") stays what it is, and so do words coined from one by changing its
end ("Unitec", "Limitex", "Energo"). Places are left out: a Chinese name one letter from
a city is another name ("Hongtong", a county, against "Hongkong").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from detectors.matching.numbers import NUMBER_WORDS

MIN_LETTERS = 6  # shorter words are one edit from too many others
MIN_NUMBER_LETTERS = 5  # ...but for number words, a closed set ("seven", "eight")


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))} | {word}


def _last_letter_only(token: str, word: str) -> bool:
    """The words differ in their last letter only: how names are coined from words
    ("Unitec", "Limitex", "Energo"), not a slip."""
    return token[:-1] == word[:-1] or token == word[:-1] or token[:-1] == word


def _slip(token: str, word: str) -> bool:
    """`token` is `word` (one edit away) with a slip of the hand, not a coinage."""
    if token[0] == word[0] and not _last_letter_only(token, word):
        return True
    if token[:2] == word[1::-1] and token[2:] == word[2:]:
        return True  # the first two letters swapped ("ocmpany")
    if token == word + word[-1]:
        return True  # the last letter doubled ("limitedd")
    return token[:-1] == word[:-1] and {token[-1], word[-1]} == {"i", "y"}  # "compani"


@dataclass(frozen=True)
class FormWords:
    """The words of the name tables that a misspelling is read back to. Plain data, so
    that the settings holding it pickle and fingerprint alike in every process."""

    words: frozenset[str]
    places: frozenset[str] = frozenset()  # read back only where a name qualifies itself

    @classmethod
    def of(
        cls,
        words: set[str],
        numbers: set[str] | frozenset[str] = frozenset(),
        places: set[str] | frozenset[str] = frozenset(),
    ) -> FormWords:
        return cls(
            frozenset(w for w in words if len(w) >= MIN_LETTERS and w.isalpha())
            | frozenset(w for w in numbers if len(w) >= MIN_NUMBER_LETTERS and w.isalpha()),
            frozenset(w for w in places if len(w) >= MIN_NUMBER_LETTERS and w.isalpha()),
        )

    def correct(self, token: str) -> str:
        return _correct(self.words, token)

    def correct_place(self, token: str) -> str:
        """A place misspelt by a slip ("sanghai", "moscoow"), for the qualifier in
        brackets that ends a name ("AIAI (Sanghai)"): there a word names where the
        company is, not which one it is. Elsewhere a word one letter from a place is as
        often a name of its own ("Hongtong")."""
        return _correct(self.places, token, any_length=True)

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
def _correct(words: frozenset[str], token: str, any_length: bool = False) -> str:
    if len(token) < MIN_NUMBER_LETTERS or token in words or not token.isalpha():
        return token
    from detectors.matching.alignment import reference_words

    if token in reference_words():
        return token
    index = _by_key(words)
    near = {
        word
        for key in _deletes(token)
        for word in index.get(key, ())
        if (any_length or len(token) >= MIN_LETTERS or word in NUMBER_WORDS)
        and OSA.distance(word, token, score_cutoff=1) <= 1
    }
    slips = {word for word in near if _slip(token, word)}
    if len(slips) != 1:
        return token
    word = slips.pop()
    # a number word one letter from two numbers ("forth": fourth, forty) is neither
    if word in NUMBER_WORDS and len(near & NUMBER_WORDS) > 1:
        return token
    return word
