"""Cross-population evaluation (`python benchmarks/detection_eval.py --cross`): a workspace
trained on one generator configuration screens populations generated differently.

Training population: the default profile, seed 1. The untrained workspace has the anomaly
model fitted on it and nothing else (risk: the fixed noisy-OR of rules, lists and anomaly).
The trained workspace has, besides, what `redflag train --labels` builds from its labels:
the supervised model and the learned combination, each active only if it passed the gate.

Evaluation populations (each a seed never used in training):
    other_seed       the default configuration, seed 2
    country_mix      the "shifted" profile's country mix, seed 3
    prices_x1.3      every price 1.3 times the catalog's, seed 4
    diversion_2pct   2 % diversion instead of 4 %, seed 5
    shifted          the whole "shifted" profile (countries, prices, vocabulary, dates), seed 6
    flipped_10pct    seed 2, the workspace trained on wrong labels: 10 % of the diversion
                     lines labelled clean, as many clean lines labelled diversion
    independent      the "independent" profile (customers, names and end uses written apart
                     from the rules and the standard population), seed 7

For each: rules and lists alone, ML alone, combined; before and after training. Figures:
PR-AUC of the risk (hard stops at their floor) and the share of clean lines in a case.
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

from cases.grouping import score_transactions
from detectors.base import DetectionContext, concat_flags
from detectors.catalog import catalog_frame
from detectors.matching import Matcher, WatchlistScreening
from detectors.ml.features import SharedFeatures, build_features
from detectors.ml.refit import store_anomaly
from detectors.ml.settings import load_ml_settings, ml_detectors
from detectors.rules.engine import RuleEngine
from detectors.rules.loading import load_pack
from flows.combination_training import active_combination
from flows.commands.models import train_command
from flows.ingest.normalize import normalize_orders
from flows.screening import match_settings
from flows.settings import CONFIGS_DIR, load_pipeline_settings, read_yaml
from flows.synthetic import generator
from flows.synthetic.params import PROFILES, GeneratorParams
from watchlists.model import entries_to_frame

HARD_STOP_FLOOR = 80


def settings_list() -> list[tuple[str, int, GeneratorParams, bool]]:
    base = GeneratorParams()
    shifted = GeneratorParams.profile("shifted")
    return [
        ("other_seed", 2, base, False),
        ("country_mix", 3, replace(base, country_mix=PROFILES["shifted"]["country_mix"]), False),
        ("prices_x1.3", 4, replace(base, price_level=1.3), False),
        ("diversion_2pct", 5, replace(base, diversion_rate=0.02), False),
        ("shifted", 6, shifted, False),
        ("flipped_10pct", 2, base, True),
        ("independent", 7, GeneratorParams.profile("independent"), False),
    ]


def book(rows: int, seed: int, catalog: pd.DataFrame, settings: dict, params: GeneratorParams):
    data = generator.generate(rows, seed, catalog, params)
    result = normalize_orders(data.transactions, catalog, settings["ingest"], source=f"seed{seed}")
    frame = result.accepted
    labels = (
        data.labels.set_index("transaction_id")
        .reindex(frame["transaction_id"])["label"]
        .fillna(0)
        .to_numpy(int)
    )
    return frame, labels, result, data.watchlist


def figures(risk: np.ndarray, hard: np.ndarray, y: np.ndarray, threshold: int) -> dict[str, Any]:
    ranked = np.where(hard, np.maximum(risk, HARD_STOP_FLOOR), risk)
    cased = (risk >= threshold) | hard
    clean = y == 0
    return {
        "pr_auc": round(float(average_precision_score(y, ranked)), 4),
        "clean_in_case": round(float(cased[clean].mean()), 4),
        "recall": round(float(cased[y == 1].mean()), 4),
        "in_case": int(cased.sum()),
    }


def screen(
    workspace: Path,
    test: pd.DataFrame,
    y: np.ndarray,
    ingest: Any,
    watchlist: pd.DataFrame,
    settings: dict,
    pack: Any,
    catalog: pd.DataFrame,
) -> dict[str, dict[str, Any]]:
    """Rules-only, ML-only and combined figures of the workspace's active models on `test`."""
    ml = load_ml_settings(settings)
    context = DetectionContext(
        history=test.iloc[:0],
        present_columns=ingest.present_columns,
        policy=pack.policy,
        catalog=catalog,
        as_of=test["order_date"].max().date(),
        watchlist=Matcher.build(entries_to_frame(watchlist), match_settings(settings)),
        settings=settings,
    )
    table = build_features(test, test.iloc[:0], pack.policy, catalog, ml["features"])
    shared = SharedFeatures(ml["features"])
    shared.remember(test, test.iloc[:0], table)
    rule_flags = concat_flags(
        [
            WatchlistScreening().detect(test, context).flags,
            RuleEngine(pack).detect(test, context).flags,
        ]
    )
    detectors, _, _ = ml_detectors(workspace / "models", settings)
    ml_parts = []
    for detector in detectors.values():
        detector.shared = shared
        ml_parts.append(detector.detect(test, context).flags)
    ml_flags = concat_flags(ml_parts)
    every = concat_flags([rule_flags, ml_flags])
    threshold = int(settings["cases"].get("open_threshold", 40))
    out = {}
    for name, flags in (("rules_only", rule_flags), ("ml_only", ml_flags), ("combined", every)):
        scored = score_transactions(test, flags)
        out[name] = figures(
            scored["risk_score"].to_numpy(float), scored["hard_stop"].to_numpy(bool), y, threshold
        )
    combination, version = active_combination(workspace / "models")
    if combination is not None:
        scored = score_transactions(test, every)
        risk = np.rint(100 * combination.probability(every, test["transaction_id"], table))
        out["combined"] = figures(risk, scored["hard_stop"].to_numpy(bool), y, threshold)
        out["combined"]["combination"] = version
    return out


def main(
    rows: int, out: Path, seed_offset: int = 0, only: list[str] | None = None
) -> dict[str, Any]:
    """Run the evaluation; `seed_offset` is added to every seed (training, evaluation and
    the label flips), so that figures can be confirmed on seeds nothing was tuned on;
    `only` names the settings to run (all by default)."""
    started = time.perf_counter()
    chosen = [s for s in settings_list() if not only or s[0] in only]
    if not chosen:
        raise SystemExit(f"--settings: none of {only} is a setting")
    settings = load_pipeline_settings()
    catalog = catalog_frame(read_yaml(CONFIGS_DIR / "items.yaml"))
    pack = load_pack(CONFIGS_DIR, settings.get("policy_pack", "default"))
    ml = load_ml_settings(settings)
    train_seed = 1 + seed_offset
    print(f"training population: default profile, seed {train_seed}, {rows:,} rows", flush=True)
    train, y_train, _, _ = book(rows, train_seed, catalog, settings, GeneratorParams())
    table = build_features(train, train.iloc[:0], pack.policy, catalog, ml["features"])
    root = Path(tempfile.mkdtemp(prefix="cross-eval-"))
    untrained = root / "untrained"
    store_anomaly(untrained, table, train["order_date"], settings)
    trained: dict[bool, Path] = {}
    for flipped in sorted({s[3] for s in chosen}):
        home = root / ("trained-flipped" if flipped else "trained")
        store_anomaly(home, table, train["order_date"], settings)
        labels = y_train.copy()
        if flipped:  # 10 % of the diversion labels wrong, as many clean lines called diversion
            rng = np.random.default_rng(10 + seed_offset)
            positives, negatives = np.flatnonzero(labels == 1), np.flatnonzero(labels == 0)
            count = len(positives) // 10
            labels[rng.choice(positives, count, replace=False)] = 0
            labels[rng.choice(negatives, count, replace=False)] = 1
        frame = pd.DataFrame({"transaction_id": train["transaction_id"], "label": labels})
        t0 = time.perf_counter()
        train_command(home, train, frame, catalog=catalog, settings=settings)
        print(f"  trained {'on 10 % flipped labels ' if flipped else ''}in "
              f"{time.perf_counter() - t0:.0f} s", flush=True)  # fmt: skip
        trained[flipped] = home

    report: dict[str, Any] = {
        "rows": rows,
        "seed_offset": seed_offset,
        "train": {"seed": train_seed, "positives": int(y_train.sum())},
    }
    results = {}
    for name, seed, params, flipped in chosen:
        seed += seed_offset
        test, y, ingest, watchlist = book(rows, seed, catalog, settings, params)
        before = screen(untrained, test, y, ingest, watchlist, settings, pack, catalog)
        after = screen(trained[flipped], test, y, ingest, watchlist, settings, pack, catalog)
        results[name] = {"seed": seed, "positives": int(y.sum()), "before": before, "after": after}
        print(f"\n{name} (seed {seed}, {len(test):,} rows, {int(y.sum()):,} diversion)")
        for stage, figs in (("before", before), ("after", after)):
            for family, f in figs.items():
                print(
                    f"  {stage:<6} {family:<10} PR-AUC {f['pr_auc']:.4f}  clean in a case "
                    f"{f['clean_in_case']:.2%}  recall {f['recall']:.3f}",
                    flush=True,
                )
    report["settings"] = results
    checks = {
        name: {
            "pr_auc_improved": r["after"]["combined"]["pr_auc"] > r["before"]["combined"]["pr_auc"],
            "clean_in_case_lower": r["after"]["combined"]["clean_in_case"]
            <= r["before"]["combined"]["clean_in_case"],
            "pr_auc_at_least_0.90": r["after"]["combined"]["pr_auc"] >= 0.90,
            "clean_in_case_at_most_3pct": r["after"]["combined"]["clean_in_case"] <= 0.03,
        }
        for name, r in results.items()
    }
    report["targets"] = checks
    report["seconds"] = round(time.perf_counter() - started, 1)
    report["command"] = (
        f"python benchmarks/detection_eval.py --cross --rows {rows} --seed-offset {seed_offset}"
        + (f" --settings {','.join(only)}" if only else "")
        + f" --out {out}"
    )
    print("\ntargets (combined, trained against untrained):")
    for name, c in checks.items():
        print(f"  {name:<15} " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in c.items()))
    out.mkdir(parents=True, exist_ok=True)
    (out / "cross_evaluation.json").write_text(json.dumps(report, indent=2, default=str))
    print(f"\nwrote {out}/cross_evaluation.json ({report['seconds']} s)")
    return report
