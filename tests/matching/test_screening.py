"""WatchlistScreening (red flag P1) on a canonical transaction frame."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from detectors.base import DetectionContext
from detectors.matching import WatchlistScreening
from detectors.schema import CANONICAL_COLUMNS, FLAG_COLUMNS


def transactions(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column in CANONICAL_COLUMNS:
        if column not in frame:
            frame[column] = pd.Series([None] * len(frame), dtype=object)
    return frame[list(CANONICAL_COLUMNS)]


def context(matcher) -> DetectionContext:
    return DetectionContext(
        history=transactions([]),
        present_columns=frozenset(CANONICAL_COLUMNS),
        policy={},
        catalog=pd.DataFrame(),
        as_of=date(2026, 11, 27),
        watchlist=matcher,
    )


ORDERS = transactions(
    [
        {
            "transaction_id": "T-1",
            "customer_name": "Northwind Data Centers LLC",
            "customer_country": "US",
            "ship_to_name": "Northwind Data Centers LLC",
            "ship_to_country": "US",
        },
        {
            "transaction_id": "T-2",
            "customer_name": "Pacific Compute Pte Ltd",
            "customer_country": "SG",
            "ship_to_name": "Pacific Compute Pte Ltd",
            "ship_to_country": "SG",
            "end_user_name": "GUANGZHOU HAIGE COMM GRP",
            "end_user_country": "CN",
            "payer_name": "GUANGZHOU HAIGE COMM GRP",
            "payer_country": "CN",
        },
        {
            "transaction_id": "T-3",
            "customer_name": "Pacific Compute Pte Ltd",
            "customer_country": "SG",
            "ship_to_name": "Bright Future Holdings",
            "ship_to_country": "CN",
            "ship_to_address": "Room 1205 Block B Tianan Cyber Park Futian District Shenzhen",
        },
    ]
)


def test_flags_every_role_that_hits(small_matcher):
    result = WatchlistScreening().detect(ORDERS, context(small_matcher))
    flags = result.flags
    assert list(flags.columns) == list(FLAG_COLUMNS)
    by_tx = flags.groupby("transaction_id")["evidence"].apply(
        lambda ev: sorted(e["role"] for e in ev)
    )
    assert by_tx["T-2"] == ["end_user", "payer"]
    assert "T-1" not in by_tx.index
    assert (flags["code"] == "P1").all() and (flags["source"] == "watchlist").all()


def test_flag_evidence_and_wording(small_matcher):
    flags = WatchlistScreening().detect(ORDERS, context(small_matcher)).flags
    flag = flags[flags["transaction_id"] == "T-2"].iloc[0]
    evidence = flag["evidence"]
    json.dumps(evidence)  # serialisable for the case file
    assert evidence["entry_id"] == "t:haige" and evidence["match_kind"] == "name"
    assert evidence["entry"]["citation"] == "84 FR 43493"
    # an investigator sees which name matched, the aligned words and what moved the score
    assert evidence["alias_strength"] == "strong" and evidence["score"] >= evidence["threshold"]
    assert evidence["matched_name"] in evidence["explanation"]
    assert "aligned words:" in evidence["explanation"]
    assert "guangzhou=guangzhou" in evidence["explanation"]
    assert "raised by" in evidence["explanation"]
    assert evidence["features"]["numbers"] == 0.0 and "country" in evidence["features"]
    assert evidence["entry"]["license_requirement"].startswith("For all items")
    assert "GUANGZHOU HAIGE COMM GRP" in flag["reason"] and "Entity List" in flag["reason"]
    assert flag["title"] == "Party matches a restricted-party list entry"
    assert flag["citation"].startswith("BIS Know Your Customer guidance")
    assert flag["weight"] == min(1.0, evidence["score"])
    assert flag["hard_stop"] == (evidence["score"] >= small_matcher.settings.strong_threshold)


def test_address_hit_is_its_own_flag(small_matcher):
    flags = WatchlistScreening().detect(ORDERS, context(small_matcher)).flags
    address = flags[flags["transaction_id"] == "T-3"]
    assert list(address["title"]) == ["Party address matches a restricted-party list entry"]
    assert address.iloc[0]["evidence"]["match_kind"] == "address"
    assert not address.iloc[0]["hard_stop"]


def test_identical_parties_are_screened_once(small_matcher):
    result = WatchlistScreening().detect(ORDERS, context(small_matcher))
    # Northwind (customer = ship_to), Pacific (T-2 and T-3), Haige (end user = payer), Bright Future
    assert result.details["parties_screened"] == 4
    hits = result.details["hits"]
    haige = hits[(hits["entry_id"] == "t:haige") & (hits["role"] == "end_user")].iloc[0]
    assert haige["transaction_ids"] == ["T-2"] and haige["party_name"] == "GUANGZHOU HAIGE COMM GRP"
    assert result.details["hits_count"] == len(hits)


def test_without_watchlist_nothing_is_screened_and_it_says_so():
    result = WatchlistScreening().detect(ORDERS, context(None))
    assert result.flags.empty
    assert [n.code for n in result.not_evaluable] == ["P1"]


def test_distinct_parties_are_keyed_by_name_country_and_address():
    """A missing country or address is the same party as an empty one; a name in two
    countries is two parties; each party keeps its most sensitive role (ties: the first
    seen); ids follow first appearance and the parties come in the order of their ids."""
    from detectors.matching.screening import distinct_parties

    rows = [
        ("T1", "customer", "Acme Ltd", "HK", None),
        ("T1", "end_user", "Acme Ltd", "HK", ""),
        ("T2", "customer", "Acme Ltd", "CN", None),
        ("T3", "payer", "Acme Ltd\x1fHK", None, None),
    ] + [(f"T{i}", "customer", f"Party {i}", "SG", "1 Road") for i in range(4, 16)]
    rows.append(("T16", "ship_to", "Party 4", "SG", "1 Road"))
    occurrences = pd.DataFrame(
        rows, columns=["transaction_id", "role", "name", "country", "address"], dtype=object
    )
    keyed, parties = distinct_parties(occurrences, {"end_user": 0.45, "ship_to": 0.45})
    assert keyed["party_id"].tolist()[:4] == ["party-0", "party-0", "party-1", "party-2"]
    assert keyed["party_id"].iloc[-1] == keyed["party_id"].iloc[4] == "party-3"
    assert parties["party_id"].tolist() == sorted(f"party-{i}" for i in range(15))
    roles = dict(zip(parties["party_id"], parties["role"], strict=True))
    assert roles["party-0"] == "end_user" and roles["party-3"] == "ship_to"
    assert roles["party-1"] == "customer" and roles["party-2"] == "payer"
