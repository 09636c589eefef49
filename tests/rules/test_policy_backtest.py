"""`redflag policy backtest`: a pack run over the stored orders beside the pack in force."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rule_orders import canonical, scenario_rows
from typer.testing import CliRunner

from flows.cli import app
from flows.history import TransactionHistory

H20_TO_CHINA = {"ship_to_country": "CN", "end_user_country": "CN", "customer_country": "CN",
                "item_sku": "NV-H20-96G", "eccn": "3A991.p", "order_date": "2025-06-10",
                "customer_name": "Huaxin Compute Co"}  # fmt: skip


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    rows = scenario_rows(
        {"h20": H20_TO_CHINA, "clean-1": {}, "clean-2": {"order_date": "2025-03-01"}}
    )
    TransactionHistory(tmp_path / "ws" / "history").append(canonical(rows), "run-1")
    return tmp_path / "ws"


def backtest(workspace: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--workspace", str(workspace), "policy", "backtest", *args])
    return result.exit_code, result.output


def test_the_pack_in_force_on_unchanged_history_changes_nothing(workspace, tmp_path):
    code, output = backtest(workspace, "--pack", "default", "--out", str(tmp_path / "bt"))
    assert code == 0, output
    summary = json.loads((tmp_path / "bt" / "backtest_summary.json").read_text())
    assert summary["orders"] == 3
    assert summary["cases_would_open"] == summary["cases_would_close"] == 0
    assert summary["flags_by_code"]["current"] == summary["flags_by_code"]["tested"]
    assert summary["flags_by_code"]["current"].get("E2") == 1
    assert not (workspace / "cases.db").exists()  # the case store is not touched


def test_a_pack_without_the_dated_layers_would_close_the_h20_case(workspace, tmp_path):
    pack = tmp_path / "no_layers.yaml"
    pack.write_text('extends: default\nid: no-layers\nversion: "1"\nlayers: []\n')
    code, output = backtest(workspace, "--pack", str(pack), "--out", str(tmp_path / "bt"))
    assert code == 0, output
    summary = json.loads((tmp_path / "bt" / "backtest_summary.json").read_text())
    assert summary["cases_would_close"] == 1 and summary["cases_would_open"] == 0
    assert "E2" not in summary["flags_by_code"]["tested"]
    (changed,) = summary["changed_customers"]
    assert changed["change"] == "would close" and "E2" in changed["flags_current"]
    page = (tmp_path / "bt" / "backtest.html").read_text()
    assert "Huaxin Compute Co" in page and "would close" in page


def test_since_limits_the_orders_and_bad_input_is_one_line(workspace, tmp_path):
    code, output = backtest(
        workspace, "--pack", "default", "--since", "2025-06-01", "--out", str(tmp_path / "bt")
    )
    assert (
        code == 0
        and json.loads((tmp_path / "bt" / "backtest_summary.json").read_text())["orders"] == 2
    )
    code, output = backtest(workspace, "--pack", "default", "--since", "June")
    assert code == 2 and "--since" in output
    code, output = backtest(tmp_path / "empty", "--pack", "default")
    assert code == 2 and "no stored orders" in output
