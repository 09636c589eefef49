"""`redflag train` and `redflag models list/activate`.

Plain functions: the CLI wires them (through `run_guarded`, so a ValueError — bad labels,
too few labels, an unknown version — becomes one line on stderr and exit code 2). The
workspace is the folder given by `--workspace`; models live in `<workspace>/models/`.
The ML settings and the detectors of a daily run are in `detectors.ml.settings`, the
anomaly model's refit in `detectors.ml.refit`, the labels' checks in `detectors.ml.labels`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from detectors.catalog import catalog_frame
from detectors.ml.features import build_features
from detectors.ml.labels import check_labels
from detectors.ml.refit import console, metrics_line, store_anomaly, store_model
from detectors.ml.registry import ModelMetadata, ModelRegistry
from detectors.ml.settings import load_ml_settings
from detectors.ml.supervised import NotEnoughLabels, train_supervised
from flows.errors import InputError
from flows.settings import CONFIGS_DIR, read_yaml


def train_command(
    workspace: Path,
    transactions: pd.DataFrame,
    labels: pd.DataFrame,
    policy: Mapping[str, Any] | None = None,
    catalog: pd.DataFrame | None = None,
    settings: Mapping[str, Any] | None = None,
    activate: bool = True,
    gated: bool = True,
    combine: bool = True,
) -> ModelMetadata:
    """Train the supervised model on labelled transactions and store it; it becomes active
    when `activate` and, if `gated`, when it passes the gate (`detectors.ml.gate`): a model
    trained without the latest customers' decisions beats the active configuration on them.
    With `combine`, the learned combination of flags and features is trained and gated
    next (`flows.combination_training`).

    `transactions` is the canonical frame the labels refer to, with the history before them
    (features are point-in-time over it); labels not found among them are ignored and counted."""
    ml = load_ml_settings(settings)
    labels = check_labels(labels)
    policy, catalog = _reference(policy, catalog, settings)
    features = build_features(
        transactions, transactions.iloc[:0], policy, catalog, ml.get("features", {})
    )
    position = pd.Series(
        range(len(transactions)), index=transactions["transaction_id"].astype("str")
    )
    known = labels[labels["transaction_id"].isin(position.index)]
    if known.empty:
        raise InputError("none of the labelled transaction ids is among the transactions given")
    rows = position.loc[known["transaction_id"]].to_numpy()
    params = ml.get("supervised", {})
    decisions = int(known["decision"].nunique())
    y = known["label"].to_numpy()
    dates = transactions["order_date"].iloc[rows]
    model = train_supervised(
        features.iloc[rows],
        y,
        dates,
        min_labels=int(params.get("min_labels", 60)),
        settings=params,
        decisions=decisions,
    )
    gate = (
        _gate(workspace, transactions, features, rows, y, ml, settings, catalog) if gated else None
    )
    metrics = dict(model.metrics) | ({"holdout": gate.as_dict()} if gate else {})
    meta = ModelMetadata(
        kind="supervised",
        features=model.feature_names,
        data_from=model.training["data_from"],
        data_to=model.training["data_to"],
        rows=model.training["rows"],
        metrics=metrics,
        params={k: v for k, v in params.items() if not isinstance(v, dict)},
        notes=f"{decisions} decision(s) over {len(known)} order lines: "
        f"{model.training['positives']} positive, {model.training['negatives']} negative labels; "
        f"{len(labels) - len(known)} label(s) for unknown transactions ignored",
    )
    if gate is not None:
        console.print(f"gate: {gate.reason}")
    passed = activate and (gate is None or gate.passed)
    combined = combine and ml.get("combination", {}).get("enabled", True)
    # stored inactive first: the combination's gate compares against what runs today
    stored = store_model(workspace, model, meta, passed and not combined)
    if combined:
        from flows.combination_training import train_combination

        try:
            train_combination(
                workspace, transactions.iloc[rows], features.iloc[rows], y, settings, catalog,
                activate, stored.version,
            )  # fmt: skip
            # the combination's gate has decided for both: the supervised flag alone,
            # added to the fixed noisy-OR, would move the case threshold and put more
            # clean lines in a case (ungated, the model goes live as asked)
            passed = passed and not gated
        except NotEnoughLabels as error:
            console.print(f"combination: {error}; the fixed noisy-OR stays the risk")
    registry = ModelRegistry(Path(workspace) / "models")
    current = registry.active("supervised")
    if passed and (current is None or current.version != stored.version):
        stored = registry.activate(stored.version)
        console.print(f"supervised model {stored.version} activated")
    elif current is not None and current.version == stored.version:
        stored = current
    return stored
    return stored


def _gate(
    workspace: Path,
    transactions: pd.DataFrame,
    features: pd.DataFrame,
    rows: np.ndarray,
    y: np.ndarray,
    ml: Mapping[str, Any],
    settings: Mapping[str, Any] | None,
    catalog: pd.DataFrame,
) -> Any:
    """The gate's verdict on a model trained without the hold-out (see detectors.ml.gate)."""
    from detectors.ml.gate import holdout_split
    from detectors.ml.supervised import NotEnoughLabels
    from flows.model_gate import gate_supervised

    params = ml.get("supervised", {})
    share = float(ml.get("gate", {}).get("holdout_share", 0.25))
    lines = transactions.iloc[rows]
    fit, held = holdout_split(lines["order_date"], lines["customer_id"], share)
    try:
        candidate = train_supervised(
            features.iloc[rows[fit]],
            y[fit],
            lines["order_date"].iloc[np.flatnonzero(fit)],
            min_labels=int(params.get("min_labels", 60)),
            settings=params,
        )
    except NotEnoughLabels as error:
        from detectors.ml.gate import GateVerdict, holdout_figures

        nothing = holdout_figures(
            y[held], np.zeros(int(held.sum())), np.zeros(int(held.sum()), bool)
        )
        return GateVerdict(
            False,
            f"kept inactive: the {int(fit.sum())} lines before the hold-out cannot "
            f"train a model to compare ({error})",
            nothing,
            nothing,
            "the active configuration",
        )
    return gate_supervised(
        workspace, lines.iloc[np.flatnonzero(held)], features.iloc[rows[held]], y[held],
        candidate, settings or {}, catalog,
    )  # fmt: skip


def train_anomaly_command(
    workspace: Path,
    transactions: pd.DataFrame,
    policy: Mapping[str, Any] | None = None,
    catalog: pd.DataFrame | None = None,
    settings: Mapping[str, Any] | None = None,
    activate: bool = True,
) -> ModelMetadata:
    """Fit the anomaly model on the workspace's transaction history and store it."""
    ml = load_ml_settings(settings)
    policy, catalog = _reference(policy, catalog, settings)
    if len(transactions) < 10:
        raise InputError(
            f"only {len(transactions)} transactions in the history; the anomaly model needs at least 10"
        )
    features = build_features(
        transactions, transactions.iloc[:0], policy, catalog, ml.get("features", {})
    )
    return store_anomaly(workspace, features, transactions["order_date"], settings, activate)


def models_list(workspace: Path, kind: str | None = None) -> list[ModelMetadata]:
    """`redflag models list`: prints the stored models, newest first; returns them."""
    metas = ModelRegistry(Path(workspace) / "models").list(kind)
    if not metas:
        console.print(f"no models in {Path(workspace) / 'models'}; train one with `redflag train`")
        return metas
    table = Table(
        "version", "kind", "active", "trained at (UTC)", "data", "rows", "validation",
        "hold-out (this / active then)",
    )  # fmt: skip
    table.columns[0].no_wrap = True
    for meta in metas:
        table.add_row(
            meta.version,
            meta.kind,
            "yes" if meta.active else "",
            meta.trained_at[:16].replace("T", " "),
            f"{meta.data_from or '?'} .. {meta.data_to or '?'}",
            str(meta.rows),
            metrics_line(meta),
            holdout_line(meta),
        )
    (console if console.is_terminal else Console(width=200)).print(table)
    return metas


def gate_refusal(meta: ModelMetadata) -> str | None:
    """Why the gate refused the model (`detectors.ml.gate`), or None when it passed or
    the model was never gated (an anomaly model, a model trained without the gate)."""
    gate = meta.metrics.get("holdout")
    if isinstance(gate, dict) and gate.get("passed") is False:
        return str(gate.get("reason") or "refused")
    return None


def check_activation(workspace: Path, version: str, reason: str | None) -> ModelMetadata:
    """The stored model `version`, when it may be activated: a model the gate refused
    needs a reason (an investigator's override, kept in the audit trail)."""
    meta = ModelRegistry(Path(workspace) / "models").metadata(version)
    refused = gate_refusal(meta)
    if refused and not (reason or "").strip():
        raise InputError(
            f"model {version} was refused by the gate ({refused.rstrip('.')}); "
            "activating it needs --reason TEXT"
        )
    return meta


def active_version(workspace: Path, kind: str) -> str | None:
    """The version of the active model of `kind`, or None."""
    active = (m for m in ModelRegistry(Path(workspace) / "models").list(kind) if m.active)
    return next((m.version for m in active), None)


def models_activate(workspace: Path, version: str, reason: str | None = None) -> ModelMetadata:
    """`redflag models activate VERSION`: the daily run uses this model from now on. A
    model the gate refused is activated only with a `reason`."""
    check_activation(workspace, version, reason)
    meta = ModelRegistry(Path(workspace) / "models").activate(version)
    console.print(f"active {meta.kind} model: {meta.version}")
    return meta


def holdout_line(meta: ModelMetadata) -> str:
    """The gate's figures of a model: its hold-out PR-AUC and precision at the case
    threshold beside those of the configuration active when it was trained."""
    gate = meta.metrics.get("holdout")
    if not isinstance(gate, dict):
        return ""
    this, then = gate.get("candidate", {}), gate.get("active", {})

    def pair(key: str) -> str:
        a, b = this.get(key), then.get(key)
        return f"{'n/a' if a is None else f'{a:.3f}'} / {'n/a' if b is None else f'{b:.3f}'}"

    verdict = "passed" if gate.get("passed") else "refused"
    return f"{verdict}: PR-AUC {pair('pr_auc')}, precision {pair('precision_at_threshold')}"


def _reference(
    policy: Mapping[str, Any] | None,
    catalog: pd.DataFrame | None,
    settings: Mapping[str, Any] | None,
) -> tuple[Mapping[str, Any], pd.DataFrame]:
    """The policy pack of the pipeline settings (merged onto the pack it `extends`, as the
    daily run reads it) and the catalog, unless given."""
    if policy is None:
        from detectors.rules.loading import load_pack

        name = (settings or read_yaml(CONFIGS_DIR / "pipeline.yaml")).get("policy_pack", "default")
        policy = load_pack(CONFIGS_DIR, name).policy
    if catalog is None:
        catalog = catalog_frame(read_yaml(CONFIGS_DIR / "items.yaml"))
    return policy, catalog
