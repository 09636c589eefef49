"""OFAC SDN (`sdn.csv`, `add.csv`, `alt.csv`, `sdn_comments.csv`) and the OFAC consolidated
non-SDN list (`cons_prim.csv`, `cons_add.csv`, `cons_alt.csv`, `cons_comments.csv`).

The files have no header, write `-0-` for an empty field, join programs as `A] [B`, and
end with a DOS end-of-file byte. Remarks longer than OFAC's field limit continue in the
comments file. Weak aliases exist only inside remarks, as `a.k.a. 'NAME'`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from watchlists.cleaning import clean_names, plain_records
from watchlists.countries import country_code
from watchlists.errors import WatchlistFormatError
from watchlists.model import Address, Alias, EntryType, WatchlistEntry

MAIN_COLUMNS = [
    "ent_num",
    "name",
    "type",
    "program",
    "title",
    "call_sign",
    "vessel_type",
    "tonnage",
    "grt",
    "vessel_flag",
    "vessel_owner",
    "remarks",
]
ADDRESS_COLUMNS = ["ent_num", "add_num", "address", "city_state_postal", "country", "remarks"]
ALIAS_COLUMNS = ["ent_num", "alt_num", "alt_type", "alt_name", "remarks"]
COMMENT_COLUMNS = ["ent_num", "remarks_extension"]

WEAK_ALIAS = r"a\.k\.a\.,?\s+'(?P<alias>.+?)'(?=[;.,]|\s*$)"
NATIONALITY = r"(?:nationality|citizen)\s+(?P<country>[A-Z][^;.]*)"
ENTRY_TYPES: dict[str, EntryType] = {
    "individual": "person",
    "vessel": "vessel",
    "aircraft": "aircraft",
}

# Non-SDN programs name the consolidated sub-list an entry sits on, first match wins.
CONSOLIDATED_SUB_LISTS: list[tuple[str, str, str]] = [
    ("CMIC", "NS-CMIC", "Non-SDN Chinese Military-Industrial Complex Companies List (NS-CMIC)"),
    ("NS-PLC", "PLC", "Palestinian Legislative Council List (PLC)"),
    ("UKRAINE-EO13662", "SSI", "Sectoral Sanctions Identifications List (SSI)"),
    ("561-RELATED", "CAPTA", "Correspondent Account or Payable-Through Account Sanctions (CAPTA)"),
    ("FSE-", "FSE", "Foreign Sanctions Evaders (FSE)"),
]
MENU_BASED = ("NS-MBS", "Non-SDN Menu-Based Sanctions List (NS-MBS)")


@dataclass(frozen=True)
class OfacLayout:
    """The four file names and the id prefix of one OFAC list."""

    source: str
    id_prefix: str
    main: str
    addresses: str
    aliases: str
    comments: str
    list_url: str


SDN = OfacLayout(
    "ofac_sdn",
    "ofac-sdn",
    "sdn.csv",
    "add.csv",
    "alt.csv",
    "sdn_comments.csv",
    "https://sanctionslist.ofac.treas.gov/Home/SdnList",
)
CONSOLIDATED = OfacLayout(
    "ofac_cons",
    "ofac-cons",
    "cons_prim.csv",
    "cons_add.csv",
    "cons_alt.csv",
    "cons_comments.csv",
    "https://sanctionslist.ofac.treas.gov/Home/ConsolidatedList",
)


def ofac_files(folder: Path, layout: OfacLayout) -> list[Path]:
    """The layout's files present in `folder` (main file first), matched case-insensitively."""
    by_name = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    names = [layout.main, layout.addresses, layout.aliases, layout.comments]
    return [by_name[n] for n in names if n in by_name]


def read_ofac_table(path: Path, columns: list[str]) -> pd.DataFrame:
    """One header-less OFAC file as text columns, `-0-` as missing."""
    raw = path.read_bytes().rstrip(b"\x1a\r\n \t")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    expected = f"{path.name}: not an OFAC file (expected header-less rows {','.join(columns)})"
    if not text.strip():
        return pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            header=None,
            dtype=str,
            keep_default_na=False,
            na_values=["-0-", "-0- ", " -0- "],
            quotechar='"',
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise WatchlistFormatError(expected) from exc
    if frame.shape[1] != len(columns) or not frame[0].str.fullmatch(r"\d+").all():
        raise WatchlistFormatError(expected)
    frame.columns = columns
    return frame


def read_ofac(files: list[Path], layout: OfacLayout) -> list[WatchlistEntry]:
    """Entries of one OFAC list from its files (`files[0]` must be the main file)."""
    by_name = {p.name.lower(): p for p in files}
    main = read_ofac_table(by_name[layout.main], MAIN_COLUMNS)
    comments = _optional(by_name, layout.comments, COMMENT_COLUMNS)
    addresses = _optional(by_name, layout.addresses, ADDRESS_COLUMNS)
    aliases = _optional(by_name, layout.aliases, ALIAS_COLUMNS)

    extension = comments.groupby("ent_num")["remarks_extension"].agg("".join)
    # without a comments file the mapped extensions are all missing (float): text first
    extensions = main["ent_num"].map(extension).astype("str").fillna("")
    remarks = main["remarks"].fillna("") + extensions
    main = main.assign(remarks=remarks.str.strip(), name=clean_names(main["name"]))

    alias_map = _strong_aliases(aliases)
    for ent, alias in _weak_aliases(main).items():
        alias_map.setdefault(ent, []).extend(alias)
    address_map, address_countries = _addresses(addresses)
    nationalities = _nationalities(main)
    return [
        _entry(row, layout, alias_map, address_map, address_countries, nationalities)
        for row in plain_records(main)
    ]


def _optional(by_name: dict[str, Path], name: str, columns: list[str]) -> pd.DataFrame:
    if name in by_name:
        return read_ofac_table(by_name[name], columns)
    return pd.DataFrame({c: pd.Series(dtype="str") for c in columns})


def _strong_aliases(aliases: pd.DataFrame) -> dict[str, list[Alias]]:
    names = clean_names(aliases["alt_name"])
    result: dict[str, list[Alias]] = {}
    for ent, name in zip(aliases["ent_num"].tolist(), names.tolist(), strict=True):
        if name:
            result.setdefault(ent, []).append(Alias(name, "strong"))
    return result


def _weak_aliases(main: pd.DataFrame) -> dict[str, list[Alias]]:
    found = main["remarks"].str.extractall(WEAK_ALIAS)
    if found.empty:
        return {}
    ents = main["ent_num"].to_numpy()[found.index.get_level_values(0)].tolist()
    names = clean_names(found["alias"]).tolist()
    result: dict[str, list[Alias]] = {}
    for ent, name in zip(ents, names, strict=True):
        if name:
            result.setdefault(ent, []).append(Alias(name, "weak"))
    return result


def _addresses(addresses: pd.DataFrame) -> tuple[dict[str, list[Address]], dict[str, list[str]]]:
    parts = [
        addresses[c].fillna("").str.strip() for c in ("address", "city_state_postal", "country")
    ]
    text = (parts[0] + ", " + parts[1] + ", " + parts[2]).str.replace(r"(, )+", ", ", regex=True)
    text = text.str.strip(", ")
    # a list, not `Series.map`: on a text column a None result would come back as NaN
    codes = [country_code(c) for c in addresses["country"].tolist()]
    by_ent: dict[str, list[Address]] = {}
    countries: dict[str, list[str]] = {}
    rows = zip(addresses["ent_num"].tolist(), text.tolist(), codes, strict=True)
    for ent, line, code in rows:
        if line:
            by_ent.setdefault(ent, []).append(Address(line, code))
        if code and code not in countries.setdefault(ent, []):
            countries[ent].append(code)
    return by_ent, countries


def _nationalities(main: pd.DataFrame) -> dict[str, list[str]]:
    found = main["remarks"].str.extractall(NATIONALITY)
    if found.empty:
        return {}
    ents = main["ent_num"].to_numpy()[found.index.get_level_values(0)].tolist()
    result: dict[str, list[str]] = {}
    for ent, name in zip(ents, found["country"].tolist(), strict=True):
        code = country_code(name)
        if code and code not in result.setdefault(ent, []):
            result[ent].append(code)
    return result


def _sub_list(programs: list[str], layout: OfacLayout) -> tuple[str, str]:
    if layout is SDN:
        return "SDN", "Specially Designated Nationals (SDN) - Treasury Department"
    upper = [p.upper() for p in programs]
    for marker, code, name in CONSOLIDATED_SUB_LISTS:
        if any(marker in p for p in upper):
            return code, f"{name} - Treasury Department"
    return MENU_BASED[0], f"{MENU_BASED[1]} - Treasury Department"


def _entry(
    row: dict[str, Any],
    layout: OfacLayout,
    alias_map: dict[str, list[Alias]],
    address_map: dict[str, list[Address]],
    address_countries: dict[str, list[str]],
    nationalities: dict[str, list[str]],
) -> WatchlistEntry:
    ent = row["ent_num"]
    program = row["program"] if isinstance(row["program"], str) else ""
    programs = [p.strip(" []") for p in program.split("] [") if p.strip(" []")]
    code, list_name = _sub_list(programs, layout)
    kind = row["type"].strip().lower() if isinstance(row["type"], str) else ""
    countries = list(address_countries.get(ent, []))
    countries += [c for c in nationalities.get(ent, []) if c not in countries]
    return WatchlistEntry(
        entry_id=f"{layout.id_prefix}:{ent}",
        source=layout.source,
        list=list_name,
        list_code=code,
        type=ENTRY_TYPES.get(kind, "entity"),
        name=row["name"],
        aliases=alias_map.get(ent, []),
        addresses=address_map.get(ent, []),
        countries=countries,
        programs=programs,
        source_urls=[layout.list_url],
        remarks=row["remarks"] or None,
    )
