"""The clean population: breadth of wording, names, contacts and countries; licensed China
business as the law allowed it on each date; the knobs and profiles for evaluating across
populations."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from flows.synthetic import PROFILES, GeneratorParams, generate
from flows.synthetic.vocabulary import INDUSTRIES, end_uses

CHINA = ["CN", "HK", "MO"]


@pytest.fixture(scope="module")
def items(catalog: pd.DataFrame) -> pd.DataFrame:
    return catalog.set_index("sku")


def _clean(orders: pd.DataFrame) -> pd.DataFrame:
    return orders[orders["label"] == 0]


def test_clean_end_uses_are_many_varied_and_sometimes_terse_or_empty(orders_20k):
    clean = _clean(orders_20k)
    named = clean[clean["end_user_name"].notna()]
    uses = named["end_use"]
    assert uses.nunique() >= 300
    assert uses.isna().mean() > 0.02  # an end user named, the end use left empty
    short = uses.dropna().str.len() <= 12
    assert short.mean() > 0.03
    text = " ".join(uses.dropna().str.lower().unique())
    for wording in ("render", "farm", "colocation", "hpc", "llm", "genomics", "climate",
                    "autonomous", "data mining", "inference"):  # fmt: skip
        assert wording in text, wording
    assert uses.dropna().str.contains(r"[\u4e00-\u9fff\u3040-\u30ff\uac00-\ud7af]").any()


def test_clean_names_include_native_scripts_and_farm_mining_realty_words(orders_20k):
    names = pd.Series(_clean(orders_20k)["customer_name"].unique())
    assert len(names) >= 400
    cjk = names.str.contains(r"[\u4e00-\u9fff\u3040-\u30ff\uac00-\ud7af]")
    assert cjk.sum() >= 5
    for word in ("Farm", "Mining", "Realty"):
        assert names.str.contains(word).any(), word


def test_clean_contacts_vary_as_in_real_customer_files(orders_20k):
    customers = _clean(orders_20k).drop_duplicates("customer_id")
    assert 0.01 < customers["customer_website"].isna().mean() < 0.15
    mail_domain = customers["customer_email"].str.split("@").str[1]
    free = mail_domain.isin(["gmail.com", "qq.com", "163.com", "126.com", "outlook.com",
                             "hotmail.com", "yahoo.com", "naver.com", "gmx.de"])  # fmt: skip
    assert 0.01 < free.mean() < 0.15
    phone = customers["customer_phone"]
    assert phone.str.startswith("+").mean() > 0.7
    assert (~phone.str.startswith("+")).any()  # local numbers and 00-prefixed ones too
    assert phone.str.contains("-").any() and phone.str.contains(r"\(").any()


def test_clean_population_covers_more_countries_and_ordinary_complications(orders_20k):
    clean = _clean(orders_20k)
    assert {"ID", "TR", "IL", "SA", "BR", "IN", "VN", "AE", "CN"} <= set(clean["customer_country"])
    third_party = clean["payer_name"].notna() & (clean["payer_name"] != clean["customer_name"])
    assert clean.loc[third_party, "payer_name"].str.contains("Leasing|Finance").any()
    assert clean.loc[third_party, "payer_name"].isin(clean["customer_parent_name"]).any()
    cloud = clean[clean["customer_type"].isin(["cloud_provider", "data_center"])]
    assert (cloud["ship_to_country"] != cloud["customer_country"]).mean() > 0.1
    assert clean["license_exception"].isin(["NAC", "ACA"]).any()
    assert (clean["changed_after_order"] == "true").any()
    reexport = clean["ship_from_country"].notna() & (clean["ship_from_country"] != "US")
    assert 0.005 < reexport.mean() < 0.15
    routed = clean["route"].dropna()
    assert routed.isin(["SG", "HK", "AE"]).any()  # air-hub transits happen in clean business


def test_licensed_controlled_lines_to_other_license_destinations_are_covered(orders_20k, items):
    clean = _clean(orders_20k)
    controlled = clean["item_sku"].map(items["eccn"]).fillna("").str.match(r"3A090|4A090")
    elsewhere = clean["customer_country"].isin(["VN", "AE", "SA"]) & controlled
    assert elsewhere.sum() > 0
    covered = clean["license_number"].notna() | clean["license_exception"].notna()
    assert covered[elsewhere].all()


def test_licensed_china_business_follows_the_law_of_each_order_date(orders_history, items):
    clean = _clean(orders_history)
    china = clean[clean["customer_country"].isin(CHINA)]
    sku = china["item_sku"]
    controlled = sku.map(items["eccn"]).fillna("").str.match(r"3A090|4A090")
    is_h20 = sku.map(items["description"]).fillna("").str.contains(r"\bH20\b")
    day = china["order_date"]
    h20 = china[is_h20]
    assert h20.loc[h20["order_date"] < "2025-04-09", "license_number"].isna().all()
    assert not h20["order_date"].between("2025-04-09", "2025-07-31").any()
    assert h20.loc[h20["order_date"] >= "2025-08-01", "license_number"].notna().all()
    others = china[controlled & ~is_h20]
    assert len(others) > 0 and (others["order_date"] >= "2026-01-15").all()
    assert others["license_number"].notna().all()
    assert (
        others["item_sku"].map(items["tpp"])
        / np.where(others["item_sku"].map(items["item_class"]) == "server", 8, 1)
        < 21_000
    ).all()
    assert others["ship_from_country"].fillna("US").eq("US").all()
    assert (day >= "2025-01-01").all()


def test_history_profile_spans_2025_to_november_2026(orders_history):
    assert orders_history["order_date"].min() == "2025-01-01"
    assert orders_history["order_date"].max() == "2026-11-30"


def test_end_use_vocabularies_are_disjoint_and_legacy_keeps_the_six_phrases():
    rng = np.random.default_rng(1)
    industries = np.array(INDUSTRIES * 400, dtype=object)
    countries = np.full(len(industries), "US", dtype=object)

    def phrases(vocabulary: str) -> set[str]:
        return set(end_uses(rng, industries, countries, vocabulary, 0.0, 0.0))

    standard, alternate = phrases("standard"), phrases("alternate")
    assert len(standard) > 500 and len(alternate) > 500
    assert len(standard & alternate) / len(standard) < 0.05
    mixed = phrases("mixed")
    assert len(mixed & standard) > 200 and len(mixed & alternate) > 200
    assert len(phrases("legacy")) == 6


def test_profiles_differ_where_a_model_could_learn_by_heart(catalog):
    default = generate(6_000, seed=41, catalog=catalog)
    shifted = generate(6_000, seed=41, catalog=catalog, params=GeneratorParams.profile("shifted"))
    assert shifted.labels["label"].mean() < default.labels["label"].mean()

    def clean_uses(data) -> set[str]:
        rows = data.labels["label"].to_numpy() == 0
        return set(data.transactions.loc[rows, "end_use"].dropna())

    overlap = clean_uses(default) & clean_uses(shifted)
    assert len(overlap) / len(clean_uses(shifted)) < 0.15  # only local-language and blank-like
    list_price = catalog.set_index("sku")["list_price"]

    def price_ratio(data) -> float:
        rows = data.labels["label"].to_numpy() == 0
        frame = data.transactions[rows]
        return float((frame["unit_price"] / frame["item_sku"].map(list_price)).median())

    assert price_ratio(shifted) / price_ratio(default) == pytest.approx(1.12, abs=0.03)


def test_profile_names_overrides_and_bad_knobs():
    assert set(PROFILES) == {"default", "shifted", "history", "independent"}
    params = GeneratorParams.profile("shifted", price_level=0.9)
    assert params.profile_name == "shifted" and params.price_level == 0.9
    assert params.end == date(2026, 11, 30)
    with pytest.raises(ValueError, match="unknown profile"):
        GeneratorParams.profile("nope")
    with pytest.raises(ValueError, match="end_use_vocabulary"):
        GeneratorParams(end_use_vocabulary="klingon")
    with pytest.raises(ValueError, match="price_level"):
        GeneratorParams(price_level=0)


def test_licensed_china_share_sets_how_much_china_business_is_controlled(catalog):
    def controlled_share(share: float) -> float:
        params = GeneratorParams.profile("history", licensed_china_share=share)
        data = generate(20_000, seed=8, catalog=catalog, params=params)
        frame = data.transactions[data.labels["label"].to_numpy() == 0]
        china = frame[frame["customer_country"].isin(CHINA)]
        return float(china["license_number"].notna().mean())

    assert controlled_share(0.5) > 2.5 * controlled_share(0.1)


def test_dated_typologies_are_left_out_where_their_dates_are_not_generated(catalog):
    params = GeneratorParams(start=date(2025, 1, 1), days=60)
    data = generate(5_000, seed=2, catalog=catalog, params=params)
    counts = data.labels["typology"].value_counts()
    assert "unlicensed_h20" not in counts.index
    assert counts.get("implausible_license", 0) > 0
