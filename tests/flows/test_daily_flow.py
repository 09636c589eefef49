"""End to end: the real Prefect flows on generated data, through the `redflag` CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands.generate import generate_command

pytestmark = pytest.mark.flow

CONTRACT_4_KEYS = {
    "schema_version",
    "case_id",
    "case_key",
    "status",
    "priority",
    "risk_score",
    "subject",
    "transaction_ids",
    "flags",
    "watchlist_matches",
    "ml",
    "recommended_actions",
    "history",
    "versions",
}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("generated")
    files = {
        "orders": folder / "orders.csv",
        "labels": folder / "labels.csv",
        "watchlist": folder / "restricted_parties.csv",
    }
    generate_command(
        rows=3000,
        seed=101,
        out=files["orders"],
        labels=files["labels"],
        watchlist_out=files["watchlist"],
    )
    return files


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def first_run(prefect_harness, generated, tmp_path_factory) -> dict[str, Path]:
    home = tmp_path_factory.mktemp("workspace")
    out = home / "run1"
    code, stdout, stderr = invoke(
        "--workspace",
        str(home),
        "run",
        "--transactions",
        str(generated["orders"]),
        "--watchlist",
        str(generated["watchlist"]),
        "--out",
        str(out),
    )
    assert code == 0, stderr + stdout
    return {"home": home, "out": out}


def test_run_writes_contract_3_outputs(first_run, generated):
    out = first_run["out"]
    summary = json.loads((out / "run_summary.json").read_text())
    counts = summary["counts"]
    assert counts["rows_read"] == counts["rows_accepted"] + counts["rows_rejected"] == 3000
    for key in (
        "parties_screened",
        "watchlist_hits",
        "flags_by_code",
        "cases_opened",
        "cases_updated",
    ):
        assert key in counts
    assert summary["inputs"][0]["sha256"] and len(summary["inputs"][0]["sha256"]) == 64
    assert {"code", "policy_pack", "watchlist_snapshot"} <= set(summary["versions"])

    scored = pd.read_csv(out / "scored_transactions.csv", dtype=str, keep_default_na=False)
    assert list(scored.columns) == ["transaction_id", "risk_score", "flags", "case_id"]
    assert len(scored) == counts["rows_accepted"]
    assert scored["risk_score"].astype(int).between(0, 100).all()

    case_files = sorted((out / "cases").glob("*.json"))
    assert len(case_files) == counts["cases_opened"] > 0
    for path in case_files:
        case = json.loads(path.read_text())
        assert set(case) >= CONTRACT_4_KEYS
        assert case["status"] in {"open", "in_review", "escalated", "cleared", "reported"}
        assert case["priority"] in {"high", "medium", "low"}
        assert all(
            f["source"] in {"watchlist", "rule", "ml"} and f["citation"] for f in case["flags"]
        )
        assert (out / "cases" / f"{case['case_id']}.html").exists()
        in_case = scored[scored["case_id"] == case["case_id"]]["transaction_id"]
        assert set(in_case) == set(case["transaction_ids"])
    assert (out / "index.html").exists()


def test_labelled_diversion_lands_in_cases_far_more_than_clean_orders(first_run, generated):
    scored = pd.read_csv(
        first_run["out"] / "scored_transactions.csv", dtype=str, keep_default_na=False
    )
    labels = pd.read_csv(generated["labels"], dtype=str, keep_default_na=False)
    joined = scored.merge(labels, on="transaction_id")
    in_case = joined["case_id"] != ""
    bad = joined["label"] == "1"
    assert in_case[bad].mean() >= 0.8
    assert in_case[~bad].mean() <= 0.08


def test_watchlist_hits_carry_their_explanation(first_run):
    matches = [
        m
        for path in (first_run["out"] / "cases").glob("*.json")
        for m in json.loads(path.read_text())["watchlist_matches"]
    ]
    assert matches, "the generated data plants listed parties"
    for match in matches:
        assert (
            0 < match["score"] <= 1 and match["explanation"] and match["entry_id"] and match["list"]
        )


def test_rerun_of_the_same_file_opens_nothing_new(first_run, generated):
    out = first_run["home"] / "run2"
    code, stdout, stderr = invoke(
        "--workspace",
        str(first_run["home"]),
        "run",
        "--transactions",
        str(generated["orders"]),
        "--watchlist",
        str(generated["watchlist"]),
        "--out",
        str(out),
    )
    assert code == 0, stderr + stdout
    counts = json.loads((out / "run_summary.json").read_text())["counts"]
    assert counts["cases_opened"] == 0 and counts["cases_updated"] == 0
    assert counts["history_transactions_added"] == 0
    assert not list((out / "cases").glob("*.json"))


def test_bad_rows_go_to_rejected_rows_and_are_counted(prefect_harness, generated, tmp_path):
    orders = pd.read_csv(generated["orders"], dtype=str, keep_default_na=False).head(200)
    orders.loc[3, "quantity"] = "-2"
    orders.loc[7, "order_date"] = "yesterday"
    orders.loc[9, "transaction_id"] = orders.loc[8, "transaction_id"]
    path = tmp_path / "orders.csv"
    orders.to_csv(path, index=False)
    code, stdout, stderr = invoke(
        "--workspace", str(tmp_path / "ws"), "run", "-t", str(path), "--out", str(tmp_path / "out")
    )
    assert code == 0, stderr + stdout
    summary = json.loads((tmp_path / "out" / "run_summary.json").read_text())
    assert summary["counts"]["rows_rejected"] == 3 and summary["counts"]["rows_accepted"] == 197
    rejected = pd.read_csv(tmp_path / "out" / "rejected_rows.csv", dtype=str, keep_default_na=False)
    assert list(rejected.columns[: len(orders.columns)]) == list(orders.columns)
    assert set(rejected["quantity"]) >= {"-2"} and "yesterday" in set(rejected["order_date"])
    assert rejected["reject_reason"].str.len().gt(0).all()


def test_missing_required_column_exits_2_with_one_line(prefect_harness, generated, tmp_path):
    orders = pd.read_csv(generated["orders"], dtype=str, keep_default_na=False).head(20)
    path = tmp_path / "orders.csv"
    orders.drop(columns=["quantity"]).to_csv(path, index=False)
    code, _stdout, stderr = invoke("--workspace", str(tmp_path / "ws"), "run", "-t", str(path))
    assert code == 2
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "orders.csv" in lines[0] and "quantity" in lines[0]


def test_missing_file_exits_2(tmp_path):
    code, _stdout, stderr = invoke(
        "--workspace", str(tmp_path), "run", "-t", str(tmp_path / "nope.csv")
    )
    assert code == 2 and "nope.csv: no such file" in stderr


def test_cases_carry_their_related_parties_and_network_flags(first_run):
    summary = json.loads((first_run["out"] / "run_summary.json").read_text())
    assert summary["network"]["links"] > 0 and "network" in summary["timings_seconds"]
    cases = [json.loads(p.read_text()) for p in (first_run["out"] / "cases").glob("*.json")]
    related = [link for case in cases for link in case["related"].get("links", [])]
    assert related, "the generated rings share addresses, phones and payers"
    assert all(link["why"] and link["hop"] in (1, 2) for link in related)
    network_flags = [f for case in cases for f in case["flags"] if f["code"] in {"N1", "N2", "N3"}]
    assert network_flags and all("RPN" in f["citation"] for f in network_flags)


def test_network_flags_of_a_case_are_in_scored_transactions_and_the_summary(first_run):
    out = first_run["out"]
    scored = pd.read_csv(out / "scored_transactions.csv", dtype=str, keep_default_na=False)
    scored = scored.set_index("transaction_id")
    cases = [json.loads(p.read_text()) for p in (out / "cases").glob("*.json")]
    found = {(t, f["code"], case["case_id"]) for case in cases for f in case["flags"]
             if f["code"] in {"N1", "N2", "N3"} for t in f["transaction_ids"]}  # fmt: skip
    assert found, "the generated rings give network flags"
    for transaction_id, code, case_id in found:
        assert code in scored.loc[transaction_id, "flags"].split(";"), transaction_id
        assert scored.loc[transaction_id, "case_id"] == case_id
    by_code = json.loads((out / "run_summary.json").read_text())["counts"]["flags_by_code"]
    for code in {c for _, c, _ in found}:
        assert by_code[code] == sum(1 for _, c, _ in found if c == code)


def test_flags_parquet_carries_the_network_flags_as_scored_and_counted(first_run):
    out = first_run["out"]
    flags = pd.read_parquet(out / "flags.parquet")
    scored = pd.read_csv(out / "scored_transactions.csv", dtype=str, keep_default_na=False)
    network = flags[flags["code"].isin(["N1", "N2", "N3"])]
    assert len(network), "the generated rings give network flags"
    assert not network.duplicated(["transaction_id", "code"]).any()
    assert (network["source"] == "rule").all() and network["citation"].str.contains("RPN").all()
    assert (
        all(json.loads(e) for e in network["evidence"]) and network["reason"].str.len().gt(0).all()
    )
    # every code a transaction carries in scored_transactions.csv is a flag of it, and back
    carried = {(t, c) for t, codes in zip(scored["transaction_id"], scored["flags"], strict=True)
               for c in codes.split(";") if c}  # fmt: skip
    assert {(t, c) for t, c in zip(flags["transaction_id"], flags["code"], strict=True)} == carried
    by_code = json.loads((out / "run_summary.json").read_text())["counts"]["flags_by_code"]
    assert flags["code"].value_counts().to_dict() == by_code
    # in input order, a transaction's network flags after its other flags
    position = pd.Series(range(len(scored)), index=scored["transaction_id"])
    rows = flags["transaction_id"].map(position).to_numpy()
    assert (rows[1:] >= rows[:-1]).all()
    last = flags.groupby("transaction_id", sort=False)["code"].agg(list)
    assert all(c[-1].startswith("N") for c in last if any(x.startswith("N") for x in c))
