"""Payment red flags Q4 (cash/crypto, price premium) and F1 (third-party payer)."""

from __future__ import annotations

import pytest
from rule_orders import codes_of, flag_of

CASES = {
    # Q4 (list price of an H100 SXM5 is 30,000 USD in the catalog)
    "cash-and-premium": {"payment_method": "cash", "unit_price": 48000.0},
    "crypto-at-list": {"payment_method": "crypto"},
    "premium-by-wire": {"unit_price": 45000.0},
    "small-markup": {"unit_price": 33000.0},
    "cash-for-keyboards": {"payment_method": "cash", "item_sku": "LOGI-MX-KEYS"},
    # F1
    "third-party-from-HK": {
        "payer_name": "Golden Bridge Trading Ltd",
        "payer_country": "HK",
        "ship_to_country": "SG",
    },
    "third-party-local": {"payer_name": "Capital Leasing Partners", "payer_country": "US"},
    "own-company-from-CN": {"payer_country": "CN"},
    "parent-pays": {"payer_name": "NORTHBRIDGE Holdings", "payer_country": "US"},
    "hk-payer-for-hk-goods": {
        "payer_name": "Kowloon Compute Ltd",
        "payer_country": "HK",
        "customer_name": "Kowloon Compute Ltd",
        "ship_to_country": "HK",
        "license_number": "D77",
    },
    "clean": {},
}


@pytest.fixture(scope="module")
def result(scenarios):
    return scenarios(CASES)


# ---- Q4 ------------------------------------------------------------------------------


def test_cash_and_a_premium_price_weigh_full(result, pack):
    flag = flag_of(result, "Q4", "cash-and-premium")
    assert flag["weight"] == pytest.approx(pack.rule("Q4").weight)
    assert flag["evidence"]["price_ratio"] == pytest.approx(1.6)
    assert "cash" in flag["reason"] and "1.60x" in flag["reason"]


@pytest.mark.parametrize("case", ["crypto-at-list", "premium-by-wire"])
def test_one_sign_weighs_less(result, pack, case):
    assert flag_of(result, "Q4", case)["weight"] == pytest.approx(
        pack.rule("Q4").parameters["weight_one_sign"]
    )


@pytest.mark.parametrize("case", ["small-markup", "cash-for-keyboards", "clean"])
def test_normal_payment_or_uncontrolled_item_is_quiet(result, case):
    assert "Q4" not in codes_of(result, case)


# ---- F1 ------------------------------------------------------------------------------


def test_third_party_paying_from_hong_kong(result, pack):
    flag = flag_of(result, "F1", "third-party-from-HK")
    assert (
        flag["evidence"]["third_party"] is True
        and flag["evidence"]["payer_country_of_concern"] is True
    )
    assert flag["weight"] == pytest.approx(pack.rule("F1").weight)
    assert "Golden Bridge Trading Ltd" in flag["reason"] and "HK" in flag["reason"]


@pytest.mark.parametrize("case", ["third-party-local", "own-company-from-CN"])
def test_one_sign_of_third_party_payment(result, pack, case):
    assert flag_of(result, "F1", case)["weight"] == pytest.approx(
        pack.rule("F1").parameters["weight_one_sign"]
    )


@pytest.mark.parametrize("case", ["parent-pays", "hk-payer-for-hk-goods", "clean"])
def test_own_or_related_payer_is_quiet(result, case):
    assert "F1" not in codes_of(result, case)


CROSS_SCRIPT = {
    "macau-payer-in-chinese": {
        "customer_name": "Shenzhen Huaqiang Electronics Co Ltd", "customer_country": "CN",
        "ship_to_name": "Shenzhen Huaqiang Electronics Co Ltd", "ship_to_country": "SG",
        "end_user_name": "Shenzhen Huaqiang Electronics Co Ltd", "end_user_country": "SG",
        "payer_name": "澳门新濠贸易有限公司", "payer_country": "MO",
    },
    "own-name-in-chinese": {
        "customer_name": "Shenzhen Huaqiang Electronics Co Ltd", "customer_country": "SG",
        "ship_to_name": "Shenzhen Huaqiang Electronics Co Ltd", "ship_to_country": "SG",
        "end_user_name": "Shenzhen Huaqiang Electronics Co Ltd", "end_user_country": "SG",
        "payer_name": "深圳华强电子有限公司", "payer_country": "SG",
    },
}  # fmt: skip


def test_payer_in_chinese_characters_is_compared_in_pinyin(scenarios):
    result = scenarios(CROSS_SCRIPT)
    flag = flag_of(result, "F1", "macau-payer-in-chinese")
    assert flag["evidence"]["third_party"] and flag["evidence"]["payer_name_romanised"].startswith(
        "ao men"
    )
    assert "F1" not in codes_of(result, "own-name-in-chinese")
