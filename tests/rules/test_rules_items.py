"""Item red flags Q1 (buyer does not fit), Q3 (GP10 chips), L4 (description / HS code)."""

from __future__ import annotations

import pytest
from rule_orders import codes_of, flag_of, not_evaluable, run_scenarios

from detectors.rules import RulePack

CASES = {
    # Q1
    "realtor": {
        "customer_name": "Sunrise Realty LLC",
        "customer_type": "other",
        "item_sku": "DELL-XE9680-H100",
        "quantity": 2,
    },
    "trading-company": {"customer_name": "Jade Star Co", "customer_type": "trading_company"},
    "distributor-real-estate-use": {
        "customer_type": "distributor",
        "end_use": "Office fit-out for real estate portfolio",
    },
    "realtor-buying-cables": {
        "customer_name": "Sunrise Realty LLC",
        "customer_type": "other",
        "item_sku": "MLX-CBL-400G-3M",
    },
    # Q3
    "ascend-catalog": {"item_sku": "HW-ASCEND-910C", "hs_code": "8542.31"},
    "ascend-unknown-sku": {
        "item_sku": "ASC-910B-OEM",
        "item_description": "Huawei Ascend 910B module",
        "eccn": "3A090.a",
    },
    # L4
    "computer-parts": {"item_description": "Computer parts"},
    "wrong-hs": {"hs_code": "8504.40"},
    "both-wrong": {"item_description": "Electronic components", "hs_code": "8544.42"},
    "server-hs": {"item_sku": "NV-DGX-H100", "hs_code": "8471.50", "quantity": 1},
    "hs-with-subheading": {"hs_code": "8473.30.1180"},
    "cable-described-generically": {
        "item_sku": "MLX-CBL-400G-3M",
        "item_description": "Computer parts",
        "hs_code": "8544.42",
    },
    "clean": {},
}


@pytest.fixture(scope="module")
def result(scenarios):
    return scenarios(CASES)


# ---- Q1 ------------------------------------------------------------------------------


def test_realtor_buying_h100_servers(result):
    flag = flag_of(result, "Q1", "realtor")
    assert flag["evidence"]["customer_type"] == "other"
    assert flag["evidence"]["unrelated_business"] == "Realty"
    assert "Sunrise Realty LLC" in flag["reason"] and "DELL-XE9680-H100" in flag["reason"]


def test_trading_company_buying_gpus(result):
    assert (
        flag_of(result, "Q1", "trading-company")["evidence"]["customer_type"] == "trading_company"
    )


def test_end_use_of_an_unrelated_business(result):
    assert "real estate" in flag_of(result, "Q1", "distributor-real-estate-use")["reason"]


def test_buyer_type_alone_names_no_business_clue(pack):
    # a pack without unrelated-business patterns must not claim the name "mentions ''"
    plain = RulePack.from_config(
        {"id": "plain", "extends": "default", "unrelated_business_patterns": []}, pack.policy
    )
    result = run_scenarios(plain, {"trading-company": CASES["trading-company"]})
    flag = flag_of(result, "Q1", "trading-company")
    assert "mentions" not in flag["reason"]
    assert flag["evidence"]["unrelated_business"] is None


@pytest.mark.parametrize("case", ["realtor-buying-cables", "clean"])
def test_fitting_buyer_or_uncontrolled_item_is_quiet(result, case):
    assert "Q1" not in codes_of(result, case)


# ---- Q3 ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", ["ascend-catalog", "ascend-unknown-sku"])
def test_huawei_ascend_is_a_gp10_risk(result, case):
    flag = flag_of(result, "Q3", case)
    assert "General Prohibition 10" in flag["reason"]
    assert CASES[case]["item_sku"] in flag["reason"]


def test_catalog_marks_prc_developed(result):
    assert flag_of(result, "Q3", "ascend-catalog")["evidence"]["catalog_prc_developed"] is True


def test_gp10_reason_says_why(result):
    by_catalog = flag_of(result, "Q3", "ascend-catalog")
    assert "item catalog marks it PRC-developed" in by_catalog["reason"]
    by_pattern = flag_of(result, "Q3", "ascend-unknown-sku")
    assert by_pattern["evidence"]["gp10_pattern_match"] == "Huawei Ascend"
    assert "'Huawei Ascend'" in by_pattern["reason"]


def test_nvidia_gpu_is_not_gp10(result):
    assert "Q3" not in codes_of(result, "clean")


def test_q3_needs_only_required_columns(scenarios):
    result = scenarios({"ascend": CASES["ascend-catalog"]}, present=set())
    assert "Q3" in codes_of(result, "ascend")
    assert "Q3" not in not_evaluable(result)


# ---- L4 ------------------------------------------------------------------------------


def test_gpu_described_as_computer_parts(result):
    flag = flag_of(result, "L4", "computer-parts")
    assert flag["evidence"]["generic_description"] is True
    assert "'Computer parts'" in flag["reason"]


def test_gpu_under_a_non_gpu_hs_code(result):
    flag = flag_of(result, "L4", "wrong-hs")
    assert (
        flag["evidence"]["hs_mismatch"] is True and flag["evidence"]["generic_description"] is False
    )
    assert "8504.40" in flag["reason"]


def test_both_signs_in_one_sentence(result):
    reason = flag_of(result, "L4", "both-wrong")["reason"]
    assert "Electronic components" in reason and "8544.42" in reason


@pytest.mark.parametrize(
    "case", ["server-hs", "hs-with-subheading", "cable-described-generically", "clean"]
)
def test_fitting_description_or_uncontrolled_item_is_quiet(result, case):
    assert "L4" not in codes_of(result, case)


def test_l4_without_hs_column_still_judges_descriptions(scenarios):
    result = scenarios(
        {"computer-parts": CASES["computer-parts"], "wrong-hs": CASES["wrong-hs"]}, present=set()
    )
    assert "L4" in codes_of(result, "computer-parts")
    assert "L4" not in codes_of(result, "wrong-hs")  # the HS column was not in the input
