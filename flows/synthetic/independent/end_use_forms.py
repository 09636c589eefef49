"""How an end use is written on an order of the independent population: a sector's phrase
in one of the forms buyers use ("Intended use: ...", "... - EUS on file", in capitals),
a phrase in the buyer's own language, a blank, or a reference to a statement elsewhere."""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd

from flows.synthetic.independent.end_use_phrases import END_USES, LOCALEND_USES
from flows.synthetic.independent.sectors import SECTORS
from flows.synthetic.independent.templates import draw, fill
from flows.synthetic.missing import MISSING

# fmt: off
# How a phrase is written on the order: "{}" is the phrase.
FORMS = ("{}", "{}", "{}", "{}", "{lower}", "{upper}", "Intended use: {}", "Use - {}",
         "End-use: {}", "{} (civilian, commercial)", "{}. Not for military or nuclear end use.",
         "{} - EUS on file", "Project: {}", "{}, {city}", "{}; equipment stays at our site",
         "Final use: {}", "{} (internal use)", "{} -- see BIS-711")
BLANK_LIKE = ("Refer to signed EUS", "per attached end-user statement", "BIS-711 on file",
              "n/a", "See PO", "Same as previous order")
# fmt: on


def _shouted(phrase: str) -> str:
    """The phrase in capitals, its "{field}" placeholders kept as they are."""
    return re.sub(r"\{([A-Z]+)\}", lambda m: "{" + m.group(1).lower() + "}", phrase.upper())


@cache
def _variants() -> tuple[np.ndarray, np.ndarray]:
    """(written variants by sector row, count per row)."""
    rows = []
    for sector in SECTORS:
        variants = []
        for phrase in END_USES[sector]:
            lower = phrase[0].lower() + phrase[1:] if phrase[:2] != phrase[:2].upper() else phrase
            for form in FORMS:
                variants.append(
                    form.replace("{lower}", lower)
                    .replace("{upper}", _shouted(phrase))
                    .replace("{}", phrase)
                )
        rows.append(variants)
    table = np.empty((len(rows), max(len(r) for r in rows)), dtype=object)
    for i, variants in enumerate(rows):
        table[i, : len(variants)] = variants
    return table, np.array([len(r) for r in rows])


def end_uses(
    rng: np.random.Generator,
    sectors: np.ndarray,
    countries: np.ndarray,
    cities: np.ndarray,
    country_names: np.ndarray,
    local_rate: float,
    blank_rate: float,
) -> np.ndarray:
    """An end use per row for customers of the given sectors (None = left empty)."""
    n = len(sectors)
    position = pd.Index(list(SECTORS)).get_indexer(np.asarray(sectors, dtype=object))
    position = np.where(position < 0, SECTORS.index("var_reseller"), position)
    table, lengths = _variants()
    text = table[position, (rng.random(n) * lengths[position]).astype(np.int64)]
    for country, phrases in LOCALEND_USES.items():
        rows = np.flatnonzero((countries == country) & (rng.random(n) < local_rate))
        text[rows] = draw(rng, phrases, len(rows))
    number = rng.integers(1000, 99999, size=n).astype(str).astype(object)
    text = fill(text, city=cities, country=country_names, n=number)
    odd = rng.random(n)
    text = np.where(odd < blank_rate, MISSING, text)
    blank_like = (odd >= blank_rate) & (odd < blank_rate * 1.3)
    text[blank_like] = draw(rng, BLANK_LIKE, int(blank_like.sum()))
    return text
