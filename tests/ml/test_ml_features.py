"""The feature table: point-in-time (nothing from the future), consistent between a run
with history and one big file, correct rolling windows, tolerant of a bare policy pack."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from canonical_frames import canonicalise, odd_order, regular_orders

from detectors.ml.features import FEATURE_NAMES, FEATURES, build_features


def features(tx, policy, catalog, settings, history=None):
    return build_features(
        tx, tx.iloc[:0] if history is None else history, policy, catalog, settings["features"]
    )


def test_every_feature_is_documented_and_built(policy, catalog, ml_settings):
    table = features(regular_orders(200, seed=3), policy, catalog, ml_settings)
    assert list(table.columns) == list(FEATURE_NAMES)
    assert len(set(FEATURE_NAMES)) == len(FEATURES)
    assert all(f.meaning and f.unit and f.says for f in FEATURES)
    assert all(f.says_off for f in FEATURES if f.unit == "flag")


def test_a_future_transaction_changes_no_past_feature(policy, catalog, ml_settings):
    tx = regular_orders(400, seed=4, days=120, customers=12)
    before = features(tx, policy, catalog, ml_settings)
    last_day = tx["order_date"].max()
    # the same customers again, later: new countries, same address, a third-party payer
    future = tx.sample(n=30, random_state=1).copy()
    future["transaction_id"] = "F-" + future["transaction_id"]
    future["order_date"] = last_day + pd.Timedelta(days=1)
    future["ship_to_country"] = "MY"
    future["payer_name"] = "Common Payer Ltd"
    grown = pd.concat([tx, canonicalise(future)], ignore_index=True)
    after = features(grown, policy, catalog, ml_settings)
    pd.testing.assert_frame_equal(after.iloc[: len(tx)], before)


def test_history_plus_batch_equals_one_long_file(policy, catalog, ml_settings):
    tx = regular_orders(500, seed=5, days=200, customers=15)
    cut = tx["order_date"] >= tx["order_date"].min() + pd.Timedelta(days=150)
    whole = features(tx, policy, catalog, ml_settings)
    batch = features(tx[cut].reset_index(drop=True), policy, catalog, ml_settings, history=tx[~cut])
    pd.testing.assert_frame_equal(batch, whole[cut.to_numpy()].reset_index(drop=True))


def brute_force(tx: pd.DataFrame, i: int, window: int) -> tuple[int, float, int]:
    """Earlier orders and their value within `window` days, and distinct ship-to countries
    (this order included), by looking at every row: the reference for the vectorised code."""
    row = tx.iloc[i]
    same = tx[(tx["customer_id"] == row["customer_id"]) & (tx.index < i)]
    recent = same[same["order_date"] >= row["order_date"] - pd.Timedelta(days=window)]
    countries = set(recent["ship_to_country"]) | {row["ship_to_country"]}
    return len(recent), float(recent["order_value_usd"].sum()), len(countries)


def test_rolling_windows_match_a_row_by_row_count(policy, catalog, ml_settings):
    tx = regular_orders(300, seed=6, days=100, customers=6)
    rng = np.random.default_rng(0)
    tx["ship_to_country"] = rng.choice(["US", "SG", "MY", "DE", "JP"], len(tx))
    tx = tx.sort_values("order_date", kind="stable").reset_index(drop=True)
    table = features(tx, policy, catalog, ml_settings)
    for i in rng.choice(len(tx), 40, replace=False):
        count, value, countries = brute_force(tx, i, 30)
        assert table.loc[i, "prior_orders_30d"] == count
        assert table.loc[i, "prior_value_usd_30d"] == pytest.approx(value)
        assert table.loc[i, "ship_to_countries_30d"] == countries


def test_shared_address_counts_customers_seen_so_far(policy, catalog, ml_settings):
    tx = regular_orders(60, seed=7, days=60, customers=6)
    shells = pd.concat(
        [odd_order(f"S-{k}", f"2025-03-0{k + 1}", customer_id=f"SHELL-{k}") for k in range(3)]
    )
    tx = pd.concat([tx, shells], ignore_index=True)
    table = features(tx, policy, catalog, ml_settings)
    assert table["customers_sharing_address"].iloc[-3:].tolist() == [1.0, 2.0, 3.0]
    assert table["customers_sharing_payer"].iloc[-1] == 3.0


def test_odd_order_reads_as_odd(policy, catalog, ml_settings):
    tx = pd.concat(
        [regular_orders(50, seed=8), odd_order("T-ODD", "2025-06-01")], ignore_index=True
    )
    odd = features(tx, policy, catalog, ml_settings).iloc[-1]
    assert odd["price_to_list_ratio"] == pytest.approx(2.5)
    assert odd["ship_to_country_risk"] == 3
    assert odd["route_via_hub"] == 1 and odd["third_party_payer"] == 1
    assert odd["free_mail_email"] == 1 and odd["end_use_missing_or_vague"] == 1
    assert odd["unlikely_buyer_for_item"] == 1
    assert odd["customer_tenure_days"] == 9


def test_bare_policy_pack_falls_back_to_ml_yaml(catalog, ml_settings):
    tx = pd.concat(
        [regular_orders(20, seed=9), odd_order("T-ODD", "2025-06-01")], ignore_index=True
    )
    table = features(tx, {}, catalog, ml_settings)
    assert table["ship_to_country_risk"].iloc[-1] == 3  # HK
    assert table["route_via_hub"].iloc[-1] == 1  # via MY
    assert table["free_mail_email"].iloc[-1] == 1


def test_absent_optional_columns_give_missing_values_not_errors(policy, catalog, ml_settings):
    tx = regular_orders(50, seed=10)
    bare = tx.drop(
        columns=["customer_email", "customer_website", "end_use", "route", "customer_since"]
    )
    table = features(bare, policy, catalog, ml_settings)
    assert len(table) == len(tx)
    for name in (
        "free_mail_email",
        "no_website",
        "end_use_missing_or_vague",
        "route_via_hub",
        "customer_tenure_days",
    ):
        assert table[name].isna().all(), name
    assert table["prior_orders_total"].notna().all()
