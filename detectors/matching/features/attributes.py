"""Features of what the party and the entry say beside the name: country, address,
person or entity, and whether the list name is a weak alias."""

from __future__ import annotations

from rapidfuzz import fuzz

from detectors.matching.features.context import PairContext

# China's special administrative regions: a party there against an entry of China (an
# address "..., Hong Kong, China") is no country mismatch
SAR_CITIES = {"HK": ("hong kong", "hongkong"), "MO": ("macau", "macao")}


def country_agree(p: PairContext) -> float:
    if not p.query_country or not p.entry_countries:
        return 0.0
    if p.query_country in p.entry_countries:
        return 1.0
    sar = {p.query_country} | set(p.entry_countries)
    if "CN" in sar and sar & SAR_CITIES.keys():
        cities = SAR_CITIES.get(p.query_country, ())
        said = any(city in address for city in cities for address in p.entry_addresses)
        return 1.0 if said else 0.0
    return -1.0


def address_similarity(p: PairContext) -> float:
    if not p.query_address or not p.entry_addresses:
        return 0.0
    return max(fuzz.token_set_ratio(p.query_address, a) for a in p.entry_addresses) / 100.0


def type_agree(p: PairContext) -> float:
    kinds = {p.query_type, p.entry_type}
    if "unknown" in kinds or not kinds <= {"person", "entity"}:
        return 0.0
    return 1.0 if p.query_type == p.entry_type else -1.0


def weak_alias(p: PairContext) -> float:
    return float(p.weak_alias)
