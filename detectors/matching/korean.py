"""Korean names romanized two ways: McCune-Reischauer (the North's and the older lists'
"Kim Chong-il", "Pak Chol-su", "Kyong-hwa") against the Revised Romanization (the
South's "Kim Jeong-il", "Bak Cheol-su", "Gyeong-hwa"), the diacritics of the first
dropped ("ŏ", "ŭ" written "o", "u") and the apostrophes of its aspirates lost
("Ch'ŏl" written "Chol").

Both write one syllable with other letters: a voiced or voiceless initial (k/g, t/d,
p/b, ch/j, r/l), "ŏ" as "eo" or "o", "ŭ" as "eu" or "u", "ae" as "ae" or "e". A word of
one or two such syllables keeps its sound key (`korean_key`) through both; two words of
one key in two Korean names are one word written twice ("Jang Pom Su" against "JANG BOM
SU", "Ri Che-son" against "RI JE-SON"). The key is read only between names whose every
word is a romanized Korean syllable or two (`korean_name`): "Tom" and "Dom" are no
romanizations of one Korean syllable.
"""

from __future__ import annotations

import re
from functools import lru_cache

# a romanized Korean syllable: an initial (either system's), an optional glide, a vowel
# (single letters for the diacritics dropped), an optional final consonant
_INITIAL = r"(?:kk|tt|pp|ss|jj|ch|k|g|n|d|t|r|l|m|b|p|s|j|h)?"
_VOWEL = r"(?:y|w)?(?:ae|eo|eu|oe|ui|a|e|i|o|u)"
_FINAL = r"(?:ng|k|g|n|l|r|m|b|p|t|d)?"
_SYLLABLE = _INITIAL + _VOWEL + _FINAL
_ONE_SYLLABLE = re.compile(_SYLLABLE)
_WORD = re.compile(rf"(?:{_SYLLABLE}){{1,2}}")

# the letters the two systems write one sound with, folded to one: vowels first (the
# Revised Romanization's two-letter vowels), then the consonants
_VOWEL_FOLDS = (("eo", "o"), ("eu", "u"), ("ae", "e"), ("u", "o"))
_CONSONANT_FOLDS = (
    ("ch", "j"),
    ("kk", "k"),
    ("tt", "t"),
    ("pp", "p"),
    ("ss", "s"),
    ("jj", "j"),
    ("g", "k"),
    ("d", "t"),
    ("b", "p"),
    ("r", "l"),
)


@lru_cache(maxsize=65_536)
def korean_word(word: str) -> bool:
    """The word reads as one or two romanized Korean syllables ("kim", "jong", "kyonghwa")."""
    return len(word) <= 10 and _WORD.fullmatch(word) is not None


@lru_cache(maxsize=65_536)
def korean_name(tokens: tuple[str, ...]) -> bool:
    """A name of two words or more, each one or two romanized Korean syllables, one of
    them at least a syllable alone (the family name): "Kim Jong Un", "Ri Che son".
    Remembered per name: a name meets many others."""
    return (
        len(tokens) >= 2
        and all(korean_word(t) for t in tokens)
        and any(_ONE_SYLLABLE.fullmatch(t) for t in tokens)
    )


@lru_cache(maxsize=65_536)
def korean_key(word: str) -> str:
    """The sound key of a romanized Korean word, the same in both systems: "chol",
    "cheol" -> "jol"; "bom", "pom" -> "pom"; "seung", "sung" -> "sonk"."""
    key = word
    for old, new in _VOWEL_FOLDS + _CONSONANT_FOLDS:
        key = key.replace(old, new)
    return key


def korean_alike(a: str, b: str) -> bool:
    """Two words of Korean names with one sound key: one syllable romanized two ways."""
    return a != b and korean_key(a) == korean_key(b)
