"""Acronyms inside a name read as the words they stand for, before two names are aligned
(`alignment.align`): "OJSC CB Verkhnevolzhsky" against "Open Joint Stock Company
Commercial Bank Verkhnevolzhsky" (cb: commercial bank), "LLC NCO Russian Financial
Society" against "... Non-Bank Credit Organization Russian Financial Society" (nco: a
hyphenated word is one word), "Korea Ryenha Machinery J/V Corporation" against "... Joint
Venture Corporation" (letters written apart, j/v).

A word of two to five letters (or as many single letters in a row) of one company name
is read as a run of two words or more of the other when it is their initials (small
words such as "of" may be left out), none of those words is in the first name, and the
first name's other words agree with words of the other outside the run: at least one
(a distinctive one for an acronym of two letters, which many pairs of words share), and
every distinctive one ("Aerospace CH UAV" is no "Aerospace Communications Holdings":
uav agrees with nothing). An acronym alone is no evidence. The whole-name
acronym ("SMIC", "YMTC") is another feature (`features.overlap.acronym_match`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache

ACRONYM_LETTERS = (2, 5)  # letters of a word read as an acronym, fewest and most
SMALL_WORDS = frozenset({"the", "of", "and", "for", "de", "la", "du", "des", "el", "al"})
_HYPHENATED = re.compile(r"([a-z0-9]+)-(?=([a-z0-9]+))")

Acronym = tuple[str, str]  # (the acronym as compared, the words it stands for)


@lru_cache(maxsize=65_536)
def hyphenated_pairs(raw: str) -> frozenset[tuple[str, str]]:
    """Words written with a hyphen between them ("non-bank": ("non", "bank")), which an
    acronym reads as one word."""
    text = raw.casefold()
    if "-" not in text or not text.isascii():
        return frozenset()
    return frozenset((m.group(1), m.group(2)) for m in _HYPHENATED.finditer(text))


def _initials(run: tuple[str, ...], hyphenated: frozenset[tuple[str, str]]) -> Iterator[str]:
    """The initials of a run of words: of every word, and without the small words; a word
    hyphenated to the one before counts once with it."""
    letters: list[str] = []
    without_small: list[str] = []
    for k, word in enumerate(run):
        if k and (run[k - 1], word) in hyphenated:
            continue
        letters.append(word[0])
        if word not in SMALL_WORDS:
            without_small.append(word[0])
    yield "".join(letters)
    if len(without_small) != len(letters):
        yield "".join(without_small)


def _candidates(tokens: tuple[str, ...]) -> Iterator[tuple[int, int, str]]:
    """(start, end, acronym) of each word that may be an acronym, and of each run of
    single letters written apart ("j v")."""
    low, high = ACRONYM_LETTERS
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if len(token) == 1 and token.isalpha():
            end = i
            while end < len(tokens) and len(tokens[end]) == 1 and tokens[end].isalpha():
                end += 1
            if low <= end - i <= high:
                yield i, end, "".join(tokens[i:end])
            i = end
            continue
        if low <= len(token) <= high and token.isalpha():
            yield i, i + 1, token
        i += 1


def _run_for(
    acronym: str, other: tuple[str, ...], mine: set[str], hyphenated: frozenset[tuple[str, str]]
) -> tuple[int, int] | None:
    """The first run of the other name's words that the acronym stands for."""
    first = acronym[0]
    for start, word in enumerate(other):
        if word[0] != first or word in SMALL_WORDS or word in mine:
            continue
        for end in range(start + 2, min(len(other), start + 2 * len(acronym)) + 1):
            run = other[start:end]
            if run[-1] in SMALL_WORDS or any(
                w in mine or len(w) < 2 or not w.isalpha() for w in run
            ):
                continue
            if acronym in _initials(run, hyphenated):
                return start, end
    return None


def expand_acronyms(
    tokens: tuple[str, ...],
    other: tuple[str, ...],
    hyphenated: frozenset[tuple[str, str]],
    similar: Callable[[str, str], float],
    distinctive: Callable[[str], bool],
) -> tuple[tuple[str, ...], tuple[Acronym, ...]]:
    """`tokens` with each acronym of a run of `other`'s words written as those words, and
    the acronyms read. The other words of `tokens` must agree with words of `other`
    outside the run (`similar`, the alignment's), every distinctive one (`distinctive`:
    not a place, a generic or a small word) and at least one."""
    if len(tokens) < 2 or len(other) < 3:
        return tokens, ()
    mine = set(tokens)
    others = set(other)
    out: list[str] = []
    read: list[Acronym] = []
    last = 0
    for start, end, acronym in _candidates(tokens):
        # a small word ("al", "de") is an article or a preposition, never initials
        # ("AL QA'IDA" is no "AI Labs ... Qaida")
        if acronym in others or acronym in SMALL_WORDS:
            continue
        run = _run_for(acronym, other, mine, hyphenated)
        if run is None:
            continue
        words = other[run[0] : run[1]]
        rest = [t for t in tokens[:start] + tokens[end:] if t not in SMALL_WORDS]
        outside = other[: run[0]] + other[run[1] :]
        agree = [any(t == o or similar(t, o) > 0 for o in outside) for t in rest]
        if any(distinctive(t) and not a for t, a in zip(rest, agree, strict=True)):
            continue
        # two letters are the initials of many pairs of words: a distinctive word must
        # agree besides ("HM (Hong Kong)" is no "Hongxiang Marine Hong Kong")
        backed = [t for t, a in zip(rest, agree, strict=True) if a]
        if not backed or (len(acronym) == 2 and not any(map(distinctive, backed))):
            continue
        out.extend(tokens[last:start])
        out.extend(words)
        last = end
        read.append((acronym, " ".join(words)))
    if not read:
        return tokens, ()
    out.extend(tokens[last:])
    return tuple(out), tuple(read)


def read_acronyms(
    q_tokens: tuple[str, ...],
    c_tokens: tuple[str, ...],
    q_raw: str,
    c_raw: str,
    similar: Callable[[str, str], float],
    distinctive: Callable[[str], bool],
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[Acronym, ...]]:
    """Both names' words with the acronyms of each read as the words of the other that
    they stand for ("OJSC CB Verkhnevolzhsky" against "... Commercial Bank
    Verkhnevolzhsky"), and the acronyms read, the party's first."""
    q_read, q_acronyms = expand_acronyms(
        q_tokens, c_tokens, hyphenated_pairs(c_raw), similar, distinctive
    )
    c_read, c_acronyms = expand_acronyms(
        c_tokens, q_tokens, hyphenated_pairs(q_raw), similar, distinctive
    )
    return q_read, c_read, q_acronyms + c_acronyms


# The initials a name may be written as, for the screening index and the brand floor.
ACRONYM_SKIP = frozenset({"the", "of", "and", "for", "group", "de", "la"})


def initials_of(tokens: list[str] | tuple[str, ...]) -> str:
    return "".join(t[0] for t in tokens if not t.isdigit())


def acronym_forms(tokens: list[str], core: list[str]) -> frozenset[str]:
    """Initials with and without the legal form and the small words ("China Electronics
    Technology Group Corporation" -> cetgc, cetg, cetc, cet)."""
    forms = set()
    for words in (tokens, core):
        forms.add(initials_of(words))
        forms.add(initials_of([w for w in words if w not in ACRONYM_SKIP]))
    return frozenset(f for f in forms if len(f) >= 2)


def with_trailing_forms(core: tuple[str, ...], full: tuple[str, ...]) -> frozenset[str]:
    """The initials of the name with the first, the first two, ... of the legal-form words
    that follow it ("Yangtze Memory Technologies Co Ltd" -> ymtc, ymtcl)."""
    for start in range(len(full) - len(core) + 1):
        if full[start : start + len(core)] == core:
            trailing = full[start + len(core) :]
            break
    else:
        return frozenset()
    base = initials_of(core)
    return frozenset(base + initials_of(trailing[:k]) for k in range(1, len(trailing) + 1))
