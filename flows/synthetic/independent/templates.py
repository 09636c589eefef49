"""Column-wise text for the independent population: a draw from a pool per row, templates
filled per row ("{city} University Hospital"), and countries as buyers name them."""

from __future__ import annotations

from string import Formatter

import numpy as np
import pandas as pd

# How a country is named in running text ("Distribution within {country} only").
COUNTRY_WORDS = {
    "US": "the US", "GB": "the UK", "NL": "the Netherlands", "AE": "the UAE", "SA": "Saudi Arabia",
    "KR": "Korea", "BR": "Brazil", "CN": "China", "HK": "Hong Kong", "TW": "Taiwan",
    "PH": "the Philippines", "CZ": "Czechia",
}  # fmt: skip


def country_words(countries: np.ndarray) -> np.ndarray:
    """Each country as a buyer names it in a sentence."""
    from flows.synthetic.geography import COUNTRY_NAMES  # noqa: PLC0415

    names = {**COUNTRY_NAMES, **COUNTRY_WORDS}
    mapped: np.ndarray = pd.Series(countries, dtype=object).map(names).to_numpy(dtype=object)
    return mapped


def draw(rng: np.random.Generator, pool: tuple[str, ...], n: int) -> np.ndarray:
    """`n` values of `pool`, each drawn uniformly."""
    return np.asarray(pool, dtype=object)[rng.integers(0, len(pool), size=n)]


def fill(templates: np.ndarray, **parts: np.ndarray) -> np.ndarray:
    """Each template with its "{name}" fields replaced by that row's value of `parts[name]`
    (built per distinct template, by array concatenation)."""
    out = np.asarray(templates, dtype=object).copy()
    has_field = np.flatnonzero(pd.Series(out, dtype=object).str.contains("{", regex=False))
    codes, uniques = pd.factorize(out[has_field])
    for k, template in enumerate(uniques):
        rows = has_field[codes == k]
        text = np.full(len(rows), "", dtype=object)
        for literal, field, _, _ in Formatter().parse(template):
            text = text + literal
            if field:
                value = np.asarray(parts[field], dtype=object)[rows]
                text = text + np.where(pd.isna(value), "", value)
        out[rows] = text
    tidied: np.ndarray = (
        pd.Series(out, dtype=object)
        .str.replace(r"\s+", " ", regex=True)
        .str.strip()
        .to_numpy(dtype=object)
    )
    return tidied
