"""A company's own denied or watch list as a simple CSV:
`id,name,aliases,country,address,list,notes` (aliases `;`-separated; `type` optional).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from watchlists.cleaning import clean_name, null_text, split_values
from watchlists.countries import country_code
from watchlists.errors import WatchlistFormatError
from watchlists.model import Address, Alias, WatchlistEntry

CUSTOM_COLUMNS: tuple[str, ...] = ("id", "name", "aliases", "country", "address", "list", "notes")
ENTRY_TYPES = {"person", "entity", "vessel", "aircraft"}


def read_custom(path: Path) -> list[WatchlistEntry]:
    """Entries of a custom CSV; `id` and `name` are required, the other columns optional."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise WatchlistFormatError(f"{path.name}: unreadable CSV ({exc})") from exc
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in ("id", "name") if c not in frame.columns]
    if missing:
        raise WatchlistFormatError(
            f"{path.name}: not a custom watchlist CSV (expected columns {','.join(CUSTOM_COLUMNS)}; "
            f"missing {','.join(missing)})"
        )
    frame = frame.reindex(columns=list(CUSTOM_COLUMNS) + ["type"], fill_value="")
    frame = frame[(frame.apply(lambda c: c.str.strip()) != "").any(axis=1)]  # bare commas
    _check_id_and_name(frame, path)
    return [_entry(row) for row in frame.to_dict("records")]


def _check_id_and_name(frame: pd.DataFrame, path: Path) -> None:
    """Every entry needs an id, unique, and a name; one line names the first offender."""
    ids = frame["id"].str.strip()
    duplicated = ids[ids.duplicated() & (ids != "")]
    if not duplicated.empty:
        raise WatchlistFormatError(
            f"{path.name}: duplicate id {duplicated.iloc[0]!r} (ids must be unique)"
        )
    incomplete = (ids == "") | (frame["name"].map(clean_name) == "")
    if incomplete.any():
        row = incomplete.idxmax()  # the first offender, by its row in the file
        what = "no id" if ids[row] == "" else f"id {ids[row]!r} has no name"
        raise WatchlistFormatError(
            f"{path.name}: data row {int(row) + 1}: {what} (every entry needs an id and a name)"
        )


def _entry(row: dict[str, str]) -> WatchlistEntry:
    country = country_code(row["country"])
    address = null_text(row["address"])
    list_name = null_text(row["list"]) or "Internal list"
    kind = row["type"].strip().lower()
    return WatchlistEntry(
        entry_id=f"custom:{row['id'].strip()}",
        source="custom",
        list=list_name,
        list_code=list_name.upper().replace(" ", "-"),
        type=kind if kind in ENTRY_TYPES else "unknown",  # type: ignore[arg-type]
        name=clean_name(row["name"]),
        aliases=[Alias(clean_name(a)) for a in split_values(row["aliases"]) if clean_name(a)],
        addresses=[Address(address, country)] if address else [],
        countries=[country] if country else [],
        remarks=null_text(row["notes"]),
    )
