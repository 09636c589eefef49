"""The dashboard's drift notice: what the latest finished run said about drift (the
`drift` block of its summary, `flows.drift_check`), when it found any."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from cases import tables as t
from cases.store import CaseStore


def latest_drift(store: CaseStore) -> dict[str, Any] | None:
    """{run_id, message} of the latest finished run when it reported drift, else None."""
    r = t.runs.c
    query = (
        sa.select(r.run_id, r.summary_json)
        .where(r.summary_json.is_not(None))
        .order_by(r.started_at.desc())
        .limit(1)
    )
    with store.engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    drift = (json.loads(row.summary_json) or {}).get("drift") or {}
    if not drift.get("drifted"):
        return None
    return {"run_id": row.run_id, "message": str(drift.get("message", ""))}
