"""Ordinary buyers and wording the rules must not read as red flags: a bank running its own
models, data-centre landlords, agricultural robotics."""

from __future__ import annotations

import pytest
from rule_orders import codes_of, flag_of

CASES = {
    "bank-end-user": {
        "customer_name": "Harborview Savings Bank",
        "ship_to_name": "Harborview Savings Bank",
        "end_user_name": "Harborview Savings Bank",
        "customer_type": "end_user",
        "end_use": "Credit risk modelling",
    },
    "reseller-for-a-bank": {
        "customer_type": "reseller",
        "end_user_name": "Bank of Lakeside",
        "end_use": "Anti-money laundering analytics",
    },
    "consigned-to-a-bank": {
        "customer_type": "reseller",
        "ship_to_name": "First Harbor Bank (to order)",
        "end_user_name": None,
        "end_user_country": None,
        "end_use": None,
    },
    "forwarder-end-user": {"end_user_name": "Swiftline Freight Forwarding Ltd"},
    "data-centre-landlord": {
        "customer_name": "Kestrel Digital Realty Partners LLC",
        "customer_type": "data_center",
        "end_use": "Tenant deployment in hall 3",
    },
    "data-centre-properties": {
        "customer_name": "Norhaven Data Centre Properties Ltd",
        "customer_type": "data_center",
    },
    "agri-robots": {
        "customer_name": "Heron Robot Systems Ltd",
        "customer_type": "end_user",
        "end_use": "Agricultural robot perception",
    },
    "farm-drones": {"end_use": "Farm drone imagery analysis"},
    "realtor-buys-servers": {"customer_name": "Sunrise Realty LLC", "customer_type": "other"},
}  # fmt: skip


@pytest.fixture(scope="module")
def result(scenarios):
    return scenarios(CASES)


def test_a_bank_named_as_the_end_user_uses_the_goods(result):
    assert "L1" not in codes_of(result, "bank-end-user")
    assert "L1" not in codes_of(result, "reseller-for-a-bank")


def test_goods_consigned_to_a_bank_for_nobody_named_are_held_for_someone_else(result):
    flag = flag_of(result, "L1", "consigned-to-a-bank")
    assert flag["evidence"]["intermediary_consignee"] and "Bank" in flag["reason"]
    assert flag_of(result, "L1", "forwarder-end-user")["evidence"]["intermediary_consignee"]


def test_data_centre_landlords_are_in_the_data_centre_trade(result):
    assert "Q1" not in codes_of(result, "data-centre-landlord")
    assert "Q1" not in codes_of(result, "data-centre-properties")
    assert "Q1" in codes_of(result, "realtor-buys-servers")


def test_agricultural_robotics_and_imaging_are_technology_work(result):
    assert "Q1" not in codes_of(result, "agri-robots")
    assert "Q1" not in codes_of(result, "farm-drones")
