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
    assert good.params["monotone"] is True  # the default fit: known directions, capped
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


def _wrong_way_flag(orders: pd.DataFrame, y: np.ndarray, flags: pd.DataFrame) -> pd.DataFrame:
    """The flags with a made-up red flag that fires on most clean lines and few diversion
    lines of this book: in it, the flag says "clean"."""
    rng = np.random.default_rng(3)
    fires = np.where(y == 1, rng.random(len(y)) < 0.1, rng.random(len(y)) < 0.6)
    extra = (
        flags.iloc[:0]
        .reindex(range(int(fires.sum())))
        .assign(
            transaction_id=orders["transaction_id"].astype("str").to_numpy()[fires],
            code="ZZ-WRONG-WAY",
            source="rule",
            weight=0.3,
            hard_stop=False,
        )
    )
    return pd.concat([flags, extra], ignore_index=True)


def test_the_monotone_fit_keeps_every_flag_raising_the_risk(screened):
    orders, y, table, flags, _ = screened
    ids = orders["transaction_id"]
    flags = _wrong_way_flag(orders, y, flags)
    free = fit_combination(flags, ids, y, table, {"monotone": False})
    kept = fit_combination(flags, ids, y, table, {"monotone": True})
    wrong = 1 + free.codes.index("ZZ-WRONG-WAY")
    assert free.coef[wrong] < -0.05  # unconstrained, the flag lowers the risk
    flag_terms = kept.coef[1 : 1 + len(kept.codes)]
    assert (flag_terms >= 0).all() and kept.coef[wrong] == pytest.approx(0.0, abs=1e-9)
    assert 1 + kept.coef[0] / kept.scale[0] >= 0  # the slope on the noisy-OR prior
    # a line gains risk from every flag it raises, never loses any
    design = kept.design(flags, ids, table)
    points = kept.contributions(design)[:, 1 : 1 + len(kept.codes)]
    raised = design[:, 1 : 1 + len(kept.codes)] > kept.mean[1 : 1 + len(kept.codes)]
    assert (points[raised] >= -1e-9).all()


def test_the_monotone_fit_keeps_the_prior_slope_at_or_above_zero():
    # twenty flags firing at random; labels that run against their noisy-OR (the lines
    # with the fewest flags are the diversion ones): the prior is the cheapest term to turn
    rng = np.random.default_rng(4)
    n, codes = 3000, [f"R{i:02d}" for i in range(20)]
    fires = rng.random((n, len(codes))) < 0.3
    rows, cols = np.nonzero(fires)
    ids = pd.Series([f"T{i:05d}" for i in range(n)])
    flags = pd.DataFrame(
        {"transaction_id": ids.to_numpy()[rows], "code": np.array(codes)[cols], "weight": 0.2}
    )
    count = fires.sum(axis=1)
    against = (count + rng.normal(0, 0.3, n) < np.median(count)).astype(int)
    loose = {"C": 1000.0}  # a weak penalty: the labels can turn the prior round
    free = fit_combination(flags, ids, against, None, loose | {"monotone": False})
    kept = fit_combination(flags, ids, against, None, loose | {"monotone": True})
    assert 1 + free.coef[0] / free.scale[0] < 0
    assert 1 + kept.coef[0] / kept.scale[0] >= -1e-9
    assert (kept.coef[1:] >= -1e-12).all()


def test_features_are_capped_at_the_training_range(screened):
    orders, y, table, flags, _ = screened
    ids = orders["transaction_id"]
    model = fit_combination(flags, ids, y, table, {"cap_quantiles": [0.01, 0.99]})
    start = 1 + len(model.codes)
    assert model.low is not None and model.high is not None
    assert (model.low <= model.high).all()
    design = model.design(flags, ids, table)[:, start:]
    assert (design >= model.low - 1e-12).all() and (design <= model.high + 1e-12).all()
    # a population far outside the training values scores as at the edge of that range
    far = table.copy()
    numeric = [f for f in model.features if pd.api.types.is_numeric_dtype(far[f])]
    far[numeric] = far[numeric].astype(float).fillna(0) * 1000 + 1e6  # no value missing
    edge = model.design(flags, ids, far)[:, start:]
    moved = [model.features.index(f) for f in numeric]
    assert np.allclose(edge[:, moved], model.high[moved])
    risk_far = model.probability(flags, ids, far)
    at_edge = table.copy()
    at_edge[numeric] = np.sign(model.high[moved]) * np.expm1(np.abs(model.high[moved]))
    assert np.allclose(risk_far, model.probability(flags, ids, at_edge))
    # without the setting nothing is capped
    loose = fit_combination(flags, ids, y, table, {})
    assert loose.low is None and loose.high is None


def test_a_combination_stored_before_capping_still_scores(screened):
    orders, y, table, flags, _ = screened
    ids = orders["transaction_id"]
    model = fit_combination(flags, ids, y, table, {"cap_quantiles": [0.01, 0.99]})
    state = dict(model.__dict__)
    del state["low"], state["high"]
    old = object.__new__(type(model))
    old.__dict__.update(state)  # as unpickled from a model stored without the range
    raw = old.design(flags, ids, table)
    assert raw.shape == model.design(flags, ids, table).shape


def test_the_default_settings_fit_monotone_and_capped():
    from detectors.ml.settings import load_ml_settings

    combination = load_ml_settings({})["combination"]
    assert combination["monotone"] is True
    assert list(combination["cap_quantiles"]) == [0.01, 0.99]


def test_a_flag_pattern_no_decision_covered_keeps_the_noisy_or(screened):
    orders, y, table, flags, _ = screened
    ids = orders["transaction_id"]
    model = fit_combination(flags, ids, y, table, {"unseen_patterns_keep_rules": True})
    assert model.seen is not None
    learned_before = model.probability(flags, ids, table)
    assert not model.unseen(flags, ids).any()  # every training line's pattern is seen
    # a red flag the labelled lines never raised, on the ten lowest-risk lines
    low = np.argsort(learned_before)[:10]
    new = flags.iloc[:0].reindex(range(10)).assign(
        transaction_id=ids.astype("str").to_numpy()[low], code="ZZ-NEW", source="rule",
        weight=0.6, hard_stop=False,
    )  # fmt: skip
    more = pd.concat([flags, new], ignore_index=True)
    novel = model.unseen(more, ids)
    assert novel.sum() == 10 and novel[low].all()
    risk = model.probability(more, ids, table)
    fixed = noisy_or(more, ids)
    assert (risk[low] >= fixed[low] - 1e-12).all() and (fixed[low] >= 0.6 - 1e-9).all()
    others = np.setdiff1d(np.arange(len(ids)), low)
    assert np.allclose(risk[others], learned_before[others])
    # without the setting the learned risk stands
    plain = fit_combination(flags, ids, y, table, {})
    assert plain.seen is None and not plain.unseen(more, ids).any()


def test_the_case_file_says_when_the_noisy_or_floor_set_the_risk(screened):
    from types import SimpleNamespace

    from flows.learned_risk import explain_drafts

    orders, y, table, flags, _ = screened
    ids = orders["transaction_id"]
    model = fit_combination(flags, ids, y, table, {"unseen_patterns_keep_rules": True})
    design = model.design(flags, ids, table)
    floored = np.zeros(len(ids), dtype=bool)
    floored[0] = True
    scored = pd.DataFrame({"transaction_id": ids.astype("str"), "risk_score": 50})
    drafts = [
        SimpleNamespace(transaction_ids=(str(ids.iloc[0]),), ml={}),
        SimpleNamespace(transaction_ids=(str(ids.iloc[1]),), ml={}),
    ]
    learned = {"combination": model, "design": design, "version": "v", "floored": floored}
    explain_drafts(drafts, scored, learned)
    first, second = (d.ml["risk_explanation"] for d in drafts)
    assert "noisy-OR" in first["floor"] and "floor" not in second
    assert all("risk_points" in t for t in first["terms"] + second["terms"])


def test_a_pattern_is_the_sorted_set_of_rule_and_list_codes():
    from detectors.ml.combination import patterns

    flags = pd.DataFrame(
        {
            "transaction_id": ["A", "A", "A", "B", "B", "C"],
            "code": ["Q2", "L1", "Q2", "ML-ANOMALY", "L2", "ML-SUPERVISED"],
            "weight": 0.3,
        }
    )
    ids = pd.Series(["A", "B", "C", "D", "A"])
    assert list(patterns(flags, ids)) == ["L1,Q2", "L2", "", "", "L1,Q2"]
    assert list(patterns(flags.iloc[:0], ids[:2])) == ["", ""]
