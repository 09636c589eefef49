"""The learned combination: terms that carry over, the noisy-OR fallback, explanations that
add up, robustness to wrong labels, and the gate that keeps a worse combination out."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from canonical_frames import regular_orders, shell_orders
from sklearn.metrics import average_precision_score
from test_ml_gate import QUICK, lookalikes  # noqa: F401  (the book of look-alikes)

from cases.grouping import score_transactions
from detectors.ml.combination import (
    ABSOLUTE,
    CARRY_OVER,
    NotEnoughLabels,
    case_shift,
    fit_combination,
    noisy_or,
)
from detectors.ml.features import build_features
from detectors.ml.gate import holdout_split
from flows.combination_training import base_flags, combination_risk, train_combination


@pytest.fixture(scope="module")
def book():
    parts = [regular_orders(1200, seed=53), lookalikes(400, 54), shell_orders(400, seed=55)]
    book = pd.concat(parts, ignore_index=True)
    labels = np.r_[np.zeros(1600), np.ones(400)].astype(int)
    order = np.argsort(book["order_date"].to_numpy(), kind="stable")
    return book.iloc[order].reset_index(drop=True), labels[order]


@pytest.fixture(scope="module")
def screened(book, policy, catalog, tmp_path_factory):
    orders, y = book
    table = build_features(orders, orders.iloc[:0], policy, catalog, {})
    flags, _, _ = base_flags(tmp_path_factory.mktemp("ws"), orders, table, QUICK, catalog)
    fit, held = holdout_split(orders["order_date"], orders["customer_id"], 0.3)
    return orders, y, table, flags, (fit, held)


def test_no_identifier_or_absolute_amount_is_a_term():
    assert not ABSOLUTE & set(CARRY_OVER)
    assert "price_to_list_ratio" in CARRY_OVER and "value_ratio_to_history" in CARRY_OVER
    assert not [f for f in CARRY_OVER if f.endswith("_id") or "usd" in f]


def test_too_few_labels_leave_the_noisy_or(screened):
    orders, y, table, flags, _ = screened
    with pytest.raises(NotEnoughLabels):
        fit_combination(flags, orders["transaction_id"][:30], y[:30], table[:30])


def test_the_combination_beats_the_noisy_or_on_customers_it_has_not_seen(screened):
    orders, y, table, flags, (fit, held) = screened
    ids = orders["transaction_id"]
    model = fit_combination(flags, ids[fit], y[fit], table[fit])
    learned = model.probability(flags, ids[held], table[held])
    fixed = noisy_or(flags, ids[held])
    assert average_precision_score(y[held], learned) > average_precision_score(y[held], fixed) + 0.1


def test_ten_percent_wrong_labels_still_beat_the_noisy_or(screened):
    orders, y, table, flags, (fit, held) = screened
    ids = orders["transaction_id"]
    wrong = y.copy()
    rows = np.flatnonzero(fit)
    flip = np.random.default_rng(11).choice(rows, len(rows) // 10, replace=False)
    wrong[flip] = 1 - wrong[flip]
    model = fit_combination(flags, ids[fit], wrong[fit], table[fit])
    learned = model.probability(flags, ids[held], table[held])
    assert average_precision_score(y[held], learned) > average_precision_score(
        y[held], noisy_or(flags, ids[held])
    )


def test_each_term_explains_its_share_and_importance_is_spread(screened):
    orders, y, table, flags, _ = screened
    ids = orders["transaction_id"]
    model = fit_combination(flags, ids, y, table)
    design = model.design(flags, ids, table)
    points = model.contributions(design)
    risk = 100 * model.probability(flags, ids, table)
    top = int(np.argmax(risk))
    # the terms that raised the riskiest line account for its distance from the baseline
    assert points[top].sum() > 0 and points[top].max() > 1.0
    assert model.metrics["largest_term_share"] <= model.metrics["max_term_share"]
    assert set(model.importance()) == set(model.terms)


def test_a_combination_trained_on_shuffled_labels_is_kept_inactive(tmp_path, book, catalog, policy):
    orders, y = book
    table = build_features(orders, orders.iloc[:0], policy, catalog, {})
    good = train_combination(tmp_path, orders, table, y, QUICK, catalog)
    assert good.active and good.metrics["holdout"]["passed"]
    # its case threshold keeps clean lines in a case no more often than the noisy-OR did
    cut = good.metrics["case_threshold"]
    assert cut["scores"] == "out of fold"
    assert cut["clean_in_case"] <= cut["reference_clean_in_case"]
    shuffled = np.random.default_rng(5).permutation(y)
    bad = train_combination(tmp_path, orders, table, shuffled, QUICK, catalog)
    assert not bad.active and "kept inactive" in bad.metrics["holdout"]["reason"]


def test_without_a_combination_the_risk_is_the_noisy_or(screened):
    orders, _, table, flags, _ = screened
    risk = combination_risk(None, flags, orders, table)
    fixed = score_transactions(orders, flags)["risk_score"].to_numpy()
    assert flags["transaction_id"].nunique() > 50 and np.array_equal(risk, fixed)


def test_the_case_cut_keeps_the_reference_share_of_clean_lines():
    rng = np.random.default_rng(8)
    y = np.r_[np.zeros(2000), np.ones(100)].astype(int)
    z = np.r_[rng.normal(-4, 1, 2000), rng.normal(1, 1, 100)]  # ranks well
    hard = np.zeros(len(y), bool)
    hard[[5, 2050]] = True  # one clean line, one diversion line with a hard stop
    reference = (rng.random(len(y)) < np.where(y == 1, 0.9, 0.02)) | hard
    shift, found = case_shift(z, y, hard, reference, 40)
    cased = (np.rint(100 / (1 + np.exp(-(z + shift)))) >= 40) | hard
    assert cased[y == 0].mean() <= reference[y == 0].mean()
    assert cased[y == 1].mean() >= reference[y == 1].mean()
    assert found["clean_in_case"] == round(float(cased[y == 0].mean()), 4)
    # a model that cannot rank keeps the reference's share of clean lines at most
    noise = rng.normal(0, 1, len(y))
    shift, found = case_shift(noise, y, hard, reference, 40)
    cased = (np.rint(100 / (1 + np.exp(-(noise + shift)))) >= 40) | hard
    assert cased[y == 0].mean() <= reference[y == 0].mean()
