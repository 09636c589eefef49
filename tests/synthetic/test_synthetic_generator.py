"""The generated order book: contract shape, determinism, labels and the legitimate population."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from detectors.schema import (
    BOOLEAN_COLUMNS,
    COUNTRY_COLUMNS,
    CUSTOMER_TYPES,
    DATE_COLUMNS,
    INPUT_COLUMNS,
    PAYMENT_METHODS,
)
from flows.ingest.sources import read_orders
from flows.synthetic import (
    OUTPUT_COLUMNS,
    TYPOLOGIES,
    GeneratorParams,
    generate,
    write_csl_csv,
    write_labels,
    write_transactions,
)

REPO = Path(__file__).resolve().parents[2]
TIER_1 = {
    "US",
    "AU",
    "BE",
    "CA",
    "DK",
    "FI",
    "FR",
    "DE",
    "IE",
    "IT",
    "JP",
    "NL",
    "NZ",
    "NO",
    "KR",
    "ES",
    "SE",
    "TW",
    "GB",
}


def _write_all(data, folder: Path, suffix: str) -> list[Path]:
    return [
        write_transactions(data.transactions, folder / f"orders{suffix}"),
        write_labels(data.labels, folder / "labels.csv"),
        write_csl_csv(data.watchlist, folder / "list.csv"),
    ]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_same_seed_writes_the_same_bytes_and_another_seed_does_not(tmp_path, catalog, suffix):
    first = _write_all(generate(3_000, seed=5, catalog=catalog), tmp_path / "a", suffix)
    second = _write_all(generate(3_000, seed=5, catalog=catalog), tmp_path / "b", suffix)
    other = _write_all(generate(3_000, seed=6, catalog=catalog), tmp_path / "c", suffix)
    for a, b, c in zip(first, second, other, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
        assert a.read_bytes() != c.read_bytes(), a.name


def test_transactions_carry_exactly_the_contract_columns_as_an_erp_export(data_20k):
    frame = data_20k.transactions
    assert list(frame.columns) == list(OUTPUT_COLUMNS)
    assert set(INPUT_COLUMNS) <= set(OUTPUT_COLUMNS) <= set(INPUT_COLUMNS) | {"ship_from_country"}
    assert frame["transaction_id"].is_unique
    for column in DATE_COLUMNS:
        given = frame[column].dropna()
        assert given.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all(), column
        pd.to_datetime(given, format="%Y-%m-%d")  # every one a real date
    for column in BOOLEAN_COLUMNS:
        assert set(frame[column].dropna()) <= {"true", "false"}, column
    for column in COUNTRY_COLUMNS:
        assert frame[column].dropna().str.fullmatch(r"[A-Z]{2}").all(), column
    hops = frame["route"].dropna().str.split(";").explode()
    assert hops.str.fullmatch(r"[A-Z]{2}").all()
    assert set(frame["customer_type"].dropna()) <= set(CUSTOMER_TYPES)
    assert set(frame["payment_method"].dropna()) <= set(PAYMENT_METHODS)
    assert (frame["quantity"] > 0).all() and (frame["unit_price"] >= 0).all()
    required = ["transaction_id", "order_date", "customer_id", "customer_name", "customer_country",
                "ship_to_name", "ship_to_country", "item_sku", "item_description", "currency"]  # fmt: skip
    assert frame[required].notna().all().all()


def test_every_order_line_is_accepted_by_ingest(tmp_path, data_20k, catalog):
    settings = yaml.safe_load((REPO / "configs" / "pipeline.yaml").read_text())["ingest"]
    path = write_transactions(data_20k.transactions, tmp_path / "orders.csv")
    result = read_orders([path], catalog, settings)
    assert result.rows_read == len(data_20k.transactions)
    assert len(result.rejected) == 0, result.reject_counts
    known = data_20k.transactions["item_sku"].isin(set(catalog["sku"])).to_numpy()
    assert (result.accepted["catalog_known"].to_numpy() == known).all()
    assert 0.9 < known.mean() < 1.0  # a few SKUs the catalog does not know, as in real books


def test_labels_align_with_transactions(data_20k):
    labels, frame = data_20k.labels, data_20k.transactions
    assert list(labels.columns) == ["transaction_id", "label", "typology"]
    assert labels["transaction_id"].tolist() == frame["transaction_id"].tolist()
    diverted = labels["label"] == 1
    assert (labels.loc[diverted, "typology"] != "").all()
    assert (labels.loc[~diverted, "typology"] == "").all()
    assert set(labels["label"]) == {0, 1}


def test_every_typology_is_present_at_20k_rows_at_a_realistic_rate(data_20k):
    counts = data_20k.labels["typology"].value_counts()
    for typology in TYPOLOGIES:
        assert counts.get(typology, 0) >= 20, typology
    rate = data_20k.labels["label"].mean()
    assert 0.03 <= rate <= 0.05


def test_orders_are_in_date_order_over_the_default_span(data_20k):
    dates = pd.to_datetime(data_20k.transactions["order_date"])
    assert dates.is_monotonic_increasing
    assert dates.min() >= pd.Timestamp("2026-01-01")
    assert dates.max() <= pd.Timestamp("2026-01-01") + pd.Timedelta(days=329)
    assert dates.dt.month.nunique() >= 10


def test_legitimate_population_spans_many_countries_including_the_hubs(orders_20k):
    clean = orders_20k[orders_20k["label"] == 0]
    countries = set(clean["customer_country"])
    assert len(countries) >= 25
    assert {"SG", "MY", "HK", "AE", "TW", "IN", "VN"} <= countries
    assert clean["ship_to_country"].isin(TIER_1).mean() > 0.6
    per_customer = clean.groupby("customer_id").size()
    assert per_customer.median() >= 5  # customers come back


def test_legitimate_controlled_orders_to_china_carry_a_license(orders_20k, catalog):
    controlled = set(catalog.loc[catalog["eccn"].str.match(r"^(3A090|4A090)"), "sku"])
    clean = orders_20k[(orders_20k["label"] == 0) & orders_20k["item_sku"].isin(controlled)]
    to_china = clean["ship_to_country"].isin(["CN", "HK", "MO"]) | clean["end_user_country"].isin(
        ["CN", "HK", "MO"]
    )
    assert to_china.sum() > 0
    assert clean.loc[to_china, "license_number"].notna().all()


def test_clean_prices_sit_around_the_catalog_list_price(orders_20k, catalog):
    clean = orders_20k[orders_20k["label"] == 0]
    list_price = clean["item_sku"].map(catalog.set_index("sku")["list_price"])
    ratio = (clean["unit_price"] / list_price).dropna()  # the SKUs the catalog knows
    assert ratio.between(0.6, 1.3).mean() > 0.99
    assert 0.9 < ratio.median() < 1.05


def test_params_change_volume_mix_and_dates(catalog):
    params = GeneratorParams(
        diversion_rate=0.10, typology_mix={"cash_premium": 1.0}, start=date(2025, 1, 1), days=30
    )
    data = generate(5_000, seed=3, catalog=catalog, params=params)
    counts = data.labels["typology"].value_counts()
    assert set(counts.index) == {"", "cash_premium"}
    assert counts["cash_premium"] == 500
    dates = pd.to_datetime(data.transactions["order_date"])
    assert dates.min() >= pd.Timestamp("2025-01-01") and dates.max() < pd.Timestamp("2025-01-31")


def test_higher_price_noise_spreads_clean_prices(catalog):
    def spread(sigma: float) -> float:
        data = generate(
            4_000, seed=9, catalog=catalog, params=GeneratorParams(price_noise_sigma=sigma)
        )
        list_price = data.transactions["item_sku"].map(catalog.set_index("sku")["list_price"])
        clean = data.labels["label"].to_numpy() == 0
        return float(np.std(np.log(data.transactions["unit_price"] / list_price)[clean]))

    assert spread(0.25) > 2 * spread(0.03)


def test_a_hundred_thousand_rows_generate(catalog):
    data = generate(100_000, seed=11, catalog=catalog)
    assert len(data.transactions) == 100_000
    assert data.transactions["transaction_id"].is_unique


def test_refuses_an_empty_file(catalog):
    with pytest.raises(ValueError, match="rows"):
        generate(0, seed=1, catalog=catalog)
