"""Country names as the list publishers write them, resolved to ISO 3166-1 alpha-2 codes."""

from __future__ import annotations

from functools import lru_cache

import pycountry

# Names the publishers use that pycountry does not know, or knows under another name.
PUBLISHER_COUNTRY_NAMES: dict[str, str | None] = {
    "bahamas, the": "BS",
    "the bahamas": "BS",
    "brunei": "BN",
    "burma": "MM",
    "china, hong kong special administrative region": "HK",
    "hong kong": "HK",
    "hong kong sar": "HK",
    "macau": "MO",
    "macao": "MO",
    "congo, democratic republic of the": "CD",
    "democratic republic of the congo": "CD",
    "congo, republic of the": "CG",
    "republic of the congo": "CG",
    "cote d ivoire": "CI",
    "cote d'ivoire": "CI",
    "ivory coast": "CI",
    "iran (islamic republic of)": "IR",
    "iran": "IR",
    "korea, north": "KP",
    "north korea": "KP",
    "democratic people's republic of korea": "KP",
    "korea, south": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "kosovo": "XK",
    "palestinian": "PS",
    "state of palestine": "PS",
    "west bank": "PS",
    "gaza": "PS",
    "region: gaza": "PS",
    "region: crimea": "UA",
    "region: northern mali": "ML",
    "russia": "RU",
    "syria": "SY",
    "taiwan": "TW",
    "the gambia": "GM",
    "gambia, the": "GM",
    "turkey": "TR",
    "vietnam": "VN",
    "laos": "LA",
    "united states": "US",
    "usa": "US",
    "uk": "GB",
    "united kingdom": "GB",
    "undetermined": None,
    "netherlands antilles": None,
    "region: kafia kingi": None,
}


@lru_cache(maxsize=4096)
def country_code(text: str | None) -> str | None:
    """ISO alpha-2 for a country name or code as a list writes it; None when unknown."""
    if text is None:
        return None
    cleaned = " ".join(str(text).replace("\u00a0", " ").split()).strip(" .,;")
    if not cleaned:
        return None
    key = cleaned.casefold()
    if key in PUBLISHER_COUNTRY_NAMES:
        return PUBLISHER_COUNTRY_NAMES[key]
    if len(cleaned) == 2 and cleaned.isalpha():
        country = pycountry.countries.get(alpha_2=cleaned.upper())
        return country.alpha_2 if country else None
    try:
        return pycountry.countries.lookup(cleaned).alpha_2
    except LookupError:
        return None


def address_country(address: str) -> str | None:
    """The country of a one-line address: its last comma-separated part, if that names one."""
    last = address.rsplit(",", 1)[-1]
    return country_code(last)
