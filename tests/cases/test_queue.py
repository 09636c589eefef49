"""The queue's search, filters and sort orders on the case store, on SQLite and PostgreSQL:
each page is what sorting and filtering every case in Python gives."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from cases.accounts import Actor
from cases.model import WatchlistMatch
from cases.queue import QueueFilter, queue_page, queue_rows
from cases.queue_terms import name_terms
from cases.store import RunInfo
from cases.workflow import CaseWorkflow

AT = datetime(2026, 11, 20, 12, 0)
NAMES = ("Harbour Trading", "深圳市华强电子有限公司", "Kunlun Photonics", "Alpine Servers AG")
COUNTRIES = ("SG", "CN", "HK", "CH")


@pytest.fixture
def filled(store, make_draft):
    rng = random.Random(5)
    drafts = []
    for n in range(60):
        draft = make_draft(f"C{n:03d}", (f"T-{n}-A", f"T-{n}-B"), codes=(("L2", "F1", "Q2")[n % 3],),
                           risk=rng.randint(40, 99), match_score=0.95 if n % 7 == 0 else None)  # fmt: skip
        name = f"{NAMES[n % 4]} {n}"
        subject = {**draft.subject, "name": name, "country": COUNTRIES[n % 4]}
        lines = [{"transaction_id": t, "order_value_usd": float(rng.randint(1, 500) * 1000)}
                 for t in draft.transaction_ids]  # fmt: skip
        matches = [replace(m, list_code="EL" if n % 2 else "SDN") for m in draft.watchlist_matches]
        drafts.append(
            replace(draft, subject=subject, transactions=lines, watchlist_matches=matches)
        )
    store.upsert_drafts(drafts, RunInfo("r1", AT - timedelta(days=2)))
    for name, role in (("ann", "analyst"), ("bob", "reviewer")):
        store.add_user(name, role, "maple-kettle-orbit-93")
    return {d.case_key: d for d in drafts}


def _all(store):
    return {c.case_id: c for c in store.get_cases([r.case_id for r in store.list_cases()])}


def _ids(store, **wanted) -> list[str]:
    rows, total = queue_rows(store, QueueFilter(**wanted), AT)
    assert total == len(rows)
    return [r.case_id for r in rows]


def test_every_sort_order_pages_like_sorting_in_python(store, filled):
    cases = _all(store)
    value = {i: sum(t["order_value_usd"] for t in c.transactions) for i, c in cases.items()}
    expected = {
        "risk": sorted(cases, key=lambda i: (-cases[i].risk_score, -value[i], i)),
        "value": sorted(cases, key=lambda i: (-value[i], i)),
        "due": sorted(cases, key=lambda i: (cases[i].due_at, i)),
        "age": sorted(cases, key=lambda i: (cases[i].opened_at, i)),
        "uncertainty": sorted(
            cases, key=lambda i: (abs(cases[i].risk_score - 50), -cases[i].risk_score, i)
        ),
    }
    for sort, order in expected.items():
        pages = [queue_page(store, QueueFilter(sort=sort), page, AT, size=25) for page in (1, 2, 3)]
        assert [r.case_id for p in pages for r in p.rows] == order, sort
        assert pages[0].total == 60 and pages[0].pages == 3


def test_filters_and_search_find_what_python_finds(store, filled):
    cases = _all(store)
    by_flag = {i for i, c in cases.items() if any(f.code == "Q2" for f in c.flags)}
    assert set(_ids(store, flag="Q2")) == by_flag and by_flag
    by_list = {i for i, c in cases.items() if any(m.list_code == "EL" for m in c.watchlist_matches)}
    assert set(_ids(store, list="EL")) == by_list and by_list
    by_country = {i for i, c in cases.items() if c.subject["country"] == "HK"}
    assert set(_ids(store, country="HK")) == by_country
    assert set(_ids(store, country="HK", flag="Q2")) == by_country & by_flag
    photonics = {i for i, c in cases.items() if "Photonics" in c.subject["name"]}
    assert set(_ids(store, q="photon")) == photonics
    assert _ids(store, q="kunlun 2") == [
        i for i in _ids(store, q="kunlun") if "Photonics 2" in cases[i].subject["name"]
    ]
    assert set(_ids(store, q="华强")) == {
        i for i, c in cases.items() if "华强" in c.subject["name"]
    }
    one = next(iter(cases.values()))
    assert _ids(store, q=one.transaction_ids[1].lower()) == [one.case_id]
    assert _ids(store, q=one.case_id.lower()) == [one.case_id]
    assert one.case_id in _ids(store, q=str(int(one.case_id[2:])))  # its number, among others
    assert set(_ids(store, q="alx trading")) == {i for i, c in cases.items() if c.watchlist_matches}


def test_review_states_and_views(store, filled):
    workflow = CaseWorkflow(store)
    ann, bob = Actor("ann", "analyst"), Actor("bob", "reviewer")
    workflow.assign("C-000003", "ann", bob)
    workflow.assign("C-000004", "ann", bob)
    workflow.decide("C-000004", "escalated", "payer in HK", ann)  # waits for a second person
    assert _ids(store, status="in_review") == ["C-000003"]
    assert _ids(store, status="awaiting_approval") == ["C-000004"]
    assert _ids(store, status="awaiting_approval", exclude_proposer="ann") == []
    assert _ids(store, exclude_proposer="bob") == ["C-000004"]
    assert set(_ids(store, assignee="ann")) == {"C-000003", "C-000004"}
    assert len(_ids(store, unassigned=True)) == 58
    page = queue_page(store, QueueFilter(), 1, AT)
    assert page.counts[("awaiting_approval", "medium")] == 1 and page.total == 60
    assert queue_page(store, QueueFilter(status="in_review"), 1, AT).total == 1


def test_later_evidence_adds_its_terms(store, filled, make_draft):
    later = make_draft("C005", ("T-5-NEW",), codes=("E1",))
    later = replace(later, watchlist_matches=[
        WatchlistMatch("payer", "Zenith Pay", "SDN List", "ofac-sdn:9", "ZENITH PAY", 0.92, "",
                       ["T-5-NEW"], list_code="SDN")])  # fmt: skip
    store.upsert_drafts([later], RunInfo("r2", AT))
    case_id = store.list_cases()[0].case_id
    found = _ids(store, q="zenith")
    assert len(found) == 1 and found == _ids(store, flag="E1")
    assert case_id  # (the store still lists its cases)


def test_name_terms_find_words_inside_cjk_names_and_ids():
    terms = name_terms("深圳市华强电子 T-2026-0001 Co., Ltd.")
    assert {"深圳市华强电子", "华强电子", "t-2026-0001", "2026", "0001", "co", "ltd"} <= terms
