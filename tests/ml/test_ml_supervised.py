"""The supervised detector: refuses to train on too few labels, validates on later
decisions than it trains on, and explains every flag it raises."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from canonical_frames import labelled_book, regular_orders, shell_orders

from detectors.base import DetectionContext
from detectors.ml.features import build_features
from detectors.ml.supervised import NotEnoughLabels, SupervisedDetector, train_supervised


@pytest.fixture(scope="module")
def labelled(policy, catalog, ml_settings):
    book, labels = labelled_book(900, 150, seed=21)
    table = build_features(book, book.iloc[:0], policy, catalog, ml_settings["features"])
    return book, table, labels


@pytest.fixture(scope="module")
def model(labelled, ml_settings):
    book, table, labels = labelled
    quick = ml_settings["supervised"] | {"max_iter": 40}  # keeps the suite fast
    return train_supervised(table, labels, book["order_date"], settings=quick)


def test_refuses_with_too_few_labels(labelled, ml_settings):
    book, table, labels = labelled
    with pytest.raises(NotEnoughLabels, match="only 30 labelled decisions; at least 60"):
        train_supervised(
            table.iloc[:30], labels.iloc[:30], book["order_date"].iloc[:30], min_labels=60
        )


def test_refuses_with_one_class_only(labelled):
    book, table, labels = labelled
    negatives = np.flatnonzero(labels.to_numpy() == 0)[:200]
    with pytest.raises(NotEnoughLabels, match="0 positive and 200 negative"):
        train_supervised(
            table.iloc[negatives], labels.iloc[negatives], book["order_date"].iloc[negatives]
        )


def test_validates_on_the_latest_decisions(labelled):
    """Positives only in the first half of the year: a random split would find some to
    validate on, a time-ordered one cannot and says so."""
    book, table, labels = labelled
    early = book["order_date"] < pd.Timestamp("2025-07-01")
    keep = (labels == 0) | early
    with pytest.raises(NotEnoughLabels, match="validation split holds 0 positive"):
        train_supervised(table[keep.to_numpy()], labels[keep], book["order_date"][keep])


def test_validation_metrics_come_from_later_orders(model, labelled):
    book, _, labels = labelled
    metrics = model.metrics
    assert metrics["validation_rows"] == len(labels) - metrics["train_rows"]
    assert pd.Timestamp(metrics["validation_from"]) >= book["order_date"].quantile(0.7)
    assert 0 <= metrics["pr_auc"] <= 1 and metrics["pr_auc"] > metrics["base_rate"]


def test_flags_new_shell_orders_and_explains_each(model, policy, catalog, ml_settings):
    history = regular_orders(600, seed=22, start="2025-01-01")
    batch = pd.concat(
        [
            regular_orders(200, seed=23, start="2026-01-01", days=20),
            shell_orders(20, seed=24, start="2026-01-01", days=20),
        ],
        ignore_index=True,
    )
    detector = SupervisedDetector(model, "supervised-test", ml_settings)
    context = DetectionContext(
        history=history,
        present_columns=frozenset(batch.columns),
        policy=policy,
        catalog=catalog,
        as_of=date(2026, 1, 21),
    )
    result = detector.detect(batch, context)
    flags = result.flags
    flagged = set(flags["transaction_id"])
    shells = set(batch["transaction_id"][batch["transaction_id"].str.startswith("S-")])
    assert len(flagged & shells) >= 15
    assert len(flagged - shells) <= 5
    for evidence, reason, weight in zip(
        flags["evidence"], flags["reason"], flags["weight"], strict=True
    ):
        assert evidence["model_version"] == "supervised-test"
        assert evidence["top_features"] and all(
            item["text"] in reason for item in evidence["top_features"]
        )
        assert weight == pytest.approx(
            evidence["score"] * ml_settings["supervised"]["weight_scale"], abs=1e-3
        )


def test_a_contribution_is_the_change_when_that_feature_takes_its_median(model, labelled):
    _, table, labels = labelled
    row = table[labels.to_numpy() == 1].iloc[[0]]
    contribution = model.contributions(row)[0]
    j = int(np.argmax(np.abs(contribution)))
    swapped = row.copy()
    name = model.feature_names[j]  # contributions follow the model's features
    swapped[name] = model.median[name]
    expected = model.probability(row)[0] - model.probability(swapped)[0]
    assert contribution[j] == pytest.approx(expected) and abs(expected) > 0
