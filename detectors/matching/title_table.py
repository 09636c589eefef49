"""The table of persons' titles and honorifics (`titles.py` reads them): rigour's person
prefixes (Mr, Dr, General, Colonel, Sir, Lord, ...) and those of configs/matching.yaml
`names.person_titles`, as the words a folded name holds ("Lieutenant Colonel":
("lieutenant", "colonel"); "Dr.": ("dr",))."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from unidecode import unidecode

from flows.errors import ConfigError

_INNER_DOT = re.compile(r"(?<=\w)[.'’`](?=\w)")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def title_words(spelling: str) -> tuple[str, ...]:
    """A title as the words of a folded name ("Rt. Hon." -> ("rt", "hon"))."""
    text = _INNER_DOT.sub("", unidecode(str(spelling).casefold()))
    return tuple(t for t in _NON_ALNUM.split(text) if t)


def rigour_spellings() -> list[str]:
    """rigour's person prefixes (those `rigour.names.remove_person_prefixes` strips)."""
    from rigour._core import person_name_prefixes_list

    return list(person_name_prefixes_list())


@dataclass(frozen=True)
class PersonTitles:
    """Titles as word sequences; those also given names; the words a title starts with."""

    spellings: frozenset[tuple[str, ...]] = frozenset()
    also_names: frozenset[str] = frozenset()
    starts: frozenset[str] = field(default=frozenset(), repr=False)
    width: int = 1  # words of the longest title

    @classmethod
    def of(cls, spellings: Iterable[str], also_names: Iterable[str] = ()) -> PersonTitles:
        spellings, also_names = list(spellings), list(also_names)
        named = frozenset(w for s in also_names for w in title_words(s))
        words = {title_words(s) for s in [*spellings, *also_names]} - {()}
        return cls(
            spellings=frozenset(words),
            also_names=named,
            starts=frozenset(w[0] for w in words),
            width=max(map(len, words), default=1),
        )

    @classmethod
    def from_config(cls, names_cfg: dict[str, object]) -> PersonTitles:
        """rigour's prefixes and `names.person_titles`; `names.person_titles_also_names`
        are titles that are also given or family names."""
        own = names_cfg.get("person_titles") or []
        named = names_cfg.get("person_titles_also_names") or []
        if not isinstance(own, list) or not isinstance(named, list):
            raise ConfigError("names.person_titles and names.person_titles_also_names are lists")
        return cls.of([*rigour_spellings(), *map(str, own)], map(str, named))
