"""Arabic compound names written as one word or as several: "Abd al-Basit" is
"Abdelbassed", "Abdul Rahman" is "Abdurrahman", "Badr al-Din" is "Badreddine", "Taj
al-Din" is "Tajideen". The article may be written "al", "el", "ul", or assimilated to
the next letter ("Abdur-Rahman", "Abdus-Salam", "Nur ud-Din"), and the words joined or
not.

Each name's compounds are read to one form ("abdal" + the name; the name + "aldin"),
and a compound is written so on both sides only where the other name holds it too, as
`alignment.rejoin` joins words: two names that both write "Abdul Rahman" apart keep
their words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

_ABD = frozenset({"abd", "abdel", "abdul", "abdal", "abdol", "abdu", "abdoul"})
_ARTICLES = frozenset(
    {"al", "el", "ul", "ol", "ar", "as", "ad", "an", "at", "az", "ash", "ur", "us", "ud", "ed"}
)
_DIN = frozenset({"din", "deen", "dine", "dean", "addin", "uddin", "eddin", "eddine", "iddin"})
# "abdelbassed", "abdurrahman" (the article assimilated: its letter doubled), "abdulbaqi"
_ABD_WORD = re.compile(
    r"^abd(?:[aeiou]l|[aeiou](?P<c>sh|[rtdsznl])(?=(?P=c))|[aeiou])?(?P<x>.{3,})$"
)
# "badreddine", "nuruddin", "tajideen", "salahuddin"
_DIN_WORD = re.compile(r"^(?P<x>[a-z]{3,}?)(?:[aeiou]l|[aeiou]?d|[aeiou])?d(?:i|ee|ea|ie)ne?$")


@lru_cache(maxsize=65_536)
def _word_form(word: str) -> str:
    """One word's compound read to its one form, else the word."""
    if word.startswith("abd") and word not in _ABD:
        found = _ABD_WORD.match(word)
        if found:
            return "abdal" + found["x"]
    if "d" in word[3:]:
        found = _DIN_WORD.match(word)
        if found and found["x"] not in _ABD:
            return found["x"] + "aldin"
    return word


def _forms(tokens: tuple[str, ...]) -> list[tuple[str, tuple[str, ...]]]:
    """The name as (form, the words it stands for): compounds written apart joined and
    read to their form, compounds written as one word read to theirs."""
    out: list[tuple[str, tuple[str, ...]]] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        rest = tokens[i + 1 :]
        if t in _ABD and rest:
            k = 1 if rest[0] in _ARTICLES and len(rest) > 1 else 0
            name = rest[k]
            if len(name) >= 3 and name not in _ARTICLES:
                out.append(("abdal" + name, tokens[i : i + k + 2]))
                i += k + 2
                continue
        if rest and len(t) >= 3 and t not in _ARTICLES:
            k = 1 if rest[0] in _ARTICLES and len(rest) > 1 else 0
            if rest[k] in _DIN:
                out.append((t + "aldin", tokens[i : i + k + 2]))
                i += k + 2
                continue
        out.append((_word_form(t), (t,)))
        i += 1
    return out


@lru_cache(maxsize=65_536)
def _compounds(tokens: tuple[str, ...]) -> bool:
    """The name may hold a compound: a word beginning "abd", or one of "din" or ending so."""
    return any(t.startswith("abd") or "d" in t[3:] or t in _DIN for t in tokens)


def join_compounds(
    q_tokens: tuple[str, ...], c_tokens: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The two names with the compounds both hold, one written as one word or apart,
    written alike ("abdalbassed" for "Abdelbassed" and for "Abd al-Bassed")."""
    if not (_compounds(q_tokens) and _compounds(c_tokens)):
        return q_tokens, c_tokens
    q_forms, c_forms = _forms(q_tokens), _forms(c_tokens)
    # the compounds the two names write differently (one word against two), their
    # names alike ("abdalbassed", "abdalbaset")
    shared = {
        (f, g)
        for f, q_words in q_forms
        for g, c_words in c_forms
        if q_words != c_words and _alike(f, g) and (q_words != (f,) or c_words != (g,))
    }
    if not shared:
        return q_tokens, c_tokens
    q_shared, c_shared = {f for f, _ in shared}, {g for _, g in shared}

    def written(forms: list[tuple[str, tuple[str, ...]]], kept: set[str]) -> tuple[str, ...]:
        return tuple(w for f, words in forms for w in ((f,) if f in kept else words))

    return written(q_forms, q_shared), written(c_forms, c_shared)


def is_compound_form(word: str) -> bool:
    """The word is a compound read to its form ("abdalbaset", "badraldin")."""
    return word.startswith("abdal") or word.endswith("aldin")


def _alike(f: str, g: str) -> bool:
    """Two compounds of one kind whose names are one name spelled alike."""
    if f == g:
        return True
    kind = (f.startswith("abdal") and g.startswith("abdal")) or (
        f.endswith("aldin") and g.endswith("aldin")
    )
    return kind and fuzz.ratio(f, g) >= COMPOUND_ALIKE


COMPOUND_ALIKE = 85  # rapidfuzz ratio from which two compounds of one kind are one name
