"""The gate over several seeds, from an untrained workspace (the fixed noisy-OR is the
active configuration, as on a first `redflag train`): models trained on shuffled labels
are refused every time (tests/ml/test_ml_combination.py: a good one is activated)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from detectors.ml.registry import ModelRegistry
from flows.commands.models import train_command
from flows.ingest.normalize import normalize_orders
from flows.settings import load_pipeline_settings
from flows.synthetic import generator

QUICK = {
    "policy_pack": "default",
    "ml": {"supervised": {"max_iter": 40}, "anomaly": {"n_estimators": 50}},
}


@pytest.fixture(scope="module")
def population(catalog):
    """3,000 generated order lines with their labels (about 4 % diversion)."""
    data = generator.generate(3000, 11, catalog)
    settings = load_pipeline_settings()
    frame = normalize_orders(data.transactions, catalog, settings["ingest"], "seed11").accepted
    labels = (
        data.labels.set_index("transaction_id")
        .reindex(frame["transaction_id"])["label"]
        .fillna(0)
        .to_numpy(int)
    )
    order = np.argsort(frame["order_date"].to_numpy(), kind="stable")
    return frame.iloc[order].reset_index(drop=True), labels[order]


def active(workspace) -> dict[str, str | None]:
    registry = ModelRegistry(workspace / "models")
    return {
        kind: (meta.version if (meta := registry.active(kind)) else None)
        for kind in ("supervised", "combination")
    }


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_shuffled_labels_are_refused_whatever_the_shuffle(tmp_path, population, catalog, seed):
    orders, y = population
    shuffled = np.random.default_rng(seed).permutation(y)
    frame = pd.DataFrame({"transaction_id": orders["transaction_id"], "label": shuffled})
    meta = train_command(tmp_path, orders, frame, catalog=catalog, settings=QUICK)
    assert not meta.active and "kept inactive" in meta.metrics["holdout"]["reason"]
    assert active(tmp_path) == {"supervised": None, "combination": None}
    combination = ModelRegistry(tmp_path / "models").list("combination")
    assert len(combination) == 1 and not combination[0].metrics["holdout"]["passed"]
