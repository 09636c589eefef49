"""The customer master: invented companies with a country, type, address, website, e-mail,
phone (with the country's calling code), account-opening date and parent company.

Everything is built column by column with numpy; the only loops run over countries or
pools, never over customers."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from detectors.synthetic import independent
from detectors.synthetic.contacts import domains, emails, phones, websites
from detectors.synthetic.geography import (
    ASIA_PREFIXES,
    ASIA_SUFFIXES,
    COUNTRIES,
    COUNTRY_NAMES,
    FORWARDER_WORDS,
    SECTORS,
    WEST_PREFIXES,
    WEST_SUFFIXES,
)
from detectors.synthetic.missing import MISSING
from detectors.synthetic.names import NATIVE, industry_words, native_names, pick_industries
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
    "industry",
    "native_script",
    "forwarder",
    *(f"client_{k}" for k in range(3)),
    *(f"client_site_{k}" for k in range(3)),
)
CLIENTS_PER_CUSTOMER = 3  # downstream end users a channel customer names on its orders

CONTROLS_DATE = date(2022, 10, 7)  # the first advanced-computing rule
_EPOCH_START = date(1998, 1, 1)
_PARENT_COUNTRIES = ("US", "JP", "DE", "GB", "FR", "NL", "CH", "KR", "TW", "SG", "SE", "IE")


def pick(
    rng: np.random.Generator,
    pool: tuple[Any, ...] | list[Any] | np.ndarray,
    n: int,
    p: np.ndarray | list[float] | None = None,
) -> np.ndarray:
    """`n` draws from `pool` as an object array."""
    values = np.asarray(pool, dtype=object)
    return values[rng.choice(len(values), size=n, p=p)]


def pick_weighted(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=float)
    return pick(rng, keys, n, p=p / p.sum())


def among(values: np.ndarray, options: tuple[str, ...] | list[str]) -> np.ndarray:
    """Boolean mask of `values` found in `options` (hash lookup; missing values are never found)."""
    found: np.ndarray = pd.Series(values, dtype=object).isin(list(options)).to_numpy()
    return found


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


def positions_in(index: pd.Index, values: np.ndarray) -> np.ndarray:
    """Positions of `values` in `index` (-1 where absent), hashing only the distinct values."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    if not len(uniques):
        return np.full(len(codes), -1, dtype=np.int64)
    found = np.append(index.get_indexer(np.asarray(uniques, dtype=object)), -1)
    positions: np.ndarray = found[codes]
    return positions


def mapped(values: np.ndarray, mapping: dict[Any, Any]) -> np.ndarray:
    """`values` translated through `mapping` (None where a value has no entry)."""
    keys = pd.Index(list(mapping), dtype=object)
    out = np.append(np.array(list(mapping.values()), dtype=object), MISSING)
    translated: np.ndarray = out[positions_in(keys, values)]
    return translated


def country_positions(countries: np.ndarray) -> np.ndarray:
    """Row positions into the country table; unknown codes are a programming error."""
    positions = positions_in(_COUNTRY_INDEX, countries)
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
    values: np.ndarray = table[positions, choice]
    return values


def street_addresses(
    rng: np.random.Generator, countries: np.ndarray, cities: np.ndarray
) -> np.ndarray:
    """Business addresses, unlikely to coincide between two customers (rule P2 watches that)."""
    numbers = rng.integers(1, 10_000, size=len(countries)).astype(str).astype(object)
    floors = rng.integers(1, 40, size=len(countries)).astype(str).astype(object)
    street = per_country(rng, countries, "streets")
    addresses: np.ndarray = numbers + " " + street + ", Floor " + floors + ", " + cities
    return addresses


def company_names(
    rng: np.random.Generator, countries: np.ndarray, words: tuple[str, ...] | None = None
) -> np.ndarray:
    """Invented company names in the given countries (e.g. downstream end users, forwarders)."""
    brands, sectors = brand_names(rng, countries)
    middle = sectors if words is None else pick(rng, words, len(countries))
    names: np.ndarray = brands + " " + middle + " " + per_country(rng, countries, "legal_forms")
    return names


def phone_numbers(rng: np.random.Generator, countries: np.ndarray) -> np.ndarray:
    return phones(rng, per_country(rng, countries, "calling_code"))


def company_domains(
    rng: np.random.Generator, brands: np.ndarray, countries: np.ndarray
) -> np.ndarray:
    tlds = per_country(rng, countries, "tld")
    return domains(rng, brands, countries, tlds, np.zeros(len(brands), dtype=bool))


def _names(
    rng: np.random.Generator,
    countries: np.ndarray,
    industries: np.ndarray,
    params: GeneratorParams,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(customer name, brand, Latin slug, whether written in a native script) per customer."""
    n = len(countries)
    brands, _ = brand_names(rng, countries)
    words = industry_words(rng, industries, countries, 0.3)
    legal = per_country(rng, countries, "legal_forms")
    name = pd.Series(brands + " " + words + " " + legal, dtype=object).str.strip()
    name = np.where(countries == "ID", "PT " + name, name).astype(object)
    research = industries == "research"
    city = per_country(rng, countries, "cities")
    university = research & (rng.random(n) < 0.35)
    name[university] = np.where(
        rng.random(int(university.sum())) < 0.5,
        "University of " + city[university],
        city[university] + " Institute of Technology",
    )
    slug = brands.copy()
    slug[university] = pd.Series(city[university], dtype=object).str.replace(" ", "") + "-uni"
    native = np.zeros(n, dtype=bool)
    for country in NATIVE:
        rows = np.flatnonzero((countries == country) & ~university)
        rows = rows[rng.random(len(rows)) < params.native_script_rate]
        if len(rows):
            name[rows], slug[rows] = native_names(rng, country, len(rows))
            native[rows] = True
    return name, brands, slug, native


def _independent_names(
    rng: np.random.Generator, countries: np.ndarray, types: np.ndarray, params: GeneratorParams
) -> tuple[np.ndarray, ...]:
    """(sector, name, brand, slug, native script, city) per customer of the independent
    population (`detectors.synthetic.independent`)."""
    sectors = independent.pick_sectors(rng, types)
    cities = per_country(rng, countries, "cities")
    legal = per_country(rng, countries, "legal_forms")
    names, brands, slugs, native = independent.customer_names(
        rng,
        countries,
        sectors,
        cities,
        legal,
        independent.country_words(countries),
        params.native_script_rate,
    )
    return sectors, names, brands, slugs, native, cities


def _parents(
    rng: np.random.Generator,
    names: np.ndarray,
    brands: np.ndarray,
    countries: np.ndarray,
    params: GeneratorParams,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(customer name, parent name, parent country): some customers belong to a group; a
    subsidiary abroad is named after its parent and its country ("Norvex Cloud Malaysia
    Sdn. Bhd."). A legitimate group's parent is never in D:5 or Macau."""
    n = len(countries)
    has_parent = rng.random(n) < params.parent_share
    at_home = (rng.random(n) < 0.55) & ~among(countries, params.d5_parent_countries)
    abroad = pick(rng, _PARENT_COUNTRIES, n)
    parent_country = np.where(at_home | (abroad == countries), countries, abroad)
    parent_legal = per_country(rng, parent_country, "legal_forms")
    group_word = pick(rng, ("Holdings", "Group", "Corporation", "International", ""), n)
    parent = pd.Series(brands + " " + group_word + " " + parent_legal, dtype=object)
    parent = parent.str.replace("  ", " ").str.strip().to_numpy(dtype=object)
    foreign = has_parent & (parent_country != countries)
    local = pd.Series(countries, dtype=object).map(COUNTRY_NAMES).to_numpy(dtype=object)
    subsidiary = brands + " " + local + " " + per_country(rng, countries, "legal_forms")
    renamed = foreign & (rng.random(n) < 0.6)
    names = np.where(renamed, subsidiary, names)
    names = np.where(renamed & (countries == "ID"), "PT " + names, names)
    return (
        names,
        np.where(has_parent, parent, MISSING),
        np.where(has_parent, parent_country, MISSING),
    )


def build_customers(
    rng: np.random.Generator,
    countries: np.ndarray,
    types: np.ndarray,
    params: GeneratorParams,
) -> pd.DataFrame:
    """A legitimate-looking customer per (country, type) pair given."""
    n = len(countries)
    countries = np.asarray(countries, dtype=object)
    types = np.asarray(types, dtype=object)
    if params.population == "independent":
        industries, names, brands, slugs, native, cities = _independent_names(
            rng, countries, types, params
        )
        research = np.isin(industries, independent.ACADEMIC_SECTORS)
    else:
        industries = pick_industries(rng, types)
        names, brands, slugs, native = _names(rng, countries, industries, params)
        cities = per_country(rng, countries, "cities")
        research = industries == "research"
    web = domains(rng, slugs, countries, per_country(rng, countries, "tld"), research)

    start_offset = (params.start - _EPOCH_START).days
    new_from = (date(2022, 11, 1) - _EPOCH_START).days
    old_since = rng.integers(0, (CONTROLS_DATE - _EPOCH_START).days, size=n)
    new_since = rng.integers(new_from, max(new_from + 1, start_offset - 14), size=n)
    is_new = rng.random(n) < params.new_customer_share
    since = iso_days(_EPOCH_START, np.where(is_new, new_since, old_since))

    scale = rng.lognormal(0.0, params.customer_scale_sigma, size=n) * np.array(
        [params.type_scale.get(t, 1.0) for t in types], dtype=float
    )
    small = scale < np.median(scale) if n else np.zeros(0, dtype=bool)
    names, parent, parent_country = _parents(rng, names, brands, countries, params)
    k = CLIENTS_PER_CUSTOMER
    home = np.repeat(countries, k)
    if params.population == "independent":
        clients = independent.client_names(rng, home).reshape(n, k)
    else:
        clients = company_names(rng, home).reshape(n, k)
    sites = street_addresses(rng, home, per_country(rng, home, "cities")).reshape(n, k)
    return pd.DataFrame(
        {
            "customer_name": names,
            "customer_country": countries,
            "customer_type": types,
            "customer_address": street_addresses(rng, countries, cities),
            "customer_since": since,
            "customer_website": websites(rng, web, params.no_website_share),
            "customer_email": emails(rng, slugs, web, countries, small, params.free_mail_share),
            "customer_phone": phone_numbers(rng, countries),
            "customer_parent_name": parent,
            "customer_parent_country": parent_country,
            "brand": brands,
            "city": cities,
            "scale": scale,
            "industry": industries,
            "native_script": native,
            "forwarder": company_names(rng, countries, FORWARDER_WORDS),
            **{f"client_{i}": clients[:, i] for i in range(k)},
            **{f"client_site_{i}": sites[:, i] for i in range(k)},
        }
    )


def clean_customers(rng: np.random.Generator, n: int, params: GeneratorParams) -> pd.DataFrame:
    countries = pick_weighted(rng, dict(params.country_mix), n)
    types = pick_weighted(rng, dict(params.customer_type_mix), n)
    return build_customers(rng, countries, types, params)
