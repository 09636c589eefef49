"""Outcomes a user must not miss are said: the bundled sample list on every run that uses
it, a run that rejects every row (exit 2), a name file whose rows do not fit its header."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands.generate import generate_command

SAMPLE_LINE = "screened against the bundled sample list"


@pytest.mark.flow
def test_every_run_on_the_bundled_sample_says_so(prefect_harness, tmp_path: Path):
    orders = tmp_path / "orders.csv"
    generate_command(rows=120, seed=8, out=orders, labels=tmp_path / "labels.csv")
    home = tmp_path / "ws"
    for _ in range(2):  # the first run creates the sample's snapshot; the second reuses it
        result = CliRunner().invoke(
            app, ["--workspace", str(home), "run", "-t", str(orders), "--no-progress"]
        )
        assert result.exit_code == 0, result.output
        assert SAMPLE_LINE in result.output


@pytest.mark.flow
def test_a_run_with_its_own_list_is_not_warned(prefect_harness, tmp_path: Path):
    orders, listed = tmp_path / "orders.csv", tmp_path / "list.csv"
    generate_command(rows=120, seed=8, out=orders, labels=tmp_path / "labels.csv",
                     watchlist_out=listed)  # fmt: skip
    result = CliRunner().invoke(
        app,
        ["--workspace", str(tmp_path / "ws"), "run", "-t", str(orders), "-w", str(listed),
         "--no-progress"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert SAMPLE_LINE not in result.output


@pytest.mark.flow
def test_a_run_that_rejects_every_row_exits_2(prefect_harness, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an empty partition once wrote its results here
    orders, listed = tmp_path / "orders.csv", tmp_path / "list.csv"
    generate_command(rows=60, seed=9, out=orders, labels=tmp_path / "labels.csv",
                     watchlist_out=listed)  # fmt: skip
    with orders.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    with orders.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**row, "order_date": "someday"} for row in rows)
    result = CliRunner().invoke(
        app,
        ["--workspace", str(tmp_path / "ws"), "run", "-t", str(orders), "-w", str(listed),
         "--out", str(tmp_path / "out"), "--no-progress"],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "every one of the 60 order rows was rejected" in result.output
    assert (tmp_path / "out" / "rejected_rows.csv").is_file()
    assert not [p.name for p in tmp_path.glob("*.p*")], "results written to the current folder"


@pytest.mark.parametrize("command", ["match-pairs", "screen-names"])
def test_a_name_with_an_unquoted_comma_is_refused_not_scored(tmp_path: Path, command):
    """Every row with an unquoted comma: the old reading took the first column as the
    index and scored shifted, empty names 0.0 with exit 0."""
    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    if command == "match-pairs":
        source.write_text("name1,name2\nHuawei Co., Ltd,Huawei\nAcme, Inc,Acme Inc\n")
        args = ["match-pairs", "--pairs", str(source), "--out", str(out)]
    else:
        source.write_text("name,country\nHuawei Co., Ltd,CN\nAcme, Inc,US\n")
        args = ["--workspace", str(tmp_path / "ws"), "screen-names", "--names", str(source),
                "--out", str(out)]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert f"{source}: line 2 has 3 fields where the header has 2" in result.output
    assert not out.exists()
