"""End to end in a real browser: Playwright driving Debian's Chromium against the app
served by uvicorn on 127.0.0.1. The README's screenshots are rendered from a demo
workspace by docs/screenshots/render.py; these tests keep theirs in a temporary folder."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from review_fixtures import PASSWORD, SECRET, XSS_NAME, seed_store

from cases.store import CaseStore
from cases.webapp import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
README_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

playwright_api = pytest.importorskip(
    "playwright.sync_api",
    reason="the browser tests need the playwright package (pip install playwright)",
)
if not CHROMIUM.exists():
    pytest.skip(f"the browser tests need Chromium at {CHROMIUM} (apt-get install chromium)",
                allow_module_level=True)  # fmt: skip
uvicorn = pytest.importorskip("uvicorn", reason="the browser tests serve the app with uvicorn")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over a freshly seeded store, served by uvicorn in a background thread."""
    store = CaseStore(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'cases.db'}")
    seed_store(store)
    port = _free_port()
    config = uvicorn.Config(create_app(store, SECRET), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="off")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start the review app")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    store.close()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def dialogs() -> list[str]:
    return []


@pytest.fixture
def page(browser, dialogs) -> Iterator:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()


def log_in(page, base_url: str, name: str, path: str = "/queue") -> None:
    page.goto(f"{base_url}{path}")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{base_url}{path}")


def log_out(page) -> None:
    page.click("button:has-text('Log out')")
    page.wait_for_url("**/login")


def test_an_unauthenticated_visit_lands_on_the_login(page, base_url):
    page.goto(f"{base_url}/cases/C-000001")
    assert page.url == f"{base_url}/login?next=/cases/C-000001"
    assert page.locator("h1").inner_text() == "Log in"


def test_decide_a_case_and_see_the_audit_entry(page, base_url, tmp_path):
    log_in(page, base_url, "ann")
    assert page.locator("table.queue tbody tr").count() == 10
    page.screenshot(path=str(tmp_path / "queue.png"), full_page=False)
    page.click("a:has-text('C-000001')")
    page.wait_for_url(f"{base_url}/cases/C-000001")
    assert page.locator("text=ALX TRADING LIMITED").first.is_visible()
    page.screenshot(path=str(tmp_path / "case.png"), full_page=True)

    page.click("a:has-text('← queue')")
    page.click("a:has-text('C-000004')")
    page.click("button:has-text('Take this case')")
    page.wait_for_url(f"{base_url}/cases/C-000004?done=assigned#timeline")
    form = page.locator("form.decide")
    form.locator("select[name=outcome]").select_option("cleared")
    form.locator("textarea[name=rationale]").fill("Customer visited; data centre in Singapore")
    form.locator("button").click()
    page.wait_for_url(f"{base_url}/cases/C-000004?done=decided#timeline")
    last = page.locator("#timeline li").last
    assert "Decided: cleared" in last.inner_text() and "ann" in last.inner_text()
    assert "Customer visited; data centre in Singapore" in last.inner_text()
    assert page.locator(".badge:has-text('cleared')").count() == 1


def test_four_eyes_with_two_users(page, base_url):
    log_in(page, base_url, "ann", "/cases/C-000005")
    page.click("button:has-text('Take this case')")
    page.wait_for_url(f"{base_url}/cases/C-000005?done=assigned#timeline")
    form = page.locator("form.decide")
    form.locator("select[name=outcome]").select_option("escalated")
    form.locator("textarea[name=rationale]").fill("Third-party payer in HK")
    form.locator("button").click()
    assert page.locator(".pending").first.is_visible()
    assert page.locator("text=You proposed it; another person must approve.").is_visible()
    assert page.locator("form.approve button").count() == 0  # not for the proposer
    log_out(page)

    log_in(page, base_url, "bob", "/cases/C-000005")
    page.fill("form.approve input[name=note]", "Agree, escalate")
    page.click("form.approve button")
    page.wait_for_url("**/cases/C-000005?done=approved#timeline")
    last = page.locator("#timeline li").last.inner_text()
    assert "Decided: escalated" in last and "bob" in last and "in review → escalated" in last


def test_four_eyes_rules_hold_in_the_browser(page, base_url):
    """Finding 1: an analyst alone cleared a strong Entity List hit, suppressing it for a
    year, and the Decide form started on "cleared"."""
    log_in(page, base_url, "ann", "/cases/C-000001")
    assert page.locator("text=Hard stop: list hit csl:EL-77 scored 0.93").is_visible()
    page.click("button:has-text('Take this case')")
    page.wait_for_url(f"{base_url}/cases/C-000001?done=assigned#timeline")
    form = page.locator("form.decide")
    outcome = form.locator("select[name=outcome]")
    assert outcome.input_value() == ""  # no default outcome
    form.locator("textarea[name=rationale]").fill("Different company")
    form.locator("button").click()  # the browser refuses the form without an outcome
    assert page.url == f"{base_url}/cases/C-000001?done=assigned#timeline"
    assert outcome.evaluate("e => e.validity.valueMissing")
    assert "cleared (needs a second person)" in outcome.inner_text()
    outcome.select_option("cleared")
    form.locator("input[name=suppress]").check()
    form.locator("input[name=suppress_days]").fill("365")
    form.locator("button").click()
    page.wait_for_url(f"{base_url}/cases/C-000001?done=decided#timeline")
    assert "cleared" in page.locator("form.approve").inner_text()
    assert "for 365 days" in page.locator("form.approve").inner_text()
    assert page.locator("form.approve button").count() == 0  # not for the proposer
    log_out(page)

    log_in(page, base_url, "bob", "/cases/C-000001")
    page.fill("form.approve input[name=note]", "Checked the address: another firm")
    page.click("form.approve button")
    page.wait_for_url("**/cases/C-000001?done=approved#timeline")
    last = page.locator("#timeline li").last.inner_text()
    assert "Decided: cleared" in last and "bob" in last and "in review → cleared" in last


def test_a_hostile_party_name_renders_as_text(page, base_url, dialogs):
    log_in(page, base_url, "carol")
    assert page.locator(f"text={XSS_NAME}").first.is_visible()
    page.click("a:has-text('C-000002')")
    page.wait_for_load_state("load")
    assert XSS_NAME in page.locator("h1").inner_text()
    assert page.locator("img").count() == 0
    page.wait_for_timeout(200)
    assert dialogs == []


def test_a_form_posted_without_its_csrf_token_is_refused(page, base_url):
    log_in(page, base_url, "bob", "/cases/C-000008")
    page.evaluate("document.querySelectorAll('input[name=csrf_token]').forEach(e => e.remove())")
    page.fill("form.action textarea[name=note]", "this note should not land")
    page.click("button:has-text('Add note')")
    assert page.locator("h1").inner_text() == "403"
    page.goto(f"{base_url}/cases/C-000008")
    assert "this note should not land" not in page.content()


def test_dashboard_charts_render_in_the_browser(page, base_url, tmp_path):
    log_in(page, base_url, "root", "/dashboard")
    assert page.locator("figure.chart svg").count() >= 5
    assert page.locator("figure.chart rect").first.bounding_box()["width"] > 0
    page.click("figure.chart svg a >> nth=0")  # a bar opens the queue it counts
    page.wait_for_url("**/queue?priority=high")
    page.goto(f"{base_url}/dashboard")
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)


def test_screenshots_exist_for_the_readme():
    for name in ("queue.png", "case.png", "dashboard.png"):
        shot = README_SHOTS / name
        assert shot.exists() and shot.stat().st_size > 10_000, f"{shot} was not written"
