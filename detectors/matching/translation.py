"""Business words of other languages read as their English word.

The lists give many a firm's name twice: translated and transliterated ("BANK TORGOVOY
KAPITAL ZAO" is "TRADE CAPITAL BANK", "DISTRIBUIDORA NICARAGUENSE DE PETROLEO" is
"NICARAGUAN PETROLEUM DISTRIBUTOR"). The words that name the firm are the same on both
sides; the words that say what it does (bank, trade, oil, national, group) are in Russian,
Spanish, French, Persian or Arabic on one side. A name that is not a person's reads each
such word as its English word, in the name's comparable words, so the alignment compares
it with the English word and the screening index finds the translated name by it.

The table is configs/matching.yaml `names.translations`: English word -> its spellings,
grouped by where they come from. The group `rigour` holds rigour's organisation symbols
(the words `rigour.names.analyze_names` tags with the symbol of an English business word,
read over the words of the real lists; `tests/matching/test_translation.py` checks each
against rigour); the other groups, one per language, hold what rigour lacks. rigour is
not asked at run time: a word it does not know takes some 20 microseconds to look up,
which a screening of unknown names would pay for every new word. Only business words are
listed, never a word that names a firm, and the legal forms are set aside before
(`names.legal_forms`), so "sociedad anonima" stays a form.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flows.errors import ConfigError

_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Translations:
    """Word of another language -> the English words it is read as."""

    words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_config(cls, groups: Mapping[str, Any]) -> Translations:
        words: dict[str, tuple[str, ...]] = {}
        for group, table in (groups or {}).items():
            for english, spellings in (table or {}).items():
                meaning = tuple(str(english).split())
                for spelling in spellings or []:
                    word = str(spelling)
                    if not _WORD.fullmatch(word):
                        raise ConfigError(
                            f"names.translations.{group}: {word!r} is not one folded word "
                            "(lower case letters and digits)"
                        )
                    if word in meaning:
                        raise ConfigError(
                            f"names.translations.{group}: {word!r} is its own English word"
                        )
                    if words.get(word, meaning) != meaning:
                        raise ConfigError(
                            f"names.translations: {word!r} is read as both "
                            f"{' '.join(words[word])!r} and {' '.join(meaning)!r}"
                        )
                    words[word] = meaning
        return cls(words=words)

    def __bool__(self) -> bool:
        return bool(self.words)

    def read(self, tokens: Iterable[str]) -> tuple[list[str], tuple[tuple[str, str], ...]]:
        """The tokens with each translated word as its English words, and the words read
        so (word, English) for the explanation."""
        out: list[str] = []
        read: list[tuple[str, str]] = []
        for token in tokens:
            english = self.words.get(token)
            if english is None:
                out.append(token)
            else:
                out.extend(english)
                read.append((token, " ".join(english)))
        return out, tuple(read)


def as_written_where_misspelt(
    tokens: tuple[str, ...],
    translated: tuple[tuple[str, str], ...],
    other: tuple[str, ...],
    similarity: Callable[[str, str], float],
) -> tuple[str, ...]:
    """The tokens of a name with each translated word written back as it was spelt where
    the other name does not hold its English word but holds a misspelling of the word
    itself ("COMERCIO" against "COMMMERCIO", which is no word of the table: the slip
    is compared with "comercio", not with "trade")."""
    if not translated:
        return tokens
    spelt = {english: word for word, english in translated if " " not in english}
    held = set(other)
    out = list(tokens)
    for i, token in enumerate(tokens):
        word = spelt.get(token)
        if word is None or token in held:
            continue
        if any(similarity(word, o) > 0 for o in held if o not in spelt):
            out[i] = word
    return tuple(out)
