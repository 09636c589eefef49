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

import sqlalchemy as sa

from cases import tables as t
from cases.dedup import chunks
from cases.queue_terms import FLAG
from cases.store import CaseSummary
from flows.errors import InputError

QUEUE_COLUMNS: tuple[str, ...] = (
    "case_id", "status", "priority", "risk_score", "subject_name", "case_key", "assignee",
    "due_at", "overdue", "opened_at", "updated_at", "follow_up_of",
    "country", "flags", "flag_titles", "order_value_usd", "decision", "decided_by",
    "decided_at", "decision_rationale",
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


def export_extras(engine: sa.Engine, case_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Per case: its country, red flags (codes and titles), order value and its latest
    decision (outcome, by whom, when, why), for the export's later columns."""
    c, k, e = t.cases.c, t.case_terms.c, t.events.c
    extras: dict[str, dict[str, Any]] = {}
    with engine.connect() as conn:
        for part in chunks(list(case_ids)):
            query = sa.select(c.case_id, c.seq, c.country, c.order_value, c.top_flags).where(
                c.case_id.in_(part)
            )
            rows = {r.seq: r for r in conn.execute(query)}
            codes: dict[int, list[str]] = {}
            flag_query = sa.select(k.seq, k.term).where(k.kind == FLAG, k.seq.in_(list(rows)))
            for seq, code in conn.execute(flag_query.order_by(k.term)):
                codes.setdefault(seq, []).append(code)
            for seq, r in rows.items():
                titles = [title for _, title in json.loads(r.top_flags or "[]")]
                extras[r.case_id] = {"country": r.country, "flags": ";".join(codes.get(seq, [])),
                                     "flag_titles": "; ".join(titles),
                                     "order_value_usd": r.order_value}  # fmt: skip
            decided = (
                sa.select(e.case_id, e.by, e.at, e.to_status, e.rationale)
                .where(e.case_id.in_(part), e.event == "decided")
                .order_by(e.event_id)
            )
            for case_id, by, moment, outcome, rationale in conn.execute(decided):
                extras.setdefault(case_id, {}).update(
                    decision=outcome,
                    decided_by=by,
                    decided_at=_iso(moment),
                    decision_rationale=rationale,
                )
    return extras


def queue_records(
    cases: Sequence[CaseSummary], at: datetime, extras: dict[str, dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """One plain record per case of the queue (timestamps as ISO UTC strings)."""
    extras = extras or {}
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
            **{key: extras.get(c.case_id, {}).get(key) for key in QUEUE_COLUMNS[12:]},
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


def export_queue(
    cases: Sequence[CaseSummary],
    path: Path,
    fmt: str,
    at: datetime,
    extras: dict[str, dict[str, Any]] | None = None,
) -> int:
    """Write the queue in `fmt` (csv or json); returns the number of cases written.
    `extras` (see `export_extras`) fills the country, flags, value and decision columns."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r}; use csv or json")
    records = queue_records(cases, at, extras)
    (write_csv if fmt == "csv" else write_json)(records, path)
    return len(records)
