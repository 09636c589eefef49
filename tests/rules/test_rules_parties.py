"""Party red flags P2 (address), P3 (new entity), P4 (web presence), P5 (parent), P6 (phone)."""

from __future__ import annotations

import pytest
from rule_orders import codes_of, flag_of, not_evaluable

CASES = {
    # P2
    "po-box": {"customer_address": "PO Box 4411, Wilmington, DE"},
    "virtual-office": {
        "customer_address": "Suite 12, Regus Business Centre, 80 Robinson Road, Singapore"
    },
    "residential": {"customer_address": "Apt 5B, 31 Elm Street, Newark"},
    "residential-two-cards": {
        "customer_address": "Apt 7, 9 Oak Lane",
        "item_sku": "NV-RTX4090-24G",
        "quantity": 2,
    },
    # P3
    "founded-2023": {"customer_since": "2023-02-01"},
    "account-10-days": {"customer_since": "2026-02-20", "quantity": 64},
    "old-customer-big-order": {"customer_since": "2019-01-01", "quantity": 64},
    # P4
    "no-site-free-mail": {"customer_website": None, "customer_email": "deals88@gmail.com"},
    "free-mail-only": {"customer_email": "Deals88@QQ.com"},
    # P5
    "parent-CN": {
        "customer_parent_name": "Great Wall Holdings",
        "customer_parent_country": "CN",
        "license_number": "D1",
    },
    "parent-MO": {
        "customer_parent_name": "Lotus Group",
        "customer_parent_country": "MO",
        "license_number": "D2",
    },
    "parent-SE": {"customer_parent_name": "Nordic Holdings AB", "customer_parent_country": "SE"},
    # P6
    "phone-CN": {"customer_phone": "+86 755 8888 1234"},
    "phone-CA-from-US-code": {"customer_phone": "001 416 555 0100", "customer_country": "CA"},
    "phone-SG": {"customer_phone": "+65 6123 4567", "customer_country": "SG"},
    "phone-national": {"customer_phone": "(408) 555-0100"},
    "clean": {},
}


@pytest.fixture(scope="module")
def result(scenarios):
    return scenarios(CASES)


# ---- P2 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case, kind",
    [("po-box", "po_box"), ("virtual-office", "virtual_office"), ("residential", "residential")],
)
def test_odd_premises_for_a_commercial_quantity(result, case, kind):
    flag = flag_of(result, "P2", case)
    assert flag["evidence"]["address_kind"] == kind
    assert CASES[case]["customer_address"] in flag["reason"]


@pytest.mark.parametrize("case", ["residential-two-cards", "clean"])
def test_ordinary_premises_or_a_handful_of_cards_are_quiet(result, case):
    assert "P2" not in codes_of(result, case)


# ---- P3 ------------------------------------------------------------------------------


def test_entity_founded_after_the_controls(result):
    flag = flag_of(result, "P3", "founded-2023")
    assert flag["evidence"]["after_controls"] is True
    assert "2023-02-01" in flag["reason"]


def test_account_opened_shortly_before_a_large_order(result):
    flag = flag_of(result, "P3", "account-10-days")
    assert flag["evidence"]["account_age_days"] == 10
    assert "10 days before" in flag["reason"]


@pytest.mark.parametrize("case", ["old-customer-big-order", "clean"])
def test_established_customer_is_quiet(result, case):
    assert "P3" not in codes_of(result, case)


# ---- P4 ------------------------------------------------------------------------------


def test_no_website_and_free_mail_weigh_full(result, pack):
    flag = flag_of(result, "P4", "no-site-free-mail")
    assert flag["weight"] == pytest.approx(pack.rule("P4").weight)
    assert "gmail.com" in flag["reason"] and "no website" in flag["reason"]


def test_one_sign_alone_weighs_less(result, pack):
    flag = flag_of(result, "P4", "free-mail-only")
    assert flag["weight"] == pytest.approx(pack.rule("P4").parameters["weight_one_sign"])
    assert flag["weight"] < pack.rule("P4").weight
    assert flag["evidence"]["free_mail_domain"] == "qq.com"


def test_corporate_domain_with_website_is_quiet(result):
    assert "P4" not in codes_of(result, "clean")


def test_p4_needs_website_or_email(scenarios):
    case = {"no-site": {"customer_website": None}}
    assert not_evaluable(scenarios(case, present={"customer_address"}))["P4"] == (
        "needs column(s) customer_website or customer_email"
    )
    # with only an e-mail column, blank websites are not evidence of a missing website
    only_email = scenarios(case, present={"customer_email"})
    assert "P4" not in codes_of(only_email, "no-site") and "P4" not in not_evaluable(only_email)


# ---- P5 ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["parent-CN", "parent-MO"])
def test_parent_in_d5_or_macau(result, case):
    flag = flag_of(result, "P5", case)
    assert CASES[case]["customer_parent_country"] in flag["reason"]
    assert CASES[case]["customer_parent_name"] in flag["reason"]


def test_parent_elsewhere_is_quiet(result):
    assert "P5" not in codes_of(result, "parent-SE")


# ---- P6 ------------------------------------------------------------------------------


def test_phone_code_of_another_country(result):
    flag = flag_of(result, "P6", "phone-CN")
    assert flag["evidence"]["phone_countries"] == "CN"
    assert "+86" in flag["reason"] and "US" in flag["reason"]


@pytest.mark.parametrize("case", ["phone-CA-from-US-code", "phone-SG", "phone-national", "clean"])
def test_matching_or_national_phone_is_quiet(result, case):
    assert "P6" not in codes_of(result, case)
