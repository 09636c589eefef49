"""`redflag generate`: files written, one summary line each, clear errors on bad options."""

from __future__ import annotations

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from flows.commands.generate import generate_cli, generate_command
from flows.synthetic.orders import OUTPUT_COLUMNS


def test_writes_orders_labels_and_list_with_one_line_each(tmp_path, capsys):
    out, labels, listed = (
        tmp_path / "orders.parquet",
        tmp_path / "labels.csv",
        tmp_path / "list.csv",
    )
    generate_command(
        rows=2_000,
        seed=4,
        out=out,
        labels=labels,
        watchlist_out=listed,
        start="2025-03-01",
        days=60,
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert "2,000 order lines" in lines[0] and str(out) in lines[0]
    assert str(labels) in lines[1] and str(listed) in lines[2]
    orders = pd.read_parquet(out)
    assert list(orders.columns) == list(OUTPUT_COLUMNS) and len(orders) == 2_000
    assert orders["order_date"].min() == "2025-03-01" and orders["order_date"].max() <= "2025-04-29"
    assert pd.read_csv(labels)["transaction_id"].tolist() == orders["transaction_id"].tolist()


def test_no_list_file_unless_asked(tmp_path, capsys):
    generate_command(rows=500, seed=4, out=tmp_path / "o.csv", labels=tmp_path / "l.csv")
    assert len(capsys.readouterr().out.strip().splitlines()) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.csv", "o.csv"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--out", "orders.txt"], "csv or .parquet"),
        (["--rows", "0"], "--rows"),
        (["--start", "first of May"], "--start"),
        (["--days", "0"], "--days"),
    ],
)
def test_bad_options_exit_2_with_one_line_and_write_nothing(tmp_path, arguments, message):
    app = typer.Typer()
    app.command()(generate_cli)
    base = ["--out", str(tmp_path / "o.csv"), "--labels", str(tmp_path / "l.csv")]
    result = CliRunner().invoke(app, base + arguments)
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())


def test_profile_option_writes_the_named_population(tmp_path, capsys):
    out, labels = tmp_path / "o.csv", tmp_path / "l.csv"
    data = generate_command(rows=3_000, seed=4, out=out, labels=labels, profile="shifted")
    assert "profile shifted" in capsys.readouterr().out.splitlines()[0]
    orders = pd.read_csv(out, dtype=str)
    assert orders["order_date"].min() >= "2025-01-01" and orders["order_date"].max() <= "2026-11-30"
    assert len(orders) == len(data.transactions) == 3_000


def test_unknown_profile_exits_2_with_one_line(tmp_path):
    app = typer.Typer()
    app.command()(generate_cli)
    base = ["--out", str(tmp_path / "o.csv"), "--labels", str(tmp_path / "l.csv")]
    result = CliRunner().invoke(app, base + ["--profile", "nope"])
    assert result.exit_code == 2 and "--profile" in result.stderr
    assert not list(tmp_path.iterdir())
