"""A cleared and suppressed watchlist hit: the run's scored_transactions.csv agrees with
the case store (no P1, no risk from the hit, no case that does not hold the order) and the
held-back hit is listed in suppressed_hits.csv."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cases.policy import load_case_policy
from cases.store import CaseStore
from flows.cli import app
from flows.commands.generate import generate_command

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))
from actors import decide_fully  # noqa: E402

pytestmark = pytest.mark.flow


def invoke(*args: str) -> None:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.stderr + result.stdout


def read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def hit_only_case(out: Path) -> dict:
    """A case of the run whose every flag is a watchlist hit, else any case with one."""
    cases = [json.loads(p.read_text()) for p in sorted((out / "cases").glob("*.json"))]
    with_hits = [c for c in cases if c["watchlist_matches"]]
    assert with_hits, "the generated data plants listed parties"
    only = [c for c in with_hits if all(f["source"] == "watchlist" for f in c["flags"])]
    return (only or with_hits)[0]


def test_a_suppressed_hit_is_not_a_p1_in_scored_transactions(prefect_harness, tmp_path):
    orders, labels, listed = tmp_path / "orders.csv", tmp_path / "labels.csv", tmp_path / "wl.csv"
    generate_command(rows=300, seed=2113, out=orders, labels=labels, watchlist_out=listed)
    home = tmp_path / "ws"
    invoke("--workspace", str(home), "run", "-t", str(orders), "-w", str(listed),
           "--out", str(tmp_path / "run1"))  # fmt: skip
    case = hit_only_case(tmp_path / "run1")

    store = CaseStore.for_workspace(home, load_case_policy())
    try:
        decide_fully(store, case["case_id"], "cleared", "another firm", suppress_days=30)
    finally:
        store.close()

    # the same customer orders again: the same parties, new order lines
    again = read_csv(orders)
    again = again[again["transaction_id"].isin(case["transaction_ids"])].copy()
    again["transaction_id"] = "NEW-" + again["transaction_id"]
    later = tmp_path / "later.csv"
    again.to_csv(later, index=False)
    out = tmp_path / "run2"
    invoke("--workspace", str(home), "run", "-t", str(later), "-w", str(listed), "--out", str(out))

    scored = read_csv(out / "scored_transactions.csv").set_index("transaction_id")
    assert list(scored.reset_index().columns) == [
        "transaction_id",
        "risk_score",
        "flags",
        "case_id",
    ]
    cleared = {(m["party_name"], m["entry_id"]) for m in case["watchlist_matches"]}
    hits = pd.read_parquet(out / "flags.parquet").query("source == 'watchlist'")
    hit_keys = {
        tx: {(json.loads(e)["party_name"], json.loads(e)["entry_id"]) for e in group["evidence"]}
        for tx, group in hits.groupby("transaction_id")
    }
    only_cleared = [tx for tx in scored.index if hit_keys.get(tx) and hit_keys[tx] <= cleared]
    assert only_cleared, "the new orders carry the cleared hits"
    for transaction_id in only_cleared:
        row = scored.loc[transaction_id]
        assert "P1" not in row["flags"].split(";"), (transaction_id, row.to_dict())
        assert int(row["risk_score"]) < 100, (transaction_id, row.to_dict())

    store = CaseStore.for_workspace(home, load_case_policy())
    try:
        held_by = {
            tx: c.case_id
            for c in store.get_cases([c.case_id for c in store.list_cases()])
            for tx in c.transaction_ids
        }
    finally:
        store.close()
    for transaction_id, row in scored.iterrows():  # the case named is the one holding it
        assert row["case_id"] == held_by.get(transaction_id, ""), (transaction_id, row.to_dict())
        if not row["case_id"]:
            assert int(row["risk_score"]) < 40, (transaction_id, row.to_dict())

    held = read_csv(out / "suppressed_hits.csv")  # the held-back hits stay visible
    assert set(held["transaction_id"]) == set(only_cleared)
    assert set(held["suppressed_by_case"]) == {case["case_id"]}
    summary = json.loads((out / "run_summary.json").read_text())
    assert summary["counts"]["watchlist_hits_suppressed"] == len(held)
