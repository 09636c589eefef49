"""L5 counts a line's volume in advanced chips as well as in H100-equivalents: a thousand
L40S or A100s are as many accelerators to host and rent onwards as a thousand H100s."""

from __future__ import annotations

import pandas as pd
import yaml
from rule_orders import CONFIGS, codes_of, flag_of

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


def test_a_host_known_by_its_words_when_its_type_says_nothing(scenarios):
    tenant = {**SEA_DC, "end_use": "GPU capacity leased to a tenant in Shenzhen"}
    result = scenarios({
        "untyped-colo": {**tenant, "customer_type": None,
                         "customer_name": "Nusantara Colocation PT"},
        "end-user-pusat-data": {**tenant, "customer_type": "end_user",
                                "customer_name": "PT Pusat Data Andalas"},
        "other-by-end-use": {**tenant, "customer_type": "other",
                             "customer_name": "Siam Ventures Co., Ltd.",
                             "end_use": "数据中心 GPU capacity for a tenant in Shenzhen"},
        "untyped-no-words": {**tenant, "customer_type": None,
                             "customer_name": "Kedah Furniture Sdn Bhd",
                             "end_use": "Design workstations shared with our Shenzhen office"},
        "reseller-with-words": {**tenant, "customer_type": "reseller",
                                "customer_name": "Penang Cloud Services Sdn Bhd"},
        "us-untyped-colo": {**tenant, "customer_type": None, "customer_country": "US",
                            "customer_name": "Reno Colocation LLC"},
    })  # fmt: skip
    flag = flag_of(result, "L5", "untyped-colo")
    assert flag["evidence"]["host_wording"] == "Colocation"
    assert "host ('Colocation' in its name or end use)" in flag["reason"]
    assert flag_of(result, "L5", "end-user-pusat-data")["evidence"]["host_wording"] == "Pusat Data"
    assert flag_of(result, "L5", "other-by-end-use")["evidence"]["host_wording"] == "数据中心"
    for quiet in ("untyped-no-words", "reseller-with-words", "us-untyped-colo"):
        assert "L5" not in codes_of(result, quiet), quiet
    declared = scenarios({"typed": tenant})
    assert pd.isna(flag_of(declared, "L5", "typed")["evidence"]["host_wording"])


def test_host_words_are_not_read_into_ordinary_names():
    from detectors.rules.policy import matches

    words = yaml.safe_load((CONFIGS / "policy" / "default.yaml").read_text(encoding="utf-8"))
    patterns = words["sea_data_centres"]["host_patterns"]
    ordinary = pd.Series([
        "Colorado Trading Sdn Bhd", "Hostinger Foods", "Kolo Media", "Datacentric Analytics",
        "Cloudy Bay Furniture", "Ideal Computers PT", "a cloud of dust",
    ])  # fmt: skip
    assert not matches(ordinary, patterns).any(), ordinary[matches(ordinary, patterns)].tolist()
    hosts = pd.Series(["Data Centre", "datacenter campus", "colo hall 3", "IDC Bangkok",
                       "GPU cloud", "trung tâm dữ liệu Hà Nội", "ศูนย์ข้อมูล"])  # fmt: skip
    assert matches(hosts, patterns).all(), hosts[~matches(hosts, patterns)].tolist()


def test_chinese_tenants_named_in_the_hubs_languages(scenarios):
    uses = {
        "malay": "Sewa kapasiti GPU kepada syarikat dari Cina",
        "indonesian": "Sewa GPU untuk perusahaan AI dari Tiongkok",
        "vietnamese": "Cho thuê GPU cho khách hàng Trung Quốc",
        "thai": "ให้เช่า GPU แก่บริษัทจีน",
        "chinese": "为深圳客户提供算力租赁",
        "hong-kong": "Reserved capacity for a Hong Kong AI firm",
        "local": "GPU cloud capacity for Malaysian universities",
    }
    result = scenarios({name: {**SEA_DC, "end_use": use} for name, use in uses.items()})
    for name in uses:
        if name != "local":
            assert flag_of(result, "L5", name)["weight"] == 0.5, name  # the full weight
    assert "L5" not in codes_of(result, "local")
