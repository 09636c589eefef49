"""A run keeps a row whose optional value is unusable: the field is blanked, the row's
parties are screened, and the warning is written and counted."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from flows.cli import app

pytestmark = pytest.mark.flow

LISTED = {
    "id": "INT-3",
    "name": "Zephyrine Quantum Compute Pte. Ltd.",
    "aliases": "",
    "country": "SG",
    "address": "",
    "list": "Internal denied parties",
    "notes": "",
}


def orders_frame() -> pd.DataFrame:
    base = {
        "order_date": "2026-05-04",
        "customer_country": "US",
        "ship_to_country": "US",
        "customer_type": "cloud_provider",
        "customer_since": "2015-03-01",
        "item_sku": "NV-CX7-400G",
        "item_description": "NVIDIA ConnectX-7 400G network adapter",
        "quantity": "4",
        "unit_price": "2200",
        "currency": "USD",
        "end_user_country": "US",
    }
    rows = [
        ("H-0", "C-0", "Evergreen Cloud Inc", "Evergreen Cloud Inc"),
        ("H-1", "C-1", "Lakeside Analytics LLC", "Zephyrine Quantum Compute Pte Ltd"),
    ]
    return pd.DataFrame(
        [
            base
            | {
                "transaction_id": t,
                "customer_id": c,
                "customer_name": n,
                "ship_to_name": n,
                "end_user_name": e,
            }
            for t, c, n, e in rows
        ]
    )


def test_a_bad_customer_since_is_a_field_warning_and_the_party_is_still_screened(
    prefect_harness, tmp_path
):
    orders = orders_frame()
    orders.loc[1, "customer_since"] = '=HYPERLINK("x")'  # the row whose end user is listed
    path = tmp_path / "orders.csv"
    orders.to_csv(path, index=False)
    listed = tmp_path / "internal.csv"
    pd.DataFrame([LISTED]).to_csv(listed, index=False)
    out = tmp_path / "run"
    result = CliRunner().invoke(
        app,
        [
            "--workspace",
            str(tmp_path / "ws"),
            "run",
            "-t",
            str(path),
            "-w",
            str(listed),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.stderr + result.stdout
    summary = json.loads((out / "run_summary.json").read_text())
    assert summary["counts"]["rows_rejected"] == 0 and summary["counts"]["field_warnings"] == 1
    assert summary["counts"]["watchlist_hits"] >= 1
    warnings = pd.read_csv(out / "field_warnings.csv", dtype=str, keep_default_na=False)
    assert warnings[["transaction_id", "field"]].values.tolist() == [["H-1", "customer_since"]]
    assert warnings["value"].iat[0] == '\'=HYPERLINK("x")'  # inert in a spreadsheet
    assert not (out / "rejected_rows.csv").exists()
