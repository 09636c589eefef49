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
Sayyid, Mullah, Maulawi, Qari, Hafiz, ...). A title is set aside only:

- where it leads the name ("MOHAMED HAJI OMAR" keeps its Haji, a name there), and the
  name keeps two words or more besides, articles aside: "Sheikh Hassan", "Qari
  Hizbullah" or "Hafez al-Assad" keeps its title, then the only other word that carries
  the name;
- where the other name does not hold the word as a name word (not leading it):
  "Sheikh Umair Naeem" against "Umair Naeem Sheikh" compares the family name Sheikh;
- for the titles that are also given names (`names.person_titles_also_names`: Amir,
  Imam, Syed), only where the other name lacks the word: "Amir Hossein Safari" against
  "Amir Hossein Rahimyar" keeps the given name both share.

The explanation says what was set aside ("title set aside: maulawi").
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from detectors.matching.alignment import STOP_WORDS, TokenWeights, has_business_word
from detectors.matching.names import AnalyzedName, NameTables

MIN_NAME_WORDS = 2  # words a name keeps beside its titles ("al" aside) for them to be set aside


def read_titles(
    query: AnalyzedName, candidate: AnalyzedName, weights: TokenWeights
) -> tuple[AnalyzedName, AnalyzedName]:
    """The two names with the titles that lead them set aside, for two persons' names;
    the names as they are otherwise."""
    tables = weights.tables
    q_lead, c_lead = _leading(query, tables), _leading(candidate, tables)
    if not (q_lead or c_lead):
        return query, candidate
    # a title may be a business word too ("General"): the words after it tell
    if _company_like(query, q_lead, weights) or _company_like(candidate, c_lead, weights):
        return query, candidate
    return (
        _without(query, q_lead, candidate.tokens, c_lead, tables),
        _without(candidate, c_lead, query.tokens, q_lead, tables),
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


def _without(
    name: AnalyzedName,
    lead: int,
    other: tuple[str, ...],
    other_lead: int,
    tables: NameTables,
) -> AnalyzedName:
    """`name` without those of its `lead` first words (titles) that the other name does
    not hold as a name word (beside its own `other_lead` leading titles), nor, for a
    title that is also a given name, at all."""
    if not lead:
        return name
    names_of_other = set(other[other_lead:])
    set_aside = [
        i
        for i, word in enumerate(name.tokens[:lead])
        if word not in names_of_other and not (word in tables.titles.also_names and word in other)
    ]
    rest = [t for i, t in enumerate(name.tokens) if i not in set_aside and t not in STOP_WORDS]
    if not set_aside or len(rest) < MIN_NAME_WORDS:
        return name
    titles = tuple(name.tokens[i] for i in set_aside)
    tokens = tuple(t for i, t in enumerate(name.tokens) if i not in set_aside)
    full = name.full_tokens
    if full[: len(name.tokens)] == name.tokens:  # the legal form, if any, ends the name
        full = tokens + full[len(name.tokens) :]
    return replace(name, tokens=tokens, full_tokens=full, titles=name.titles + titles)
