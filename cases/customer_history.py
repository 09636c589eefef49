"""What a run knows about a case's customer beyond the flagged orders, put on its draft:

- the customer's earlier orders (from the workspace's transaction history, as the rules
  read it) as a series of order days: value, lines and units per day, so the case page can
  draw the customer's order value over time and say "49× its largest earlier order" with
  the history beside it;
- the rules that could not run on the run's orders (a missing optional column), so a case
  never looks safer than it is without saying why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from cases.model import CaseDraft

MAX_POINTS = 180  # order days kept per customer, the latest ones


def rule_facts(policy: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """rule id -> {"title", "hard_stop"} from a parsed policy pack."""
    rules = policy.get("rules") or []
    if isinstance(rules, Mapping):
        rules = [{"id": key, **value} for key, value in rules.items()]
    return {
        str(r["id"]): {"title": str(r.get("title") or ""), "hard_stop": bool(r.get("hard_stop"))}
        for r in rules
        if isinstance(r, Mapping) and r.get("id")
    }


def not_evaluable_rules(
    gaps: Sequence[Mapping[str, Any]], policy: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The run's not-evaluable rules as a case records them, hard stops first."""
    facts = rule_facts(policy)
    found: dict[str, dict[str, Any]] = {}
    for gap in gaps:
        code = str(gap.get("code") or "")
        if not code or code in found:
            continue
        fact = facts.get(code, {})
        found[code] = {
            "code": code,
            "family": str(gap.get("family") or "rule"),
            "title": fact.get("title", ""),
            "reason": str(gap.get("reason") or ""),
            "hard_stop": fact.get("hard_stop", False),
        }
    return sorted(found.values(), key=lambda n: (not n["hard_stop"], n["code"]))


def order_histories(history: pd.DataFrame, customers: Sequence[str]) -> dict[str, dict[str, Any]]:
    """customer_id -> {"points": [[day, value_usd, lines, units], ...], "lines",
    "first_day", "last_day", "largest_line_usd"} of the earlier orders in `history`."""
    needed = {"customer_id", "order_date", "order_value_usd", "quantity"}
    if history is None or history.empty or not needed <= set(history.columns):
        return {}
    rows = history[history["customer_id"].isin(list(customers))]
    if rows.empty:
        return {}
    day = pd.to_datetime(rows["order_date"], errors="coerce").dt.strftime("%Y-%m-%d")
    frame = pd.DataFrame({
        "customer_id": rows["customer_id"].astype(str).to_numpy(),
        "day": day.to_numpy(),
        "value": pd.to_numeric(rows["order_value_usd"], errors="coerce").fillna(0.0).to_numpy(),
        "units": pd.to_numeric(rows["quantity"], errors="coerce").fillna(0.0).to_numpy(),
    }).dropna(subset=["day"])  # fmt: skip
    daily = (
        frame.groupby(["customer_id", "day"], sort=True)
        .agg(value=("value", "sum"), lines=("value", "size"), units=("units", "sum"))
        .reset_index()
    )
    totals = frame.groupby("customer_id").agg(
        lines=("value", "size"), largest=("value", "max"), first=("day", "min"),
        last=("day", "max"),
    )  # fmt: skip
    result: dict[str, dict[str, Any]] = {}
    for customer, points in daily.groupby("customer_id", sort=False):
        points = points.tail(MAX_POINTS)
        total = totals.loc[customer]
        result[str(customer)] = {
            "points": [
                [d, round(float(v), 2), int(n), float(u)]
                for d, v, n, u in zip(
                    points["day"], points["value"], points["lines"], points["units"], strict=True
                )
            ],  # fmt: skip
            "lines": int(total["lines"]),
            "first_day": str(total["first"]),
            "last_day": str(total["last"]),
            "largest_line_usd": round(float(total["largest"]), 2),
        }
    return result


def attach_run_context(
    drafts: Sequence[CaseDraft],
    history: pd.DataFrame,
    gaps: Sequence[Mapping[str, Any]],
    policy: Mapping[str, Any],
) -> None:
    """Give each draft its customer's earlier orders and the run's not-evaluable rules."""
    if not drafts:
        return
    missing = not_evaluable_rules(gaps, policy)
    customers = [str(d.subject.get("customer_id")) for d in drafts]
    histories = order_histories(history, customers)
    for draft, customer in zip(drafts, customers, strict=True):
        draft.not_evaluable = [dict(n) for n in missing]
        draft.order_history = histories.get(customer, {})
