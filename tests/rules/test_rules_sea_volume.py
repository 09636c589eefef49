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


def test_a_young_host_with_a_cluster_sized_line(scenarios):
    young = {
        **SEA_DC,
        "customer_country": "TH",
        "ship_to_country": "TH",
        "end_user_country": "TH",
        "customer_since": "2024-09-01",
    }
    result = scenarios({
        "young-200": {**young, "item_sku": "NV-H100-SXM5-80G", "quantity": 200},
        "young-25-servers": {**young, "item_sku": "NV-DGX-H100", "quantity": 25},
        "young-199": {**young, "item_sku": "NV-H100-SXM5-80G", "quantity": 199},
        "founded-on-controls-day": {**young, "item_sku": "NV-H100-SXM5-80G", "quantity": 300,
                                    "customer_since": "2022-10-07"},
        "old-300": {**young, "item_sku": "NV-H100-SXM5-80G", "quantity": 300,
                    "customer_since": "2016-03-01"},
        "young-us-300": {**young, "item_sku": "NV-H100-SXM5-80G", "quantity": 300,
                         "customer_country": "US", "ship_to_country": "US",
                         "end_user_country": "US"},
        "young-reseller-300": {**young, "item_sku": "NV-H100-SXM5-80G", "quantity": 300,
                               "customer_type": "reseller"},
    })  # fmt: skip
    flag = flag_of(result, "L5", "young-200")
    assert flag["evidence"]["young_host"] and flag["evidence"]["advanced_chips"] == 200
    assert "for a host founded 2024-09-01, after the October 2022 controls" in flag["reason"]
    assert flag["weight"] == 0.3  # volume alone: the medium weight, not the full one
    assert flag_of(result, "L5", "young-25-servers")["evidence"]["advanced_chips"] == 200
    for quiet in (
        "young-199",
        "founded-on-controls-day",
        "old-300",
        "young-us-300",
        "young-reseller-300",
    ):
        assert "L5" not in codes_of(result, quiet), quiet
