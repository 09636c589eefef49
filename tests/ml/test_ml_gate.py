"""The gate before a supervised model goes live: hold-out split by time and customer, a
model trained on shuffled labels refused, a good one activated."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from canonical_frames import regular_orders, shell_orders
from typer.testing import CliRunner

from cases import tables as t
from cases.audit import verify_trail
from cases.store import CaseStore
from detectors.ml.features import build_features
from detectors.ml.gate import holdout_split
from detectors.ml.supervised import train_supervised
from flows.cli import app as cli
from flows.commands.models import models_activate, models_list, train_command
from flows.errors import InputError
from flows.model_gate import gate_supervised

QUICK = {
    "policy_pack": "default",
    "ml": {"supervised": {"max_iter": 40}, "anomaly": {"n_estimators": 50}},
}


def lookalikes(n: int, seed: int) -> pd.DataFrame:
    """Orders that raise the same red flags as shells (hubs, payers in CN/HK, cash) but
    come from long-standing customers at list price: investigators clear them."""
    frame = shell_orders(n, seed=seed)
    rng = np.random.default_rng(seed)
    price = frame["list_price"] * rng.uniform(0.92, 1.0, n)
    return frame.assign(
        transaction_id=[f"L-{seed}-{i:06d}" for i in range(n)],
        customer_id=frame["customer_id"].str.replace("SHELL", "OLD"),
        customer_since=frame["order_date"] - pd.to_timedelta(rng.integers(2000, 4000, n), "D"),
        unit_price=price,
        unit_price_usd=price,
        order_value_usd=price * frame["quantity"],
    )


@pytest.fixture(scope="module")
def book():
    """Regular orders and cleared look-alikes (0), shells (1): the rules flag look-alikes
    and shells alike, the investigators' decisions tell them apart."""
    parts = [regular_orders(500, seed=43), lookalikes(200, 44), shell_orders(200, seed=45)]
    book = pd.concat(parts, ignore_index=True)
    labels = pd.Series(np.r_[np.zeros(700), np.ones(200)].astype(int))
    order = np.argsort(book["order_date"].to_numpy(), kind="stable")
    return book.iloc[order].reset_index(drop=True), labels.iloc[order].reset_index(drop=True)


def test_the_holdout_comes_after_training_and_shares_no_customer():
    rng = np.random.default_rng(2)
    dates = pd.Series(pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 300, 900), "D"))
    customers = pd.Series([f"C{i}" for i in rng.integers(0, 60, 900)])
    fit, held = holdout_split(dates, customers, share=0.25)
    assert held.sum() > 50 and fit.sum() > 200 and not (fit & held).any()
    assert dates[held].min() >= dates[fit].max()
    assert not set(customers[held]) & set(customers[fit])


def test_a_good_model_is_activated_and_lists_its_holdout_figures(tmp_path, book):
    orders, labels = book
    frame = pd.DataFrame({"transaction_id": orders["transaction_id"], "label": labels})
    meta = train_command(tmp_path, orders, frame, settings=QUICK)
    gate = meta.metrics["holdout"]
    assert meta.active and gate["passed"], gate["reason"]
    assert gate["candidate"]["pr_auc"] > gate["active"]["pr_auc"]
    assert [m.version for m in models_list(tmp_path, "supervised") if m.active] == [meta.version]


def test_a_model_trained_on_shuffled_labels_is_refused(tmp_path, book, policy, catalog):
    orders, labels = book
    y = labels.to_numpy()
    fit, held = holdout_split(orders["order_date"], orders["customer_id"], 0.25)
    table = build_features(orders, orders.iloc[:0], policy, catalog, QUICK.get("features", {}))
    shuffled = np.random.default_rng(7).permutation(y[fit])
    bad = train_supervised(
        table[fit], shuffled, orders["order_date"][fit], settings={"max_iter": 40}
    )
    good = train_supervised(
        table[fit], y[fit], orders["order_date"][fit], settings={"max_iter": 40}
    )
    rows = np.flatnonzero(held)
    args = (orders.iloc[rows], table.iloc[rows], y[held])
    refused = gate_supervised(tmp_path, *args, bad, QUICK, catalog)
    accepted = gate_supervised(tmp_path, *args, good, QUICK, catalog)
    assert not refused.passed and "kept inactive" in refused.reason
    assert accepted.passed, accepted.reason
    assert refused.candidate.pr_auc < accepted.candidate.pr_auc


def test_a_model_no_better_than_the_active_one_stays_inactive(tmp_path, book):
    orders, labels = book
    frame = pd.DataFrame({"transaction_id": orders["transaction_id"], "label": labels})
    first = train_command(tmp_path, orders, frame, settings=QUICK)
    noisy = frame.assign(label=np.random.default_rng(3).permutation(labels.to_numpy()))
    second = train_command(tmp_path, orders, noisy, settings=QUICK)
    assert first.active and not second.active
    assert "kept inactive" in second.metrics["holdout"]["reason"]
    assert [m.version for m in models_list(tmp_path, "supervised") if m.active] == [first.version]

    # the investigators' override of the gate needs a reason, kept in the audit trail
    with pytest.raises(InputError, match="refused by the gate .*needs --reason TEXT"):
        models_activate(tmp_path, second.version)
    bare = CliRunner().invoke(
        cli, ["--workspace", str(tmp_path), "models", "activate", second.version]
    )
    assert bare.exit_code == 2
    assert bare.stderr.strip().splitlines() == [
        f"redflag: error: model {second.version} was refused by the gate "
        f"({second.metrics['holdout']['reason'].rstrip('.')}); activating it needs --reason TEXT"
    ]
    assert [m.version for m in models_list(tmp_path, "supervised") if m.active] == [first.version]
    why = "hold-out of two weeks only; the shells it misses are on a list now"
    forced = CliRunner().invoke(
        cli,
        ["--workspace", str(tmp_path), "models", "activate", second.version, "--reason", why],
    )
    assert forced.exit_code == 0, forced.output
    assert [m.version for m in models_list(tmp_path, "supervised") if m.active] == [second.version]
    store = CaseStore.for_workspace(tmp_path)
    with store.engine.connect() as conn:
        logged = conn.execute(
            sa.select(t.audit_log.c.details_json).where(t.audit_log.c.event == "model_activated")
        ).scalar_one()
    assert verify_trail(store.engine).ok
    store.close()
    details = json.loads(logged)
    assert details["reason"] == why and "kept inactive" in details["gate_refused"]


def test_models_list_shows_the_holdout_figures_beside_the_active_ones(tmp_path, book, capsys):
    orders, labels = book
    frame = pd.DataFrame({"transaction_id": orders["transaction_id"], "label": labels})
    meta = train_command(tmp_path, orders, frame, settings=QUICK)
    capsys.readouterr()
    models_list(tmp_path)
    shown = capsys.readouterr().out
    gate = meta.metrics["holdout"]
    assert f"PR-AUC {gate['candidate']['pr_auc']:.3f} / {gate['active']['pr_auc']:.3f}" in shown
