"""Training the learned combination (`detectors.ml.combination`) in `redflag train`, and its
gate.

The labelled lines are screened as a daily run screens them (rule pack, active anomaly
model) and given a supervised score out of fold: the lines are cut into customer folds and
each fold is scored by a booster trained on the others, so that the combination learns how
much the supervised score is worth on orders its model has not seen. The customers decided
last form the hold-out (`detectors.ml.gate.holdout_split`); a combination fitted on the
earlier lines of the others must beat the active configuration there (the active combination, or the fixed
noisy-OR, over the same flags) before it goes live. The combination kept is then fitted on all labelled lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cases.grouping import score_transactions
from detectors.base import DetectionContext, concat_flags
from detectors.ml.combination import Combination, fit_combination, noisy_or
from detectors.ml.features import SharedFeatures
from detectors.ml.gate import GateVerdict, compare, holdout_split
from detectors.ml.registry import ModelMetadata, ModelRegistry
from detectors.ml.supervised import CODE as SUPERVISED
from detectors.ml.supervised import NotEnoughLabels, _fit, _threads, model_features
from detectors.schema import FLAG_COLUMNS

FOLDS = 3


def base_flags(
    workspace: Path,
    lines: pd.DataFrame,
    table: pd.DataFrame,
    settings: Mapping[str, Any],
    catalog: pd.DataFrame,
) -> tuple[pd.DataFrame, dict[str, Any], DetectionContext]:
    """Rule-pack and active-anomaly flags of `lines` (feature table `table`), the active ML
    detectors (sharing that table) and the detection context."""
    from detectors.rules.engine import RuleEngine
    from detectors.rules.loading import load_pack
    from flows.commands.models import load_ml_settings, ml_detectors
    from flows.settings import CONFIGS_DIR, load_pipeline_settings, merge

    pipeline = merge(load_pipeline_settings(), dict(settings or {}))
    pack = load_pack(CONFIGS_DIR, pipeline.get("policy_pack", "default"))
    history = lines.iloc[:0]
    context = DetectionContext(
        history=history,
        present_columns=frozenset(lines.columns),
        policy=pack.policy,
        catalog=catalog,
        as_of=pd.to_datetime(lines["order_date"]).max().date(),
        settings=pipeline,
    )
    shared = SharedFeatures(load_ml_settings(settings).get("features", {}))
    shared.remember(lines, history, table)
    detectors, _, _ = ml_detectors(Path(workspace) / "models", settings)
    for detector in detectors.values():
        detector.shared = shared
    parts = [RuleEngine(pack).detect(lines, context).flags]
    if "ml_anomaly" in detectors:
        parts.append(detectors["ml_anomaly"].detect(lines, context).flags)
    return concat_flags(parts), detectors, context


def supervised_flags(
    ids: pd.Series, probability: np.ndarray, params: Mapping[str, Any]
) -> pd.DataFrame:
    """ML-SUPERVISED flags as the detector raises them: weight = probability x scale at or
    above the flag threshold."""
    keep = probability >= float(params.get("flag_threshold", 0.5))
    frame = pd.DataFrame(
        {
            "transaction_id": pd.Series(ids).astype("str").to_numpy()[keep],
            "code": SUPERVISED,
            "source": "ml",
            "weight": probability[keep] * float(params.get("weight_scale", 0.7)),
            "hard_stop": False,
        }
    )
    return frame.reindex(columns=list(FLAG_COLUMNS)).assign(
        title="", severity="medium", reason="", evidence=[{}] * len(frame), citation="",
        recommended_action="",
    )  # fmt: skip


def out_of_fold(
    table: pd.DataFrame, y: np.ndarray, customers: pd.Series, params: Mapping[str, Any]
) -> np.ndarray | None:
    """Supervised probability of each line from a booster that never saw its customer;
    None when a fold lacks a class."""
    codes = pd.Series(customers).astype("str")
    fold = pd.util.hash_array(codes.to_numpy(dtype=object)) % FOLDS
    values = table[model_features(params)].reset_index(drop=True)
    out = np.zeros(len(y))
    for k in range(FOLDS):
        train, score = fold != k, fold == k
        if not score.any():
            continue
        ys = pd.Series(y[train])
        if min(int(ys.sum()), int(len(ys) - ys.sum())) < int(params.get("calibration_folds", 3)):
            return None
        model = _fit(values[train], ys, params)
        with _threads(params.get("threads", 1)):
            out[score] = model.predict_proba(values[score].to_numpy(dtype=float))[:, 1]
    return out


def _supervised_probability(
    train_table: pd.DataFrame, y: np.ndarray, table: pd.DataFrame, params: Mapping[str, Any]
) -> np.ndarray | None:
    ys = pd.Series(y)
    if min(int(ys.sum()), int(len(ys) - ys.sum())) < int(params.get("calibration_folds", 3)):
        return None
    names = model_features(params)
    model = _fit(train_table[names].reset_index(drop=True), ys, params)
    with _threads(params.get("threads", 1)):
        return model.predict_proba(table[names].to_numpy(dtype=float))[:, 1]


def combination_risk(
    combination: Combination | None,
    flags: pd.DataFrame,
    lines: pd.DataFrame,
    table: pd.DataFrame,
) -> np.ndarray:
    """Risk 0-100 of each line: the combination's, or the fixed noisy-OR without one."""
    ids = lines["transaction_id"].astype("str")
    if combination is None:
        return np.rint(100 * noisy_or(flags, ids))
    return np.rint(100 * combination.probability(flags, ids, table))


def train_combination(
    workspace: Path,
    lines: pd.DataFrame,
    table: pd.DataFrame,
    y: np.ndarray,
    settings: Mapping[str, Any] | None,
    catalog: pd.DataFrame,
    activate: bool = True,
) -> ModelMetadata:
    """Fit, gate and store the combination over labelled `lines` (feature table `table`,
    labels `y`); active when `activate` and the gate passes. Raises NotEnoughLabels."""
    from flows.commands.models import _store, console, load_ml_settings
    from flows.settings import load_pipeline_settings, merge

    ml = load_ml_settings(settings)
    params = dict(ml.get("combination", {}))
    sup = ml.get("supervised", {})
    pipeline = merge(load_pipeline_settings(), dict(settings or {}))
    cases = pipeline.get("cases", {})
    lines, table = lines.reset_index(drop=True), table.reset_index(drop=True)
    y = np.asarray(y, dtype=int)
    ids = lines["transaction_id"].astype("str")
    flags, _, _ = base_flags(workspace, lines, table, settings or {}, catalog)

    fit, held = holdout_split(
        lines["order_date"],
        lines["customer_id"],
        float(ml.get("gate", {}).get("holdout_share", 0.25)),
    )
    tr, ho = np.flatnonzero(fit), np.flatnonzero(held)
    oof_train = out_of_fold(table.iloc[tr], y[tr], lines["customer_id"].iloc[tr], sup)
    parts = [flags[flags["transaction_id"].astype("str").isin(set(ids.iloc[tr]))]]
    if oof_train is not None:
        parts.append(supervised_flags(ids.iloc[tr], oof_train, sup))
    candidate = fit_combination(concat_flags(parts), ids.iloc[tr], y[tr], table.iloc[tr], params)

    lines_h, table_h = lines.iloc[ho].reset_index(drop=True), table.iloc[ho].reset_index(drop=True)
    base_h = flags[flags["transaction_id"].astype("str").isin(set(ids.iloc[ho]))]
    p_h = _supervised_probability(table.iloc[tr], y[tr], table_h, sup)
    new_h = concat_flags(
        [base_h]
        + ([supervised_flags(lines_h["transaction_id"], p_h, sup)] if p_h is not None else [])
    )
    registry = ModelRegistry(Path(workspace) / "models")
    active_meta = registry.active("combination")
    active = registry.load(active_meta.version) if active_meta else None
    # both sides see the same flags, the supervised one from a booster that never saw the
    # hold-out: the active supervised model may have learned from these very lines
    old_h = new_h
    hard = score_transactions(lines_h, new_h)["hard_stop"].to_numpy()
    hard_old = score_transactions(lines_h, old_h)["hard_stop"].to_numpy()
    threshold = int(cases.get("open_threshold", 40))
    floor = float(cases.get("hard_stop_floor", 80))
    risk_new = combination_risk(candidate, new_h, lines_h, table_h)
    risk_old = combination_risk(active, old_h, lines_h, table_h)
    label = f"the active combination {active_meta.version}" if active_meta else "the fixed noisy-OR"
    gate = compare(
        y[ho],
        (risk_new, (risk_new >= threshold) | hard, hard),
        (risk_old, (risk_old >= threshold) | hard_old, hard_old),
        label,
        ml.get("gate", {}),
        floor,
    )

    oof_all = out_of_fold(table, y, lines["customer_id"], sup)
    every = [flags] + ([supervised_flags(ids, oof_all, sup)] if oof_all is not None else [])
    final = fit_combination(concat_flags(every), ids, y, table, params)
    final.metrics |= {"holdout": gate.as_dict()}
    share, top = final.metrics["largest_term_share"], final.metrics["largest_term"]
    spread = share <= final.metrics["max_term_share"]
    if not spread:
        console.print(
            f"combination: warning: {top} carries {share:.0%} of the weight (over "
            f"{final.metrics['max_term_share']:.0%}); the model leans on one term"
        )
    dates = pd.to_datetime(lines["order_date"])
    final.training |= {
        "data_from": dates.min().date().isoformat(),
        "data_to": dates.max().date().isoformat(),
    }
    meta = ModelMetadata(
        kind="combination",
        features=final.terms,
        data_from=final.training["data_from"],
        data_to=final.training["data_to"],
        rows=final.training["rows"],
        metrics={k: v for k, v in final.metrics.items() if k != "importance"}
        | {"pr_auc": gate.candidate.pr_auc},
        params={k: v for k, v in params.items() if not isinstance(v, (dict, list))},
        notes=f"{final.training['positives']} positive, {final.training['negatives']} negative "
        f"labels; supervised term {'out of fold' if oof_all is not None else 'absent'}",
    )
    console.print(f"combination gate: {gate.reason}")
    return _store(workspace, final, meta, activate and gate.passed)


def active_combination(models_dir: Path) -> tuple[Combination | None, str | None]:
    """The active combination and its version, or (None, None): the noisy-OR applies."""
    registry = ModelRegistry(models_dir)
    meta = registry.active("combination")
    return (registry.load(meta.version), meta.version) if meta else (None, None)


__all__ = ["GateVerdict", "NotEnoughLabels", "active_combination", "train_combination"]
