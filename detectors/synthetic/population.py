"""The customer master: invented companies with a country, type, address, website, e-mail,
phone (with the country's calling code), account-opening date and parent company.

Everything is built column by column with numpy; the only loops run over countries or
pools, never over customers."""

from __future__ import annotations

from datetime import date
from functools import cache

import numpy as np
import pandas as pd

from detectors.synthetic.geography import (
    ASIA_PREFIXES,
    ASIA_SUFFIXES,
    COUNTRIES,
    FREE_MAIL_DOMAINS,
    SECTORS,
    WEST_PREFIXES,
    WEST_SUFFIXES,
)
from detectors.synthetic.params import GeneratorParams

CUSTOMER_COLUMNS: tuple[str, ...] = (
    "customer_name",
    "customer_country",
    "customer_type",
    "customer_address",
    "customer_since",
    "customer_website",
    "customer_email",
    "customer_phone",
    "customer_parent_name",
    "customer_parent_country",
    "brand",
    "city",
    "scale",
)

CONTROLS_DATE = date(2022, 10, 7)  # the first advanced-computing rule
_EPOCH_START = date(1998, 1, 1)
_MAIL_LOCALS = np.array(
    ["purchasing", "procurement", "orders", "info", "sales", "it.buying"], dtype=object
)


def pick(rng: np.random.Generator, pool: tuple | list | np.ndarray, n: int, p=None) -> np.ndarray:
    """`n` draws from `pool` as an object array."""
    values = np.asarray(pool, dtype=object)
    return values[rng.choice(len(values), size=n, p=p)]


def pick_weighted(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return pick(rng, keys, n, p=p / p.sum())


def among(values: np.ndarray, options: tuple[str, ...] | list[str]) -> np.ndarray:
    """Boolean mask of `values` found in `options` (hash lookup; missing values are never found)."""
    return pd.Series(values, dtype=object).isin(list(options)).to_numpy()


def iso_days(base: date, offsets: np.ndarray) -> np.ndarray:
    """ISO date strings for day offsets from `base` (formatted once per distinct day)."""
    unique, inverse = np.unique(offsets.astype(np.int64), return_inverse=True)
    text = (np.datetime64(base, "D") + unique).astype(str).astype(object)
    return text[inverse]


def brand_names(rng: np.random.Generator, countries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(brand, sector) per customer, unique across the population as long as the pools allow."""
    n = len(countries)
    brands = np.empty(n, dtype=object)
    sectors = np.empty(n, dtype=object)
    styles = per_country(rng, countries, "name_style")
    for style, prefixes, suffixes in (
        ("west", WEST_PREFIXES, WEST_SUFFIXES),
        ("asia", ASIA_PREFIXES, ASIA_SUFFIXES),
    ):
        rows = np.flatnonzero(styles == style)
        space = len(prefixes) * len(suffixes) * len(SECTORS)
        combo = rng.choice(space, size=len(rows), replace=len(rows) > space)
        pre, rest = np.divmod(combo, len(suffixes) * len(SECTORS))
        suf, sec = np.divmod(rest, len(SECTORS))
        brands[rows] = (
            np.asarray(prefixes, dtype=object)[pre] + np.asarray(suffixes, dtype=object)[suf]
        )
        sectors[rows] = np.asarray(SECTORS, dtype=object)[sec]
    return brands, sectors


_COUNTRY_INDEX = pd.Index(list(COUNTRIES))


def country_positions(countries: np.ndarray) -> np.ndarray:
    """Row positions into the country table; unknown codes are a programming error."""
    positions = _COUNTRY_INDEX.get_indexer(np.asarray(countries, dtype=object))
    if (positions < 0).any():
        unknown = sorted(set(np.asarray(countries, dtype=object)[positions < 0]))
        raise ValueError(f"no country profile for {unknown}")
    return positions


@cache
def _attribute_table(attribute: str) -> tuple[np.ndarray, np.ndarray]:
    values = [getattr(profile, attribute) for profile in COUNTRIES.values()]
    if isinstance(values[0], str):
        values = [(v,) for v in values]
    table = np.empty((len(values), max(len(v) for v in values)), dtype=object)
    for row, options in enumerate(values):
        table[row, : len(options)] = options
    return table, np.array([len(v) for v in values])


def per_country(rng: np.random.Generator, countries: np.ndarray, attribute: str) -> np.ndarray:
    """One random value of a `CountryProfile` attribute per row (the value itself for a string)."""
    positions = country_positions(countries)
    table, lengths = _attribute_table(attribute)
    choice = (rng.random(len(positions)) * lengths[positions]).astype(np.int64)
    return table[positions, choice]


def street_addresses(
    rng: np.random.Generator, countries: np.ndarray, cities: np.ndarray
) -> np.ndarray:
    """Business addresses, unlikely to coincide between two customers (rule P2 watches that)."""
    numbers = rng.integers(1, 10_000, size=len(countries)).astype(str).astype(object)
    floors = rng.integers(1, 40, size=len(countries)).astype(str).astype(object)
    street = per_country(rng, countries, "streets")
    return numbers + " " + street + ", Floor " + floors + ", " + cities


def phone_numbers(rng: np.random.Generator, countries: np.ndarray) -> np.ndarray:
    codes = per_country(rng, countries, "calling_code")
    head = rng.integers(201, 990, size=len(countries)).astype(str).astype(object)
    tail = rng.integers(1_000_000, 10_000_000, size=len(countries)).astype(str).astype(object)
    return "+" + codes + " " + head + " " + tail


def company_domains(
    rng: np.random.Generator, brands: np.ndarray, countries: np.ndarray
) -> np.ndarray:
    tlds = per_country(rng, countries, "tld")
    lower = pd.Series(brands, dtype=object).str.lower().to_numpy(dtype=object)
    return lower + "." + tlds


def build_customers(
    rng: np.random.Generator,
    countries: np.ndarray,
    types: np.ndarray,
    params: GeneratorParams,
) -> pd.DataFrame:
    """A legitimate-looking customer per (country, type) pair given."""
    n = len(countries)
    brands, sectors = brand_names(rng, countries)
    legal = per_country(rng, countries, "legal_forms")
    cities = per_country(rng, countries, "cities")
    domains = company_domains(rng, brands, countries)

    start_offset = (params.start - _EPOCH_START).days
    new_from = (date(2022, 11, 1) - _EPOCH_START).days
    old_since = rng.integers(0, (CONTROLS_DATE - _EPOCH_START).days, size=n)
    new_since = rng.integers(new_from, max(new_from + 1, start_offset - 14), size=n)
    is_new = rng.random(n) < params.new_customer_share
    since = iso_days(_EPOCH_START, np.where(is_new, new_since, old_since))

    free_mail = rng.random(n) < params.free_mail_share
    free_address = (
        pd.Series(brands, dtype=object).str.lower().to_numpy(dtype=object)
        + rng.integers(10, 99, size=n).astype(str).astype(object)
        + "@"
        + pick(rng, FREE_MAIL_DOMAINS, n)
    )
    corporate = pick(rng, _MAIL_LOCALS, n) + "@" + domains
    website = np.where(rng.random(n) < params.no_website_share, None, "https://www." + domains)

    has_parent = rng.random(n) < params.parent_share
    # a legitimate group's parent sits at home or in a Tier-1 country, never in D:5 or Macau
    at_home = (rng.random(n) < 0.7) & ~among(countries, params.d5_parent_countries)
    parent_country = np.where(at_home, countries, pick(rng, ("US", "JP", "DE", "GB"), n))
    parent_legal = per_country(rng, parent_country, "legal_forms")

    scale = rng.lognormal(0.0, params.customer_scale_sigma, size=n) * np.array(
        [params.type_scale.get(t, 1.0) for t in types], dtype=float
    )
    return pd.DataFrame(
        {
            "customer_name": brands + " " + sectors + " " + legal,
            "customer_country": countries,
            "customer_type": types,
            "customer_address": street_addresses(rng, countries, cities),
            "customer_since": since,
            "customer_website": website,
            "customer_email": np.where(free_mail, free_address, corporate),
            "customer_phone": phone_numbers(rng, countries),
            "customer_parent_name": np.where(
                has_parent, brands + " Holdings " + parent_legal, None
            ),
            "customer_parent_country": np.where(has_parent, parent_country, None),
            "brand": brands,
            "city": cities,
            "scale": scale,
        }
    )


def clean_customers(rng: np.random.Generator, n: int, params: GeneratorParams) -> pd.DataFrame:
    countries = pick_weighted(rng, dict(params.country_mix), n)
    types = pick_weighted(rng, dict(params.customer_type_mix), n)
    return build_customers(rng, countries, types, params)
