"""Payment red flags Q4 (cash/crypto, price premium) and F1 (third-party payer)."""

from __future__ import annotations

import datetime as dt

import pytest
from rule_orders import CATALOG, canonical, codes_of, flag_of, order

from detectors.base import DetectionContext
from detectors.catalog import going_prices
from detectors.rules import RuleEngine
from detectors.schema import OPTIONAL_COLUMNS

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


# ---- Q4 against the SKU's going price --------------------------------------------------


def market(level: float, odd_price: float, lines: int = 24) -> list[dict]:
    """`lines` H100 orders of different customers priced around `level` USD a unit (within
    ±2 %), and one more, T-ODD, at `odd_price`."""
    rows = [
        order(
            transaction_id=f"T-{i}",
            customer_id=f"CUST-{i}",
            unit_price=level * (0.98 + 0.04 * i / lines),
        )
        for i in range(lines)
    ]
    return [*rows, order(transaction_id="T-ODD", customer_id="CUST-ODD", unit_price=odd_price)]


def test_price_far_above_the_going_price_fires_and_says_what_it_compared(run):
    # list price 30,000; the SKU sells at about 30,000; 40,000 is 1.33x and far outside
    flag = flag_of(run(market(30_000.0, 40_000.0)), "Q4", "T-ODD")
    evidence = flag["evidence"]
    assert evidence["compared_with"] == "going_price"
    assert evidence["going_price_lines"] == 25
    assert evidence["going_price_usd"] == pytest.approx(30_000.0, rel=0.01)
    assert evidence["price_ratio"] == pytest.approx(1.33, abs=0.01)
    assert evidence["robust_sd_above"] > 4
    assert (
        "the SKU's going price" in flag["reason"] and "median of 25 priced lines" in flag["reason"]
    )


def test_market_above_list_price_is_no_premium(run):
    # the SKU sells at 44,000 everywhere (1.47x its list price): 45,000 is the going rate,
    # which the list-price comparison alone would have flagged on every line
    result = run(market(44_000.0, 45_000.0))
    assert not (result.flags["code"] == "Q4").any()


def test_small_premium_within_the_spread_is_quiet(run):
    # 1.2x the going price stays under going_price_ratio (1.25)
    assert "Q4" not in codes_of(run(market(30_000.0, 36_000.0)), "T-ODD")


def test_going_price_of_the_whole_run_is_used_when_given(pack):
    # a partition holding only the odd line still compares it with the run's going price
    frame = canonical(market(30_000.0, 40_000.0))
    run_prices = going_prices(frame["item_sku"], frame["unit_price_usd"])
    odd = frame[frame["transaction_id"] == "T-ODD"]
    context = DetectionContext(
        history=odd.iloc[:0],
        present_columns=frozenset(OPTIONAL_COLUMNS),
        policy=pack.policy,
        catalog=CATALOG,
        as_of=dt.date(2026, 11, 27),
        going_prices=run_prices,
    )
    flag = flag_of(RuleEngine(pack).detect(odd, context), "Q4", "T-ODD")
    assert flag["evidence"]["compared_with"] == "going_price"
    assert flag["evidence"]["going_price_lines"] == 25
