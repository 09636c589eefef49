"""End to end: a case knows what the run could not check on its orders and what the
customer ordered before, and says so on its page (a real Prefect flow through the CLI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

pytestmark = pytest.mark.flow

MINIMAL = (
    "transaction_id,order_date,customer_id,customer_name,customer_country,ship_to_name,"
    "ship_to_country,item_sku,item_description,quantity,unit_price,currency\n"
)


def _orders(path: Path, lines: list[str]) -> Path:
    path.write_text(MINIMAL + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def _run(home: Path, orders: Path, out: Path) -> None:
    result = CliRunner().invoke(app, ["--workspace", str(home), "run", "--transactions",
                                      str(orders), "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.stderr + result.stdout


def test_a_minimal_order_file_leaves_the_case_warning_of_its_unchecked_rules(
    prefect_harness, tmp_path
):
    """64 H200s for a Shenzhen company shipped to Hong Kong, from an order file with only
    the required columns: E1 (licence missing) cannot run, and the case must say so."""
    home = tmp_path / "ws"
    earlier = _orders(tmp_path / "earlier.csv", [
        "T-EARLY-1,2026-05-04,CUST-SZ,Shenzhen Huaxin Technology Co. Ltd,CN,Huaxin HK Ltd,HK,"
        "NV-H200-SXM5-141G,NVIDIA H200 SXM5 141GB GPU,1,35000,USD",
    ])  # fmt: skip
    _run(home, earlier, tmp_path / "run1")
    big = _orders(tmp_path / "big.csv", [
        "T-BIG-1,2026-06-01,CUST-SZ,Shenzhen Huaxin Technology Co. Ltd,CN,Huaxin HK Ltd,HK,"
        "NV-H200-SXM5-141G,NVIDIA H200 SXM5 141GB GPU,64,35000,USD",
    ])  # fmt: skip
    _run(home, big, tmp_path / "run2")

    summary = json.loads((tmp_path / "run2" / "run_summary.json").read_text())
    assert "E1" in {n["code"] for n in summary["not_evaluable"]}
    files = sorted((tmp_path / "run2" / "cases").glob("*.json"))
    assert files, "the 64 H200s opened no case"
    case = json.loads(files[0].read_text())
    assert "T-BIG-1" in case["transaction_ids"]
    gaps = {n["code"]: n for n in case["not_evaluable"]}
    assert gaps["E1"]["hard_stop"] and "license_number" in gaps["E1"]["reason"]
    assert case["not_evaluable"][0]["hard_stop"]  # hard stops are listed first
    # the customer's earlier order, from the workspace history, is on the case
    assert case["order_history"]["points"] == [["2026-05-04", 35000.0, 1, 1.0]]
    html = (tmp_path / "run2" / "cases" / f"{case['case_id']}.html").read_text()
    assert "rule(s) could not run on this customer's orders" in html
    assert "1 earlier order line(s) since 2026-05-04" in html
    index = (tmp_path / "run2" / "index.html").read_text()
    assert "could not run" in index


def test_demo_cases_are_in_the_workspace_that_review_and_cases_read(prefect_harness, tmp_path):
    """`redflag demo` then `redflag cases show` on the same workspace, as the README says."""
    home = tmp_path / "ws"
    demo = CliRunner().invoke(app, ["--workspace", str(home), "demo", "--rows", "1500"])
    assert demo.exit_code == 0, demo.stderr + demo.stdout
    listed = CliRunner().invoke(app, ["--workspace", str(home), "cases", "list", "--limit", "5"],
                                env={"COLUMNS": "200"})  # fmt: skip
    assert listed.exit_code == 0 and "5 of " in listed.stdout, listed.stdout
    shown = CliRunner().invoke(app, ["--workspace", str(home), "cases", "show", "C-000001"])
    assert shown.exit_code == 0 and "C-000001" in shown.stdout
    assert (home / "cases.db").exists() and not (home / "demo" / "workspace").exists()
