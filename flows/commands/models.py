"""`redflag train` and `redflag models list/activate`, and the ML detectors of a daily run.

Plain functions: the CLI wires them (through `run_guarded`, so a ValueError — bad labels,
too few labels, an unknown version — becomes one line on stderr and exit code 2). The
workspace is the folder given by `--workspace`; models live in `<workspace>/models/`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table

from detectors.catalog import catalog_frame
from detectors.ml.anomaly import AnomalyDetector, fit_anomaly
from detectors.ml.features import SharedFeatures, build_features
from detectors.ml.registry import ModelMetadata, ModelRegistry, RegistryError
from detectors.ml.supervised import NotEnoughLabels, SupervisedDetector, train_supervised
from flows.errors import InputError
from flows.settings import CONFIGS_DIR, merge, read_yaml

console = Console()
REFIT_REQUEST = "anomaly-refit-requested.json"  # written by a run that found drift


def load_ml_settings(settings: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """configs/ml.yaml, with the pipeline settings' `ml:` section (if any) merged over it."""
    base = read_yaml(CONFIGS_DIR / "ml.yaml")
    override = (settings or {}).get("ml")
    return merge(base, override) if isinstance(override, Mapping) else base


def ml_detectors(
    models_dir: Path, settings: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, str]]]:
    """The detectors of the active models: ({name: detector}, {kind: version}, skipped)."""
    ml = load_ml_settings(settings)
    registry = ModelRegistry(models_dir)
    shared = SharedFeatures(ml.get("features", {}))
    detectors: dict[str, Any] = {}
    versions: dict[str, Any] = {}
    skipped: list[dict[str, str]] = []
    builders = {"anomaly": AnomalyDetector, "supervised": SupervisedDetector}
    hints = {
        "anomaly": "no active anomaly model; fit one with `redflag train --kind anomaly`",
        "supervised": "no active supervised model; train one with `redflag train --labels FILE` "
        "once investigators have decided enough cases",
    }
    for kind, builder in builders.items():
        try:
            meta = registry.active(kind)
            model = registry.load(meta.version) if meta else None
        except RegistryError as error:  # a damaged model must not stop the screening
            skipped.append({"family": f"ml:{kind}", "reason": str(error)})
            continue
        if meta is None:
            skipped.append({"family": f"ml:{kind}", "reason": hints[kind]})
            continue
        detectors[f"ml_{kind}"] = detector = builder(model, meta.version, ml, shared)
        detector.threads = min(os.cpu_count() or 1, 4)  # one in a Dask worker (flows.shipping)
        versions[kind] = meta.version
    return detectors, versions, skipped


def read_labels(path: Path) -> pd.DataFrame:
    """A labels file (`transaction_id,label`; label 1 = escalated/reported, 0 = cleared)."""
    return check_labels(read_label_csv(path), str(path))


def read_label_csv(path: Path) -> pd.DataFrame:
    """A labels CSV as text columns (names stripped), unchecked; bad files raise ValueError."""
    if not Path(path).is_file():
        raise InputError(f"{path}: no such labels file")
    try:
        raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    except Exception as error:  # an unreadable file is the user's to fix
        raise InputError(f"{path}: cannot be read as CSV ({type(error).__name__})") from error
    raw.columns = [str(c).strip() for c in raw.columns]
    return raw


def check_labels(labels: pd.DataFrame, source: str = "labels") -> pd.DataFrame:
    """`transaction_id,label` checked: the label 0 or 1, each transaction once. An error
    names the first bad row by its line in the file (the header being line 1)."""
    missing = {"transaction_id", "label"} - set(labels.columns)
    if missing:
        raise InputError(
            f"{source}: missing column(s) {', '.join(sorted(missing))}; expected transaction_id,label"
        )
    values = pd.to_numeric(labels["label"], errors="coerce")
    bad = np.flatnonzero(~values.isin([0, 1]).to_numpy())
    if len(bad):
        raise InputError(
            f"{source}: line {bad[0] + 2}: label must be 0 or 1, found "
            f"{labels['label'].iloc[bad[0]]!r} ({len(bad)} row(s))"
        )
    twice = np.flatnonzero(labels["transaction_id"].duplicated().to_numpy())
    if len(twice):
        raise InputError(
            f"{source}: line {twice[0] + 2}: transaction "
            f"{labels['transaction_id'].iloc[twice[0]]} is labelled twice"
        )
    checked = pd.DataFrame(
        {"transaction_id": labels["transaction_id"].astype("str"), "label": values.astype(int)}
    )
    # the decision a label comes from: a decided case labels all its lines at once; a
    # labels file row is one decision about one line
    decision = labels["decision"] if "decision" in labels.columns else labels["transaction_id"]
    return checked.assign(decision=decision.astype("str").to_numpy())


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
    stored = _store(workspace, model, meta, passed and not combined)
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
    stored = _store(workspace, model, meta, activate)
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
            _metrics_line(meta),
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


def _store(workspace: Path, model: Any, meta: ModelMetadata, activate: bool) -> ModelMetadata:
    registry = ModelRegistry(Path(workspace) / "models")
    version = registry.save(model, meta)
    if activate:
        meta = registry.activate(version)
    console.print(
        f"stored {meta.kind} model {version}{' (active)' if activate else ''}: {_metrics_line(meta)}"
    )
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


def _metrics_line(meta: ModelMetadata) -> str:
    shown = ("pr_auc", "roc_auc", "precision_at_10", "base_rate", "threshold")
    return ", ".join(
        f"{k} {meta.metrics[k]:.3f}" for k in shown if isinstance(meta.metrics.get(k), float)
    )


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
