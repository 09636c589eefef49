"""The synthetic restricted-party list (fictional names on EL, MEU, UVL, DPL and SDN), the
name variants a diverting party would actually write on an order, and clean look-alike
names (hard negatives) that must not be taken for listed parties."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from detectors.synthetic.geography import (
    COUNTRIES,
    FIRST_NAMES,
    LAST_NAMES,
    LIST_PREFIXES,
    LIST_SECTORS,
    LIST_SUFFIXES,
)
from watchlists.model import Address, Alias, WatchlistEntry

LIST_NAMES: dict[str, str] = {
    "EL": "Entity List (EL) - Bureau of Industry and Security",
    "MEU": "Military End User (MEU) List - Bureau of Industry and Security",
    "UVL": "Unverified List (UVL) - Bureau of Industry and Security",
    "DPL": "Denied Persons List (DPL) - Bureau of Industry and Security",
    "SDN": "Specially Designated Nationals (SDN) - Treasury Department",
}
LIST_URLS: dict[str, str] = {
    "EL": "https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern/entity-list",
    "MEU": "https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern",
    "UVL": "https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern/unverified-list",
    "DPL": "https://www.bis.doc.gov/index.php/the-denied-persons-list",
    "SDN": "https://sanctionslist.ofac.treas.gov/Home/SdnList",
}
_LIST_MIX = {"EL": 0.40, "MEU": 0.15, "UVL": 0.15, "SDN": 0.20, "DPL": 0.10}
_LIST_COUNTRIES = {
    "EL": ("CN", "CN", "CN", "HK", "HK", "RU", "IR", "AE", "SG"),
    "MEU": ("CN", "CN", "RU"),
    "UVL": ("CN", "HK", "AE", "TR", "AM", "MY"),
    "SDN": ("RU", "RU", "IR", "CN", "HK", "AE"),
    "DPL": ("US", "CN", "HK"),
}
_SDN_PROGRAMS = {
    "RU": "RUSSIA-EO14024",
    "IR": "IRAN",
    "CN": "NPWMD",
    "HK": "RUSSIA-EO14024",
    "AE": "RUSSIA-EO14024",
}
_EL_REQUIREMENT = "For all items subject to the EAR. (See §744.11 of the EAR)"
_EL_POLICY = "Presumption of denial."
_MEU_REQUIREMENT = "For any item subject to the EAR listed in supplement no. 2 to part 744."

# Legal-form spellings a party swaps between on its paperwork.
_LEGAL_SWAPS = {
    "Co., Ltd.": "Company Limited",
    "Technology Co., Ltd.": "Tech Co Ltd",
    "Limited": "Ltd",
    "Co., Limited": "Company Ltd.",
    "LLC": "L.L.C.",
    "FZE": "FZ LLC",
    "FZCO": "F.Z.C.O.",
    "OOO": "LLC",
    "AO": "JSC",
    "Co.": "Company",
    "Company": "Co.",
    "CJSC": "ZAO",
    "A.S.": "AS",
    "Ltd. Sti.": "Limited",
    "Sdn. Bhd.": "Sdn Bhd",
    "Inc.": "Incorporated",
    "Corp.": "Corporation",
}
HARD_NEGATIVE_SECTORS = (
    "Foods",
    "Textiles",
    "Furniture",
    "Garden Supply",
    "Consulting",
    "Dental Care",
    "Media",
    "Logistics",
)
_HARD_NEGATIVE_COUNTRIES = ("US", "DE", "GB", "AU", "CA", "FR", "NL", "JP")


@dataclass(frozen=True)
class ListedParty:
    """A synthetic list entry together with the names an order might carry for it."""

    entry: WatchlistEntry
    country: str
    address: str
    variants: tuple[str, ...]  # variants[0] is the listed name verbatim
    brand: str | None  # the invented brand word (None for a person)
    sector: str | None


def _typo(rng: np.random.Generator, word: str) -> str:
    if len(word) < 4:
        return word + word[-1]
    i = int(rng.integers(1, len(word) - 1))
    kind = int(rng.integers(0, 3))
    if kind == 0:  # swap two neighbours
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:  # drop a letter
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]  # double a letter


def _entity_variants(
    rng: np.random.Generator, city: str | None, brand: str, sector: str, legal: str
) -> tuple[str, ...]:
    head = f"{city} {brand}" if city else brand
    exact = f"{head} {sector} {legal}"
    swapped = f"{head} {sector} {_LEGAL_SWAPS.get(legal, legal + '.')}"
    dropped = f"{head} {sector}"
    reordered = (
        f"{brand} {sector} ({city}) {legal}" if city else f"{brand} International {sector} {legal}"
    )
    typo = f"{(city + ' ') if city else ''}{_typo(rng, brand)} {sector} {legal}"
    shouted = "".join(ch for ch in exact.upper() if ch.isalnum() or ch == " ")
    return exact, swapped, dropped, reordered, typo, " ".join(shouted.split())


def _person_variants(rng: np.random.Generator, first: str, last: str) -> tuple[str, ...]:
    return (
        f"{first} {last}",
        f"{last.upper()}, {first}",
        f"{first[0]}. {last}",
        f"{first} {_typo(rng, last)}",
        f"{last} {first}",
    )


def _aliases(
    rng: np.random.Generator, prefix: str, suffix: str, sector: str, city: str | None
) -> list[Alias]:
    brand = prefix + suffix
    aliases: list[Alias] = []
    roll = rng.random()
    if roll < 0.4:
        aliases.append(Alias(f"{brand} {sector} International Trading Limited", "strong"))
    if roll > 0.3:  # an acronym of the brand's syllables and the trade, e.g. "KLE"
        initials = (
            prefix[0] + suffix[0].upper() + "".join(w[0] for w in sector.split() if w[0].isupper())
        )
        aliases.append(Alias(initials + (f" {city}" if city else ""), "weak"))
    if rng.random() < 0.3:
        aliases.append(Alias(f"{brand} Tech", "strong"))
    return aliases


def _entry_dates(rng: np.random.Generator) -> str:
    return (date(2019, 5, 16) + timedelta(days=int(rng.integers(0, 2600)))).isoformat()


def build_restricted_list(rng: np.random.Generator, size: int) -> list[ListedParty]:
    """`size` fictional listed parties with aliases, addresses and name variants."""
    codes = list(_LIST_MIX)
    weights = np.array(list(_LIST_MIX.values()))
    space = len(LIST_PREFIXES) * len(LIST_SUFFIXES)
    brand_ids = rng.choice(space, size=min(size, space), replace=False)
    parties: list[ListedParty] = []
    for number, brand_id in enumerate(brand_ids, start=1):
        code = codes[int(rng.choice(len(codes), p=weights / weights.sum()))]
        country = str(rng.choice(_LIST_COUNTRIES[code]))
        profile = COUNTRIES[country]
        city = str(rng.choice(profile.cities))
        street = str(rng.choice(profile.streets))
        address = (
            f"Room {int(rng.integers(101, 2999))}, {int(rng.integers(1, 300))} {street}, {city}"
        )
        is_person = code == "DPL" and rng.random() < 0.5
        entry_id = f"synthetic:{code}-{number:04d}"
        if is_person:
            first, last = str(rng.choice(FIRST_NAMES)), str(rng.choice(LAST_NAMES))
            variants = _person_variants(rng, first, last)
            aliases: list[Alias] = [Alias(f"{first[0]}. {last.upper()}", "weak")]
            brand = sector = None
        else:
            pre, suf = divmod(int(brand_id), len(LIST_SUFFIXES))
            brand = LIST_PREFIXES[pre] + LIST_SUFFIXES[suf]
            sector = str(rng.choice(LIST_SECTORS))
            legal = str(rng.choice(profile.legal_forms))
            legal = "Co., Ltd." if legal.startswith(sector) else legal
            prefix_city = city if country == "CN" and rng.random() < 0.6 else None
            variants = _entity_variants(rng, prefix_city, brand, sector, legal)
            aliases = _aliases(rng, LIST_PREFIXES[pre], LIST_SUFFIXES[suf], sector, prefix_city)
        entry = WatchlistEntry(
            entry_id=entry_id,
            source="synthetic",
            list=LIST_NAMES[code],
            list_code=code,
            type="person" if is_person else "entity",
            name=variants[0],
            aliases=aliases,
            addresses=[Address(address, country)],
            countries=[country],
            programs=[_SDN_PROGRAMS[country]] if code == "SDN" else [],
            license_requirement=_EL_REQUIREMENT
            if code == "EL"
            else (_MEU_REQUIREMENT if code == "MEU" else None),
            license_policy=_EL_POLICY if code in ("EL", "MEU") else None,
            citation=f"{int(rng.integers(84, 91))} FR {int(rng.integers(1000, 99999))}"
            if code != "SDN"
            else None,
            start_date=_entry_dates(rng),
            end_date=None,
            source_urls=[LIST_URLS[code]],
            remarks="Synthetic entry generated for testing; fictional party.",
        )
        parties.append(ListedParty(entry, country, address, variants, brand, sector))
    return parties


def hard_negative_names(
    rng: np.random.Generator, parties: list[ListedParty], n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Clean company names that look like listed ones at a glance: the same invented brand in
    an unrelated trade and country, or a brand one syllable away in the same trade."""
    companies = [p for p in parties if p.brand is not None]
    listed_brands = {p.brand for p in companies}
    names, countries = [], []
    for k in range(n if companies else 0):
        party = companies[int(rng.integers(0, len(companies)))]
        country = str(rng.choice(_HARD_NEGATIVE_COUNTRIES))
        legal = str(rng.choice(COUNTRIES[country].legal_forms))
        if k % 2 == 0:
            names.append(f"{party.brand} {rng.choice(HARD_NEGATIVE_SECTORS)} {legal}")
        else:
            brand = party.brand or ""  # every one of `companies` has a brand
            for suffix in rng.permutation(LIST_SUFFIXES):
                candidate = next(p for p in LIST_PREFIXES if brand.startswith(p)) + str(suffix)
                if candidate not in listed_brands:
                    brand = candidate
                    break
            names.append(f"{brand} {party.sector} {legal}")
        countries.append(country)
    return np.array(names, dtype=object), np.array(countries, dtype=object)


def csl_id(entry: WatchlistEntry) -> str:
    """A stable CSL-style `_id` (BIS rows carry a long hex digest)."""
    return hashlib.sha224(entry.entry_id.encode()).hexdigest()
