"""Names written in Arabic script, which leaves short vowels unwritten: the letters
prepared before folding, and the consonant skeleton under which such a name and its
Latin spellings agree ("hussein" and the folded "hsyn" are both "hsn"), with the long
vowels the Arabic does write to tell one skeleton's names apart (Hamid, Ahmad).
"""

from __future__ import annotations

import re
from functools import lru_cache

REPEATS = re.compile(r"(.)\1+")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
# letters unidecode renders in a way no Latin spelling of the name shares: ghain as "G"
# (lower case, "آغا" became "ag", read as the legal form AG and dropped), the Persian
# kaf as "kh"
_ARABIC_LETTERS = str.maketrans(
    {
        "\u063a": "gh",
        "\u06a9": "k",
        # alif (bare, with hamza above or below, with madda): a long
        # vowel, which unidecode drops ("حامد" became "hmd", as "أحمد"); kept as "a" it
        # tells Hamid from Ahmad (`long_vowels_agree`); skeletons drop it as before
        "\u0627": "a",
        "\u0623": "a",
        "\u0625": "a",
        "\u0622": "a",
        "\u0629": "a",  # ta marbuta, which unidecode drops: a final -a, -ah, -at
        "\u0681": "z",  # Pashto dze, which unidecode renders "'h" ("ځدران", Zadran)
    }
)
# the article "al-", but not the first letters of "Allah" (الله, in "Abdallah" and "-ullah")
_ARABIC_ARTICLE = re.compile(
    r"(?<![\u0600-\u06ff])\u0627\u0644(?!\u0644\u0647(?![\u0600-\u06ff]))(?=[\u0600-\u06ff]{2})"
)
# "عبدال..." (Abd al-...): the article inside the compound, after "Abd"
_ARABIC_ABD_AL = re.compile(r"\u0639\u0628\u062f\u0627\u0644(?=[\u0600-\u06ff]{2})")
_LATIN_ABD = re.compile(r"^abd(?:u|e|a)l(?=[a-z]{3})|^abd(?:ul|el|al)?$")
_SKELETON_RULES = (
    ("dj", "j"),  # French transliteration of jim ("Djamel")
    ("ch", "sh"),  # ...and of shin ("Achour", "Akkacha")
    ("kh", "k"),
    ("gh", "k"),
    ("th", "t"),
    ("dh", "d"),
    ("sh", "s"),
    ("q", "k"),
    ("c", "k"),
    # qaf is "q", "k", "g" or "gh" as the name is said (Qadhafi, Gaddafi; Qasimi,
    # Gasmi); dad, dhal, zay and zah are "d", "dh" or "z" (Fadl, Fadhil, Fazal; Kadhim,
    # Kazim; Dahir for ظاهر): one letter each in the skeleton
    ("g", "k"),
    ("z", "d"),
)
_SKELETON_DROP = re.compile(r"[aeiouyw`'’]")
ARTICLES = frozenset({"al", "el", "ul"})


def consonant_key(token: str, rules: tuple[tuple[str, str], ...], drop: re.Pattern[str]) -> str:
    """A word reduced to its consonants: letter groups replaced by `rules`, the letters
    `drop` matches removed, doubled letters made one (a number stays as it is)."""
    if token.isdigit():
        return token
    key = token
    for old, new in rules:
        key = key.replace(old, new)
    key = REPEATS.sub(r"\1", drop.sub("", key))
    return key or token[:1]


@lru_cache(maxsize=262_144)
def consonant_skeleton(token: str) -> str:
    """A token's consonants, as Arabic script writes a name ("hussein" and the
    transliterated "hsyn" are both "hsn"; "melli" and "mly" both "ml")."""
    return consonant_key(token, _SKELETON_RULES, _SKELETON_DROP)


def skeleton_words(tokens: tuple[str, ...]) -> tuple[tuple[str, bool], ...]:
    """A name's words as its consonant skeleton reads them, articles ("al-") left out
    and "abd" split off the name it begins ("abdelmalek": "abd", "malek"): (word, split
    off a compound)."""
    kept: list[tuple[str, bool]] = []
    for token in tokens:
        if token in ARTICLES:
            continue
        abd = _LATIN_ABD.match(token)  # "abdul", "abdelmalek": abd + (the article) + name
        if abd and len(token) > 3:
            kept.append(("abd", True))
            token = token[abd.end() :]
            if not token:
                continue
            kept.append((token, True))
            continue
        kept.append((token, False))
    return tuple(kept) or tuple((t, False) for t in tokens)


def skeleton_tokens(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """A name's tokens by their consonants, articles ("al-") left out."""
    return tuple(consonant_skeleton(t) for t, _ in skeleton_words(tokens))


_LONG_VOWEL_LETTERS = {"a": "aeo", "w": "uow", "y": "iey"}  # Arabic letter: Latin renderings
_ANY_VOWEL = "aeiouyw"


@lru_cache(maxsize=262_144)
def vowel_slots(token: str) -> tuple[str, ...]:
    """The letters between the consonants of a word's skeleton (`consonant_skeleton`),
    one slot before the first consonant, one after each: "mahmud" -> ("", "a", "", "u",
    ""); the folded Arabic "mhmwd" -> ("", "", "", "w", "")."""
    key = token
    for old, new in _SKELETON_RULES:
        key = key.replace(old, new)
    slots: list[list[str]] = [[]]
    last = ""
    for ch in key:
        if _SKELETON_DROP.match(ch):
            slots[-1].append(ch)
        elif ch != last:
            slots.append([])
            last = ch
    return tuple("".join(s) for s in slots)


@lru_cache(maxsize=262_144)
def long_vowels_agree(arabic: str, latin: str, initial: bool = True) -> bool:
    """A word in Arabic script (folded: alif "a", waw "w", ya "y") and a Latin word of
    one consonant skeleton: every long vowel the Arabic writes between two consonants
    has a Latin rendering at that place ("محمود", folded "mhmwd", is "mahmud" or
    "mahmood", not "muhammad"; "حامد" is "hamid", not "ahmad"). Short vowels, which
    Arabic leaves unwritten, are free. `initial`: check the slot before the first
    consonant too (a word-initial alif asks for a vowel there)."""
    # the alif of "Allah" takes the vowel before it ("sydallh": "saidullah")
    a_slots, l_slots = vowel_slots(arabic.replace("allh", "llh")), vowel_slots(latin)
    if len(a_slots) != len(l_slots) or len(a_slots) < 2:
        return True
    for k, (written, said) in enumerate(zip(a_slots, l_slots, strict=True)):
        if k == 0 and not initial:
            continue
        last = k == len(a_slots) - 1
        for letter in set(written):
            wanted = _ANY_VOWEL if k == 0 and letter == "a" else _LONG_VOWEL_LETTERS.get(letter)
            if last and letter == "y" and wanted:  # a final ya is also alif maqsura ("عیسی", Isa)
                wanted += "a"
            if wanted and not any(ch in wanted for ch in said):
                return False
    return True


def is_arabic(text: str) -> bool:
    """The text holds a letter of the Arabic script."""
    return bool(_ARABIC.search(text))


def prepare_arabic(text: str) -> str:
    """A name in Arabic script before folding: the article "al-" set apart from the word
    it begins (inside "Abd al-" too), and the letters unidecode renders badly rewritten
    (`_ARABIC_LETTERS`)."""
    text = _ARABIC_ARTICLE.sub("", _ARABIC_ABD_AL.sub("\u0639\u0628\u062f ", text))
    return text.translate(_ARABIC_LETTERS)
