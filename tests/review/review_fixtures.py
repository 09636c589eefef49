"""What the review app tests share: case drafts, the seeded store, the accounts, and
how a test logs in and posts a form with its CSRF token."""

from __future__ import annotations

import re
import warnings
from datetime import timedelta

with warnings.catch_warnings():  # Starlette's notice about httpx2, which is not installed
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from cases.model import CaseDraft, CaseFlag, WatchlistMatch
from cases.store import CaseStore, RunInfo, utc_now

XSS_NAME = "<img src=x onerror=alert(1)>"
PASSWORD = "correct horse battery"
USERS = {"ann": "analyst", "bob": "reviewer", "carol": "reviewer", "root": "admin"}
SECRET = b"review-app-test-secret-0123456789"
RUN_ID = "run-2026-11-26"


def make_draft(number: int, priority: str = "medium", name: str | None = None,
               hit: bool = False) -> CaseDraft:  # fmt: skip
    customer = f"CUST-{number:04d}"
    subject_name = name or f"Harbour Trading {number}"
    tids = [f"T-{number}-1", f"T-{number}-2"]
    flags = [
        CaseFlag("L2", "rule", "Ships to a transshipment hub", "medium", tids,
                 {"ship_to_country": "SG"}, "Supplement 3 to 15 CFR Part 732", 0.3,
                 "Ships to SG, a transshipment hub; end user in CN", "Ask for an end-use statement"),
        CaseFlag("F1", "rule", "Third-party payer", "high", tids[:1], {"payer_country": "HK"},
                 "FinCEN/BIS joint alert FIN-2022-NTC2", 0.35, "Paid by a third party in HK",
                 "Verify the payer"),
    ]  # fmt: skip
    matches = []
    parties = [
        {"role": "customer", "name": subject_name, "country": "SG", "address": "12 Harbour Road"},
        {"role": "payer", "name": "Far East Payments Ltd", "country": "HK"},
    ]
    if hit:
        parties.append({"role": "end_user", "name": "Alx Trading Ltd", "country": "HK"})
        matches.append(
            WatchlistMatch("end_user", "Alx Trading Ltd", "Entity List", "csl:EL-77",
                           "ALX TRADING LIMITED", 0.93, "token overlap alx, trading", tids,
                           list_code="EL", entry={"name": "ALX TRADING LIMITED"})
        )  # fmt: skip
        flags.append(CaseFlag("P1", "watchlist", "Restricted party", "high", tids, {}, "EL", 0.8))
    return CaseDraft(
        case_key=f"customer:{customer}",
        subject={
            "role": "customer",
            "name": subject_name,
            "country": "SG",
            "customer_id": customer,
        },
        transaction_ids=tids,
        flags=flags,
        watchlist_matches=matches,
        risk_score=80 if priority == "high" else 50 if priority == "medium" else 42,
        priority=priority,
        recommended_actions=["Ask for an end-use statement"],
        transactions=[
            {
                "transaction_id": t,
                "order_date": "2026-11-25",
                "item_sku": "NV-HGX-H100-8",
                "item_description": "HGX H100 8-GPU server",
                "eccn": "4A090.a",
                "quantity": 4.0,
                "unit_price": 289000.0,
                "currency": "USD",
                "order_value_usd": 1156000.0,
                "ship_to_name": "SG Logistics Pte",
                "ship_to_country": "SG",
                "payer_country": "HK",
            }
            for t in tids
        ],  # fmt: skip
        parties=parties,
        versions={"watchlist": "snap-1", "model": "m-1"},
    )


def seed_store(store: CaseStore) -> None:
    """Ten cases of mixed priority (C-000001 has a watchlist hit, C-000002 the hostile
    name), one finished run with a summary, and the four accounts."""
    drafts = [make_draft(1, "high", hit=True), make_draft(2, "high", name=XSS_NAME)]
    drafts += [make_draft(n, ("high", "medium", "low")[n % 3]) for n in range(3, 11)]
    store.upsert_drafts(drafts, RunInfo(RUN_ID, utc_now() - timedelta(hours=2)))
    summary = {"run_id": RUN_ID, "counts": {"rows_read": 40, "cases_opened": 10,
               "flags_by_code": {"L2": 20, "F1": 10, "P1": 2}},
               "inputs": [{"path": "orders-2026-11-25.csv", "sha256": "ab" * 32}],
               "skipped_detectors": [{"family": "ml", "reason": "no trained model"}],
               "not_evaluable": [{"family": "rule", "code": "E1",
                                  "reason": "needs column(s) license_number"}]}  # fmt: skip
    store.finish_run(RUN_ID, utc_now() - timedelta(hours=1), summary)
    for name, role in USERS.items():
        store.add_user(name, role, PASSWORD)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def log_in(client: TestClient, name: str, password: str = PASSWORD):
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login",
        data={"csrf_token": token, "username": name, "password": password, "next": "/queue"},
        follow_redirects=False,
    )


def post_form(client: TestClient, path: str, data: dict[str, str], page: str | None = None):
    """Post a form with the CSRF token of the page it sits on."""
    token = csrf_of(client.get(page or path.rsplit("/", 1)[0]).text)
    return client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)
