"""Case store fixtures: every store test runs on SQLite and, when
REDFLAG_TEST_POSTGRES_URL points at a PostgreSQL database where the user may create
schemas (e.g. postgresql+psycopg://postgres:pw@127.0.0.1:5432/postgres), on PostgreSQL
too, each test in a schema of its own."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa

from cases.model import CaseDraft, CaseFlag, WatchlistMatch
from cases.store import CaseStore

POSTGRES_ENV = "REDFLAG_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[sa.Engine | None]:
    """One autocommit connection pool to the test server, or None when none is configured."""
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        yield None
        return
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path, postgres_admin) -> Iterator[str]:
    """A URL of an empty database of each supported kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cases.db'}"
        return
    if postgres_admin is None:
        pytest.skip(f"PostgreSQL store tests need {POSTGRES_ENV} (see .ci/run)")
    schema = f"redflag_test_{uuid.uuid4().hex[:12]}"
    with postgres_admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = postgres_admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with postgres_admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def store(store_url: str) -> Iterator[CaseStore]:
    case_store = CaseStore(store_url)
    yield case_store
    case_store.close()


DraftFactory = Callable[..., CaseDraft]


@pytest.fixture
def make_draft() -> DraftFactory:
    """Drafts as the grouping step builds them, varied by the evidence they carry."""

    def build(
        customer: str = "CUST-0001",
        transactions: tuple[str, ...] = ("T-1",),
        codes: tuple[str, ...] = ("L2",),
        risk: int = 45,
        priority: str = "medium",
        match_score: float | None = None,
        party_address: str = "12 Harbour Road, Singapore",
        entry_names: tuple[str, ...] = ("ALX TRADING LIMITED",),
        party_name: str = "Alx Trading Ltd",
    ) -> CaseDraft:
        tids = list(transactions)
        flags = [
            CaseFlag(
                code=code,
                source="rule",
                title=f"red flag {code}",
                severity="medium",
                transaction_ids=tids,
                evidence={"ship_to_country": "SG"},
                citation="KYC, Supplement 3 to 15 CFR Part 732",
                weight=0.3,
                reason=f"{code} fired on {', '.join(tids)}",
                recommended_action="Ask for an end-use statement",
            )
            for code in codes
        ]
        matches = []
        parties = [{"role": "customer", "name": f"Customer {customer}", "country": "SG"}]
        if match_score is not None:
            parties.append(
                {"role": "end_user", "name": party_name, "country": "HK", "address": party_address}
            )
            entry = {
                "entry_id": "csl:EL-77",
                "name": entry_names[0],
                "aliases": [{"name": n, "strength": "strong"} for n in entry_names[1:]],
                "addresses": [{"text": "Kowloon, Hong Kong", "country": "HK"}],
                "list": "Entity List (EL) - Bureau of Industry and Security",
            }
            matches.append(
                WatchlistMatch(
                    role="end_user",
                    party_name=party_name,
                    list="Entity List (EL) - Bureau of Industry and Security",
                    entry_id="csl:EL-77",
                    matched_name=entry_names[0],
                    score=match_score,
                    explanation="token overlap alx, trading; legal form ltd ~ limited",
                    transaction_ids=tids,
                    list_code="EL",
                    entry=entry,
                )
            )
            flags.append(
                CaseFlag("P1", "watchlist", "restricted party", "high", tids, {}, "KYC", 0.8)
            )
        return CaseDraft(
            case_key=f"customer:{customer}",
            subject={
                "role": "customer",
                "name": f"Customer {customer}",
                "country": "SG",
                "customer_id": customer,
            },
            transaction_ids=tids,
            flags=flags,
            watchlist_matches=matches,
            risk_score=risk,
            priority=priority,
            recommended_actions=["Ask for an end-use statement"],
            transactions=[
                {"transaction_id": t, "item_sku": "NV-H100-SXM", "quantity": 8.0} for t in tids
            ],
            parties=parties,
            versions={"watchlist": "snap-1", "model": "m-1"},
        )

    return build
