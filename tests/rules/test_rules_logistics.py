"""Logistics red flags L1 (intermediary consignee), L2 (hubs, routes), L3 (late changes)."""

from __future__ import annotations

import pytest
from rule_orders import codes_of, flag_of, not_evaluable

FORWARDER = {
    "ship_to_name": "Lion City Logistics Pte Ltd",
    "ship_to_country": "SG",
    "freight_forwarder_name": "Lion City Logistics Pte Ltd",
    "freight_forwarder_country": "SG",
    "end_user_name": None,
    "end_user_country": None,
    "end_user_address": None,
}

CASES = {
    # L1
    "forwarder-consignee": FORWARDER,
    "named-forwarder-consignee": {
        **FORWARDER,
        "ship_to_name": "Merlion Holdings",
        "freight_forwarder_name": "MERLION HOLDINGS",
    },
    "no-end-user": {"end_user_name": None, "end_user_country": None},
    "trading-customer-no-end-user": {"customer_type": "trading_company", "end_user_name": None},
    "forwarder-only-carries": {
        "freight_forwarder_name": "DHL Global Forwarding",
        "freight_forwarder_country": "US",
    },
    # L2
    "ship-to-SG": {"ship_to_country": "SG", "end_user_country": "SG"},
    "route-via-MY": {"route": "JP;MY"},
    "three-countries": {"ship_to_country": "DE", "end_user_country": "FR"},
    "end-user-in-TH": {"end_user_country": "TH"},
    "route-not-hub": {"route": "JP;KR"},
    "own-site-abroad": {"ship_to_country": "DE", "end_user_country": "DE"},
    "cables-to-SG": {
        "ship_to_country": "SG",
        "end_user_country": "SG",
        "item_sku": "MLX-CBL-400G-3M",
    },
    # L3
    "changed": {"changed_after_order": True},
    "unknown-change": {"changed_after_order": None},
    "clean": {},
}


@pytest.fixture(scope="module")
def result(scenarios):
    return scenarios(CASES)


# ---- L1 ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["forwarder-consignee", "named-forwarder-consignee"])
def test_forwarder_as_ultimate_consignee(result, pack, case):
    flag = flag_of(result, "L1", case)
    assert flag["evidence"]["intermediary_consignee"] is True
    assert flag["weight"] == pytest.approx(pack.rule("L1").weight)
    assert "no end user named" in flag["reason"]


def test_missing_end_user_alone_weighs_less(result, pack):
    flag = flag_of(result, "L1", "no-end-user")
    assert flag["evidence"]["intermediary_consignee"] is False
    assert flag["weight"] == pytest.approx(pack.rule("L1").parameters["weight_no_end_user_only"])


def test_trading_company_customer_without_end_user(result):
    assert (
        flag_of(result, "L1", "trading-customer-no-end-user")["evidence"]["intermediary_consignee"]
        is True
    )


@pytest.mark.parametrize("case", ["forwarder-only-carries", "clean"])
def test_named_end_user_is_quiet(result, case):
    assert "L1" not in codes_of(result, case)


def test_l1_without_end_user_column_judges_the_consignee_only(scenarios):
    cases = {"forwarder": FORWARDER, "no-end-user": CASES["no-end-user"]}
    result = scenarios(cases, present={"freight_forwarder_name", "customer_type"})
    assert "L1" in codes_of(result, "forwarder")
    assert "L1" not in codes_of(
        result, "no-end-user"
    )  # absence of the column is not a missing end user


# ---- L2 ------------------------------------------------------------------------------


def test_ships_to_a_hub(result):
    flag = flag_of(result, "L2", "ship-to-SG")
    assert flag["evidence"]["hub"] == "SG"
    assert flag["reason"].startswith("Goes to SG, a transshipment hub; customer in US")


def test_route_through_a_hub(result):
    flag = flag_of(result, "L2", "route-via-MY")
    assert flag["evidence"]["hub"] == "MY" and "JP;MY" in flag["reason"]


def test_three_different_countries(result):
    flag = flag_of(result, "L2", "three-countries")
    assert flag["evidence"]["three_countries"] is True
    assert "customer in US, ship-to in DE, end user in FR" in flag["reason"]


def test_end_user_in_a_hub(result):
    assert flag_of(result, "L2", "end-user-in-TH")["evidence"]["hub"] == "TH"


@pytest.mark.parametrize("case", ["route-not-hub", "own-site-abroad", "cables-to-SG", "clean"])
def test_ordinary_destinations_are_quiet(result, case):
    assert "L2" not in codes_of(result, case)


def test_l2_needs_only_required_columns(scenarios):
    result = scenarios({"ship-to-SG": CASES["ship-to-SG"]}, present=set())
    assert "L2" in codes_of(result, "ship-to-SG")
    assert (
        not_evaluable(result)["L2"]
        == "partly evaluated, without the transit-route check (needs route)"
    )


# ---- L3 ------------------------------------------------------------------------------


def test_changed_after_order(result):
    assert "changed after the order" in flag_of(result, "L3", "changed")["reason"]


@pytest.mark.parametrize("case", ["unknown-change", "clean"])
def test_unchanged_or_unknown_is_quiet(result, case):
    assert "L3" not in codes_of(result, case)
