"""A person's title or honorific read as a title, not as a word of the name.

The lists write one person with and without a title: "HAJI KHAIR ULLAH" beside "KHAIR
ULLAH", "Maulawi Gul Mohammad" beside "Gul Mohammad", "Dr. Ayman al-Zawahiri". Compared
as name words, the title is a word one name lacks, or a word two different persons
share ("Haji Abdul Rahman", "Haji Abdul Karim"). Where two persons' names are compared
(`word_slips.compared`, for screening and `match-pairs` alike), the titles that lead
each name are set aside: they neither count as a missing word nor as agreement.

The titles are rigour's person prefixes (Mr, Dr, General, Colonel, Sir, Lord, ...) and
those of configs/matching.yaml `names.person_titles` (the religious and honorific
titles of Arabic, Persian and South Asian names that rigour lacks: Haji, Sheikh,
Sayyid, Mullah, Maulawi, Qari, Mufti, ...). A title is set aside only:

- where it leads the name ("MOHAMED HAJI OMAR" keeps its Haji, a name there), and the
  name keeps two words or more besides, articles aside: "Sheikh Hassan" or "Qari
  Hizbullah" keeps its title, then the only other word that carries the name;
- where the other name keeps none of the name's titles, nor a spelling of one (another
  title, or a word no list knows), as a word of its name: "Sheikh Umair Naeem" against "Umair Naeem Sheikh"
  compares the family name Sheikh, "Haji Ibrahim Khan" against "Haji Ibrahim" the Haji
  the short name keeps, "Maulawi Ahmed Shah" against "Maulaawi Shah" the title
  misspelt, "Ahmed Umar Cheikh" the Sheikh spelt in French;
- for the titles that are also given names (`names.person_titles_also_names`: Amir,
  Hafiz, Syed), only where both names lead with the word: "Amir Hashem Katranji"
  against "Maher Hashem Katranji" compares the given names;
- where neither name is written in Arabic script, which writes its titles in words the
  table does not hold.

The explanation says what was set aside ("title set aside: maulawi").
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from detectors.matching.alignment import (
    STOP_WORDS,
    TokenWeights,
    has_business_word,
    token_similarity,
)
from detectors.matching.names import AnalyzedName, NameTables

MIN_NAME_WORDS = 2  # words a name keeps beside its titles ("al" aside) for them to be set aside


def read_titles(
    query: AnalyzedName, candidate: AnalyzedName, weights: TokenWeights
) -> tuple[AnalyzedName, AnalyzedName]:
    """The two names with the titles that lead them set aside, for two persons' names
    neither written in Arabic script; the names as they are otherwise."""
    tables = weights.tables
    q_lead, c_lead = _leading(query, tables), _leading(candidate, tables)
    if not (q_lead or c_lead) or query.arabic or candidate.arabic:
        return query, candidate  # Arabic script writes its titles in words not in the table
    # a title may be a business word too ("General"): the words after it tell
    if _company_like(query, q_lead, weights) or _company_like(candidate, c_lead, weights):
        return query, candidate
    q_aside = _titles_apart(query.tokens, q_lead, candidate.tokens[:c_lead], tables)
    c_aside = _titles_apart(candidate.tokens, c_lead, query.tokens[:q_lead], tables)
    return (
        _set_aside(query, _not_named_by(query.tokens, q_aside, candidate.tokens, c_aside, weights)),
        _set_aside(
            candidate, _not_named_by(candidate.tokens, c_aside, query.tokens, q_aside, weights)
        ),
    )


def _company_like(name: AnalyzedName, lead: int, weights: TokenWeights) -> bool:
    return bool(name.legal_forms) or has_business_word(name.tokens[lead:], weights.tables.generic)


def _leading(name: AnalyzedName, tables: NameTables) -> int:
    tokens = name.tokens
    if not tokens or tokens[0] not in tables.titles.starts:
        return 0  # most names: passed over at once
    return leading_titles(tokens, tables.titles.spellings, tables.titles.width)


@lru_cache(maxsize=65_536)
def leading_titles(tokens: tuple[str, ...], titles: frozenset[tuple[str, ...]], width: int) -> int:
    """How many of the first words of a name are titles ("haji mullah ahmad shah": 2)."""
    i = 0
    while i < len(tokens):
        for w in range(min(width, len(tokens) - i), 0, -1):
            if tokens[i : i + w] in titles:
                i += w
                break
        else:
            break
    return i


def _titles_apart(
    tokens: tuple[str, ...], lead: int, others_titles: tuple[str, ...], tables: NameTables
) -> frozenset[int]:
    """Positions of the `lead` first words (titles) that may be set aside: a title that
    is also a given name only where the other name leads with it too; none where the
    name would keep fewer than `MIN_NAME_WORDS` words, articles aside."""
    aside = frozenset(
        i
        for i, word in enumerate(tokens[:lead])
        if word not in tables.titles.also_names or word in others_titles
    )
    rest = [t for i, t in enumerate(tokens) if i not in aside and t not in STOP_WORDS]
    return aside if len(rest) >= MIN_NAME_WORDS else frozenset()


def _not_named_by(
    tokens: tuple[str, ...],
    aside: frozenset[int],
    other: tuple[str, ...],
    other_aside: frozenset[int],
    weights: TokenWeights,
) -> frozenset[int]:
    """The titles `aside`, or none where the other name keeps one of them, or a spelling
    of one (another title, or a word no list knows), as a word of its name: "Haji
    Ibrahim" keeps its Haji, then compared with the Haji of "Haji Ibrahim Khan" (and the
    Mullah of "Haji Mullah Ibrahim Khan" with it); "Maulaawi Shah" holds a Maulawi
    misspelt, "Ahmed Umar Cheikh" the French Sheikh; but "Said" is a name of its own,
    not "Sayyed" misspelt."""
    kept = frozenset(w for j, w in enumerate(other) if j not in other_aside)
    titles = weights.tables.titles.starts
    spelt = [w for w in kept if w in titles or not weights.known_word(w)]
    for i in aside:
        if tokens[i] in kept or any(token_similarity(tokens[i], w) for w in spelt):
            return frozenset()
    return aside


def _set_aside(name: AnalyzedName, aside: frozenset[int]) -> AnalyzedName:
    if not aside:
        return name
    titles = tuple(name.tokens[i] for i in sorted(aside))
    tokens = tuple(t for i, t in enumerate(name.tokens) if i not in aside)
    full = name.full_tokens
    if full[: len(name.tokens)] == name.tokens:  # the legal form, if any, ends the name
        full = tokens + full[len(name.tokens) :]
    return replace(name, tokens=tokens, full_tokens=full, titles=name.titles + titles)
