"""OpenSanctions exports: FollowTheMoney JSON lines (`{id, schema, properties}` per line)
and the flat `targets.simple.csv`.

In the JSON lines, the sanctioned parties are the `target` entities (or, in a file
without that marker, every person, organization, vessel and aircraft); `Address` and
`Sanction` entities that point at them contribute addresses, programs and dates.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from watchlists.cleaning import clean_name, null_text, split_values
from watchlists.countries import country_code
from watchlists.errors import WatchlistFormatError
from watchlists.model import Address, Alias, WatchlistEntry

ENTRY_TYPES = {
    "Person": "person",
    "Organization": "entity",
    "Company": "entity",
    "LegalEntity": "entity",
    "PublicBody": "entity",
    "Vessel": "vessel",
    "Airplane": "aircraft",
}
# Well-known OpenSanctions datasets named by the project's own sub-list codes.
DATASET_CODES = {
    "us_ofac_sdn": "SDN",
    "us_ofac_cons": "OFAC-CONS",
    "us_trade_csl": "CSL",
    "us_bis_denied": "DPL",
    "un_sc_sanctions": "UN",
    "eu_fsf": "EU-FSF",
    "gb_hmt_sanctions": "UK-HMT",
}
SIMPLE_COLUMNS = (
    "id",
    "schema",
    "name",
    "aliases",
    "countries",
    "addresses",
    "sanctions",
    "dataset",
)
CODE_IN_TITLE = re.compile(r"\(([A-Z][A-Z0-9-]{1,15})\)")
STRONG_NAME_PROPS = ("name", "alias", "previousName")
COUNTRY_PROPS = ("country", "nationality", "citizenship", "jurisdiction", "mainCountry", "flag")


def read_ftm(path: Path) -> list[WatchlistEntry]:
    """Entries of a FollowTheMoney JSON lines export."""
    objects = []
    with path.open(encoding="utf-8-sig") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise WatchlistFormatError(
                    f"{path.name}: line {number} is not JSON ({exc.msg})"
                ) from exc
            if not isinstance(obj, dict) or not {"id", "schema", "properties"} <= obj.keys():
                raise WatchlistFormatError(
                    f"{path.name}: line {number} is not a FollowTheMoney entity (expected id, schema, properties)"
                )
            objects.append(obj)
    by_id = {o["id"]: o for o in objects}
    marked = any("target" in o for o in objects)
    targets = [o for o in objects if (o.get("target") if marked else o["schema"] in ENTRY_TYPES)]
    sanctions: dict[str, list[dict[str, Any]]] = {}
    for obj in objects:
        if obj["schema"] == "Sanction":
            for target in obj["properties"].get("entity", []):
                sanctions.setdefault(target, []).append(obj["properties"])
    return [_ftm_entry(o, by_id, sanctions.get(o["id"], [])) for o in targets]


def _ftm_entry(
    obj: dict[str, Any], by_id: dict[str, dict[str, Any]], sanctions: list[dict[str, Any]]
) -> WatchlistEntry:
    props: dict[str, list[Any]] = obj["properties"]
    names = [clean_name(n) for prop in STRONG_NAME_PROPS for n in props.get(prop, [])]
    names = [n for n in dict.fromkeys(names) if n]
    primary = clean_name(obj.get("caption")) or (names[0] if names else obj["id"])
    aliases = [Alias(n, "strong") for n in names if n != primary]
    aliases += [Alias(clean_name(n), "weak") for n in props.get("weakAlias", []) if clean_name(n)]
    addresses = [Address(str(a), None) for a in props.get("address", [])]
    for ref in props.get("addressEntity", []):
        linked = by_id.get(ref, {}).get("properties", {})
        for full in linked.get("full", []):
            addresses.append(Address(str(full), _first_country(linked.get("country", []))))
    countries = [country_code(c) for prop in COUNTRY_PROPS for c in props.get(prop, [])]
    programs = list(props.get("program", [])) + list(props.get("programId", []))
    programs += [p for s in sanctions for p in s.get("program", []) + s.get("programId", [])]
    starts = sorted(d for s in sanctions for d in s.get("startDate", []) + s.get("listingDate", []))
    ends = sorted(d for s in sanctions for d in s.get("endDate", []))
    datasets = list(obj.get("datasets", []))
    urls = list(props.get("sourceUrl", [])) + [u for s in sanctions for u in s.get("sourceUrl", [])]
    return WatchlistEntry(
        entry_id=f"os:{obj['id']}",
        source="opensanctions",
        list=", ".join(datasets) or "OpenSanctions",
        list_code=DATASET_CODES.get(datasets[0], datasets[0]) if datasets else "OS",
        type=ENTRY_TYPES.get(obj["schema"], "unknown"),  # type: ignore[arg-type]
        name=primary,
        aliases=aliases,
        addresses=addresses,
        countries=[c for c in dict.fromkeys(countries) if c],
        programs=list(dict.fromkeys(str(p) for p in programs)),
        start_date=starts[0][:10] if starts else None,
        end_date=ends[-1][:10] if ends else None,
        source_urls=list(dict.fromkeys(urls)),
        remarks="; ".join(props.get("notes", [])) or None,
    )


def _first_country(values: list[Any]) -> str | None:
    codes = [country_code(v) for v in values]
    return next((c for c in codes if c), None)


def read_targets_simple(path: Path) -> tuple[list[WatchlistEntry], str | None]:
    """Entries of `targets.simple.csv` and its newest `last_change` date."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise WatchlistFormatError(f"{path.name}: unreadable CSV ({exc})") from exc
    missing = [c for c in ("id", "schema", "name") if c not in frame.columns]
    if missing:
        raise WatchlistFormatError(
            f"{path.name}: not an OpenSanctions targets.simple.csv (expected columns "
            f"{','.join(SIMPLE_COLUMNS)}; missing {','.join(missing)})"
        )
    frame = frame.reindex(columns=sorted(set(frame.columns) | set(SIMPLE_COLUMNS)), fill_value="")
    entries = [_simple_entry(row) for row in frame.to_dict("records") if row["name"]]
    changed = frame.get("last_change", pd.Series(dtype="str"))
    dates = changed[changed != ""].str[:10]
    return entries, (dates.max() if not dates.empty else None)


def _simple_entry(row: dict[str, str]) -> WatchlistEntry:
    datasets = split_values(row["dataset"])
    first = datasets[0] if datasets else ""
    code = CODE_IN_TITLE.search(first)
    countries = [country_code(c) for c in split_values(row["countries"])]
    first_seen = null_text(row.get("first_seen"))
    return WatchlistEntry(
        entry_id=f"os:{row['id']}",
        source="opensanctions",
        list=row["dataset"] or "OpenSanctions",
        list_code=code.group(1) if code else (first or "OS"),
        type=ENTRY_TYPES.get(row["schema"], "unknown"),  # type: ignore[arg-type]
        name=clean_name(row["name"]),
        aliases=[Alias(clean_name(a)) for a in split_values(row["aliases"]) if clean_name(a)],
        addresses=[Address(a, None) for a in split_values(row["addresses"])],
        countries=[c for c in dict.fromkeys(countries) if c],
        programs=split_values(row["sanctions"]),
        start_date=first_seen[:10] if first_seen else None,
        remarks=None,
    )
