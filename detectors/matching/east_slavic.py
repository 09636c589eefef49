"""East Slavic names in their Ukrainian, Belarusian and Russian forms: one person's
given name, patronymic or family name as each language writes it, romanized ("Oleksiy"
and "Aleksey", "Ihor" and "Igor", "Aleh Leanidavich" and "Oleg Leonidovich", "Serhiy"
and "Sergei", "Volodymyr" and "Vladimir", "Hubaryev" and "Gubarev"). The lists carry
both forms of one person, the Russian one often as the alias.

The three languages write the shared name with the same consonants and with vowels
that differ in regular ways: Ukrainian and Belarusian "h" for the Russian "g", the
Belarusian "dz" for a soft "d" ("Dzmitry"), "ia" for "e" ("Aliaksandr", "Siarhei") and
"u" for "v" ("Uladzimir", "Slizheuski"), "a" for an unstressed "o" ("Aleh",
"Leanidavich"), "i", "y" and "e" for one another ("Serhiy", "Sergei"), a final vowel
added or lost ("Dmytro", "Dmitry"), and the vowel one form adds inside a word
("Pavlo", "Pavel"; "Volodymyr", "Vladimir"). `slavic_key` folds those: two words of one
key, or of keys one vowel apart, are one name (`slavic_alike`). Another consonant is
another name ("Mykola", "Nikolai" stay apart), and so is another sound among a, u, i
("Hassan", "Hussein"; "Jamal", "Jamil"); two words that both read as pinyin are left
alone ("Ding" and "Deng" are two Chinese names).

Read only in persons' names (`alignment.align`), as nicknames and Korean names are.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from detectors.matching.spelling import pinyin_word

SLAVIC_WORD = 4  # letters from which a word's Slavic forms are read as one name
# spelling similarity (rapidfuzz ratio) below which two words are no forms of one name:
# the farthest apart are "oleksiy" and "alexei" (46), "aleh" and "oleg" (50)
SLAVIC_MIN_RATIO = 40.0
# the Ukrainian "olo" after a first consonant where Russian writes "la" ("Volodymyr",
# "Vladimir")
_PLEOPHONY = re.compile(r"^([bdghkmnprstvz])olo(?=[^aeiouy])")
# a final vowel the forms write otherwise or drop: the Ukrainian "-o" of "Dmytro",
# "Pavlo" (dropped), and the "-iy", "-y", "-ei" of "Serhiy", "Dmitry", "Sergei" (one
# sound, kept: "Ahmadi" is not "Ahmad"); not "-a", which makes a woman's name
# ("Aleksandra", "Ivanova")
_FINAL_O = re.compile(r"(?<=[^aeiouy])o$")
_FINAL_E = re.compile(r"e+$")
FINAL_I = "E"  # the key's mark of a final "-i" sound
# a final "o" after a vowel stays itself: "Mario" is not "Maria"
_FINAL_VOWEL_O = re.compile(r"o$")
# consonants written with two letters, each made one symbol ("sh" is no "s" then "g")
_DIGRAPHS = (
    ("x", "ks"),
    ("shch", "1"),
    ("sch", "1"),
    ("kh", "x"),
    ("zh", "2"),
    ("ch", "3"),
    ("sh", "4"),
    ("ts", "5"),
    ("tz", "5"),
    ("dz", "d"),
    ("h", "g"),
    ("w", "v"),
)
# Belarusian "ў", romanized "u" after a, e, o (not in "iu", "yu") or at the start and before a consonant, is
# the "v" of the other forms ("Slizheuski", "Slizhevsky"; "Uladzimir", "Vladimir")
_SHORT_U = re.compile(r"(?:(?<=[aeo])|^)u(?=[^aeiouy])")
# the Belarusian "ia" between consonants where the others write "e" ("Aliaksandr",
# "Siarhei", "Dzianis")
_BELARUSIAN_IA = re.compile(r"(?<=[^aeiouy])ia(?=[^aeiouy])")
# vowels by the sound the three languages share: a and o, then e, i and y, then u
_VOWEL_CLASS = str.maketrans({"o": "a", "i": "e", "y": "e"})
_REPEATS = re.compile(r"(.)\1+")
_VOWELS = frozenset("aeu0" + FINAL_I)


@lru_cache(maxsize=262_144)
def slavic_key(word: str) -> str:
    """A word with the letters the East Slavic forms of a name write differently made
    one, doubled letters single, a final "-o" dropped and a final "-i" sound marked:
    "oleksiy", "aleksey" -> "aleksE"; "ihor", "igor" -> "egar"; "dmytro" -> "dmetr",
    "dmitry" -> "dmetrE"."""
    key = _FINAL_O.sub("", _PLEOPHONY.sub(r"\1la", word))
    key = _BELARUSIAN_IA.sub("e", key)
    key = _FINAL_VOWEL_O.sub("0", _SHORT_U.sub("v", key))
    for old, new in _DIGRAPHS:
        key = key.replace(old, new)
    key = _REPEATS.sub(r"\1", key.translate(_VOWEL_CLASS))
    return _FINAL_E.sub(FINAL_I, key)


def _fleeting_e(long_: str, short: str) -> bool:
    """`long_` is `short` with an "e" put between two of its letters ("pavel", "pavl")."""
    return len(long_) == len(short) + 1 and any(
        long_[i] == "e" and long_[:i] + long_[i + 1 :] == short for i in range(1, len(long_) - 1)
    )


@lru_cache(maxsize=262_144)
def slavic_alike(a: str, b: str) -> bool:
    """Two words of `SLAVIC_WORD` letters or more that are one East Slavic name in two
    languages' forms: one key (`slavic_key`) of two consonants at least, or, for a
    Ukrainian form in "-o", the key of the Russian one without its final "-i" sound or
    its fleeting "e" ("dmytro", "dmitry"; "pavlo", "pavel")."""
    if a == b or min(len(a), len(b)) < SLAVIC_WORD or not (a.isalpha() and b.isalpha()):
        return False
    if fuzz.ratio(a, b) < SLAVIC_MIN_RATIO:  # most pairs of words: cheaper than the keys
        return False
    ka, kb = slavic_key(a), slavic_key(b)
    if sum(ch not in _VOWELS for ch in ka) < 2:
        return False
    if ka != kb:
        # a Ukrainian form in "-o" against the Russian one in "-i", or with a fleeting
        # "e" ("dmytro", "dmitry"; "pavlo", "pavel")
        if a.endswith("o") == b.endswith("o"):
            return False
        ka, kb = ka.removesuffix(FINAL_I), kb.removesuffix(FINAL_I)
        long_, short = (ka, kb) if len(ka) > len(kb) else (kb, ka)
        if not (ka == kb or _fleeting_e(long_, short)):
            return False
    # "ding" and "deng" are two Chinese syllables
    return not (pinyin_word(a) and pinyin_word(b))
