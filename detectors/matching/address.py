"""Address screening: a party at a listed entry's address is a hit whatever its name.

Listed addresses that are only a city or a country ("Havana, Cuba") say nothing about a
party and are left out; the rest are compared normalized (street abbreviations unified)
with a rapidfuzz blend of token-set and token-sort ratios, and the countries must agree
where both are known.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from detectors.matching.names import NameTables, normalize_address

MIN_LISTED_TOKENS = 4  # a listed address shorter than this is too vague to screen on
MIN_PARTY_TOKENS = 3


def address_score(a: str, b: str) -> float:
    """0..100: half token-set (reordering, extra words), half token-sort (no free subsets)."""
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2.0


def is_specific(normalized: str) -> bool:
    tokens = normalized.split()
    return len(tokens) >= MIN_LISTED_TOKENS and any(t.isdigit() for t in tokens) or len(tokens) >= 6


@dataclass
class AddressBook:
    """Every specific listed address, normalized, with its entry row and country."""

    entry_row: np.ndarray  # int32
    text: list[str]  # as listed
    normalized: list[str]
    country: list[str | None]

    @classmethod
    def build(
        cls, addresses_per_entry: list[list[tuple[str, str | None]]], tables: NameTables
    ) -> AddressBook:
        rows, texts, norms, countries = [], [], [], []
        for row, addresses in enumerate(addresses_per_entry):
            for text, country in addresses:
                norm = normalize_address(text, tables)
                if is_specific(norm):
                    rows.append(row)
                    texts.append(text)
                    norms.append(norm)
                    countries.append(country)
        return cls(np.asarray(rows, dtype=np.int32), texts, norms, countries)

    def screen(
        self,
        addresses: list[str],
        countries: list[str | None],
        threshold: float,
        tables: NameTables,
    ) -> pd.DataFrame:
        """Columns: query (position in `addresses`), entry_row, listed_address, score 0..1."""
        columns = ["query", "entry_row", "listed_address", "score"]
        norms = [normalize_address(a, tables) for a in addresses]
        usable = [i for i, n in enumerate(norms) if len(n.split()) >= MIN_PARTY_TOKENS]
        if not usable or not self.normalized:
            return pd.DataFrame(columns=columns)
        # the blend reaches the threshold only where token-sort alone reaches 2t - 100
        sort_cutoff = max(0.0, 2 * threshold * 100 - 100)
        sort_scores = process.cdist(
            [norms[i] for i in usable],
            self.normalized,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=sort_cutoff,
            workers=-1,
        )
        qi, ai = np.nonzero(sort_scores > 0)
        blend = np.array(
            [
                address_score(norms[usable[q]], self.normalized[a])
                for q, a in zip(qi, ai, strict=True)
            ]
        )
        keep = blend >= threshold * 100 if len(blend) else np.zeros(0, dtype=bool)
        qi, ai = qi[keep], ai[keep]
        found = pd.DataFrame(
            {
                "query": np.asarray(usable, dtype=int)[qi],
                "entry_row": self.entry_row[ai],
                "listed_address": [self.text[a] for a in ai],
                "score": blend[keep] / 100.0,
                "listed_country": [self.country[a] for a in ai],
            }
        )
        party_country = pd.Series(countries, dtype=object).iloc[found["query"]].to_numpy()
        listed = found["listed_country"].to_numpy()
        agree = [not p or not c or p == c for p, c in zip(party_country, listed, strict=True)]
        return found.loc[agree, columns].reset_index(drop=True)
