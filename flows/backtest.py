"""A policy pack tried on the transaction history: which customers would have a case under
it and not under the pack in force, and the reverse, beside what investigators decided.

The rule engine runs both packs over the same stored orders (every stored order judged by
the layers in force on its date); the case store is only read. Risk and the case threshold
are the daily run's (`cases.grouping`); the watchlist and model flags of the stored runs are
not recomputed, so the comparison is of the rule packs alone."""

from __future__ import annotations

import html
import json
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from cases.grouping import in_case, score_transactions
from detectors.base import DetectionContext
from detectors.catalog import catalog_frame
from detectors.rules import RuleEngine, RulePack
from detectors.schema import OPTIONAL_COLUMNS
from flows.history import TransactionHistory
from flows.settings import CONFIGS_DIR, Workspace, read_yaml


def judge(
    pack: RulePack, orders: pd.DataFrame, catalog: pd.DataFrame, settings: dict[str, Any]
) -> dict[str, Any]:
    """Flags, scores and customers in a case under one pack."""
    present = frozenset(OPTIONAL_COLUMNS)  # stored orders carry every column, blank when absent
    context = DetectionContext(
        history=orders.iloc[:0],
        present_columns=present,
        policy=pack.policy,
        catalog=catalog,
        as_of=pd.Timestamp(orders["order_date"].max()).date(),
        settings=settings,
    )
    flags = RuleEngine(pack).detect(orders, context).flags
    scored = score_transactions(orders, flags)
    scored["in_case"] = in_case(scored, settings.get("cases", {})).to_numpy()
    scored["customer_id"] = orders["customer_id"].astype(str).to_numpy()
    customers = scored.groupby("customer_id").agg(
        in_case=("in_case", "any"),
        codes=("flags", lambda f: ";".join(sorted({c for x in f for c in str(x).split(";") if c}))),
    )
    return {
        "pack": pack,
        "flags_by_code": {
            str(k): int(v) for k, v in flags["code"].value_counts().sort_index().items()
        },
        "transactions_in_case": int(scored["in_case"].sum()),
        "customers": customers,
    }


def investigator_decisions(workspace: Path, customer_ids: list[str]) -> dict[str, dict[str, Any]]:
    """customer_id -> the latest case on that customer (id, status, priority), if any."""
    if not customer_ids or not (workspace / "cases.db").exists():
        return {}
    from cases.store import CaseStore

    store = CaseStore.for_workspace(workspace)
    try:
        wanted = {f"customer:{c}" for c in customer_ids}
        found: dict[str, dict[str, Any]] = {}
        for case in store.list_cases():
            if case.case_key in wanted:
                customer = case.case_key.split(":", 1)[1]
                known = found.get(customer)
                if known is None or case.opened_at > known["_opened"]:
                    found[customer] = {"case_id": case.case_id, "status": case.status,
                                       "priority": case.priority, "_opened": case.opened_at}  # fmt: skip
        return {k: {x: y for x, y in v.items() if x != "_opened"} for k, v in found.items()}
    finally:
        store.close()


def run_backtest(
    workspace: Path,
    current: RulePack,
    tested: RulePack,
    settings: dict[str, Any],
    since: date | None = None,
    out: Path | None = None,
) -> dict[str, Any]:
    """Run both packs over the stored orders (since `since`); write backtest_summary.json and
    backtest.html into `out`; return the summary."""
    ws = Workspace(Path(workspace))
    history = TransactionHistory(ws.history) if ws.history.exists() else None
    orders = history.load(since=since) if history else pd.DataFrame()
    if orders.empty:
        raise ValueError(
            f"{ws.history}: no stored orders{f' since {since}' if since else ''} to backtest "
            "(a daily run stores them)"
        )
    catalog = catalog_frame(read_yaml(CONFIGS_DIR / "items.yaml"))
    now = judge(current, orders, catalog, settings)
    then = judge(tested, orders, catalog, settings)
    both = (
        now["customers"]
        .add_suffix("_current")
        .join(then["customers"].add_suffix("_tested"), how="outer")
    )
    both[["in_case_current", "in_case_tested"]] = both[
        ["in_case_current", "in_case_tested"]
    ].fillna(False)
    opens = both[both["in_case_tested"] & ~both["in_case_current"]]
    closes = both[both["in_case_current"] & ~both["in_case_tested"]]
    changed = pd.concat([opens.assign(change="would open"), closes.assign(change="would close")])
    names = orders.drop_duplicates("customer_id", keep="last").set_index("customer_id")[
        "customer_name"
    ]
    decisions = investigator_decisions(ws.root, changed.index.astype(str).tolist())
    rows = [
        {
            "customer_id": str(cid),
            "customer_name": None if pd.isna(names.get(cid)) else str(names.get(cid)),
            "change": row["change"],
            "flags_current": row["codes_current"] or "",
            "flags_tested": row["codes_tested"] or "",
            "investigator": decisions.get(str(cid)),
        }
        for cid, row in changed.iterrows()
    ]

    def side(result: dict[str, Any]) -> dict[str, Any]:
        pack = result["pack"]
        return {
            "pack": pack.version_label,
            "layers": [layer.label for layer in pack.layers],
            "flags_by_code": result["flags_by_code"],
            "transactions_in_case": result["transactions_in_case"],
            "customers_in_case": int(result["customers"]["in_case"].sum()),
        }

    summary = {
        "orders": int(len(orders)),
        "customers": int(orders["customer_id"].nunique()),
        "since": since.isoformat() if since else None,
        "order_dates": [
            str(pd.Timestamp(orders["order_date"].min()).date()),
            str(pd.Timestamp(orders["order_date"].max()).date()),
        ],  # fmt: skip
        "families": ["rule"],
        "current": side(now),
        "tested": side(then),
        "cases_would_open": int(len(opens)),
        "cases_would_close": int(len(closes)),
        "flags_by_code": {"current": now["flags_by_code"], "tested": then["flags_by_code"]},
        "changed_customers": rows,
    }
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "backtest_summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
        (out / "backtest.html").write_text(report_html(summary), encoding="utf-8")
    return summary


def report_html(summary: dict[str, Any]) -> str:
    """A self-contained page: the two packs' figures, and the customers whose outcome changes
    beside what investigators decided on them."""
    e = html.escape
    codes = sorted(
        set(summary["flags_by_code"]["current"]) | set(summary["flags_by_code"]["tested"])
    )
    flag_rows = "".join(
        f"<tr><td>{e(c)}</td><td>{summary['flags_by_code']['current'].get(c, 0)}</td>"
        f"<td>{summary['flags_by_code']['tested'].get(c, 0)}</td></tr>"
        for c in codes
    )
    changed = "".join(
        "<tr>"
        + "".join(
            f"<td>{e(str(v))}</td>"
            for v in (
                r["customer_id"], r["customer_name"] or "", r["change"], r["flags_current"], r["flags_tested"],
                (f"{r['investigator']['case_id']}: {r['investigator']['status']}" if r["investigator"] else "no case"),
            )
        )
        + "</tr>"
        for r in summary["changed_customers"]
    )  # fmt: skip
    cur, new = summary["current"], summary["tested"]
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Policy backtest</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3em .6em;text-align:left}}</style>
</head><body><h1>Policy backtest</h1>
<p>{summary["orders"]:,} stored orders of {summary["customers"]:,} customers, {e(summary["order_dates"][0])} to {e(summary["order_dates"][1])}; rule flags only.</p>
<table><tr><th></th><th>in force: {e(cur["pack"])}</th><th>tested: {e(new["pack"])}</th></tr>
<tr><td>layers</td><td>{e(", ".join(cur["layers"]))}</td><td>{e(", ".join(new["layers"]))}</td></tr>
<tr><td>customers in a case</td><td>{cur["customers_in_case"]}</td><td>{new["customers_in_case"]}</td></tr>
<tr><td>order lines in a case</td><td>{cur["transactions_in_case"]}</td><td>{new["transactions_in_case"]}</td></tr></table>
<p>Cases that would open: <b>{summary["cases_would_open"]}</b>; would close: <b>{summary["cases_would_close"]}</b>.</p>
<h2>Customers whose outcome changes</h2>
<table><tr><th>customer</th><th>name</th><th>change</th><th>flags in force</th><th>flags tested</th><th>investigators' decision</th></tr>{changed or '<tr><td colspan="6">none</td></tr>'}</table>
<h2>Flags by code</h2><table><tr><th>code</th><th>in force</th><th>tested</th></tr>{flag_rows}</table>
</body></html>
"""
