"""The watchlist matches of each stored case are kept in `case_matches` as the cases are
written (and filled from the contents when an older store is upgraded), so that a run
reads the listed parties of past cases without reading every case's content: the same
parties, with the same reasons, as the contents give."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
import sqlalchemy as sa

from cases.related import ROLE_KINDS, store_context
from cases.store import CaseStore, RunInfo
from detectors.rules.policy import name_key


def listed_from_contents(engine: sa.Engine) -> pd.DataFrame:
    """The listed parties of past cases as read from every case's content, in the cases'
    order: what `store_context` gave before the matches had a table of their own."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT c.case_id, c.case_key, k.content_json FROM cases c "
                "JOIN case_contents k ON k.case_id = c.case_id ORDER BY c.seq"
            )
        ).all()
    listed = []
    for case_id, key, content in rows:
        for match in json.loads(content).get("watchlist_matches") or []:
            role, name = match["role"], match["party_name"]
            why = f"{match['list']} hit of case {case_id}: {match['matched_name']}"
            if role == "customer":
                listed.append((key, why))
            elif role in ROLE_KINDS:
                listed.append((f"{ROLE_KINDS[role]}:{name_key(pd.Series([name]))[0]}", why))
    return pd.DataFrame(listed, columns=["party", "listed_as"])


def test_the_listed_parties_of_past_cases_are_those_of_their_contents(store, make_draft):
    run = RunInfo("r1", datetime(2026, 11, 2))
    store.upsert_drafts(
        [
            make_draft("C1", match_score=0.93),
            make_draft("C2", transactions=("T-2",)),  # no match: not listed
            make_draft("C3", transactions=("T-3",), match_score=0.9, party_name="Beta Tech Co"),
        ],
        run,
    )
    listed, cased = store_context(store.engine)
    assert listed.to_dict("records") == [
        {
            "party": "end_user:" + name_key(pd.Series(["Alx Trading Ltd"]))[0],
            "listed_as": "Entity List (EL) - Bureau of Industry and Security hit of case "
            "C-000001: ALX TRADING LIMITED",
        },
        {
            "party": "end_user:" + name_key(pd.Series(["Beta Tech Co"]))[0],
            "listed_as": "Entity List (EL) - Bureau of Industry and Security hit of case "
            "C-000003: ALX TRADING LIMITED",
        },
    ]
    assert sorted(cased["party"]) == ["customer:C1", "customer:C2", "customer:C3"]
    pd.testing.assert_frame_equal(listed, listed_from_contents(store.engine))


def test_a_case_that_gains_a_match_later_is_listed_once_per_match(store, make_draft):
    store.upsert_drafts([make_draft("C1")], RunInfo("r1", datetime(2026, 11, 2)))
    assert store_context(store.engine)[0].empty
    later = make_draft("C1", transactions=("T-9",), codes=("L3",), match_score=0.95,
                       party_name="Gamma Ltd", entry_names=("GAMMA LIMITED",))  # fmt: skip
    store.upsert_drafts([later], RunInfo("r2", datetime(2026, 11, 3)))
    again = make_draft("C1", transactions=("T-10",), codes=("L4",), match_score=0.95,
                       party_name="Delta Ltd", entry_names=("DELTA LIMITED",))  # fmt: skip
    store.upsert_drafts([again], RunInfo("r3", datetime(2026, 11, 4)))
    listed, _ = store_context(store.engine)
    assert [why.rsplit(": ", 1)[1] for why in listed["listed_as"]] == [
        "GAMMA LIMITED",
        "DELTA LIMITED",
    ]
    pd.testing.assert_frame_equal(listed, listed_from_contents(store.engine))


def test_a_store_from_before_the_matches_table_is_filled_when_it_opens(store_url, make_draft):
    store = CaseStore(store_url)
    drafts = [make_draft(f"C{i}", transactions=(f"T-{i}",), match_score=0.9) for i in range(5)]
    store.upsert_drafts(drafts, RunInfo("r1", datetime(2026, 11, 2)))
    expected = listed_from_contents(store.engine)
    assert len(expected) == 5
    # the store as version 5 left it: no matches table, version 5 recorded
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE case_matches")
        conn.exec_driver_sql("DELETE FROM schema_version WHERE version = 6")
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0005'")
    store.close()

    upgraded = CaseStore(store_url)
    assert upgraded.schema_version == 6
    listed, _ = store_context(upgraded.engine)
    pd.testing.assert_frame_equal(listed, expected)
    upgraded.close()
