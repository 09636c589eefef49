"""A case's place in its customer's history in the store: the customer's other cases and
what was decided on them, and every decision taken on the case itself."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from cases import tables as t
from cases.model import Case


@dataclass(frozen=True)
class EarlierCase:
    case_id: str
    status: str
    risk_score: int
    opened_at: datetime
    decision: dict[str, Any] | None  # the latest decision: outcome, by, at, rationale


def _latest_decisions(conn: sa.Connection, case_ids: list[str]) -> dict[str, dict[str, Any]]:
    e = t.events.c
    query = (
        sa.select(e.case_id, e.at, e.by, e.to_status, e.rationale, e.details_json)
        .where(e.case_id.in_(case_ids), e.event == "decided")
        .order_by(e.event_id)
    )
    found: dict[str, dict[str, Any]] = {}
    for case_id, at, by, to_status, rationale, details in conn.execute(query):
        outcome = (json.loads(details) if details else {}).get("outcome") or to_status
        found[case_id] = {"outcome": outcome, "by": by, "at": at, "rationale": rationale}
    return found


def earlier_cases(engine: sa.Engine, case: Case, limit: int = 50) -> list[EarlierCase]:
    """The other cases of the same subject, newest first, with their latest decision."""
    c = t.cases.c
    query = (
        sa.select(c.case_id, c.status, c.risk_score, c.opened_at)
        .where(c.case_key == case.case_key, c.case_id != case.case_id)
        .order_by(c.seq.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        decisions = _latest_decisions(conn, [r.case_id for r in rows]) if rows else {}
    return [EarlierCase(r.case_id, r.status, int(r.risk_score), r.opened_at,
                        decisions.get(r.case_id)) for r in rows]  # fmt: skip


def decisions_of(case: Case) -> list[dict[str, Any]]:
    """The decisions, proposals and approvals on the case, oldest first."""
    kinds = ("decided", "decision_proposed")
    return [e for e in case.history if e.get("event") in kinds]
