"""The workbench in a real browser (Playwright driving Debian's Chromium): search, sort
and filters, the side-by-side card and the history, attachments and the export, keyboard
reach and narrow widths, with axe-core run on every page."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from review_fixtures import PASSWORD, SECRET, seed_store
from test_workbench import PDF, _listed_party_draft

from cases.store import CaseStore, RunInfo, utc_now
from cases.webapp import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking"]  # fmt: skip

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="the browser tests need the playwright package"
)
axe_package = pytest.importorskip(
    "axe_playwright_python",
    reason="the accessibility checks need axe-core, shipped by axe-playwright-python "
    "(pip install -e '.[test]')",
)
if not CHROMIUM.exists():
    pytest.skip(f"the browser tests need Chromium at {CHROMIUM} (apt-get install chromium)",
                allow_module_level=True)  # fmt: skip
uvicorn = pytest.importorskip("uvicorn", reason="the browser tests serve the app with uvicorn")
AXE = (Path(axe_package.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
WIDTHS = (390, 768, 1280)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("workbench")
    store = CaseStore(f"sqlite:///{folder / 'cases.db'}")
    seed_store(store)
    store.upsert_drafts([_listed_party_draft(80)], RunInfo("run-80", utc_now()))
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(store, SECRET, attachments=folder / "attachments")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))  # fmt: skip
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


def _page(browser, base_url: str, user: str = "bob", width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{base_url}/queue")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Log in')")
    page.wait_for_url(f"{base_url}/queue")
    return context, page


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page, one line each (rule, impact, first element)."""
    page.evaluate(AXE)
    found = page.evaluate(
        "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
        "v => `${v.id} (${v.impact}): ${v.nodes.length} element(s), e.g. ${v.nodes[0].target}`))"
    )
    return list(found)


PAGES = ["/queue", "/queue?view=mine", "/queue?q=kunlun&sort=value", "/cases/C-000001",
         "/cases/C-000011", "/cases/C-000011/export", "/dashboard", "/runs",
         "/runs/run-2026-11-26", "/suppressions"]  # fmt: skip


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_is_axe_clean_and_fits_the_width(browser, base_url, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    login = context.new_page()
    login.goto(f"{base_url}/login")
    assert axe_violations(login) == [], "/login"
    context.close()
    context, page = _page(browser, base_url, width=width)
    for path in PAGES:
        page.goto(f"{base_url}{path}")
        assert axe_violations(page) == [], path
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} is {overflow}px wider than {width}px"
        if not path.endswith("/export"):  # the export is a document of its own, to print
            logout = page.locator("button:has-text('Log out')").bounding_box()
            assert logout and logout["x"] + logout["width"] <= width, f"Log out off-screen: {path}"
    context.close()


def test_search_sort_and_filters(browser, base_url):
    context, page = _page(browser, base_url)
    page.fill("input[name=q]", "kunlun photonics")
    page.click("form.filters button:has-text('Show')")
    page.wait_for_url("**/queue?**q=kunlun+photonics**")
    assert page.locator("table.queue tbody tr").count() == 1
    assert "C-000011" in page.locator("table.queue tbody").inner_text()
    page.goto(f"{base_url}/queue")
    page.select_option("select[name=sort]", "value")
    page.select_option("select[name=country]", "CN")
    page.click("form.filters button:has-text('Show')")
    page.wait_for_url("**sort=value**")
    rows = page.locator("table.queue tbody tr")
    assert rows.count() == 1 and "China (CN)" in rows.first.inner_text()
    page.goto(f"{base_url}/queue?flag=F1&sort=due")
    assert page.locator("select[name=flag]").input_value() == "F1"
    assert page.locator("table.queue tbody tr").count() == 11
    first_flags = page.locator("table.queue tbody tr").first.inner_text()
    assert "Third-party payer" in first_flags  # the flags by title
    context.close()


def test_side_by_side_card_history_attachment_and_export(browser, base_url):
    context, page = _page(browser, base_url)
    page.goto(f"{base_url}/cases/C-000011")
    card = page.locator("article.card")
    assert card.count() == 1 and "as customer, payer" in card.inner_text()
    table = card.locator("table.sidebyside")
    assert table.locator("th:has-text('Party on the order')").is_visible()
    row = table.locator("tr:has(th:has-text('Identifiers'))").inner_text()
    assert "customer id CUST-0080" in row and "Registration Number 9144030012345" in row
    assert page.locator("figure.history svg rect").count() >= 1
    page.select_option("form[enctype] select[name=kind]", "licence")
    page.set_input_files("form[enctype] input[type=file]",
                         files=[{"name": "licence.pdf", "mimeType": "application/pdf",
                                 "buffer": PDF}])  # fmt: skip
    page.click("form[enctype] button:has-text('Attach')")
    page.wait_for_url("**/cases/C-000011?done=attached#files")
    assert page.locator("[role=status]").inner_text().startswith("Saved")
    assert page.locator("#files ~ div table a:has-text('licence.pdf')").count() == 1
    page.click("a:has-text('evidence export')")
    page.wait_for_url("**/cases/C-000011/export")
    assert page.locator("h2:has-text('Draft voluntary self-disclosure narrative')").is_visible()
    assert "licence.pdf" in page.locator("#files").locator("..").inner_text()
    pdf = page.request.get(f"{base_url}/cases/C-000011/export.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    context.close()


def test_keyboard_reaches_the_first_case_and_the_tables(browser, base_url):
    context, page = _page(browser, base_url)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the content"
    page.keyboard.press("Enter")
    presses = 0
    while presses < 25:
        page.keyboard.press("Tab")
        presses += 1
        href = page.evaluate("document.activeElement.getAttribute('href') || ''")
        if href.startswith("/cases/"):
            break
    assert href.startswith("/cases/") and presses <= 20, presses
    region = page.locator("div.scroll[role=region]").first
    region.focus()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "region"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # a visible focus
    page.goto(f"{base_url}/cases/C-000011")
    orders = page.locator("div.scroll[aria-label='Order lines table']")
    orders.focus()
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        "Order lines table"
    )
    context.close()


def test_narrow_widths_keep_the_case_page_usable(browser, base_url, tmp_path):
    for width in (390, 768):
        context, page = _page(browser, base_url, width=width)
        page.goto(f"{base_url}/cases/C-000011")
        assert page.locator("aside.actions").bounding_box()["width"] <= width
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        page.screenshot(path=str(tmp_path / f"case-{width}.png"), full_page=True)
        context.close()
