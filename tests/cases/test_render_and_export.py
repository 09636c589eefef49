"""Case files an investigator reads, and queue exports that open safely in a spreadsheet."""

from __future__ import annotations

import csv
import json
from datetime import datetime

import pytest
from actors import ANN

from cases.export import export_queue, neutralize
from cases.model import Case
from cases.render import case_html, case_json, run_index_html
from cases.store import CaseStore, RunInfo, utc_now
from cases.workflow import CaseWorkflow

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def sqlite_store(tmp_path):
    store = CaseStore(f"sqlite:///{tmp_path / 'cases.db'}")
    yield store
    store.close()


@pytest.fixture
def case(sqlite_store, make_draft) -> Case:
    draft = make_draft(match_score=0.93, party_name=SCRIPT, codes=("L2", "F1"))
    draft.ml = {"model_version": "gb-2026-11", "score": 0.71,
                "top_features": [{"feature": "h100_equivalents", "value": 64.0, "contribution": 0.31}]}  # fmt: skip
    draft.transactions = [
        {"transaction_id": "T-1", "item_sku": "NV-H100-SXM", "item_description": "H100 SXM",
         "quantity": 8.0, "unit_price": 31000.0, "order_value_usd": 248000.0}
    ]  # fmt: skip
    case_id = sqlite_store.upsert_drafts([draft], RunInfo("r1", datetime(2026, 11, 2)))[0].case_id
    CaseWorkflow(sqlite_store).decide(case_id, "escalated", f"payer {SCRIPT} in HK", ANN)
    return sqlite_store.get_case(case_id)


def test_contract_4_json_carries_the_full_history(case):
    document = case_json(case)
    required = ["schema_version", "case_id", "case_key", "status", "priority", "risk_score",
                "subject", "transaction_ids", "flags", "watchlist_matches", "ml",
                "recommended_actions", "history", "versions"]  # fmt: skip
    assert list(document)[: len(required)] == required
    assert [e["event"] for e in document["history"]] == ["opened", "decision_proposed"]
    assert document["history"][1]["by"] == "ann"
    assert document["watchlist_matches"][0]["score"] == 0.93
    json.dumps(document)  # serialisable as is


def test_case_page_shows_what_an_investigator_needs(case):
    page = case_html(case)
    for text in (
        "C-000001", "Customer CUST-0001", "end user", "Entity List", "csl:EL-77",
        "ALX TRADING LIMITED", "token overlap alx", "L2 fired on T-1",
        "KYC, Supplement 3 to 15 CFR Part 732", "Ask for an end-use statement",
        "gb-2026-11", "h100_equivalents", "248,000", "NV-H100-SXM", "Proposed escalated",
        "Waiting for a second reviewer",
    ):  # fmt: skip
        assert text in page, text
    assert "<link" not in page and "src=" not in page  # no external assets


def test_text_from_input_data_renders_as_text(case):
    page = case_html(case)
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    index = run_index_html([case], {"run_id": SCRIPT, "counts": {"cases_opened": 1}})
    assert SCRIPT not in index


def test_run_index_lists_cases_highest_risk_first(sqlite_store, make_draft):
    drafts = [make_draft("LOW", ("T-L",), risk=41), make_draft("HIGH", ("T-H",), risk=93)]
    results = sqlite_store.upsert_drafts(drafts, RunInfo("r1", datetime(2026, 11, 2)))
    page = run_index_html([r.case for r in results], {"run_id": "r1"})
    assert page.index('href="cases/C-000002.html"') < page.index('href="cases/C-000001.html"')
    assert [case_json(r.case)["risk_score"] for r in results] == [41, 93]


@pytest.mark.parametrize("cell", ["=1+2", "+1", "-2+3", "@SUM(A1)", '=HYPERLINK("x")'])
def test_formula_cells_are_neutralized(cell):
    assert neutralize(cell) == "'" + cell
    assert neutralize("Acme Ltd") == "Acme Ltd" and neutralize(42) == 42


def test_csv_export_neutralizes_formulas_json_keeps_values(sqlite_store, make_draft, tmp_path):
    draft = make_draft("EVIL")
    draft.subject["name"] = '=HYPERLINK("http://x","click")'
    sqlite_store.upsert_drafts([draft, make_draft("FINE", ("T-2",))], RunInfo("r", datetime.now()))
    queue = sqlite_store.list_cases()

    assert export_queue(queue, tmp_path / "q.csv", "csv", utc_now()) == 2
    export_queue(queue, tmp_path / "q.json", "json", utc_now())

    rows = list(csv.DictReader((tmp_path / "q.csv").open(encoding="utf-8")))
    names = {r["case_id"]: r["subject_name"] for r in rows}
    assert names == {"C-000001": '\'=HYPERLINK("http://x","click")', "C-000002": "Customer FINE"}
    records = json.loads((tmp_path / "q.json").read_text(encoding="utf-8"))
    assert records[0]["subject_name"] == '=HYPERLINK("http://x","click")'
    with pytest.raises(ValueError, match="csv or json"):
        export_queue(queue, tmp_path / "q.xml", "xml", utc_now())


def test_case_page_marks_the_evidence_a_later_run_added(sqlite_store, make_draft):
    sqlite_store.upsert_drafts([make_draft(codes=("L2",))], RunInfo("r1", datetime(2026, 11, 2)))
    later = make_draft(transactions=("T-2",), codes=("Q4",))
    case = sqlite_store.upsert_drafts([later], RunInfo("r2", datetime(2026, 11, 3)))[0].case

    page = case_html(case)

    q4 = page.index("<strong>Q4</strong>")
    l2 = page.index("<strong>L2</strong>")
    assert "new evidence" in page[q4 : q4 + 400]
    assert "new evidence" not in page[l2 : l2 + 400]


def test_case_page_reads_per_transaction_evidence_as_text_not_json(case):
    """Grouped flags carry evidence per transaction and ML flags their top features; the
    page shows each value by name, so an investigator never reads a JSON blob."""
    case.flags[0].evidence = {
        "transactions": 1,
        "by_transaction": {"T-1": {"ship_to_country": "HK", "license_number": None}},
    }
    case.flags[1].evidence = {
        "by_transaction": {
            "T-1": {
                "score": 0.71,
                "top_features": [
                    {"feature": "h100_equivalents", "contribution": 0.31,
                     "text": "64.0 H100-eq, usually 2.0"},
                ],
            }
        }
    }  # fmt: skip
    page = case_html(case)
    assert "ship to country: HK; license number: none" in page
    assert "64.0 H100-eq, usually 2.0 (h100_equivalents, contribution 0.31)" in page
    assert "{&#34;" not in page and '{"' not in page
