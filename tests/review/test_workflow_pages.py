"""The queue, the case page and its forms, run pages and the dashboard, through HTTP."""

from __future__ import annotations

import re
from datetime import timedelta

from review_fixtures import XSS_NAME, make_draft, post_form

from cases.store import RunInfo, utc_now


def _case_ids(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'href="/cases/(C-\d+)"', html)))


def test_queue_lists_high_priority_first_with_counts(client, login):
    login(client, "ann")
    html = client.get("/queue").text
    ids = _case_ids(html)
    assert len(ids) == 10
    priorities = re.findall(r'<span class="badge (high|medium|low)">', html)
    assert priorities == sorted(priorities, key=["high", "medium", "low"].index)
    assert 'href="/queue?status=open&amp;priority=high">5</a>' in html  # 2 + n%3==0 for 3,6,9


def test_queue_filters_by_priority_assignee_and_overdue(client, store, login):
    login(client, "bob")
    low = _case_ids(client.get("/queue?priority=low").text)
    assert low and all(store.get_case(i).priority == "low" for i in low)
    post_form(client, "/cases/C-000004/assign", {"assignee": "carol"}, page="/cases/C-000004")
    assert _case_ids(client.get("/queue?assignee=carol").text) == ["C-000004"]
    assert _case_ids(client.get("/queue?overdue=1").text) == []
    late = make_draft(99, "high")
    store.upsert_drafts([late], RunInfo("late-run", utc_now() - timedelta(days=3)))
    with store.engine.begin() as conn:  # a case whose SLA ran out two days ago
        conn.exec_driver_sql(
            "UPDATE cases SET due_at = ? WHERE case_key = 'customer:CUST-0099'",
            (utc_now() - timedelta(days=2),),
        )
    assert len(_case_ids(client.get("/queue?overdue=1").text)) == 1
    assert client.get("/queue?status=bogus").status_code == 400


def test_queue_pages_through_many_cases(client, store, login):
    drafts = [make_draft(n, "low") for n in range(100, 190)]
    store.upsert_drafts(drafts, RunInfo("bulk", utc_now()))
    login(client, "ann")
    first, last = client.get("/queue").text, client.get("/queue?page=2").text
    assert "page 1 of 2" in first and "100 case(s)" in first
    # the pages together are the store's open queue, highest risk first (then case number)
    ranked = sorted(store.open_queue(), key=lambda row: (-row.risk_score, row.case_id))
    assert _case_ids(first) + _case_ids(last) == [row.case_id for row in ranked]


def test_case_page_shows_the_case_file_and_the_hostile_name_as_text(client, login):
    login(client, "ann")
    html = client.get("/cases/C-000002").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and XSS_NAME not in html
    for shown in ("Ships to SG, a transshipment hub", "FIN-2022-NTC2", "T-2-1", "HGX H100",
                  "Timeline", "Ask for an end-use statement"):  # fmt: skip
        assert shown in html
    hit = client.get("/cases/C-000001").text
    assert "ALX TRADING LIMITED" in hit and "Hard stop: list hit csl:EL-77 scored 0.93" in hit
    assert "Take this case" in hit and "Record decision" not in hit  # not the analyst's yet
    login(client, "bob")
    assert "suppress these watchlist hits" in client.get("/cases/C-000001").text


def test_deciding_with_a_rationale_lands_in_the_audit_timeline(client, store, login):
    login(client, "ann")
    post_form(client, "/cases/C-000003/assign", {"assignee": "ann"}, "/cases/C-000003")
    response = post_form(
        client, "/cases/C-000003/decide",
        {"outcome": "cleared", "rationale": "Known data centre, end-use statement on file"},
        page="/cases/C-000003",
    )  # fmt: skip
    assert response.status_code == 303
    case = store.get_case("C-000003")
    assert case.status == "cleared"
    assert (case.history[-1]["event"], case.history[-1]["by"]) == ("decided", "ann")
    page = client.get("/cases/C-000003").text
    assert "Known data centre, end-use statement on file" in page


def test_a_decision_without_rationale_is_refused_with_the_reason(client, store, login):
    login(client, "ann")
    response = post_form(client, "/cases/C-000003/decide", {"outcome": "cleared",
                         "rationale": "  "}, page="/cases/C-000003")  # fmt: skip
    assert response.status_code == 400 and "rationale" in response.text
    assert store.get_case("C-000003").status == "open"


def test_four_eyes_needs_a_reviewer_other_than_the_proposer(client, store, login):
    login(client, "ann")
    post_form(client, "/cases/C-000005/assign", {"assignee": "ann"}, "/cases/C-000005")
    post_form(client, "/cases/C-000005/decide",
              {"outcome": "escalated", "rationale": "payer in HK, forwarder consignee"},
              page="/cases/C-000005")  # fmt: skip
    assert store.get_case("C-000005").pending_decision["by"] == "ann"
    # the analyst can neither approve nor complete it by deciding the same again
    assert post_form(client, "/cases/C-000005/approve", {}, "/cases/C-000005").status_code == 403
    again = post_form(client, "/cases/C-000005/decide",
                      {"outcome": "escalated", "rationale": "me again"}, "/cases/C-000005")  # fmt: skip
    assert again.status_code == 403 and store.get_case("C-000005").status == "in_review"

    login(client, "bob")
    assert post_form(client, "/cases/C-000005/approve", {"note": "agree"},
                     "/cases/C-000005").status_code == 303  # fmt: skip
    case = store.get_case("C-000005")
    assert case.status == "escalated"
    assert (case.history[-1]["by"], case.history[-1]["details"]["proposed_by"]) == ("bob", "ann")


def test_nobody_approves_their_own_escalation(client, store, login):
    login(client, "bob")
    post_form(client, "/cases/C-000006/decide",
              {"outcome": "reported", "rationale": "report to BIS"}, "/cases/C-000006")  # fmt: skip
    response = post_form(client, "/cases/C-000006/approve", {}, "/cases/C-000006")
    assert response.status_code == 403 and "four-eyes needs another person" in response.text
    assert store.get_case("C-000006").status == "in_review"


def test_an_analyst_takes_a_case_but_does_not_hand_it_out(client, store, login):
    login(client, "ann")
    refused = post_form(client, "/cases/C-000007/assign", {"assignee": "carol"}, "/cases/C-000007")
    assert refused.status_code == 403 and store.get_case("C-000007").assignee is None
    taken = post_form(client, "/cases/C-000007/assign", {"assignee": "ann"}, "/cases/C-000007")
    assert taken.status_code == 303
    case = store.get_case("C-000007")
    assert (case.assignee, case.status, case.history[-1]["by"]) == ("ann", "in_review", "ann")


def test_clearing_a_strong_hit_and_suppressing_it_takes_two_people(client, store, login):
    login(client, "carol")
    post_form(client, "/cases/C-000001/decide",
              {"outcome": "cleared", "rationale": "different company, other address",
               "suppress": "on", "suppress_days": "365"}, "/cases/C-000001")  # fmt: skip
    pending = store.get_case("C-000001").pending_decision
    assert pending["suppress_days"] == 365 and "suppress_strong_hit" in pending["four_eyes"]
    assert store.list_suppressions() == [] and store.get_case("C-000001").status == "in_review"
    login(client, "bob")
    assert post_form(client, "/cases/C-000001/approve", {"note": "checked the address"},
                     "/cases/C-000001").status_code == 303  # fmt: skip
    (suppression,) = store.list_suppressions()
    assert (suppression.entry_id, suppression.created_by) == ("csl:EL-77", "bob")
    assert store.get_case("C-000001").status == "cleared"


def test_a_note_is_an_audit_event_of_the_user(client, store, login):
    login(client, "root")
    post_form(client, "/cases/C-000008/note", {"note": "Called the customer <b>twice</b>"},
              "/cases/C-000008")  # fmt: skip
    event = store.get_case("C-000008").history[-1]
    assert (event["event"], event["by"], event["rationale"]) == (
        "note", "root", "Called the customer <b>twice</b>")  # fmt: skip
    assert "Called the customer &lt;b&gt;twice&lt;/b&gt;" in client.get("/cases/C-000008").text


def test_run_page_shows_its_summary_and_the_cases_it_opened(client, login):
    login(client, "ann")
    assert "run-2026-11-26" in client.get("/runs").text
    html = client.get("/runs/run-2026-11-26").text
    assert "Rows read" in html and "Cases this run opened (10)" in html
    # inputs, skipped detectors and not-evaluable rules read as text, no dict printed
    for shown in ("orders-2026-11-25.csv", "no trained model", "1 rule(s) could not run",
                  "needs column(s) license_number", "L2: 20"):  # fmt: skip
        assert shown in html
    assert "{&#39;" not in html and "{'" not in html
    assert len(_case_ids(html)) == 10
    assert client.get("/runs/no-such-run").status_code == 404


def test_dashboard_draws_its_charts_as_inline_svg(client, login):
    login(client, "ann")
    html = client.get("/dashboard").text
    assert html.count("<svg") >= 5  # four charts and cases opened by week
    for label in ("Open cases by priority", "under 1 day", "EL", ">L2<", ">20<"):
        assert label in html


def test_the_dashboard_says_when_the_latest_run_drifted(client, store, login):
    from cases.store import RunInfo, utc_now

    login(client, "ann")
    assert "Drift in run" not in client.get("/dashboard").text
    later = utc_now()  # after the seeded run
    store.upsert_drafts([], RunInfo("run-drifted", later))
    message = (
        "1 feature(s) drifted from the training data (PSI over 0.25): price_to_list_ratio 0.61"
    )
    store.finish_run("run-drifted", later, {"drift": {"drifted": True, "message": message}})
    html = client.get("/dashboard").text
    assert "Drift in run run-drifted" in html and "price_to_list_ratio 0.61" in html
