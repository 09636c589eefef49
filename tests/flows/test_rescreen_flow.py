"""A new list version arrives: past parties that are now listed get a case, once."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from flows.cli import app

pytestmark = pytest.mark.flow

LIST_A = [
    {"id": "INT-1", "name": "Borealis Precision Tooling GmbH", "aliases": "", "country": "DE",
     "address": "Industriestrasse 4, Stuttgart", "list": "Internal denied parties", "notes": ""},
    {"id": "INT-2", "name": "Crimson Harbor Shipping Ltd", "aliases": "Crimson Harbour Shipping",
     "country": "PA", "address": "", "list": "Internal denied parties", "notes": ""},
]
NEW_ENTRY = {"id": "INT-3", "name": "Zephyrine Quantum Compute Pte. Ltd.", "aliases": "Zephyrine QC",
             "country": "SG", "address": "88 Harbourfront Avenue, Singapore", "list": "Internal denied parties",
             "notes": "added after an investigation"}


def clean_orders() -> pd.DataFrame:
    """Orders of ordinary, well-documented customers; one end user will be listed later."""
    base = {
        "order_date": "2026-05-04", "customer_country": "US", "ship_to_country": "US",
        "customer_type": "cloud_provider", "customer_since": "2015-03-01",
        "customer_website": "https://example-cloud.test", "customer_email": "buyer@example-cloud.test",
        "customer_phone": "+1 415 555 0100", "item_sku": "NV-CX7-400G",
        "item_description": "NVIDIA ConnectX-7 400G network adapter", "quantity": "4",
        "unit_price": "2200", "currency": "USD", "payment_method": "wire",
        "end_use_statement_received": "true", "end_use": "network upgrade of our own data centre",
    }
    rows = []
    for i, (customer, end_user) in enumerate(
        [("Evergreen Cloud Inc", "Evergreen Cloud Inc"), ("Lakeside Analytics LLC", "Zephyrine Quantum Compute Pte Ltd"),
         ("Northwind Research Corp", "Northwind Research Corp")]
    ):
        rows.append(base | {
            "transaction_id": f"H-{i}", "customer_id": f"C-{i}", "customer_name": customer,
            "ship_to_name": customer, "end_user_name": end_user, "end_user_country": "US",
            "payer_name": customer, "payer_country": "US",
        })
    return pd.DataFrame(rows)


def invoke(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.stderr + result.stdout
    return result


@pytest.mark.parametrize("partitions", ["1", "3"])
def test_rescreen_opens_one_case_for_the_newly_listed_party_and_none_on_repeat(prefect_harness, tmp_path, partitions):
    home = tmp_path / "ws"
    orders = tmp_path / "orders.csv"
    clean_orders().to_csv(orders, index=False)
    version_a = tmp_path / "internal_a.csv"
    version_b = tmp_path / "internal_b.csv"
    pd.DataFrame(LIST_A).to_csv(version_a, index=False)
    pd.DataFrame(LIST_A + [NEW_ENTRY]).to_csv(version_b, index=False)

    invoke("--workspace", str(home), "run", "-t", str(orders), "-w", str(version_a), "--out", str(tmp_path / "day"))
    day = json.loads((tmp_path / "day" / "run_summary.json").read_text())
    assert day["counts"]["watchlist_hits"] == 0 and day["counts"]["cases_opened"] == 0

    invoke("--workspace", str(home), "rescreen", "-w", str(version_b), "--since", "2021-01-01", "--out", str(tmp_path / "r1"),
           "--partitions", partitions)
    first = json.loads((tmp_path / "r1" / "run_summary.json").read_text())
    assert first["counts"]["entries_added"] == 1 and first["counts"]["entries_removed"] == 0
    assert first["counts"]["cases_opened"] == 1
    [case_file] = list((tmp_path / "r1" / "cases").glob("*.json"))
    case = json.loads(case_file.read_text())
    assert case["subject"]["customer_id"] == "C-1"
    assert case["trigger"] == "watchlist change"
    [match] = case["watchlist_matches"]
    assert match["entry_id"] == "custom:INT-3" and match["role"] == "end_user"
    assert case["transaction_ids"] == ["H-1"]

    invoke("--workspace", str(home), "rescreen", "-w", str(version_b), "--out", str(tmp_path / "r2"))
    second = json.loads((tmp_path / "r2" / "run_summary.json").read_text())
    assert second["counts"]["cases_opened"] == 0 and second["counts"]["entries_added"] == 0


def test_rescreen_rejects_a_file_that_is_not_a_list(tmp_path):
    bogus = tmp_path / "orders.csv"
    bogus.write_text("transaction_id,order_date\nT1,2026-01-01\n")
    result = CliRunner().invoke(app, ["--workspace", str(tmp_path / "ws"), "rescreen", "-w", str(bogus)])
    assert result.exit_code == 2
    assert "orders.csv" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_list_added_first_is_a_new_source_that_rescreen_screens_in_full(prefect_harness, tmp_path):
    home = tmp_path / "ws"
    orders = tmp_path / "orders.csv"
    clean_orders().to_csv(orders, index=False)
    own = tmp_path / "own.csv"
    pd.DataFrame([NEW_ENTRY]).to_csv(own, index=False)
    invoke("--workspace", str(home), "run", "-t", str(orders), "--out", str(tmp_path / "day"))
    invoke("--workspace", str(home), "watchlist", "add", str(own))
    invoke("--workspace", str(home), "rescreen", "-w", str(own), "--since", "2021-01-01", "--out", str(tmp_path / "r1"))
    summary = json.loads((tmp_path / "r1" / "run_summary.json").read_text())
    assert summary["counts"]["entries_added"] == 1 and summary["counts"]["cases_opened"] == 1
    [source] = summary["versions"]["watchlist_sources"]
    assert source["source"] == "own:internal-denied-parties" and source["previous"] is None


def test_a_failed_rescreen_leaves_the_previous_version_active_and_the_retry_finds_the_hit(
    prefect_harness, tmp_path, monkeypatch
):
    import flows.rescreen
    from watchlists import SnapshotStore

    home = tmp_path / "ws"
    orders = tmp_path / "orders.csv"
    clean_orders().to_csv(orders, index=False)
    version_a, version_b = tmp_path / "internal_a.csv", tmp_path / "internal_b.csv"
    pd.DataFrame(LIST_A).to_csv(version_a, index=False)
    pd.DataFrame(LIST_A + [NEW_ENTRY]).to_csv(version_b, index=False)
    invoke("--workspace", str(home), "run", "-t", str(orders), "-w", str(version_a), "--out", str(tmp_path / "day"))

    def store_down(*args, **kwargs):
        raise ConnectionError("case store unreachable")

    with monkeypatch.context() as patch:  # the rescreen fails after the list was snapshotted
        patch.setattr(flows.rescreen, "store_cases", store_down)
        failed = CliRunner().invoke(app, ["--workspace", str(home), "rescreen", "-w", str(version_b),
                                          "--since", "2021-01-01", "--out", str(tmp_path / "r1")])
    assert failed.exit_code != 0
    store = SnapshotStore(home / "watchlists")
    assert [s.label for s in store.active_snapshots()] == [store.get("wl-0001").label]
    assert store.active().id == "wl-0001"

    invoke("--workspace", str(home), "rescreen", "-w", str(version_b), "--since", "2021-01-01", "--out", str(tmp_path / "r2"))
    retry = json.loads((tmp_path / "r2" / "run_summary.json").read_text())
    assert retry["counts"]["entries_added"] == 1
    assert retry["counts"]["cases_opened"] == 1
    assert len(list((tmp_path / "r2" / "cases").glob("*.json"))) == 1
    assert SnapshotStore(home / "watchlists").active().id == "wl-0002"
