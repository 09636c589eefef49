"""E1: a controlled item to a license-required destination with no license recorded."""

from __future__ import annotations

import pytest
from rule_orders import codes_of, flag_of

FIRES = {
    "ship-to-CN": ({"ship_to_country": "CN", "end_user_country": "CN"}, "CN"),
    "ship-to-HK": ({"ship_to_country": "HK", "end_user_country": "HK"}, "HK"),
    "end-user-MO": ({"end_user_country": "MO"}, "MO"),
    "consignee-RU": ({"intermediate_consignee_country": "RU"}, "RU"),
    "ship-to-VN": ({"ship_to_country": "VN", "end_user_country": "VN"}, "VN"),  # D:1, not A:5/A:6
    "ship-to-AE": ({"ship_to_country": "AE", "end_user_country": "AE"}, "AE"),  # D:4, not A:5/A:6
    "parent-CN": (
        {"customer_parent_name": "Shenzhen Holdings", "customer_parent_country": "CN"},
        "CN",
    ),
    "placeholder-license": ({"ship_to_country": "CN", "license_number": "NLR"}, "CN"),
}
QUIET = {
    "licensed-CN": {
        "ship_to_country": "CN",
        "end_user_country": "CN",
        "license_number": "D1234567",
    },
    "exception-HK": {"ship_to_country": "HK", "end_user_country": "HK", "license_exception": "NAC"},
    "hub-SG": {"ship_to_country": "SG", "end_user_country": "SG"},  # no license needed
    "IL-in-A6": {"ship_to_country": "IL", "end_user_country": "IL"},  # D:4 but also A:6
    "TR-in-A5": {"ship_to_country": "TR", "end_user_country": "TR"},
    "network-card-to-CN": {
        "ship_to_country": "CN",
        "end_user_country": "CN",
        "item_sku": "NV-CX7-400G",
    },
    "clean-US": {},
}


@pytest.fixture(scope="module")
def result(scenarios):
    return scenarios({**{k: v for k, (v, _) in FIRES.items()}, **QUIET})


@pytest.mark.parametrize("case", FIRES)
def test_unlicensed_controlled_item_to_a_license_destination_is_a_hard_stop(result, case):
    flag = flag_of(result, "E1", case)
    country = FIRES[case][1]
    assert flag["hard_stop"]
    assert flag["evidence"]["country"] == country
    assert country in flag["reason"] and "NV-H100-SXM5-80G" in flag["reason"]


@pytest.mark.parametrize("case", QUIET)
def test_stays_quiet_when_licensed_or_no_license_is_needed(result, case):
    assert "E1" not in codes_of(result, case)
