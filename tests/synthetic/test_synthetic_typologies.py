"""Each injected typology carries the red flags the rule pack must be able to see, on every
one of its rows (shared conventions, "Diversion typologies")."""

from __future__ import annotations

import pandas as pd
import pytest

from detectors.schema import H100_TPP
from flows.synthetic.geography import COUNTRIES, FREE_MAIL_DOMAINS
from flows.synthetic.params import GeneratorParams

PARAMS = GeneratorParams()
CONTROLS = pd.Timestamp("2022-10-07")


@pytest.fixture(scope="module")
def items(catalog: pd.DataFrame) -> pd.DataFrame:
    frame = catalog.set_index("sku")
    frame["controlled"] = frame["eccn"].str.match(r"^(3A090|4A090)") & ~frame["prc_developed"]
    return frame


def rows_of(orders: pd.DataFrame, typology: str) -> pd.DataFrame:
    rows = orders[orders["typology"] == typology]
    assert len(rows) > 0
    return rows


def catalog_value(rows: pd.DataFrame, items: pd.DataFrame, column: str) -> pd.Series:
    return rows["item_sku"].map(items[column])


def h100e(rows: pd.DataFrame, items: pd.DataFrame) -> pd.Series:
    return rows["quantity"] * catalog_value(rows, items, "tpp") / H100_TPP


def test_transshipment_forwarder_ships_to_a_hub_forwarder_paid_from_china_mislabelled(
    orders_20k, items
):
    rows = rows_of(orders_20k, "transshipment_forwarder")
    assert rows["ship_to_country"].isin(["SG", "MY"]).all()
    assert (rows["ship_to_name"] == rows["freight_forwarder_name"]).all()
    assert rows["end_user_name"].isna().all()
    assert rows["payer_country"].isin(["HK", "CN"]).all()
    assert (rows["payer_name"] != rows["customer_name"]).all()
    other_hs = rows["hs_code"] != catalog_value(rows, items, "hs_code")
    generic = rows["item_description"] != catalog_value(rows, items, "description")
    assert (other_hs | generic).all()  # mislabelled one way or both
    assert other_hs.any() and generic.any() and (other_hs & generic).any()
    assert (pd.to_datetime(rows["customer_since"]) > CONTROLS).all()
    assert catalog_value(rows, items, "controlled").all()


def test_realtor_buyer_buys_gpu_servers_via_malaysia_or_thailand_with_chinese_money(
    orders_20k, items
):
    rows = rows_of(orders_20k, "realtor_buyer")
    assert (rows["customer_type"] == "other").all()
    assert rows["customer_name"].str.contains("Realt|Propert|Real Estate|Homes").all()
    item_class = catalog_value(rows, items, "item_class")
    assert item_class.isin(["server", "gpu"]).all() and (item_class == "server").mean() > 0.5
    assert catalog_value(rows, items, "controlled").all()
    assert rows["ship_to_country"].isin(["MY", "TH"]).all()
    assert rows["payer_country"].isin(["CN", "HK"]).all()


def test_unlicensed_china_sends_controlled_items_to_china_without_a_license(orders_20k, items):
    rows = rows_of(orders_20k, "unlicensed_china")
    china = ["CN", "HK", "MO"]
    assert (rows["ship_to_country"].isin(china) | rows["end_user_country"].isin(china)).all()
    assert catalog_value(rows, items, "controlled").all()
    assert rows["license_number"].isna().all() and rows["license_exception"].isna().all()


def test_gp10_ascend_orders_prc_developed_chips(orders_20k, items):
    rows = rows_of(orders_20k, "gp10_ascend")
    assert catalog_value(rows, items, "prc_developed").all()
    clean = orders_20k[orders_20k["label"] == 0]
    assert not catalog_value(clean, items, "prc_developed").any()


def test_structuring_shells_share_an_address_and_payer_each_staying_under_the_threshold(
    orders_20k, items
):
    rows = rows_of(orders_20k, "structuring").assign(h=lambda f: h100e(f, items))
    threshold = PARAMS.structuring_threshold_h100e
    assert rows["h"].between(0.85 * threshold, threshold, inclusive="left").all()  # each just under
    by_address = rows.groupby("customer_address").agg(
        customers=("customer_id", "nunique"), payers=("payer_name", "nunique"), h=("h", "sum")
    )
    assert (by_address["customers"] >= 3).all()
    assert (by_address["payers"] == 1).all()
    assert (by_address["h"] > threshold).all()
    span = rows.groupby("customer_address")["order_date"].agg(
        lambda d: (pd.to_datetime(d).max() - pd.to_datetime(d).min()).days
    )
    assert (span <= PARAMS.structuring_window_days).all()


def test_shell_front_first_orders_are_large(orders_20k, items):
    rows = rows_of(orders_20k, "shell_front")
    assert (h100e(rows, items) >= PARAMS.shell_first_order_h100e[0]).all()


def test_shell_front_has_free_mail_no_website_odd_address_foreign_phone_and_a_new_account(
    orders_20k,
):
    rows = rows_of(orders_20k, "shell_front")
    assert rows["customer_email"].str.split("@").str[1].isin(FREE_MAIL_DOMAINS).all()
    assert rows["customer_website"].isna().all()
    assert (
        rows["customer_address"]
        .str.contains(r"Apt|Flat|residential|Virtual Office|Regus|P\.?O\. Box|PO Box")
        .all()
    )
    own_code = "+" + rows["customer_country"].map(lambda c: COUNTRIES[c].calling_code) + " "
    assert not any(p.startswith(c) for p, c in zip(rows["customer_phone"], own_code, strict=True))
    first = rows.groupby("customer_id")["order_date"].transform("min")
    age = (pd.to_datetime(first) - pd.to_datetime(rows["customer_since"])).dt.days
    assert age.between(*PARAMS.shell_account_age_days).all()


def test_cash_premium_pays_cash_or_crypto_well_above_list_price(orders_20k, items):
    rows = rows_of(orders_20k, "cash_premium")
    assert rows["payment_method"].isin(["cash", "crypto"]).all()
    assert (rows["unit_price"] >= 1.4 * catalog_value(rows, items, "list_price") - 0.01).all()


def test_evasive_end_use_declines_installation_without_statement_and_changes_after_order(
    orders_20k,
):
    rows = rows_of(orders_20k, "evasive_end_use")
    flags = (
        (rows["declined_installation"] == "true").astype(int)
        + (rows["end_use_statement_received"] == "false").astype(int)
        + (rows["changed_after_order"] == "true").astype(int)
    )
    assert (flags >= 2).all() and (flags == 3).any()
    vague = ["general use", "resale", "trading", "for stock", "general purpose computing",
             "various", "TBD", "customer project", "IT equipment"]  # fmt: skip
    assert rows["end_use"].isna().any()
    assert rows["end_use"].dropna().isin(vague).all()


def test_d5_parent_customers_belong_to_a_chinese_or_macanese_parent(orders_20k):
    rows = rows_of(orders_20k, "d5_parent")
    assert rows["customer_parent_country"].isin(["CN", "MO"]).all()
    clean = orders_20k[orders_20k["label"] == 0]
    assert not clean["customer_parent_country"].isin(["CN", "MO"]).any()


def test_volume_spike_is_far_above_the_customers_own_earlier_orders_and_goes_to_a_hub(
    orders_20k, items
):
    orders = orders_20k.assign(
        h=lambda f: h100e(f, items), day=lambda f: pd.to_datetime(f["order_date"])
    )
    rows = orders[orders["typology"] == "volume_spike"]
    assert rows["ship_to_country"].isin(PARAMS.hubs).all()
    for _, spike in rows.iterrows():  # a handful of rows: the test reads best as a loop
        earlier = orders[
            (orders["customer_id"] == spike["customer_id"])
            & (orders["day"] <= spike["day"])
            & (orders["label"] == 0)
        ]
        assert len(earlier) >= 3
        assert spike["h"] >= 20 * max(earlier["h"].max(), 1.0)


def test_unlicensed_h20_sends_h20_or_mi308_to_china_after_the_letter_without_a_licence(
    orders_history,
):
    rows = rows_of(orders_history, "unlicensed_h20")
    assert rows["item_description"].str.contains(r"\bH20\b|MI308").all()
    china = ["CN", "HK", "MO"]
    assert (rows["ship_to_country"].isin(china) | rows["end_user_country"].isin(china)).all()
    assert (rows["order_date"] >= "2025-04-09").all()
    assert rows["license_number"].isna().all() and rows["license_exception"].isna().all()
    assert rows["eccn"].nunique(dropna=False) >= 3  # whatever the ECCN says


def test_implausible_license_records_a_licence_no_rule_of_its_date_allows(orders_history, items):
    rows = rows_of(orders_history, "implausible_license")
    assert rows["license_number"].notna().all()
    assert rows["customer_country"].isin(["CN", "HK", "MO"]).all()
    chip_tpp = catalog_value(rows, items, "tpp") / (
        catalog_value(rows, items, "item_class") == "server"
    ).map({True: 8, False: 1})
    above = (chip_tpp >= 21_000) & (rows["order_date"] >= "2026-01-01")
    reexport = rows["ship_from_country"].notna() & (rows["ship_from_country"] != "US")
    early = (rows["order_date"] < "2026-01-15") & rows["item_description"].str.contains("H[128]00")
    assert (above | reexport | early).all()
    assert above.any() and reexport.any() and early.any()


def test_mislabelled_parts_are_unknown_skus_declared_as_parts_at_gpu_prices(orders_20k, items):
    rows = rows_of(orders_20k, "mislabelled_parts")
    assert not rows["item_sku"].isin(items.index).any()
    assert rows["item_description"].str.contains("(?i)parts|accessories|components").all()
    assert rows["unit_price"].between(25_000, 41_000).all()
    assert (rows["hs_code"] == "8473.30").mean() > 0.5
    assert rows["eccn"].fillna("EAR99").eq("EAR99").all()
    clean = orders_20k[orders_20k["label"] == 0]
    clean_parts = clean[~clean["item_sku"].isin(items.index)]
    generic = clean_parts["item_description"].str.contains("(?i)parts|accessories")
    assert generic.any() and (clean_parts.loc[generic, "unit_price"] < 5_000).all()


def test_adapter_module_declares_unknown_brand_gpus_as_adapters_or_modules(orders_20k, items):
    rows = rows_of(orders_20k, "adapter_module")
    assert not rows["item_sku"].isin(items.index).any()
    assert rows["item_description"].str.contains("(?i)adapter|module").all()
    vendors = "|".join(items["vendor"].dropna().unique())
    assert not rows["item_description"].str.contains(vendors).any()
    assert rows["unit_price"].between(14_000, 38_000).all()


def test_straw_buyer_claims_domestic_or_licence_free_use_with_china_money_or_logistics(
    orders_20k,
):
    rows = rows_of(orders_20k, "straw_buyer")
    assert rows["customer_country"].isin(["US", "TW", "TH"]).all()
    assert (rows["ship_to_country"] == rows["customer_country"]).all()
    china = ["HK", "CN"]
    tells = (
        rows["payer_country"].isin(china)
        | rows["freight_forwarder_country"].isin(china)
        | rows["intermediate_consignee_country"].isin(china)
        | rows["route"].fillna("").str.contains("HK")
    )
    assert tells.all()
    assert rows["license_number"].isna().all()


def test_sea_datacenter_buys_far_beyond_local_demand_and_rents_to_chinese_firms(orders_20k, items):
    rows = rows_of(orders_20k, "sea_datacenter").assign(h=lambda f: h100e(f, items))
    assert rows["customer_country"].isin(["MY", "ID", "TH"]).all()
    assert rows["customer_type"].isin(["data_center", "cloud_provider"]).all()
    clean = orders_20k[orders_20k["label"] == 0].assign(h=lambda f: h100e(f, items))
    local = clean[clean["customer_country"].isin(["MY", "ID", "TH"]) & (clean["h"] > 0)]
    assert rows["h"].median() > 20 * local["h"].median()
    onward = rows["end_use"].str.contains("China|Shenzhen|overseas|regional|rental") | (
        rows["end_user_name"] != rows["customer_name"]
    )
    assert onward.mean() > 0.5
