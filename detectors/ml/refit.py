"""The anomaly model's refit: when it is due (`anomaly_refit_due`: no active model, an old
one, or a run that found drift and left `REFIT_REQUEST` in the models folder), and the
fitted model stored in the workspace's registry (`store_anomaly`, `store_model`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console

from detectors.ml.anomaly import fit_anomaly
from detectors.ml.registry import ModelMetadata, ModelRegistry
from detectors.ml.settings import load_ml_settings

console = Console()
REFIT_REQUEST = "anomaly-refit-requested.json"  # written by a run that found drift


def store_anomaly(
    workspace: Path,
    features: pd.DataFrame,
    order_dates: pd.Series,
    settings: Mapping[str, Any] | None = None,
    activate: bool = True,
    rows_seen: int | None = None,
) -> ModelMetadata:
    """Fit the anomaly model on a feature table and store it in the registry. `rows_seen`
    is the number of transactions the table was sampled from, when it is a sample."""
    params = load_ml_settings(settings).get("anomaly", {})
    model = fit_anomaly(features, params, order_dates)
    sampled = rows_seen is not None and rows_seen > len(features)
    meta = ModelMetadata(
        kind="anomaly",
        features=model.feature_names,
        data_from=model.training.get("data_from"),
        data_to=model.training.get("data_to"),
        rows=int(rows_seen) if sampled and rows_seen is not None else model.training["rows"],
        metrics={
            "threshold": model.threshold,
            "score_max": model.score_max,
            "fitted_rows": model.training["fitted_rows"],
        },
        params=dict(params),
        notes=f"fitted on a sample of {len(features)} of {rows_seen} transactions"
        if sampled
        else "",
    )
    stored = store_model(workspace, model, meta, activate)
    (Path(workspace) / "models" / REFIT_REQUEST).unlink(missing_ok=True)
    return stored


def anomaly_refit_due(workspace: Path, as_of: date, every_days: int) -> bool:
    """True when no anomaly model is active, the active one is older than `every_days`, or
    a run found the orders drifted from its training data (`REFIT_REQUEST`)."""
    meta = ModelRegistry(Path(workspace) / "models").active("anomaly")
    if meta is None or (Path(workspace) / "models" / REFIT_REQUEST).exists():
        return True
    trained = datetime.fromisoformat(meta.trained_at).astimezone(UTC).date()
    return (as_of - trained).days >= every_days


def store_model(workspace: Path, model: Any, meta: ModelMetadata, activate: bool) -> ModelMetadata:
    registry = ModelRegistry(Path(workspace) / "models")
    version = registry.save(model, meta)
    if activate:
        meta = registry.activate(version)
    console.print(
        f"stored {meta.kind} model {version}{' (active)' if activate else ''}: {metrics_line(meta)}"
    )
    return meta


def metrics_line(meta: ModelMetadata) -> str:
    shown = ("pr_auc", "roc_auc", "precision_at_10", "base_rate", "threshold")
    return ", ".join(
        f"{k} {meta.metrics[k]:.3f}" for k in shown if isinstance(meta.metrics.get(k), float)
    )
