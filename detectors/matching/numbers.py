"""Numbers in names written one way: ordinals and number words as digits, digits standing
for letters read as letters; and the numbers two names must agree on."""

from __future__ import annotations

import re
from collections.abc import Iterable

_HAS_DIGIT = re.compile(r"\d")
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th)$")
_LEET = re.compile(r"(?<=[a-z])[013457]+(?=[a-z])")
_LEET_LETTERS = str.maketrans("013457", "oieast")
_UNITS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
_TENS = {
    w: 10 * i
    for i, w in enumerate(
        ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    )
    if i >= 2
}
_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40, "fiftieth": 50,
}  # fmt: skip
# every number word spelt out, which a misspelling is read back to (`form_words.py`)
NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TENS) | frozenset(_ORDINAL_WORDS)


def spell_numbers(tokens: list[str]) -> list[str]:
    """Numbers one way: ordinals and number words as digits ("13th" and "thirteenth" ->
    "13", "1st" and "first" -> "1", "forty four" -> "44"); digits standing for letters
    inside a word read as the letters ("ig0r" -> "igor", "sech1n" -> "sechin")."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        ordinal = _ORDINAL.match(token)
        if ordinal:
            out.append(ordinal.group(1))
        elif token in _ORDINAL_WORDS:
            out.append(str(_ORDINAL_WORDS[token]))
        elif token in _TENS:
            value, nxt = _TENS[token], tokens[i + 1] if i + 1 < len(tokens) else ""
            if 0 < _UNITS.get(nxt, 0) < 10:
                value, i = value + _UNITS[nxt], i + 1
            elif 0 < _ORDINAL_WORDS.get(nxt, 0) < 10:
                value, i = value + _ORDINAL_WORDS[nxt], i + 1
            out.append(str(value))
        elif token in _UNITS:
            out.append(str(_UNITS[token]))
        elif _HAS_DIGIT.search(token) and not token.isdigit():
            letters = sum(c.isalpha() for c in token)
            out.append(
                _LEET.sub(lambda m: m.group(0).translate(_LEET_LETTERS), token)
                if letters >= 3 and letters > len(token) - letters
                else token
            )
        else:
            out.append(token)
        i += 1
    return out


def numbers_of(tokens: Iterable[str]) -> frozenset[str]:
    """The tokens of a name that carry a digit: two names' numbers must agree."""
    return frozenset(t for t in tokens if _HAS_DIGIT.search(t))
