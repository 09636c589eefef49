"""Export of the case queue to CSV or JSON.

CSV cells that a spreadsheet would run as a formula (text starting with `=`, `+`, `-`,
`@`, or a tab/carriage return) are prefixed with `'`, so a party named `=HYPERLINK(...)`
opens as text. The JSON export keeps values exactly as stored.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from cases.store import CaseSummary

QUEUE_COLUMNS: tuple[str, ...] = (
    "case_id", "status", "priority", "risk_score", "subject_name", "case_key", "assignee",
    "due_at", "overdue", "opened_at", "updated_at", "follow_up_of",
)  # fmt: skip
EXPORT_FORMATS: tuple[str, ...] = ("csv", "json")
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """A text cell a spreadsheet would evaluate, made inert; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds") + "Z"


def queue_records(cases: Sequence[CaseSummary], at: datetime) -> list[dict[str, Any]]:
    """One plain record per case of the queue (timestamps as ISO UTC strings)."""
    return [
        {
            "case_id": c.case_id,
            "status": c.status,
            "priority": c.priority,
            "risk_score": int(c.risk_score),
            "subject_name": c.subject_name,
            "case_key": c.case_key,
            "assignee": c.assignee,
            "due_at": _iso(c.due_at),
            "overdue": c.is_overdue(at),
            "opened_at": _iso(c.opened_at),
            "updated_at": _iso(c.updated_at),
            "follow_up_of": c.follow_up_of,
        }
        for c in cases
    ]


def write_csv(records: Sequence[dict[str, Any]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(QUEUE_COLUMNS), extrasaction="ignore")
        writer.writeheader()
        for record in records:
            writer.writerow({k: neutralize("" if v is None else v) for k, v in record.items()})


def write_json(records: Sequence[dict[str, Any]], path: Path) -> None:
    path.write_text(json.dumps(list(records), indent=2, ensure_ascii=False), encoding="utf-8")


def export_queue(cases: Sequence[CaseSummary], path: Path, fmt: str, at: datetime) -> int:
    """Write the queue in `fmt` (csv or json); returns the number of cases written."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use csv or json")
    records = queue_records(cases, at)
    (write_csv if fmt == "csv" else write_json)(records, path)
    return len(records)
