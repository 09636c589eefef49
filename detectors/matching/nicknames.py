"""Known nicknames of English given names ("Bill" for "William", "Alec" for
"Alexander"), from the `nicknames` package on PyPI ("hand-curated dataset of English
names and nicknames", 2,691 name-nickname rows).

A given name and one of its own nicknames are one name; two nicknames of one given name
are not read as each other ("Bill" and "Will" both stand for "William", but also for
others). Names only, lower case, as the matcher's tokens are.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def nickname_table() -> dict[str, frozenset[str]]:
    """Each name with the names it is a nickname of or has as nickname; empty when the
    package is absent."""
    try:
        from nicknames import NickNamer
    except ImportError:  # pragma: no cover - the package is a dependency
        return {}
    related: dict[str, set[str]] = {}
    for name, nicks in NickNamer().nickname_lookup.items():
        for nick in nicks:
            if nick == name or len(nick) < 2 or not (nick.isalpha() and name.isalpha()):
                continue
            related.setdefault(name, set()).add(nick)
            related.setdefault(nick, set()).add(name)
    return {name: frozenset(names) for name, names in related.items()}


def is_nickname(a: str, b: str) -> bool:
    """One of the two given names is a known nickname of the other."""
    return b in nickname_table().get(a, ())
