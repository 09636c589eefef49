"""L5 counts a line's volume in advanced chips as well as in H100-equivalents: a thousand
L40S or A100s are as many accelerators to host and rent onwards as a thousand H100s."""

from __future__ import annotations

from rule_orders import codes_of, flag_of

SEA_DC = {
    "customer_country": "MY",
    "ship_to_country": "MY",
    "end_user_country": "MY",
    "customer_type": "data_center",
    "end_use": "AI compute rental",
}


def test_many_chips_of_a_lesser_class_are_far_beyond_local_demand(scenarios):
    result = scenarios({
        "l40s-1000": {**SEA_DC, "item_sku": "NV-L40S-48G", "quantity": 1000},
        "a100-servers-90": {**SEA_DC, "item_sku": "DELL-XE9680-A100", "quantity": 90},
        "l40s-64": {**SEA_DC, "item_sku": "NV-L40S-48G", "quantity": 64},
        "us-l40s-1000": {**SEA_DC, "item_sku": "NV-L40S-48G", "quantity": 1000,
                         "customer_country": "US", "ship_to_country": "US",
                         "end_user_country": "US"},
    })  # fmt: skip
    flag = flag_of(result, "L5", "l40s-1000")
    assert flag["evidence"]["advanced_chips"] == 1000 and flag["evidence"]["h100_equivalents"] < 512
    assert "1,000 advanced chips" in flag["reason"] or "1000 advanced chips" in flag["reason"]
    assert flag_of(result, "L5", "a100-servers-90")["evidence"]["advanced_chips"] == 720
    assert "L5" not in codes_of(result, "l40s-64")
    assert "L5" not in codes_of(result, "us-l40s-1000")
