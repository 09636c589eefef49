"""The UN Security Council consolidated list (XML `CONSOLIDATED_LIST` of `INDIVIDUAL`
and `ENTITY`): names split in FIRST..FOURTH_NAME, aliases with a quality (Good is a
strong alias, Low a weak one), addresses in parts.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from watchlists.cleaning import clean_name
from watchlists.countries import country_code
from watchlists.errors import WatchlistFormatError
from watchlists.model import Address, Alias, WatchlistEntry

LIST_NAME = "UN Security Council Consolidated List"
LIST_URL = "https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list"
NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
ADDRESS_PARTS = ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
WEAK_QUALITIES = {"low"}


def read_un(path: Path) -> tuple[list[WatchlistEntry], str | None]:
    """Entries of the UN XML and the date the UN generated it."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise WatchlistFormatError(f"{path.name}: not well-formed XML ({exc})") from exc
    if root.tag != "CONSOLIDATED_LIST":
        raise WatchlistFormatError(
            f"{path.name}: not a UN consolidated list (expected a CONSOLIDATED_LIST root, found {root.tag})"
        )
    entries = [_entry(node, "person") for node in root.iter("INDIVIDUAL")]
    entries += [_entry(node, "entity") for node in root.iter("ENTITY")]
    generated = root.get("dateGenerated")
    return entries, generated[:10] if generated else None


def _text(node: ET.Element, tag: str) -> str:
    found = node.find(tag)
    return " ".join((found.text or "").split()) if found is not None else ""


def _entry(node: ET.Element, kind: str) -> WatchlistEntry:
    prefix = "INDIVIDUAL" if kind == "person" else "ENTITY"
    name = clean_name(" ".join(p for p in (_text(node, t) for t in NAME_PARTS) if p))
    aliases = []
    for alias in node.iter(f"{prefix}_ALIAS"):
        alias_name = clean_name(_text(alias, "ALIAS_NAME"))
        if alias_name:
            weak = _text(alias, "QUALITY").lower() in WEAK_QUALITIES
            aliases.append(Alias(alias_name, "weak" if weak else "strong"))
    original = clean_name(_text(node, "NAME_ORIGINAL_SCRIPT"))
    if original:
        aliases.append(Alias(original, "strong"))
    addresses = []
    for address in node.iter(f"{prefix}_ADDRESS"):
        line = ", ".join(p for p in (_text(address, t) for t in ADDRESS_PARTS) if p)
        if line:
            addresses.append(Address(line, country_code(_text(address, "COUNTRY"))))
    countries: list[str] = []
    stated = [(v.text or "") for v in node.findall("NATIONALITY/VALUE")]
    for code in [a.country for a in addresses] + [country_code(s) for s in stated]:
        if code and code not in countries:
            countries.append(code)
    reference = _text(node, "REFERENCE_NUMBER") or _text(node, "DATAID")
    program = _text(node, "UN_LIST_TYPE")
    return WatchlistEntry(
        entry_id=f"un:{reference}",
        source="un",
        list=LIST_NAME,
        list_code="UN",
        type=kind,  # type: ignore[arg-type]
        name=name,
        aliases=aliases,
        addresses=addresses,
        countries=countries,
        programs=[program] if program else [],
        citation=reference or None,
        start_date=_text(node, "LISTED_ON") or None,
        source_urls=[LIST_URL],
        remarks=_text(node, "COMMENTS1") or None,
    )
