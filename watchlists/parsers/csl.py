"""The trade.gov Consolidated Screening List: `consolidated.csv` (29 columns) and
`consolidated.json` (a `results` array of the same fields, multi-values as arrays).

Both land in one flat frame of text columns first (multi-values `; `-joined, as the CSV
writes them), then in entries, so the two formats cannot drift apart.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from watchlists.cleaning import clean_name, clean_names, null_text, plain_records, split_values
from watchlists.countries import address_country, country_code
from watchlists.errors import WatchlistFormatError
from watchlists.model import Address, Alias, EntryType, WatchlistEntry

CSL_COLUMNS: tuple[str, ...] = (
    "_id",
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
)
REQUIRED_COLUMNS = ("_id", "source", "name", "alt_names", "addresses")
ENTRY_TYPES: dict[str, EntryType] = {
    "individual": "person",
    "entity": "entity",
    "vessel": "vessel",
    "aircraft": "aircraft",
}
# Sub-list codes as the CSL `source` writes them, where the project uses another short code.
SUB_LIST_CODES = {"CMIC": "NS-CMIC", "NS-MBS LIST": "NS-MBS", "NS-MBS": "NS-MBS", "CAP": "CAPTA"}
CODE_IN_SOURCE = re.compile(r"\(([^)]+)\)")
ADDRESS_PARTS = ("address", "city", "state", "postal_code", "country")


def csl_csv_frame(path: Path) -> pd.DataFrame:
    """The CSV as text columns (missing as ""), after checking it is the CSL layout."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise WatchlistFormatError(f"{path.name}: unreadable CSL CSV ({exc})") from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise WatchlistFormatError(
            f"{path.name}: not a CSL CSV (expected columns {','.join(CSL_COLUMNS)}; "
            f"missing {','.join(missing)})"
        )
    return frame.reindex(columns=list(CSL_COLUMNS), fill_value="")


def csl_json_frame(path: Path) -> tuple[pd.DataFrame, str | None]:
    """The JSON's `results` flattened to the CSV layout, and the newest source date it names."""
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise WatchlistFormatError(
            f"{path.name}: not valid JSON ({exc.__class__.__name__})"
        ) from exc
    results = document.get("results") if isinstance(document, dict) else None
    if not isinstance(results, list):
        raise WatchlistFormatError(
            f"{path.name}: not a CSL JSON (expected an object with a results array)"
        )
    rows = [_flatten_result(r) for r in results if isinstance(r, dict)]
    frame = pd.DataFrame.from_records(rows, columns=list(CSL_COLUMNS)).fillna("")
    dates = [
        str(s.get("source_last_updated") or s.get("last_imported") or "")[:10]
        for s in document.get("sources_used", []) or []
        if isinstance(s, dict)
    ]
    return frame, max((d for d in dates if d), default=None)


def _flatten_result(result: dict[str, Any]) -> dict[str, str]:
    row: dict[str, str] = {}
    for column in CSL_COLUMNS:
        value = result.get(column)
        if column == "_id" and not value:
            value = result.get("id")
        if column == "addresses" and isinstance(value, list):
            value = [_address_line(a) for a in value]
        if column == "ids" and isinstance(value, list):
            value = [
                ", ".join(str(v) for v in i.values() if v) for i in value if isinstance(i, dict)
            ]
        if isinstance(value, list):
            value = "; ".join(str(v) for v in value if v)
        row[column] = "" if value is None else str(value)
    return row


def _address_line(address: object) -> str:
    if not isinstance(address, dict):
        return str(address or "")
    return ", ".join(str(address[p]).strip() for p in ADDRESS_PARTS if address.get(p))


def csl_entries(frame: pd.DataFrame) -> list[WatchlistEntry]:
    """Entries from a CSL frame in the CSV layout."""
    frame = frame.assign(name=clean_names(frame["name"]))
    return [_entry(row) for row in plain_records(frame) if row["name"]]


def list_code(source: str) -> str:
    """The short code of a CSL sub-list: "Entity List (EL) - Bureau …" -> "EL"."""
    found = CODE_IN_SOURCE.search(source or "")
    code = found.group(1).strip().upper() if found else (source or "CSL").strip().upper()
    return SUB_LIST_CODES.get(code, code.removesuffix(" LIST"))


def _entry(row: dict[str, str]) -> WatchlistEntry:
    lines = [clean_name(text) for text in split_values(row["addresses"])]
    addresses = [Address(text, address_country(text)) for text in lines if text]
    countries: list[str] = []
    stated = split_values(row["citizenships"]) + split_values(row["nationalities"])
    for code in [a.country for a in addresses] + [country_code(c) for c in stated]:
        if code and code not in countries:
            countries.append(code)
    aliases = [Alias(clean_name(a)) for a in split_values(row["alt_names"])]
    urls = [u for u in (row["source_list_url"], row["source_information_url"]) if u]
    entry_key = row["_id"] or row["entity_number"]
    return WatchlistEntry(
        entry_id=f"csl:{entry_key}",
        source="csl",
        list=row["source"],
        list_code=list_code(row["source"]),
        type=ENTRY_TYPES.get(row["type"].strip().lower(), "unknown"),
        name=row["name"],
        aliases=[a for a in aliases if a.name],
        addresses=addresses,
        countries=countries,
        programs=split_values(row["programs"]),
        license_requirement=null_text(row["license_requirement"]),
        license_policy=null_text(row["license_policy"]),
        citation=null_text(row["federal_register_notice"]),
        start_date=null_text(row["start_date"]),
        end_date=null_text(row["end_date"]),
        source_urls=list(dict.fromkeys(urls)),
        remarks=null_text(row["remarks"]),
    )
