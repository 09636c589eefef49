"""The one normalized watchlist entry model every list parser lands in.

Nothing downstream of `watchlists/` knows a source format: the matcher, the rules and
the case files see `WatchlistEntry` objects or the entries frame built from them
(`ENTRY_COLUMNS`).
"""

from __future__ import annotations

import builtins
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import pandas as pd

EntryType = Literal["person", "entity", "vessel", "aircraft", "unknown"]
AliasStrength = Literal["strong", "weak"]


@dataclass(frozen=True)
class Alias:
    name: str
    strength: AliasStrength = "strong"


@dataclass(frozen=True)
class Address:
    text: str
    country: str | None = None  # ISO 3166-1 alpha-2 where known


@dataclass
class WatchlistEntry:
    """One restricted party from one list, whatever the publisher's format."""

    entry_id: str  # stable and source-prefixed, e.g. "ofac-sdn:36", "csl:EL-1234"
    source: str  # csl, ofac_sdn, ofac_cons, un, opensanctions, custom, synthetic
    list: str  # the list's human name, e.g. "Entity List (EL) - Bureau of Industry and Security"
    list_code: str  # short code of the (sub-)list: EL, MEU, UVL, DPL, SDN, NS-CMIC, UN, ...
    type: EntryType
    name: str
    aliases: builtins.list[Alias] = field(default_factory=builtins.list)
    addresses: builtins.list[Address] = field(default_factory=builtins.list)
    countries: builtins.list[str] = field(default_factory=builtins.list)
    programs: builtins.list[str] = field(default_factory=builtins.list)
    license_requirement: str | None = None
    license_policy: str | None = None
    citation: str | None = None  # e.g. a Federal Register notice
    start_date: str | None = None  # ISO date
    end_date: str | None = None
    source_urls: builtins.list[str] = field(default_factory=builtins.list)
    remarks: str | None = None

    def all_names(self) -> builtins.list[tuple[str, AliasStrength]]:
        """The primary name (strong) followed by every alias with its strength."""
        primary: builtins.list[tuple[str, AliasStrength]] = [(self.name, "strong")]
        return primary + [(a.name, a.strength) for a in self.aliases]


ENTRY_COLUMNS: tuple[str, ...] = tuple(WatchlistEntry.__dataclass_fields__)


def items_of(value: Any) -> list[Any]:
    """The items of a list cell of the entries frame (aliases, addresses, countries, ...);
    a missing cell (None from Parquet, NaN from a parser) has none."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return list(value)


def record_of(value: Any) -> dict[str, Any]:
    """An alias or address of the entries frame as a dict (a dataclass in memory, a dict
    read back from Parquet)."""
    return value if isinstance(value, dict) else vars(value)


def entries_to_frame(entries: list[WatchlistEntry]) -> pd.DataFrame:
    """One row per entry; aliases and addresses become lists of dicts (Parquet friendly)."""
    records = [asdict(e) for e in entries]
    frame = pd.DataFrame.from_records(records, columns=list(ENTRY_COLUMNS))
    return frame


def frame_to_entries(frame: pd.DataFrame) -> list[WatchlistEntry]:
    """Inverse of `entries_to_frame` (also accepts a frame read back from Parquet)."""

    def as_text(value: object) -> str | None:
        if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
            return None
        return str(value)

    entries = []
    for row in frame.to_dict("records"):
        entries.append(
            WatchlistEntry(
                entry_id=str(row["entry_id"]),
                source=str(row["source"]),
                list=str(row["list"]),
                list_code=str(row["list_code"]),
                type=row["type"],
                name=str(row["name"]),
                aliases=[Alias(a["name"], a["strength"]) for a in items_of(row["aliases"])],
                addresses=[
                    Address(a["text"], a.get("country")) for a in items_of(row["addresses"])
                ],
                countries=[str(c) for c in items_of(row["countries"])],
                programs=[str(p) for p in items_of(row["programs"])],
                license_requirement=as_text(row["license_requirement"]),
                license_policy=as_text(row["license_policy"]),
                citation=as_text(row["citation"]),
                start_date=as_text(row["start_date"]),
                end_date=as_text(row["end_date"]),
                source_urls=[str(u) for u in items_of(row["source_urls"])],
                remarks=as_text(row["remarks"]),
            )
        )
    return entries
