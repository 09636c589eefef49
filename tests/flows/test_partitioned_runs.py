"""Partitioned runs: one partition, several, and a local two-worker Dask cluster give the
same scored transactions and the same case contents (ids and times aside)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands.generate import generate_command

pytestmark = pytest.mark.flow

# Keys that name a run, a time or a stored version (each workspace fits and stores its own
# anomaly model, with its own version id), not what a case says.
RUN_SPECIFIC = {
    "case_id",
    "opened_at",
    "updated_at",
    "due_at",
    "added_at",
    "at",
    "run_id",
    "versions",
    "model_version",
}


def generated(folder: Path, rows: int, seed: int) -> dict[str, Path]:
    """Generated orders, their labels and a watchlist of their listed parties."""
    files = {
        "orders": folder / "orders.csv",
        "labels": folder / "labels.csv",
        "watchlist": folder / "list.csv",
    }
    generate_command(
        rows=rows,
        seed=seed,
        out=files["orders"],
        labels=files["labels"],
        watchlist_out=files["watchlist"],
    )
    return files


@pytest.fixture(scope="module")
def orders(tmp_path_factory) -> dict[str, Path]:
    return generated(tmp_path_factory.mktemp("partitioned"), 2500, 404)


def run(orders: dict[str, Path], home: Path, *options: str) -> Path:
    out = home / "out"
    result = CliRunner().invoke(
        app,
        [
            "--workspace",
            str(home),
            "run",
            "-t",
            str(orders["orders"]),
            "-w",
            str(orders["watchlist"]),
            "--out",
            str(out),
            "--no-progress",
            *options,
        ],
    )
    assert result.exit_code == 0, result.stderr + result.stdout
    return out


def strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in RUN_SPECIFIC}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def case_contents(out: Path) -> dict[str, Any]:
    cases = [json.loads(p.read_text()) for p in (out / "cases").glob("*.json")]
    return {c["case_key"]: strip(c) for c in cases}


@pytest.fixture(scope="module")
def single(prefect_harness, orders, tmp_path_factory) -> Path:
    return run(orders, tmp_path_factory.mktemp("single"), "--partitions", "1")


def assert_same_run(out: Path, single: Path) -> None:
    assert (out / "scored_transactions.csv").read_bytes() == (
        single / "scored_transactions.csv"
    ).read_bytes()
    expected = case_contents(single)
    assert expected, "the generated input should open cases"
    assert case_contents(out) == expected
    flags, expected_flags = (pd.read_parquet(o / "flags.parquet") for o in (out, single))
    pd.testing.assert_frame_equal(
        flags.drop(columns="evidence"), expected_flags.drop(columns="evidence")
    )
    assert [strip(json.loads(e)) for e in flags["evidence"]] == [
        strip(json.loads(e)) for e in expected_flags["evidence"]
    ]


def test_several_partitions_give_the_single_partition_outputs(
    prefect_harness, orders, single, tmp_path
):
    out = run(orders, tmp_path, "--partitions", "4")
    assert_same_run(out, single)
    summary = json.loads((out / "run_summary.json").read_text())
    assert summary["partitions"]["count"] == 4
    assert sum(summary["partitions"]["rows"]) == summary["counts"]["rows_accepted"]
    assert all(rows > 0 for rows in summary["partitions"]["rows"])


@pytest.mark.parametrize("alongside", ["true", "false"])
def test_the_watchlist_beside_the_other_detectors_gives_the_same_outputs(
    prefect_harness, orders, single, tmp_path, alongside
):
    config = tmp_path / "screening.yaml"
    config.write_text(f"screening:\n  watchlist_alongside: {alongside}\n")
    out = run(orders, tmp_path / "home", "--partitions", "2", "--config", str(config))
    assert_same_run(out, single)
    flags = pd.read_parquet(out / "flags.parquet")
    assert (flags["code"] == "P1").any(), "the generated parties should match the list"


def test_a_two_worker_dask_cluster_gives_the_single_partition_outputs(
    prefect_harness, orders, single, tmp_path, monkeypatch
):
    pytest.importorskip("prefect_dask")
    config = tmp_path / "dask.yaml"
    config.write_text("runner:\n  dask_workers: 2\n")
    out = run(
        orders, tmp_path / "home", "--partitions", "3", "--runner", "dask", "--config", str(config)
    )
    assert_same_run(out, single)
    assert json.loads((out / "run_summary.json").read_text())["partitions"]["runner"] == "dask"


def test_related_customers_share_a_partition(prefect_harness, orders, single):
    """The structuring typology's shell customers share an address or payer: whatever the
    partition count, the B4 flags of the single run are all found (checked above) because
    related customers are never split; here: the grouping itself."""
    from flows.ingest.partitioning import customer_links, partition_numbers, related_customer_groups

    frame = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D"],
            "customer_address": [
                "1 Harbour Rd, Singapore",
                "1 harbour rd singapore",
                "9 Elm St",
                None,
            ],
            "payer_name": [None, "Orchid Pay Ltd", "ORCHID PAY LTD.", "Other Payer"],
        }
    )
    groups = related_customer_groups(customer_links(frame))
    assert groups.to_dict() == {"A": "A", "B": "A", "C": "A", "D": "D"}
    numbers = partition_numbers(groups, 16)
    assert numbers["A"] == numbers["B"] == numbers["C"]


def test_groups_are_packed_into_even_partitions_without_being_split():
    from flows.ingest.partitioning import partition_numbers

    groups = pd.Series(["A", "A", "C", "D", "E", "F"], index=["A", "B", "C", "D", "E", "F"])
    rows = pd.Series({"A": 50, "B": 50, "C": 60, "D": 30, "E": 20, "F": 10})
    numbers = partition_numbers(groups, 2, rows)
    assert numbers["A"] == numbers["B"]
    per_partition = rows.groupby(numbers).sum().sort_values().tolist()
    assert per_partition == [110, 110]
    assert partition_numbers(groups, 2, rows).equals(numbers)  # the same input, the same plan


def test_a_run_on_an_existing_dask_cluster_at_an_address(prefect_harness, tmp_path, monkeypatch):
    distributed = pytest.importorskip("distributed")
    from prefect.settings import PREFECT_API_URL

    # workers of an existing cluster report to the Prefect API set in their environment
    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    files = generated(tmp_path, 400, 405)
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, dashboard_address=None
    ) as cluster:
        out = run(
            files,
            tmp_path / "home",
            "--partitions",
            "2",
            "--runner",
            "dask",
            "--dask-address",
            cluster.scheduler_address,
        )
    summary = json.loads((out / "run_summary.json").read_text())
    assert summary["partitions"]["runner"] == "dask" and summary["partitions"]["count"] == 2
    assert summary["counts"]["rows_accepted"] == len(pd.read_csv(out / "scored_transactions.csv"))


def test_an_unreachable_dask_address_is_one_line(tmp_path, orders):
    result = CliRunner().invoke(
        app,
        [
            "--workspace",
            str(tmp_path),
            "run",
            "-t",
            str(orders["orders"]),
            "--runner",
            "dask",
            "--dask-address",
            "tcp://127.0.0.1:1",
        ],
    )
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(
        "redflag: error: --dask-address tcp://127.0.0.1:1: no Dask scheduler"
    )
    assert "\n" not in result.stderr.strip()


def test_auto_partition_count_follows_rows_and_workers():
    from flows.ingest.partitions import partition_count

    settings = {"partitions": "auto", "rows_per_partition": 500_000}
    assert partition_count(settings, 0) == 1
    assert partition_count(settings, 1_000_000) == 2
    assert partition_count(settings, 1_000_001) == 3
    # a local cluster's workers share this machine: smaller partitions, one per worker at least
    assert partition_count(settings, 5_000_000, workers=2) == 20
    assert partition_count(settings, 2_500, workers=2) == 2
    # workers on other machines each have a machine of their own
    assert partition_count(settings, 5_000_000, workers=4, local=False) == 10
    assert partition_count({"partitions": 7}, 5_000_000, workers=2) == 7


def test_partition_files_merge_back_into_input_order_a_window_at_a_time(tmp_path):
    from flows.ingest.partitions import ROW, in_input_order

    rng = np.random.default_rng(3)
    rows = np.sort(rng.choice(60, size=40, replace=False))
    owner = rng.integers(0, 3, size=len(rows))
    frames = []
    for p in range(3):  # each file sorted by row; some rows carry two flags, in order
        mine = np.repeat(rows[owner == p], rng.integers(1, 3, size=(owner == p).sum()))
        frame = pd.DataFrame({ROW: mine, "code": [f"p{p}-{i}" for i in range(len(mine))]})
        frame.to_parquet(tmp_path / f"{p}.parquet", index=False)
        frames.append(frame)
    expected = pd.concat(frames, ignore_index=True).sort_values(ROW, kind="stable")
    windows = list(in_input_order([tmp_path / f"{p}.parquet" for p in range(3)], window=7))
    merged = pd.concat([w.to_pandas() for w in windows], ignore_index=True)
    assert merged.equals(expected.reset_index(drop=True))
    assert len(windows) > 3
    assert all(
        w.num_rows and w[ROW].to_numpy().max() - w[ROW].to_numpy().min() < 7 for w in windows
    )
