"""The model registry: a stored model comes back identical, with its metadata; activation
picks the model a run uses."""

from __future__ import annotations

import numpy as np
import pytest
from canonical_frames import regular_orders

from detectors.ml.anomaly import fit_anomaly
from detectors.ml.features import build_features
from detectors.ml.registry import ModelMetadata, ModelRegistry, RegistryError


@pytest.fixture(scope="module")
def fitted(policy, catalog, ml_settings):
    orders = regular_orders(400, seed=31)
    table = build_features(orders, orders.iloc[:0], policy, catalog, ml_settings["features"])
    return fit_anomaly(table, ml_settings["anomaly"], orders["order_date"]), table


def metadata(model, **extra) -> ModelMetadata:
    return ModelMetadata(
        kind="anomaly",
        features=model.feature_names,
        data_from="2025-01-01",
        data_to="2025-12-31",
        rows=400,
        **extra,
    )


def test_round_trip_keeps_scores_and_metadata(tmp_path, fitted):
    model, table = fitted
    registry = ModelRegistry(tmp_path / "models")
    version = registry.save(model, metadata(model, metrics={"threshold": model.threshold}))
    loaded = registry.load(version)
    np.testing.assert_array_equal(loaded.score(table), model.score(table))
    meta = registry.metadata(version)
    assert meta.version == version and meta.kind == "anomaly"
    assert meta.features == model.feature_names
    assert (meta.data_from, meta.data_to, meta.rows) == ("2025-01-01", "2025-12-31", 400)
    assert meta.metrics["threshold"] == pytest.approx(model.threshold)
    assert {"python", "scikit-learn", "numpy", "pandas"} <= set(meta.library_versions)
    assert meta.trained_at


def test_activation_chooses_the_model_a_run_uses(tmp_path, fitted):
    model, _ = fitted
    registry = ModelRegistry(tmp_path / "models")
    assert registry.active("anomaly") is None
    first = registry.save(model, metadata(model))
    second = registry.save(model, metadata(model))
    assert first != second
    registry.activate(first)
    assert registry.active("anomaly").version == first
    registry.activate(second)
    assert registry.active("anomaly").version == second
    assert registry.active("supervised") is None
    listed = registry.list()
    assert {m.version for m in listed} == {first, second}
    assert [m.version for m in listed if m.active] == [second]


def test_unknown_version_is_a_clear_error(tmp_path):
    registry = ModelRegistry(tmp_path / "models")
    with pytest.raises(RegistryError, match="no model version 'anomaly-nope'"):
        registry.activate("anomaly-nope")
    with pytest.raises(RegistryError, match="unknown model kind"):
        registry.save(object(), ModelMetadata(kind="oracle", features=[]))
