"""The investigator's workbench through HTTP: finding a case (search, sort, filters, saved
views, pages), reading it (side-by-side cards, history, warnings), working on it
(attachments, suppressions, bulk assignment, the evidence export) and the dashboard."""

from __future__ import annotations

import json
import re
import stat
from dataclasses import replace
from datetime import timedelta

import pytest
from review_fixtures import SECRET, TestClient, csrf_of, make_draft, post_form

from cases.accounts import Actor
from cases.model import WatchlistMatch
from cases.store import RunInfo, utc_now
from cases.webapp import create_app
from cases.webapp.trends import iso_week
from cases.workflow import CaseWorkflow

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _ids(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'href="/cases/(C-\d+)"', html)))


@pytest.fixture
def files_client(store, tmp_path):
    app = create_app(store, SECRET, attachments=tmp_path / "attachments")
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def _listed_party_draft(number: int, **changes):
    """A case whose customer is also its payer, both matching one list entry."""
    draft = make_draft(number, "high", name=f"Kunlun Photonics {number}")
    entry = {"name": f"KUNLUN PHOTONICS {number} CO", "aliases": ["Kunlun Optics"],
             "addresses": ["8 Gaoxin Road, Shenzhen"], "countries": ["CN"],
             "remarks": "DOB 1970-01-01; Registration Number 9144030012345",
             "source_urls": ["https://example.gov/record/77"], "citation": "85 FR 83420"}  # fmt: skip
    matches = [
        WatchlistMatch(role, f"Kunlun Photonics {number}", "Entity List", f"csl:EL-{number}",
                       entry["name"], score, "token overlap kunlun, photonics", draft.transaction_ids,
                       list_code="EL", entry=entry)
        for role, score in (("customer", 0.97), ("payer", 0.95))
    ]  # fmt: skip
    parties = [*draft.parties, {"role": "payer", "name": f"Kunlun Photonics {number}",
                                "country": "CN", "address": "8 Gaoxin Rd"}]  # fmt: skip
    subject = {**draft.subject, "country": "CN"}
    return replace(draft, watchlist_matches=matches, parties=parties, subject=subject, **changes)


# ---- finding a case ---------------------------------------------------------------------


def test_search_finds_a_case_by_each_kind_of_name_and_id(client, store, login):
    store.upsert_drafts([_listed_party_draft(60)], RunInfo("r60", utc_now()))
    login(client, "ann")
    found = {
        "customer word": _ids(client.get("/queue?q=kunlun").text),
        "two words, any order": _ids(client.get("/queue?q=photonics+KUNLUN").text),
        "party (payer) name": _ids(client.get("/queue?q=far+east+payments").text),
        "transaction id": _ids(client.get("/queue?q=t-60-2").text),
        "list entry name": _ids(client.get("/queue?q=kunlun+co").text),
        "case number": _ids(client.get("/queue?q=11").text),
        "customer id": _ids(client.get("/queue?q=CUST-0060").text),
    }
    assert found["customer word"] == ["C-000011"]
    assert found["two words, any order"] == ["C-000011"]
    assert len(found["party (payer) name"]) == 11  # every case has that payer
    assert found["transaction id"] == ["C-000011"]
    assert found["list entry name"] == ["C-000011"]
    assert "C-000011" in found["case number"]
    assert found["customer id"] == ["C-000011"]
    assert _ids(client.get("/queue?q=nobody+here").text) == []


def test_sort_orders_and_filters_and_pages_keep_them(client, store, login):
    drafts = [make_draft(n, "low") for n in range(200, 260)]
    for i, draft in enumerate(drafts):
        for line in draft.transactions:
            line["order_value_usd"] = 1e7 * (i + 1)
    store.upsert_drafts(drafts, RunInfo("bulk", utc_now()))
    login(client, "ann")
    by_value = client.get("/queue?sort=value").text
    rows = store.get_cases(_ids(by_value)[:3])
    values = [sum(t["order_value_usd"] for t in c.transactions) for c in rows]
    assert values == sorted(values, reverse=True) and values[0] == 2 * 60 * 1e7
    oldest = _ids(client.get("/queue?sort=age").text)
    assert oldest[0] == "C-000001"  # seeded two hours before the others
    due = _ids(client.get("/queue?sort=due").text)
    due_dates = [c.due_at for c in store.get_cases(due)]
    assert due_dates == sorted(due_dates)
    page = client.get("/queue?priority=low&sort=value&q=harbour").text
    assert "page 1 of 2" in page
    assert 'href="/queue?q=harbour&amp;sort=value&amp;priority=low&amp;page=2"' in page
    second = _ids(client.get("/queue?priority=low&sort=value&q=harbour&page=2").text)
    assert second and all(c.priority == "low" for c in store.get_cases(second))
    assert client.get("/queue?sort=sideways").status_code == 400


def test_filters_by_flag_list_and_country(client, store, login):
    store.upsert_drafts([_listed_party_draft(61)], RunInfo("r61", utc_now()))
    login(client, "ann")
    html = client.get("/queue").text
    assert '<option value="EL">' in html and '<option value="CN">China (CN)</option>' in html
    assert "Third-party payer" in html  # the rows show the flags by title
    assert _ids(client.get("/queue?list=EL").text) == ["C-000001", "C-000011"]
    assert _ids(client.get("/queue?country=CN").text) == ["C-000011"]
    assert _ids(client.get("/queue?country=cn&list=EL").text) == ["C-000011"]
    assert len(_ids(client.get("/queue?flag=F1").text)) == 11
    assert _ids(client.get("/queue?flag=P1&country=SG").text) == ["C-000001"]


def test_in_review_is_split_from_awaiting_approval_and_the_saved_views(client, store, login):
    login(client, "bob")
    post_form(client, "/cases/C-000004/assign", {"assignee": "ann"}, page="/cases/C-000004")
    post_form(client, "/cases/C-000005/assign", {"assignee": "ann"}, page="/cases/C-000005")
    login(client, "ann")
    post_form(client, "/cases/C-000005/decide",
              {"outcome": "escalated", "rationale": "payer in HK"}, page="/cases/C-000005")  # fmt: skip
    assert set(_ids(client.get("/queue?view=mine").text)) == {"C-000004", "C-000005"}
    assert _ids(client.get("/queue?status=in_review").text) == ["C-000004"]
    assert _ids(client.get("/queue?status=awaiting_approval").text) == ["C-000005"]
    assert _ids(client.get("/queue?view=approval").text) == []  # ann proposed it
    queue = client.get("/queue").text
    assert "awaiting approval" in queue and "escalated proposed by ann" in queue
    login(client, "bob")
    assert _ids(client.get("/queue?view=approval").text) == ["C-000005"]
    unassigned = _ids(client.get("/queue?view=unassigned").text)
    assert "C-000004" not in unassigned and len(unassigned) == 8


def test_bulk_assignment_by_a_reviewer_only(client, store, login):
    login(client, "ann")
    token = csrf_of(client.get("/queue").text)
    refused = client.post("/queue/assign", data={"csrf_token": token, "case_id": "C-000003",
                                                 "assignee": "ann"})  # fmt: skip
    assert refused.status_code == 403
    login(client, "bob")
    page = client.get("/queue").text
    assert 'name="case_id" value="C-000003"' in page
    done = client.post(
        "/queue/assign",
        content="&".join(
            [
                f"csrf_token={csrf_of(page)}",
                "case_id=C-000003",
                "case_id=C-000006",
                "assignee=carol",
            ]
        ),  # fmt: skip
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/queue?done=assigned"
    assert {c.assignee for c in store.get_cases(["C-000003", "C-000006"])} == {"carol"}
    assert "Saved: the cases were assigned." in client.get("/queue?done=assigned").text
    no_token = client.post("/queue/assign", data={"case_id": "C-000007", "assignee": "carol"})
    assert no_token.status_code == 403 and store.get_case("C-000007").assignee is None


def test_taking_a_case_never_silently_takes_a_colleagues(client, store, login):
    login(client, "bob")
    page = client.get("/cases/C-000008").text  # bob sees it unassigned
    assert 'name="expected_assignee" value=""' in page
    login(client, "carol")
    post_form(client, "/cases/C-000008/assign", {"assignee": "carol", "expected_assignee": ""},
              page="/cases/C-000008")  # fmt: skip
    login(client, "bob")  # ...and takes it with the page he saw
    late = client.post("/cases/C-000008/assign", follow_redirects=False, data={
        "csrf_token": csrf_of(client.get("/queue").text), "assignee": "bob",
        "expected_assignee": ""})  # fmt: skip
    assert late.status_code == 409 and "now assigned to carol" in late.text
    assert store.get_case("C-000008").assignee == "carol"
    page = client.get("/cases/C-000008").text
    assert "Reassign from carol" in page
    moved = post_form(client, "/cases/C-000008/assign", {"assignee": "bob",
                      "expected_assignee": "carol"}, page="/cases/C-000008")  # fmt: skip
    assert moved.headers["location"] == "/cases/C-000008?done=assigned#timeline"
    page = client.get(moved.headers["location"]).text
    assert "Saved: the case is assigned." in page and "Reassigned from carol to bob" in page


# ---- reading a case ---------------------------------------------------------------------


def test_one_card_per_party_and_entry_side_by_side_with_links(client, store, login):
    store.upsert_drafts([_listed_party_draft(62)], RunInfo("r62", utc_now()))
    login(client, "ann")
    html = client.get("/cases/C-000011").text
    assert html.count('<article class="card') == 1  # customer and payer: one card
    assert "as customer, payer" in html and "calibrated score <strong>0.97</strong>" in html
    assert '<span class="badge strength strong">strong</span>' in html
    for shown in ("Kunlun Optics", "8 Gaoxin Road, Shenzhen", "China (CN)", "1970-01-01",
                  "Registration Number 9144030012345", "customer id CUST-0062",
                  'href="https://example.gov/record/77"',
                  'href="https://www.federalregister.gov/citation/85-FR-83420"',
                  'href="#order-T-62-1"', 'href="/runs/r62"'):  # fmt: skip
        assert shown in html, shown
    assert "strength strong" in client.get("/cases/C-000001").text  # 0.93: strong
    assert "4</td>" in html and "4.00" not in html.split('id="orders"')[1].split("</table>")[0]


def test_case_page_shows_history_earlier_decisions_and_unchecked_rules(client, store, login):
    first = make_draft(70, "medium")
    store.upsert_drafts([first], RunInfo("r70", utc_now() - timedelta(days=40)))
    CaseWorkflow(store).decide("C-000011", "cleared", "known data centre", _actor(store, "bob"))
    later = replace(make_draft(70, "low"), transaction_ids=["T-70-9"])
    later.transactions = [{**first.transactions[0], "transaction_id": "T-70-9",
                           "order_date": "2026-11-26", "quantity": 64.0,
                           "order_value_usd": 2_240_000.0}]  # fmt: skip
    later.flags = [replace(f, transaction_ids=["T-70-9"]) for f in later.flags]
    later.not_evaluable = [
        {
            "code": "E1",
            "title": "Controlled item, no licence",
            "reason": "needs column(s) license_number",
            "hard_stop": True,
        }
    ]
    later.order_history = {"points": [["2026-10-02", 35000.0, 1, 1.0]], "lines": 1,
                           "first_day": "2026-10-02", "last_day": "2026-10-02",
                           "largest_line_usd": 35000.0}  # fmt: skip
    store.upsert_drafts([later], RunInfo("r71", utc_now()))
    login(client, "ann")
    html = client.get("/cases/C-000012").text
    assert "1 rule(s) could not run on this customer's orders" in html
    assert html.index("could not run") < html.index("Red flags")  # a warning at the top
    assert "needs column(s) license_number" in html and "hard stop" in html
    assert "1 earlier order line(s) since 2026-10-02" in html and "<rect" in html
    earlier = html.split("Earlier cases of this customer")[1].split("</table>")[0]
    assert "C-000011" in earlier and "cleared by bob" in earlier and "known data centre" in earlier
    assert "64</td>" in html and "due in" in html and "Opened by the daily screening" in html


def _actor(store, name: str) -> Actor:
    account = store.accounts.active(name)
    return Actor(account.name, account.role)


# ---- working on a case ------------------------------------------------------------------


def _upload(client, case_id, data, name="eus.pdf", kind="end_use_statement"):
    token = csrf_of(client.get(f"/cases/{case_id}").text)
    return client.post(f"/cases/{case_id}/attachments", data={"csrf_token": token, "kind": kind,
                       "note": "signed by the end user"}, files={"file": (name, data)},
                       follow_redirects=False)  # fmt: skip


def test_attachments_are_checked_kept_private_and_audited(files_client, store, login, tmp_path):
    client = files_client
    login(client, "ann")
    assert _upload(client, "C-000003", PDF).status_code == 403  # not assigned to ann
    post_form(client, "/cases/C-000003/assign", {"assignee": "ann", "expected_assignee": ""},
              page="/cases/C-000003")  # fmt: skip
    done = _upload(client, "C-000003", PDF)
    assert done.status_code == 303 and done.headers["location"].endswith("done=attached#files")
    for data, name in ((b"<html><script>alert(1)</script></html>", "eus.pdf"),
                       (b"MZ\x90\x00\x03binary", "licence.pdf"), (b"", "empty.pdf")):  # fmt: skip
        refused = _upload(client, "C-000003", data, name)
        assert refused.status_code == 400 and "The file was not kept" in refused.text
    too_big = _upload(client, "C-000003", PDF + b"0" * (10 * 1024 * 1024))
    assert too_big.status_code == 400 and "over the limit of 10 MB" in too_big.text
    digest = __import__("hashlib").sha256(PDF).hexdigest()
    kept = tmp_path / "attachments" / "C-000003" / digest
    assert kept.read_bytes() == PDF and stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700
    event = store.get_case("C-000003").history[-1]
    assert event["event"] == "attachment_added" and event["details"]["sha256"] == digest
    page = client.get("/cases/C-000003").text
    assert "eus.pdf" in page and digest in page and "Attached end_use_statement" in page
    download = client.get("/cases/C-000003/attachments/1")
    assert download.content == PDF and download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith('attachment; filename="eus.pdf"')
    assert "sandbox" in download.headers["content-security-policy"]
    assert client.get("/cases/C-000004/attachments/1").status_code == 404  # another case's
    kept.write_bytes(PDF + b"changed")
    assert client.get("/cases/C-000003/attachments/1").status_code == 409


def test_suppressions_are_listed_and_a_reviewer_lifts_one(client, store, login):
    workflow = CaseWorkflow(store)
    workflow.decide("C-000001", "cleared", "another firm", _actor(store, "bob"), 90)
    workflow.approve("C-000001", _actor(store, "carol"), "agreed")
    login(client, "ann")
    page = client.get("/suppressions").text
    assert "Alx Trading Ltd" in page and "csl:EL-77" in page and "Lift</button>" not in page
    token = csrf_of(page)
    refused = client.post("/suppressions/1/revoke", data={"csrf_token": token, "reason": "x"})
    assert refused.status_code == 403
    login(client, "bob")
    lifted = post_form(client, "/suppressions/1/revoke", {"reason": "the firm changed hands"},
                       page="/suppressions")  # fmt: skip
    assert lifted.status_code == 303
    assert store.list_suppressions() == []
    assert "Saved: the suppression is lifted." in client.get("/suppressions?done=1").text
    assert "revoked by bob" in client.get("/suppressions?all=1").text
    timeline = client.get("/cases/C-000001").text
    assert "Lifted the suppression of Alx Trading Ltd" in timeline
    assert "the hit of Alx Trading Ltd on list entry csl:EL-77 is suppressed until" in timeline
    assert "{&#39;" not in timeline  # no raw JSON in the timeline


def test_evidence_export_as_html_and_pdf(files_client, store, login):
    client = files_client
    login(client, "bob")
    _upload(client, "C-000001", PDF, name="licence D123.pdf", kind="licence")
    CaseWorkflow(store).decide("C-000001", "escalated", "hold the order", _actor(store, "bob"))
    html = client.get("/cases/C-000001/export").text
    for shown in ("Evidence export of case C-000001", "Draft voluntary self-disclosure narrative",
                  "15 CFR 764.5", "Alx Trading Ltd", "licence D123.pdf", "Decisions (1)",
                  "hold the order", "Initial notification", "Corrective actions"):  # fmt: skip
        assert shown in html, shown
    assert "<script" not in html and "<style" not in html  # the app's CSP holds
    pdf = client.get("/cases/C-000001/export.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"] == 'attachment; filename="C-000001-evidence.pdf"'


def test_dashboard_trends_link_to_the_filtered_queue(client, store, login):
    workflow = CaseWorkflow(store)
    for case_id in ("C-000003", "C-000004", "C-000006"):
        workflow.decide(case_id, "cleared", "fine", _actor(store, "bob"))
    login(client, "ann")
    html = client.get("/dashboard").text
    assert "Cases opened by week" in html and "False-positive share by red flag" in html
    assert "100 % of 3 decided" in html  # L2 and F1 were on all three, all cleared
    assert 'href="/queue?flag=L2&amp;status=cleared"' in html
    week = iso_week(utc_now())
    assert f'href="/queue?opened={week}&amp;status=all"' in html
    assert len(_ids(client.get(f"/queue?opened={week}&status=all").text)) == 10
    assert client.get("/queue?opened=2026-13").status_code == 400


def test_static_case_file_and_run_index_read_as_text(store, tmp_path):
    from cases.render import case_html, run_index_html

    case = store.get_case("C-000001")
    html = case_html(case)
    assert '"Segoe UI"' in html and "&#34;Segoe UI&#34;" not in html
    assert "Noto Sans CJK SC" in html
    summary = {"run_id": "r", "counts": {"rows_read": 1200, "reject_reasons": {"bad date": 2}}}
    index = run_index_html([case], summary)
    assert "bad date: 2" in index and "{&#34;" not in index and '{"bad' not in index
    assert json.dumps({"bad date": 2}) not in index


def test_a_file_over_the_limit_is_stopped_before_it_is_read(files_client, login):
    client = files_client
    login(client, "bob")
    response = client.post("/cases/C-000001/attachments", content=b"x" * 100,
                           headers={"content-type": "multipart/form-data; boundary=x",
                                    "content-length": str(20 * 1024 * 1024)})  # fmt: skip
    assert response.status_code == 413


def test_no_attachment_form_without_a_place_to_keep_files(client, login):
    login(client, "bob")
    assert 'action="/cases/C-000001/attachments"' not in client.get("/cases/C-000001").text
    token = csrf_of(client.get("/cases/C-000001").text)
    response = client.post("/cases/C-000001/attachments", data={"csrf_token": token},
                           files={"file": ("a.pdf", PDF)})  # fmt: skip
    assert response.status_code in (404, 413)
