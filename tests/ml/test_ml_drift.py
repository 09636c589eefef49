"""Drift: PSI per feature against the anomaly model's training data, the share of cases
against recent runs, and the anomaly refit a drifted run asks for."""

from __future__ import annotations

from datetime import date

import pytest
from canonical_frames import regular_orders

from detectors.ml.anomaly import fit_anomaly
from detectors.ml.drift import add_counts, bin_counts, drift_report, psi
from detectors.ml.features import build_features
from detectors.ml.refit import anomaly_refit_due
from flows.commands.models import train_anomaly_command

QUICK = {"policy_pack": "default", "ml": {"anomaly": {"n_estimators": 50}}}


def features(orders, policy, catalog):
    return build_features(orders, orders.iloc[:0], policy, catalog, {})


@pytest.fixture(scope="module")
def reference(policy, catalog):
    train = features(regular_orders(800, seed=61), policy, catalog)
    return fit_anomaly(train, {"n_estimators": 30}).training["reference"]


def test_the_same_population_does_not_drift(reference, policy, catalog):
    today = features(regular_orders(600, seed=62), policy, catalog)
    report = drift_report(reference, bin_counts(today, reference))
    assert not report["drifted"], report["message"]
    assert max(report["psi"].values()) < 0.25


def test_prices_thirty_percent_higher_drift_and_are_named(reference, policy, catalog):
    shifted = regular_orders(600, seed=63)
    price = shifted["unit_price"] * 1.3
    shifted = shifted.assign(unit_price=price, unit_price_usd=price)
    today = features(shifted, policy, catalog)
    halves = [bin_counts(today.iloc[:300], reference), bin_counts(today.iloc[300:], reference)]
    report = drift_report(reference, add_counts(halves))  # partitions add up
    assert report["drifted"] and "price_to_list_ratio" in report["features_shifted"]
    assert "price_to_list_ratio" in report["message"]


def test_psi_is_zero_for_identical_shares_and_grows_with_the_shift():
    assert psi([0.5, 0.5], [50, 50]) == pytest.approx(0.0)
    assert psi([0.5, 0.5], [70, 30]) < psi([0.5, 0.5], [90, 10])


def test_a_case_share_far_from_recent_runs_is_reported(reference, policy, catalog):
    today = features(regular_orders(300, seed=64), policy, catalog)
    counts = bin_counts(today, reference)
    usual = drift_report(reference, counts, case_share=0.011, recent_shares=[0.01, 0.012])
    odd = drift_report(reference, counts, case_share=0.05, recent_shares=[0.01, 0.012])
    assert not usual["drifted"] and odd["drifted"] and odd["case_share"]["beyond"]
    assert "reached a case" in odd["message"]


def test_a_drifted_run_makes_the_anomaly_refit_due(tmp_path):
    from types import SimpleNamespace

    from flows.drift_check import run_drift
    from flows.settings import Workspace

    orders = regular_orders(400, seed=65)
    meta = train_anomaly_command(tmp_path, orders, settings=QUICK)
    assert not anomaly_refit_due(tmp_path, date.fromisoformat(meta.trained_at[:10]), 7)
    from detectors.ml.registry import ModelRegistry

    model = ModelRegistry(tmp_path / "models").load(meta.version)
    reference = model.training["reference"]
    skewed = {name: [0.0] * (len(r["shares"]) - 1) + [100.0] for name, r in reference.items()}
    setup = SimpleNamespace(detectors={"ml_anomaly": SimpleNamespace(model=model)}, settings=QUICK)
    ws = Workspace(tmp_path)
    summary = {"run_id": "R1", "counts": {"rows_accepted": 100, "transactions_in_cases": 1}}
    result = SimpleNamespace(details={"drift": {"counts": skewed}})
    report = run_drift([result], setup, ws, summary)
    assert report["drifted"] and "anomaly_refit" in report
    assert anomaly_refit_due(tmp_path, date.fromisoformat(meta.trained_at[:10]), 7)
    train_anomaly_command(tmp_path, orders, settings=QUICK)  # the refit clears the request
    assert not anomaly_refit_due(tmp_path, date.fromisoformat(meta.trained_at[:10]), 7)
