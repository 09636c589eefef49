"""Writing generated data: the order file (CSV or Parquet by suffix), the labels file and the
restricted list in the Consolidated Screening List's 29-column CSV format."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
from pandas.api.types import is_numeric_dtype

from flows.synthetic.restricted_list import csl_id
from watchlists.model import WatchlistEntry

CSL_COLUMNS: tuple[str, ...] = (
    "_id", "source", "entity_number", "type", "programs", "name", "title", "addresses",
    "federal_register_notice", "start_date", "end_date", "standard_order", "license_requirement",
    "license_policy", "call_sign", "vessel_type", "gross_tonnage", "gross_registered_tonnage",
    "vessel_flag", "vessel_owner", "remarks", "source_list_url", "alt_names", "citizenships",
    "dates_of_birth", "nationalities", "places_of_birth", "source_information_url", "ids",
)  # fmt: skip
BIS_SUCCESSOR_SUFFIX = "; and any successor, sub-unit, or subsidiary thereof"
_BIS_CODES = ("EL", "MEU", "UVL", "DPL")
TABLE_SUFFIXES = (".csv", ".parquet")


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """The frame as an Arrow table: numbers keep their type, every other column is text
    (so an all-empty column is still a string column in Parquet)."""
    fields = [
        pa.field(
            c, pa.from_numpy_dtype(frame[c].dtype) if is_numeric_dtype(frame[c]) else pa.string()
        )
        for c in frame.columns
    ]
    return pa.Table.from_pandas(frame, schema=pa.schema(fields), preserve_index=False)


def _write_table(frame: pd.DataFrame, path: Path) -> Path:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise ValueError(
            f"{path.name}: unsupported suffix {suffix or '(none)'}; use .csv or .parquet"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    table = arrow_table(frame)
    if suffix == ".parquet":
        pq.write_table(table, path)
    else:
        pa_csv.write_csv(table, path, pa_csv.WriteOptions(quoting_style="needed"))
    return path


def write_transactions(frame: pd.DataFrame, path: Path) -> Path:
    """CSV (UTF-8, quoted only where needed) or Parquet, chosen by the file suffix."""
    return _write_table(frame, path)


def write_labels(labels: pd.DataFrame, path: Path) -> Path:
    """`transaction_id,label,typology` (typology empty for clean lines), CSV or Parquet by suffix."""
    return _write_table(labels, path)


def _serial(entry: WatchlistEntry) -> int:
    return int(entry.entry_id.rsplit("-", 1)[-1]) if entry.entry_id[-1].isdigit() else 0


def _joined(values: list[str], with_and: bool) -> str:
    """CSL multi-values: `; `-joined, BIS lists starting the last of several with "and "."""
    if with_and and len(values) > 1:
        values = values[:-1] + [f"and {values[-1]}"]
    return "; ".join(values)


def csl_row(entry: WatchlistEntry) -> dict[str, str]:
    """One CSL line. BIS rows have no `type`; even-numbered Entity List rows carry the
    successor clause as the real list does for many entries; OFAC rows carry an entity number."""
    is_ofac = entry.list_code not in _BIS_CODES
    number = str(30_000 + _serial(entry)) if is_ofac else ""
    name = entry.name
    if entry.list_code == "EL" and _serial(entry) % 2 == 0:
        name += BIS_SUCCESSOR_SUFFIX
    url = entry.source_urls[0] if entry.source_urls else ""
    row = dict.fromkeys(CSL_COLUMNS, "")
    row.update(
        {
            "_id": number or csl_id(entry),
            "source": entry.list,
            "entity_number": number,
            "type": (
                {"person": "Individual", "entity": "Entity"}.get(entry.type, "") if is_ofac else ""
            ),
            "programs": "; ".join(entry.programs),
            "name": name,
            "addresses": "; ".join(
                f"{a.text}, {a.country}" if a.country else a.text for a in entry.addresses
            ),
            "federal_register_notice": entry.citation or "",
            "start_date": entry.start_date or "",
            "end_date": entry.end_date or "",
            "standard_order": "Y" if entry.list_code == "DPL" else "",
            "license_requirement": entry.license_requirement or "",
            "license_policy": entry.license_policy or "",
            "remarks": entry.remarks or "",
            "source_list_url": url,
            "alt_names": _joined([a.name for a in entry.aliases], with_and=not is_ofac),
            "nationalities": "; ".join(entry.countries)
            if entry.type == "person" and is_ofac
            else "",
            "source_information_url": url,
        }
    )
    return row


def write_csl_csv(entries: list[WatchlistEntry], path: Path) -> Path:
    """The list as a CSL `consolidated.csv` (29 columns, every field quoted, `; `-joined values)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=list(CSL_COLUMNS), quoting=csv.QUOTE_ALL, lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(csl_row(e) for e in entries)
    return path
