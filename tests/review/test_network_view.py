"""The related parties panel and the network view: links built by the network code from
real order rows, stored on a case in a real store, shown in the static case file as a list
and in the review app as a server-rendered SVG, opened in Chromium."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from review_fixtures import PASSWORD, SECRET, make_draft

from cases.related import store_context
from cases.render import case_html
from cases.store import CaseStore, RunInfo, utc_now
from cases.webapp import create_app
from detectors.network.flags import related_parties
from detectors.network.graph import build_network
from detectors.network.links import contact_rules, order_links

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def ring_orders() -> pd.DataFrame:
    rows = [
        ("CUST-0100", "Lumen Compute Pte", "5 Kaki Bukit Rd 2, Singapore", "+65 6000 1111", "Golden Bridge Ltd"),
        ("CUST-0101", "Apex Servers Pte", "5 Kaki Bukit Road 2 Singapore", "+65 6000 2222", None),
        ("CUST-0102", "Red Lotus Trading", "9 Queens Road Central Hong Kong", "+65 6000 2222", None),
        ("CUST-0103", "Pearl Data Ltd", None, None, "GOLDEN BRIDGE LTD."),
    ]  # fmt: skip
    return pd.DataFrame(
        rows,
        columns=[
            "customer_id",
            "customer_name",
            "customer_address",
            "customer_phone",
            "payer_name",
        ],  # fmt: skip
    ).assign(customer_country="SG", transaction_id=lambda f: "T-" + f["customer_id"])


def related_of(store: CaseStore) -> dict:
    policy = yaml.safe_load((ROOT / "configs" / "policy" / "default.yaml").read_text())
    matching = yaml.safe_load((ROOT / "configs" / "matching.yaml").read_text())
    rules = contact_rules(policy, matching["names"]["address_abbreviations"], {})
    network = build_network(order_links(ring_orders().astype("str"), rules))
    listed = pd.DataFrame(
        {
            "party": ["customer:CUST-0102"],
            "listed_as": ["Entity List hit in this run: RED LOTUS TRADING (0.97)"],
        }
    )
    _, cased = store_context(store.engine)
    return related_parties(network, ["customer:CUST-0100"], listed, cased)["customer:CUST-0100"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    case_store = CaseStore(f"sqlite:///{tmp_path_factory.mktemp('net') / 'cases.db'}")
    linked = make_draft(101, "medium", name="Apex Servers Pte")
    case_store.upsert_drafts([linked], RunInfo("run-1", utc_now()))  # C-000001
    subject = make_draft(100, "high", name="Lumen Compute Pte")
    subject.related = related_of(case_store)
    case_store.upsert_drafts([subject], RunInfo("run-2", utc_now()))  # C-000002
    case_store.add_user("ann", "analyst", PASSWORD)
    yield case_store
    case_store.close()


def test_the_case_json_and_the_static_case_file_list_the_related_parties(store):
    case = store.get_case("C-000002")
    related = case.to_json()["related"]
    by_party = {link["party"]: link for link in related["links"]}
    assert by_party["customer:CUST-0101"]["case_id"] == "C-000001"
    assert by_party["customer:CUST-0101"]["why"].startswith("shares the address")
    assert by_party["customer:CUST-0102"]["hop"] == 2
    assert by_party["customer:CUST-0102"]["listed_as"].startswith("Entity List")
    assert by_party["payer:golden bridge ltd"]["kind"] == "payer"
    assert (
        by_party["customer:CUST-0103"]["why"].lower() == "paid by the same payer golden bridge ltd"
    )
    html = case_html(case)
    assert "Related parties and cases (4)" in html
    assert "Red Lotus Trading" in html and "C-000001" in html and "listed" in html
    assert "<script" not in html


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"the browser test needs Chromium at {CHROMIUM}")
def test_the_network_view_shows_the_listed_party_and_the_linked_case(store):
    playwright = pytest.importorskip("playwright.sync_api", reason="needs playwright")
    uvicorn = pytest.importorskip("uvicorn", reason="serves the app with uvicorn")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(store, SECRET),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    try:
        with playwright.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            refused: list[str] = []
            page.on("console", lambda m: refused.append(m.text)
                    if "Content Security Policy" in m.text else None)  # fmt: skip
            page.goto(f"{base}/cases/C-000002")
            page.fill("input[name=username]", "ann")
            page.fill("input[name=password]", PASSWORD)
            page.click("button:has-text('Log in')")
            page.wait_for_url(f"{base}/cases/C-000002")
            view = page.locator("#network-view")
            assert view.is_visible()
            listed = view.locator("g.node.listed")
            assert listed.count() == 1
            assert listed.get_attribute("data-party") == "customer:CUST-0102"
            linked_case = view.locator("g.node.open-case")
            assert linked_case.get_attribute("data-party") == "customer:CUST-0101"
            assert "C-000001" in (linked_case.text_content() or "")
            assert view.locator("g.edge.address").count() >= 1
            assert view.locator("g.edge.phone").count() >= 1
            assert page.locator("table.related a:has-text('C-000001')").is_visible()
            view.scroll_into_view_if_needed()
            (ROOT / "docs").mkdir(exist_ok=True)
            view.screenshot(path=str(ROOT / "docs" / "network-view.png"))
            page.locator("table.related a:has-text('C-000001')").click()
            page.wait_for_url(f"{base}/cases/C-000001")
            assert refused == []
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
