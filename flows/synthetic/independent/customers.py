"""Customer names of the independent population: a brand, a sector word and a legal form,
or a sector's own shape of name; native-script names for some countries; and the
downstream end users a channel customer names."""

from __future__ import annotations

import numpy as np
import pandas as pd

from flows.synthetic.independent.brands import brands
from flows.synthetic.independent.sectors import SECTOR_NAMES
from flows.synthetic.independent.templates import country_words, draw, fill
from flows.synthetic.names import NATIVE, native_names


def customer_names(
    rng: np.random.Generator,
    countries: np.ndarray,
    sectors: np.ndarray,
    cities: np.ndarray,
    legal: np.ndarray,
    country_names: np.ndarray,
    native_rate: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(customer name, brand, Latin slug, written in a native script) per customer."""
    n = len(countries)
    brand = brands(rng, countries)
    shapes = np.full(n, "{brand} {word} {legal}", dtype=object)
    words = np.full(n, "", dtype=object)
    for sector, (pool, forms) in SECTOR_NAMES.items():
        rows = np.flatnonzero(sectors == sector)
        if not len(rows):
            continue
        if pool:
            words[rows] = draw(rng, pool, len(rows))
        if forms:
            use_form = rng.random(len(rows)) < (1.0 if not pool else 0.6)
            shapes[rows[use_form]] = draw(rng, forms, int(use_form.sum()))
    name = fill(shapes, brand=brand, word=words, legal=legal, city=cities, country=country_names)
    company = ~pd.Series(shapes, dtype=object).str.contains(r"\{(?:city|country)\}").to_numpy()
    name = np.where((countries == "ID") & company & (rng.random(n) < 0.8), "PT " + name, name)
    place = pd.Series(cities, dtype=object).str.replace(" ", "").str.lower().to_numpy(dtype=object)
    slug = np.where(company, brand, place + "-" + pd.Series(sectors, dtype=object).str.slice(0, 3))
    native = np.zeros(n, dtype=bool)
    for country in NATIVE:
        rows = np.flatnonzero((countries == country) & company)
        rows = rows[rng.random(len(rows)) < native_rate]
        if len(rows):
            name[rows], slug[rows] = native_names(rng, country, len(rows))
            native[rows] = True
    return name.astype(object), brand, slug.astype(object), native


def client_names(rng: np.random.Generator, countries: np.ndarray) -> np.ndarray:
    """Downstream end users a channel customer names: hospitals, banks, universities, studios,
    manufacturers, in the customer's country."""
    sectors = draw(
        rng,
        ("hospital", "bank", "university", "vfx_studio", "manufacturer", "insurer", "pharma",
         "government", "ecommerce", "automotive", "telecom", "ai_startup"),
        len(countries),
    )  # fmt: skip
    from flows.synthetic.population import per_country  # noqa: PLC0415 (no cycle at import)

    cities = per_country(rng, countries, "cities")
    legal = per_country(rng, countries, "legal_forms")
    name, *_ = customer_names(rng, countries, sectors, cities, legal, country_words(countries), 0.0)
    return name
