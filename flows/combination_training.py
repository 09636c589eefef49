"""Training the learned combination (`detectors.ml.combination`) in `redflag train`, and its
gate.

The labelled lines are screened as a daily run screens them (rule pack, active anomaly
model) and given a supervised score out of fold: the lines are cut into customer folds and
each fold is scored by a booster trained on the others, so that the combination learns how
much the supervised score is worth on orders its model has not seen. The latest lines of
each half of the customers form the hold-out (`detectors.ml.gate.holdout_sides`), scored by
a supervised model and a combination fitted on the earlier lines of the other half; the
pair must beat the active configuration there (the active combination or the fixed
noisy-OR, over the rules, the anomaly model and the active supervised model) before it goes
live, and then both go live. The combination kept is fitted on all labelled lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cases.grouping import score_transactions
from detectors.base import DetectionContext, concat_flags
from detectors.ml.combination import Combination, case_shift, fit_combination, noisy_or
from detectors.ml.features import SharedFeatures
from detectors.ml.gate import GateVerdict, compare, holdout_sides
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
    from detectors.ml.settings import load_ml_settings, ml_detectors
    from detectors.rules.engine import RuleEngine
    from detectors.rules.loading import load_pack
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
        probability: np.ndarray = model.predict_proba(table[names].to_numpy(dtype=float))[:, 1]
    return probability


def combination_risk(
    combination: Combination | None,
    flags: pd.DataFrame,
    lines: pd.DataFrame,
    table: pd.DataFrame,
) -> np.ndarray:
    """Risk 0-100 of each line: the combination's, or the fixed noisy-OR without one."""
    ids = lines["transaction_id"].astype("str")
    if combination is None:
        risk: np.ndarray = np.rint(100 * noisy_or(flags, ids))
    else:
        risk = np.rint(100 * combination.probability(flags, ids, table))
    return risk


def fit_thresholded(
    flags: pd.DataFrame,
    lines: pd.DataFrame,
    y: np.ndarray,
    table: pd.DataFrame,
    params: Mapping[str, Any],
    reference_cased: np.ndarray,
    hard: np.ndarray,
    threshold: float,
) -> Combination:
    """The combination fitted on `lines` (labels `y`), its case threshold set by
    `detectors.ml.combination.case_shift` on log-odds out of fold: each customer fold scored
    by a combination fitted on the others, so that the threshold is chosen on scores of
    customers the model has not seen, as the next days' will be. `reference_cased` are the
    lines the active configuration puts in a case, `hard` those with a hard stop."""
    ids = lines["transaction_id"].astype("str").reset_index(drop=True)
    table = table.reset_index(drop=True)
    combination = fit_combination(flags, ids, y, table, params)
    fold = pd.util.hash_array(lines["customer_id"].astype("str").to_numpy(dtype=object)) % FOLDS
    z = np.full(len(y), np.nan)
    for k in range(FOLDS):
        score = fold == k
        if not score.any():
            continue
        try:
            part = fit_combination(flags, ids[~score], y[~score], table[~score], params)
        except NotEnoughLabels:
            continue
        z[score] = part.log_odds(part.design(flags, ids[score], table[score]))
    source = "out of fold"
    if np.isnan(z).any():  # a fold too small to leave out: in-sample scores instead
        z = combination.log_odds(combination.design(flags, ids, table))
        source = "in sample"
    combination.shift, found = case_shift(z, y, hard, reference_cased, threshold)
    combination.metrics["case_threshold"] = found | {"scores": source}
    return combination


def _holdout_risk(
    lines: pd.DataFrame,
    table: pd.DataFrame,
    y: np.ndarray,
    flags: pd.DataFrame,
    fit: np.ndarray,
    held: np.ndarray,
    sup: Mapping[str, Any],
    params: Mapping[str, Any],
    reference: tuple[np.ndarray, np.ndarray, float],
) -> tuple[np.ndarray, pd.DataFrame]:
    """Risk of the `held` lines from a supervised model and a combination trained on the
    `fit` lines only (the combination on the model's out-of-fold scores, its case threshold
    against the active configuration's cases on the `fit` lines: `reference` holds its
    lines in a case, the hard stops and the threshold), and their flags."""
    ids = lines["transaction_id"].astype("str")
    tr, ho = np.flatnonzero(fit), np.flatnonzero(held)
    oof = out_of_fold(table.iloc[tr], y[tr], lines["customer_id"].iloc[tr], sup)
    parts = [flags[flags["transaction_id"].astype("str").isin(set(ids.iloc[tr]))]]
    if oof is not None:
        parts.append(supervised_flags(ids.iloc[tr], oof, sup))
    cased, hard, threshold = reference
    candidate = fit_thresholded(
        concat_flags(parts), lines.iloc[tr], y[tr], table.iloc[tr], params, cased[tr], hard[tr],
        threshold,
    )  # fmt: skip
    lines_h, table_h = lines.iloc[ho].reset_index(drop=True), table.iloc[ho].reset_index(drop=True)
    base_h = flags[flags["transaction_id"].astype("str").isin(set(ids.iloc[ho]))]
    p_h = _supervised_probability(table.iloc[tr], y[tr], table_h, sup)
    new_h = concat_flags(
        [base_h]
        + ([supervised_flags(lines_h["transaction_id"], p_h, sup)] if p_h is not None else [])
    )
    return combination_risk(candidate, new_h, lines_h, table_h), new_h


def train_combination(
    workspace: Path,
    lines: pd.DataFrame,
    table: pd.DataFrame,
    y: np.ndarray,
    settings: Mapping[str, Any] | None,
    catalog: pd.DataFrame,
    activate: bool = True,
    supervised_version: str | None = None,
) -> ModelMetadata:
    """Fit, gate and store the combination over labelled `lines` (feature table `table`,
    labels `y`); active when `activate` and the gate passes. Raises NotEnoughLabels.

    The gate compares what the daily run would do with the new combination and the new
    supervised model (`supervised_version`, just stored) against what it does now (the
    active combination or the noisy-OR, over the rules, the anomaly model and the active
    supervised model if any) on the latest lines of every customer, each half of the
    customers scored by models trained on the earlier lines of the other half. When it
    passes, the supervised model the combination was trained with becomes active too."""
    from detectors.ml.refit import console, store_model
    from detectors.ml.settings import load_ml_settings
    from flows.settings import load_pipeline_settings, merge

    ml = load_ml_settings(settings)
    params = dict(ml.get("combination", {}))
    sup = ml.get("supervised", {})
    pipeline = merge(load_pipeline_settings(), dict(settings or {}))
    cases = pipeline.get("cases", {})
    lines, table = lines.reset_index(drop=True), table.reset_index(drop=True)
    y = np.asarray(y, dtype=int)
    ids = lines["transaction_id"].astype("str")
    flags, detectors, context = base_flags(workspace, lines, table, settings or {}, catalog)

    registry = ModelRegistry(Path(workspace) / "models")
    active_meta = registry.active("combination")
    active = registry.load(active_meta.version) if active_meta else None
    old_parts = [flags]
    if "ml_supervised" in detectors:  # the active model, as today's runs use it
        old_parts.append(detectors["ml_supervised"].detect(lines, context).flags)
    old_all = concat_flags(old_parts)
    hard_all = score_transactions(lines, flags)["hard_stop"].to_numpy(bool)
    threshold = int(cases.get("open_threshold", 40))
    floor = float(cases.get("hard_stop_floor", 80))
    risk_old_all = combination_risk(active, old_all, lines, table)
    reference = ((risk_old_all >= threshold) | hard_all, hard_all, float(threshold))

    share = float(ml.get("gate", {}).get("holdout_share", 0.25))
    held_rows, risk_parts = [], []
    for fit, held in holdout_sides(lines["order_date"], lines["customer_id"], share):
        risk, _ = _holdout_risk(lines, table, y, flags, fit, held, sup, params, reference)
        held_rows.append(np.flatnonzero(held))
        risk_parts.append(risk)
    ho = np.concatenate(held_rows)
    risk_new, hard = np.concatenate(risk_parts), hard_all[ho]
    risk_old, hard_old = risk_old_all[ho], hard_all[ho]
    label = (
        f"the active combination {active_meta.version}" if active_meta else "the fixed noisy-OR"
    ) + (" with the active supervised model" if "ml_supervised" in detectors else "")
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
    final = fit_thresholded(
        concat_flags(every), lines, y, table, params, reference[0], hard_all, threshold
    )
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
        "supervised_version": supervised_version,
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
        f"labels; supervised term {'out of fold' if oof_all is not None else 'absent'}"
        + (f", from {supervised_version}" if supervised_version else ""),
    )
    console.print(f"combination gate: {gate.reason}")
    live = activate and gate.passed
    current = registry.active("supervised")
    if (
        live
        and supervised_version
        and oof_all is not None
        and (current is None or current.version != supervised_version)
    ):
        registry.activate(supervised_version)
        console.print(
            f"supervised model {supervised_version} activated with the combination "
            "(its score is one of the combination's terms)"
        )
    return store_model(workspace, final, meta, live)


def active_combination(models_dir: Path) -> tuple[Combination | None, str | None]:
    """The active combination and its version, or (None, None): the noisy-OR applies."""
    registry = ModelRegistry(models_dir)
    meta = registry.active("combination")
    return (registry.load(meta.version), meta.version) if meta else (None, None)


__all__ = ["GateVerdict", "NotEnoughLabels", "active_combination", "train_combination"]
