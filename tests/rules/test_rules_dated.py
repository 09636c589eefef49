"""E2 (H20/MI308 licence by letter), E3 (licence plausibility), Q6 (unknown items priced
like GPUs), L5 (Southeast-Asian data centres renting onwards) and Q1's farm wording."""

from __future__ import annotations

import pytest
from rule_orders import codes_of, flag_of

CHINA = {"ship_to_country": "CN", "end_user_country": "CN", "customer_country": "CN"}
H20 = {**CHINA, "item_sku": "NV-H20-96G", "eccn": "3A991.p"}
MI308 = {**CHINA, "item_sku": "AMD-MI308X-192G", "item_description": "AMD Instinct MI308X 192GB accelerator",
         "eccn": None, "unit_price": 13000.0}  # fmt: skip
LICENSED = {**CHINA, "license_number": "D1234567", "ship_from_country": "US"}
PARTS = {"item_sku": "PRT-CP-40897-M", "item_description": "Computer parts", "eccn": "EAR99",
         "hs_code": "8473.30", "unit_price": 30000.0, "quantity": 10}  # fmt: skip

CASES = {
    "h20-day-before": {**H20, "order_date": "2025-04-08"},
    "h20-day-of": {**H20, "order_date": "2025-04-09"},
    # no ECCN on the order: the catalog's (3A991.p, below 3A090) applies
    "h20-catalog-day-before": {**H20, "eccn": None, "order_date": "2025-04-08"},
    "h20-catalog-day-of": {**H20, "eccn": None, "order_date": "2025-04-09"},
    "h20-licensed": {**H20, "order_date": "2025-09-01", "license_number": "D7654321"},
    "mi308-no-eccn": {**MI308, "order_date": "2025-06-10"},
    "h20-to-sg": {
        **H20,
        "order_date": "2025-06-10",
        "ship_to_country": "SG",
        "end_user_country": "SG",
        "customer_country": "SG",
    },  # fmt: skip
    "h200-day-before-review": {
        **LICENSED,
        "item_sku": "NV-H200-SXM5-141G",
        "order_date": "2026-01-14",
    },
    "h200-day-of-review": {**LICENSED, "item_sku": "NV-H200-SXM5-141G", "order_date": "2026-01-15"},
    "h200-from-malaysia": {
        **LICENSED,
        "item_sku": "NV-H200-SXM5-141G",
        "order_date": "2026-03-01",
        "ship_from_country": "MY",
    },  # fmt: skip
    "b200-licensed": {**LICENSED, "item_sku": "NV-B200-SXM6-192G", "order_date": "2026-03-01"},
    "dgx-b200-licensed": {
        **LICENSED,
        "item_sku": "NV-DGX-B200",
        "order_date": "2026-03-01",
        "quantity": 1,
    },
    "mi300x-licensed": {**LICENSED, "item_sku": "AMD-MI300X-192G", "order_date": "2026-03-01"},
    "parts-priced-like-gpu": PARTS,
    "adapter-module": {
        **PARTS,
        "item_description": "Veltrix accelerator module SXM",
        "eccn": "5A992.c",
        "hs_code": "8543.70",
        "unit_price": 22000.0,
    },  # fmt: skip
    "cheap-parts": {**PARTS, "unit_price": 180.0},
    "new-gpu-honest": {
        **PARTS,
        "item_description": "NVIDIA H200 NVL 141GB PCIe GPU",
        "eccn": "3A090.a",
    },
    "h200-nvl-no-eccn-to-cn": {
        **CHINA,
        "item_sku": "900-2G133-0041-000",
        "eccn": None,
        "item_description": "NVIDIA H200 NVL 141GB PCIe GPU",
        "unit_price": 31000.0,
    },
    "fan-no-eccn-to-cn": {
        **CHINA,
        "item_sku": "SMC-AB-1234-C",
        "eccn": None,
        "item_description": "Server spare parts - fan module",
        "unit_price": 90.0,
    },
    "named-h100-module": {
        **PARTS,
        "item_description": "H100 compute module 80GB",
        "unit_price": 28000.0,
    },
    "sea-rental": {
        "customer_country": "MY",
        "ship_to_country": "MY",
        "end_user_country": "MY",
        "customer_type": "data_center",
        "end_use": "GPU rental to AI companies, incl. customers in Shenzhen",
    },  # fmt: skip
    "sea-own-cloud": {
        "customer_country": "MY",
        "ship_to_country": "MY",
        "end_user_country": "MY",
        "customer_type": "cloud_provider",
        "end_use": "Bare-metal GPU rental",
    },  # fmt: skip
    "straw-tw-hk-payer": {
        "customer_country": "TW",
        "ship_to_country": "TW",
        "end_user_country": "TW",
        "end_use": "Domestic use only - AI training at our Taipei facility",
        "payer_name": "Golden Bridge Trading Ltd",
        "payer_country": "HK",
    },
    "tw-own-payer": {
        "customer_country": "TW",
        "ship_to_country": "TW",
        "end_user_country": "TW",
        "end_use": "Domestic use only - AI training at our Taipei facility",
    },
    "render-farm": {
        "customer_name": "Pixelworks Render Farm Ltd",
        "end_use": "Render farm expansion",
    },
    "server-farm": {"end_use": "Server farm expansion, AI hosting"},
    "farming": {"customer_name": "Greenfield Farming Co", "end_use": "office"},
    "build-farm": {"customer_type": "end_user", "end_use": "Build farm for game builds"},
    "test-farm": {"customer_type": "end_user", "end_use": "Device test farm for mobile apps"},
    "farm-of-servers": {"customer_type": "end_user", "end_use": "A farm of GPUs for rendering"},
    "fish-farm": {"customer_type": "end_user", "end_use": "Fish farm expansion"},
}


@pytest.fixture(scope="module")
def result(scenarios):
    return scenarios(CASES)


def test_h20_letter_requirement_starts_on_2025_04_09(result):
    assert "E2" not in codes_of(result, "h20-day-before")
    flag = flag_of(result, "E2", "h20-day-of")
    assert (
        flag["hard_stop"] and "2025-04-09" in flag["reason"] and flag["evidence"]["country"] == "CN"
    )


def test_h20_by_its_catalog_eccn_is_no_hard_stop_before_the_letter(result):
    """The catalog places the H20 below 3A090: before 2025-04-09 an unlicensed H20 for
    China is no controlled item (no E1, no hard stop); from that day E2 requires the
    licence by letter."""
    before = result.flags[result.flags["transaction_id"] == "h20-catalog-day-before"]
    assert "E1" not in set(before["code"])
    assert not before["hard_stop"].astype(bool).any()
    assert "E1" not in codes_of(result, "h20-catalog-day-of")
    flag = flag_of(result, "E2", "h20-catalog-day-of")
    assert flag["hard_stop"] and flag["evidence"]["eccn"] == "3A991.p"


def test_h20_letter_by_description_whatever_the_eccn(result):
    assert "E2" in codes_of(result, "mi308-no-eccn")
    assert "E2" not in codes_of(result, "h20-licensed")
    assert "E2" not in codes_of(result, "h20-to-sg")


def test_h200_licence_for_china_plausible_only_from_the_review_policy(result):
    flag = flag_of(result, "E3", "h200-day-before-review")
    assert flag["evidence"]["predates_policy"] and "2026-01-15" in flag["reason"]
    assert "E3" not in codes_of(result, "h200-day-of-review")


def test_licence_for_a_re_export_or_above_the_line_cannot_exist(result):
    assert flag_of(result, "E3", "h200-from-malaysia")["evidence"]["re_export"]
    for case in ("b200-licensed", "dgx-b200-licensed"):
        evidence = flag_of(result, "E3", case)["evidence"]
        assert evidence["above_line"] and evidence["chip_tpp"] >= 21000
    assert "E3" not in codes_of(result, "mi300x-licensed")  # TPP 20,900, 5,300 GB/s: below


def test_parts_priced_like_a_gpu_say_what_they_resemble(result):
    flag = flag_of(result, "Q6", "parts-priced-like-gpu")
    assert "H100/H200/H800 class GPU" in flag["reason"]
    assert "Q6" in codes_of(result, "adapter-module")
    assert "Q6" not in codes_of(result, "cheap-parts")
    assert "Q6" not in codes_of(result, "new-gpu-honest")


def test_sea_data_centre_renting_to_china(result):
    assert flag_of(result, "L5", "sea-rental")["evidence"]["onward_wording"] == "Shenzhen"
    assert "L5" not in codes_of(result, "sea-own-cloud")


def test_render_and_server_farms_are_not_farming(result):
    assert "Q1" not in codes_of(result, "render-farm")
    assert "Q1" not in codes_of(result, "server-farm")
    assert "farm" in flag_of(result, "Q1", "farming")["reason"].lower()


def test_build_and_test_farms_of_machines_are_not_farming(result):
    """A build (CI) farm, a device test farm or a farm of GPUs is machines run in numbers;
    a fish farm is still a farming business."""
    for case in ("build-farm", "test-farm", "farm-of-servers"):
        assert "Q1" not in codes_of(result, case), case
    assert "farm" in flag_of(result, "Q1", "fish-farm")["reason"].lower()


def test_unknown_sku_named_as_an_advanced_ic_is_judged_as_one(result):
    assert "E1" in codes_of(result, "h200-nvl-no-eccn-to-cn")
    assert "E1" not in codes_of(result, "fan-no-eccn-to-cn")


def test_relabelled_line_names_the_catalog_entry_it_resembles(result):
    flag = flag_of(result, "Q6", "named-h100-module")
    assert flag["evidence"]["catalog_entry"].startswith("NV-H100")
    assert "nearest catalog entry" in flag_of(result, "Q6", "parts-priced-like-gpu")["reason"]


def test_straw_buyer_claiming_domestic_use_with_hong_kong_money(result):
    flag = flag_of(result, "S1", "straw-tw-hk-payer")
    assert flag["evidence"]["domestic_use_claimed"] and "payer" in flag["reason"]
    assert "S1" not in codes_of(result, "tw-own-payer")


def test_technology_firms_serving_an_unrelated_trade_are_not_in_that_trade(scenarios):
    result = scenarios({
        "proptech": {"customer_name": "Pacificworth Property Technologies S.L."},
        "real-estate-data": {"customer_name": "Verline Real Estate Data Ltd"},
        "agri-ai": {"customer_name": "Yuyuan Agritech Pte. Ltd.", "end_use": "Crop yield prediction"},
        "realtor": {"customer_name": "Sunrise Realty LLC"},
        "realtor-group": {"customer_name": "Goldcoast Real Estate Group"},
    })  # fmt: skip
    for case in ("proptech", "real-estate-data", "agri-ai"):
        assert "Q1" not in codes_of(result, case), case
    assert "Q1" in codes_of(result, "realtor") and "Q1" in codes_of(result, "realtor-group")


def test_unbranded_module_without_an_eccn_is_an_unknown_brand(scenarios):
    # no ECCN and an SXM description: taken for an advanced IC, but no known maker is named
    module = {**PARTS, "eccn": None, "hs_code": "8471.80", "unit_price": 28000.0}
    result = scenarios({
        "unknown-brand-sxm": {**module, "item_description": "Orvana accelerator module SXM"},
        "nvidia-no-eccn": {**module, "item_description": "NVIDIA H200 NVL 141GB PCIe GPU"},
        "quanta-no-eccn": {**module, "item_sku": "QCT-D74H-8X",
                           "item_description": "Quanta QuantaGrid D74H 8x H100 SXM server"},
        "hpe-no-eccn": {**module, "item_sku": "HPE-XD685",
                        "item_description": "Hewlett Packard Enterprise Cray XD685 8x H200"},
        "unknown-brand-cheap": {**module, "item_description": "Orvana accelerator module SXM",
                                "unit_price": 900.0},
    })  # fmt: skip
    flag = flag_of(result, "Q6", "unknown-brand-sxm")
    assert flag["evidence"]["gpu_wording"] and "unknown to the catalog" in flag["reason"]
    for quiet in ("nvidia-no-eccn", "quanta-no-eccn", "hpe-no-eccn", "unknown-brand-cheap"):
        assert "Q6" not in codes_of(result, quiet), quiet
