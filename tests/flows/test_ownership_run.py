"""`redflag run --ownership`: a customer owned through a holding company by an SDN is
flagged with its chain; the next run reuses the snapshot; a bad file exits 2."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from flows.cli import app

pytestmark = pytest.mark.flow

LISTED = [{"id": "SDN-1", "name": "Volkov Trading House", "aliases": "", "country": "RU", "address": "",
           "list": "SDN", "notes": ""}]  # fmt: skip
OWNERSHIP = (
    "owner,owned,share,source,as_of\n"
    "Volkov Trading House,Harbour Holdings Ltd,100,HK companies registry,2025-06-30\n"
    "Harbour Holdings Ltd,Lion Gate Pte Ltd,60,ACRA Singapore,2025-08-01\n"
    "Nominee Holder No. 7,Evergreen Cloud Inc,40,,\n"
)


def orders() -> pd.DataFrame:
    base = {"order_date": "2026-05-04", "customer_country": "SG", "ship_to_country": "SG",
            "item_sku": "NV-CX7-400G", "item_description": "NVIDIA ConnectX-7 400G network adapter",
            "quantity": "4", "unit_price": "2200", "currency": "USD"}  # fmt: skip
    rows = [base | {"transaction_id": f"T-{i}", "customer_id": f"C-{i}", "customer_name": name, "ship_to_name": name}
            for i, name in enumerate(["Lion Gate Pte. Ltd.", "Evergreen Cloud Inc"])]  # fmt: skip
    return pd.DataFrame(rows)


def invoke(*args: str, code: int = 0):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.stderr + result.stdout
    return result


def o1_case(folder) -> dict:
    cases = [json.loads(p.read_text()) for p in (folder / "cases").glob("*.json")]
    return next(c for c in cases if any(f["code"] == "O1" for f in c["flags"]))


def test_run_with_ownership_flags_the_chain_and_the_next_run_reuses_it(prefect_harness, tmp_path):
    home, listed, own, day = (
        tmp_path / "ws",
        tmp_path / "internal_list.csv",
        tmp_path / "own.csv",
        tmp_path / "orders.csv",
    )
    pd.DataFrame(LISTED).to_csv(listed, index=False)
    own.write_text(OWNERSHIP)
    orders().to_csv(day, index=False)

    invoke("--workspace", str(home), "run", "-t", str(day), "-w", str(listed), "--ownership", str(own),
           "--out", str(tmp_path / "r1"))  # fmt: skip
    summary = json.loads((tmp_path / "r1" / "run_summary.json").read_text())
    assert summary["versions"]["ownership_snapshot"]["id"] == "own-0001"
    assert summary["counts"]["flags_by_code"].get("O1") == 1
    assert summary["ownership"]["owners_not_on_lists"] == 2  # the holding and the nominee
    case = o1_case(tmp_path / "r1")
    assert case["transaction_ids"] == ["T-0"]
    flag = next(f for f in case["flags"] if f["code"] == "O1")
    assert "OF14" in flag["citation"]
    html = (tmp_path / "r1" / "cases" / f"{case['case_id']}.html").read_text()
    assert "Harbour Holdings Ltd" in html and "ACRA Singapore" in html and "60 %" in html
    # the network shows the chain as related parties: the holding and the listed house
    related = json.dumps(case["related"])
    assert "Harbour Holdings Ltd" in related and "Volkov Trading House" in related

    invoke("--workspace", str(home), "run", "-t", str(day), "--out", str(tmp_path / "r2"))
    again = json.loads((tmp_path / "r2" / "run_summary.json").read_text())
    assert again["versions"]["ownership_snapshot"]["id"] == "own-0001"
    assert again["counts"]["flags_by_code"].get("O1") == 1
    # the names were resolved once: the next run read the kept resolution
    assert summary["ownership"]["resolution_reused"] is False
    assert again["ownership"]["resolution_reused"] is True
    assert list((home / "ownership" / "own-0001").glob("resolved-*.pickle"))

    bad = tmp_path / "bad.csv"
    bad.write_text("owner,owned,share\nVolkov Trading House,Evergreen Cloud Inc,150\n")
    result = invoke(
        "--workspace", str(home), "run", "-t", str(day), "--ownership", str(bad), code=2
    )
    assert "bad.csv: row 2: share '150' is outside 0-100" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    index = json.loads((home / "ownership" / "index.json").read_text())
    assert [s["id"] for s in index["snapshots"]] == ["own-0001"] and index["active"] == "own-0001"


def test_rules_explain_knows_the_ownership_codes():
    for code, words in {
        "O1": "OFAC",
        "O2": "affiliates",
        "O3": "minority",
        "O4": "director",
    }.items():
        result = invoke("rules", "explain", code)
        assert code in result.stdout and words.lower() in result.stdout.lower()


def test_rescreen_rejects_a_bad_ownership_file_before_anything(tmp_path):
    bad = tmp_path / "own.jsonl"
    bad.write_text('{"id": "c1", "schema": "Company", "properties": {"name": ["A"]}}\n{oops\n')
    listed = tmp_path / "internal_list.csv"
    pd.DataFrame(LISTED).to_csv(listed, index=False)
    result = invoke("--workspace", str(tmp_path / "ws"), "rescreen", "-w", str(listed), "--ownership", str(bad),
                    code=2)  # fmt: skip
    assert "own.jsonl: line 2: not JSON" in result.stderr
    assert not (tmp_path / "ws" / "ownership" / "index.json").exists()


def test_rescreen_finds_a_customer_owned_by_a_newly_listed_sdn(prefect_harness, tmp_path):
    home, own, day = tmp_path / "ws", tmp_path / "own.csv", tmp_path / "orders.csv"
    before, after = tmp_path / "internal_a.csv", tmp_path / "internal_b.csv"
    other = {"id": "SDN-9", "name": "Ostrava Heavy Machinery", "aliases": "", "country": "RU",
             "address": "", "list": "SDN", "notes": ""}  # fmt: skip
    pd.DataFrame([other]).to_csv(before, index=False)
    pd.DataFrame([other, *LISTED]).to_csv(after, index=False)
    own.write_text(OWNERSHIP)
    orders().to_csv(day, index=False)
    invoke("--workspace", str(home), "run", "-t", str(day), "-w", str(before), "--ownership", str(own),
           "--out", str(tmp_path / "day"))  # fmt: skip
    first = json.loads((tmp_path / "day" / "run_summary.json").read_text())
    assert "O1" not in first["counts"]["flags_by_code"]  # the owner is not listed yet

    invoke("--workspace", str(home), "rescreen", "-w", str(after), "--since", "2021-01-01",
           "--out", str(tmp_path / "r1"))  # fmt: skip
    summary = json.loads((tmp_path / "r1" / "run_summary.json").read_text())
    assert summary["counts"]["flags_by_code"].get("O1") == 1
    case = o1_case(tmp_path / "r1")
    assert case["subject"]["customer_id"] == "C-0" and case["trigger"] == "watchlist change"
    flag = next(f for f in case["flags"] if f["code"] == "O1")
    chain = flag["evidence"]["by_transaction"]["T-0"]["chain"]
    assert "Volkov Trading House" in chain and "Harbour Holdings Ltd" in chain and "60 %" in chain

    # the same version again: nothing changed, nothing new
    invoke("--workspace", str(home), "rescreen", "-w", str(after), "--since", "2021-01-01",
           "--out", str(tmp_path / "r2"))  # fmt: skip
    again = json.loads((tmp_path / "r2" / "run_summary.json").read_text())
    assert again["counts"]["cases_opened"] == 0 and not again["counts"]["flags_by_code"]
