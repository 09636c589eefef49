"""Detection quality of rules, ML and both on the bundled synthetic generator (not a test; run
it by hand, it takes a few minutes at 50,000 rows on two cores):

    python benchmarks/detection_eval.py --rows 50000 --out docs/evaluation

Trains the anomaly and supervised models on one seed (labels from the generator) and
evaluates on another seed with changed parameters (start date, diversion rate, order sizes,
customer activity, price noise, controlled share, typology mix). The evaluation seed is
screened the way a daily run screens it: watchlist screening against the generated
restricted list, the rule pack, the ML detectors. Scores and figures are
`cases.evaluation`'s: PR-AUC, precision at the top k transactions and customers, recall
at the case threshold, for rules and watchlists alone, ML alone and combined.

Learning curve: the supervised model retrained on `--label-counts` labelled decisions drawn
at random from the training seed (the anomaly model stays as it is). Where a draw has too few
labels the model refuses, as the pipeline does, and ML means the anomaly model alone.

Writes `evaluation.json`, `pr_curve.png` and `learning_curve.png` into `--out`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cases.evaluation import (  # noqa: E402
    FAMILIES,
    LearningPoint,
    evaluate_scores,
    family_scores,
    learning_curve_png,
    pr_curve_png,
    typology_recall,
)
from detectors.base import DetectionContext, concat_flags  # noqa: E402
from detectors.catalog import catalog_frame  # noqa: E402
from detectors.matching import Matcher, WatchlistScreening  # noqa: E402
from detectors.ml.anomaly import AnomalyDetector, fit_anomaly  # noqa: E402
from detectors.ml.features import SharedFeatures, build_features  # noqa: E402
from detectors.ml.settings import load_ml_settings  # noqa: E402
from detectors.ml.supervised import SupervisedDetector, train_supervised  # noqa: E402
from detectors.rules.engine import RuleEngine  # noqa: E402
from detectors.rules.loading import load_pack  # noqa: E402
from flows.ingest.normalize import normalize_orders  # noqa: E402
from flows.screening import match_settings  # noqa: E402
from flows.settings import CONFIGS_DIR, load_pipeline_settings, read_yaml  # noqa: E402
from flows.synthetic import generator  # noqa: E402
from flows.synthetic.params import (  # noqa: E402
    DEFAULT_QUANTITY_MEDIAN,
    TYPOLOGIES,
    GeneratorParams,
)
from watchlists.model import entries_to_frame  # noqa: E402

TRAIN_SEED, TEST_SEED = 1, 2
K_VALUES = (100, 500, 1000, 2000)  # the evaluation seed holds about 3,000 diversion rows

# The evaluation seed's world differs from the training seed's: another year, more
# diversion, larger orders, fewer orders per customer, noisier prices, more controlled
# items, and the typologies mixed in other proportions.
CHANGED = GeneratorParams(
    start=date(2027, 1, 1),
    diversion_rate=0.06,
    orders_per_customer=25.0,
    price_noise_sigma=0.09,
    controlled_share=0.5,
    quantity_median={k: v * 1.5 for k, v in DEFAULT_QUANTITY_MEDIAN.items()},
    typology_mix={t: (2.0 if i % 2 else 0.5) for i, t in enumerate(TYPOLOGIES)},
)


def book(rows: int, seed: int, catalog: pd.DataFrame, settings: dict, params: GeneratorParams):
    """(canonical frame, labels frame aligned with it, ingest result, generated watchlist)."""
    data = generator.generate(rows, seed, catalog, params)
    result = normalize_orders(data.transactions, catalog, settings["ingest"], source=f"seed{seed}")
    frame = result.accepted
    labels = (
        data.labels.set_index("transaction_id")
        .reindex(frame["transaction_id"])
        .reset_index()
        .fillna({"label": 0, "typology": ""})
    )
    return frame, labels, result, data.watchlist


def timed(label: str, action):
    start = time.perf_counter()
    value = action()
    print(f"  {label}: {time.perf_counter() - start:.1f} s", flush=True)
    return value


def line(name: str, figures: dict[str, Any]) -> str:
    """One family's figures: PR-AUC, P@k of transactions and customers, and the case cut."""
    at = figures["at_threshold"]

    def at_k(values: dict[str, float | None]) -> str:
        return " ".join(
            "-" if values[str(k)] is None else f"{values[str(k)]:.3f}" for k in K_VALUES
        )

    return (
        f"{name:<16} PR-AUC {figures['pr_auc']:.4f} | P@k {at_k(figures['precision_at_k'])}"
        f" | customers P@k {at_k(figures['cases']['precision_at_k'])}"
        f" | in a case {at['in_case']:>5} precision {at['precision'] or 0:.3f}"
        f" recall {at['recall'] or 0:.3f}"
    )


def learning_point(
    count: int, train: pd.DataFrame, table: pd.DataFrame, y_train: np.ndarray, ml: dict, run: dict
) -> tuple[LearningPoint, str]:
    """PR-AUC per family with the supervised model retrained on `count` random labels."""
    picked = np.sort(np.random.default_rng(count).choice(len(table), count, replace=False))
    try:
        model = train_supervised(
            table.iloc[picked],
            y_train[picked],
            train["order_date"].iloc[picked],
            min_labels=int(ml["supervised"].get("min_labels", 60)),
            settings=ml["supervised"],
        )
        supervised = SupervisedDetector(model, "eval", ml, run["shared"])
        flags = supervised.detect(run["test"], run["context"]).flags
        note = f"{int(y_train[picked].sum())} positive"
    except ValueError as refusal:  # too few labels: the pipeline runs without the model
        flags, note = run["rule_flags"].iloc[:0], f"refused: {refusal}"
    all_flags = concat_flags([run["rule_flags"], run["anomaly_flags"], flags])
    scores = family_scores(all_flags, run["test"]["transaction_id"])
    figures = evaluate_scores(scores, run["y"], K_VALUES)["families"]
    pr_auc = {f: figures[f]["pr_auc"] for f in FAMILIES}
    return LearningPoint(count, pr_auc, not note.startswith("refused")), note


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000, help="order lines per seed")
    parser.add_argument(
        "--label-counts",
        default="100,300,1000,3000,10000",
        help="comma-separated numbers of labelled decisions for the learning curve "
        "(all training rows are always added)",
    )
    parser.add_argument("--out", type=Path, default=Path("docs/evaluation"), help="output folder")
    parser.add_argument(
        "--cross",
        action="store_true",
        help="cross-population mode: train on one generator configuration, evaluate on others "
        "(benchmarks/cross_eval.py)",
    )
    parser.add_argument(
        "--seed-offset",
        type=int,
        default=0,
        help="with --cross: added to every seed (confirm on seeds nothing was tuned on)",
    )
    parser.add_argument(
        "--settings", default="", help="with --cross: comma-separated settings to run (all)"
    )
    args = parser.parse_args()
    if args.cross:
        from benchmarks.cross_eval import main as cross_main

        only = [s for s in args.settings.split(",") if s] or None
        cross_main(args.rows, args.out, args.seed_offset, only)
        return
    started = time.perf_counter()
    settings = load_pipeline_settings()
    catalog = catalog_frame(read_yaml(CONFIGS_DIR / "items.yaml"))
    pack = load_pack(CONFIGS_DIR, settings.get("policy_pack", "default"))
    ml = load_ml_settings(settings)

    print("generating and ingesting both seeds", flush=True)
    train, train_labels, _, _ = book(args.rows, TRAIN_SEED, catalog, settings, GeneratorParams())
    test, test_labels, ingest, watchlist = book(args.rows, TEST_SEED, catalog, settings, CHANGED)
    y_train = train_labels["label"].to_numpy(int)
    y_test = test_labels["label"].to_numpy(int)
    print(
        f"train seed {TRAIN_SEED}: {len(train):,} rows ({y_train.sum():,} diversion); "
        f"evaluation seed {TEST_SEED}: {len(test):,} rows ({y_test.sum():,} diversion)"
    )

    print("training on the training seed", flush=True)
    table = timed(
        "features",
        lambda: build_features(train, train.iloc[:0], pack.policy, catalog, ml["features"]),
    )
    anomaly = timed("anomaly model", lambda: fit_anomaly(table, ml["anomaly"], train["order_date"]))
    supervised = timed(
        "supervised model",
        lambda: train_supervised(table, y_train, train["order_date"], settings=ml["supervised"]),
    )
    print(f"  supervised validation (later quarter of the training seed): {supervised.metrics}")

    print("screening the evaluation seed", flush=True)
    matcher = timed(
        "watchlist index",
        lambda: Matcher.build(entries_to_frame(watchlist), match_settings(settings)),
    )
    context = DetectionContext(
        history=test.iloc[:0],
        present_columns=ingest.present_columns,
        policy=pack.policy,
        catalog=catalog,
        as_of=test["order_date"].max().date(),
        watchlist=matcher,
        settings=settings,
    )
    shared = SharedFeatures(ml["features"])
    lists = timed("watchlist screening", lambda: WatchlistScreening().detect(test, context))
    rules = timed("rules", lambda: RuleEngine(pack).detect(test, context))
    ano = timed(
        "anomaly", lambda: AnomalyDetector(anomaly, "eval", ml, shared).detect(test, context)
    )
    sup = timed(
        "supervised",
        lambda: SupervisedDetector(supervised, "eval", ml, shared).detect(test, context),
    )
    rule_flags = concat_flags([lists.flags, rules.flags])
    flags = concat_flags([rule_flags, ano.flags, sup.flags])
    scores = family_scores(flags, test["transaction_id"])
    scores["case_id"] = test["customer_id"].to_numpy()  # cases are keyed by customer
    evaluation = evaluate_scores(scores, y_test, K_VALUES)
    print(
        f"\nevaluation seed: {evaluation['transactions']:,} transactions; k = "
        + ", ".join(map(str, K_VALUES))
        + f"; customers: {evaluation['families']['combined']['cases']['cases']:,}"
    )
    for family in FAMILIES:
        print(line(family, evaluation["families"][family]))
    raw = {
        "supervised_probability": float(
            average_precision_score(y_test, sup.details["scores"]["score"])
        ),
        "anomaly_score": float(average_precision_score(y_test, ano.details["scores"]["score"])),
    }
    print("raw model scores, PR-AUC: " + ", ".join(f"{k} {v:.3f}" for k, v in raw.items()))
    by_type = typology_recall(scores, test_labels["typology"])
    print("\nshare of each typology in a case:\n" + by_type.round(3).to_string(index=False))

    print("\nlearning curve", flush=True)
    counts = sorted({int(c) for c in args.label_counts.split(",") if c.strip()} | {len(train)})
    run = {
        "test": test,
        "context": context,
        "shared": shared,
        "y": y_test,
        "rule_flags": rule_flags,
        "anomaly_flags": ano.flags,
    }
    points, notes = [], {}
    for count in (c for c in counts if c <= len(train)):
        point, note = learning_point(count, train, table, y_train, ml, run)
        points.append(point)
        notes[str(count)] = note
        shown = ", ".join(f"{k} {v:.4f}" for k, v in point.pr_auc.items() if v is not None)
        print(f"  {count:>6} labels: {shown}  ({note})", flush=True)

    args.out.mkdir(parents=True, exist_ok=True)
    pr_curve_png(
        scores,
        y_test,
        args.out / "pr_curve.png",
        title=f"Evaluation seed {TEST_SEED} (changed parameters), models trained on seed {TRAIN_SEED}",
    )
    learning_curve_png(points, args.out / "learning_curve.png")
    report = {
        "command": f"python benchmarks/detection_eval.py --rows {args.rows} --out {args.out}",
        "train": {"seed": TRAIN_SEED, "rows": len(train), "positives": int(y_train.sum())},
        "test": {"seed": TEST_SEED, "rows": len(test), "positives": int(y_test.sum())},
        "changed_parameters": {
            "start": CHANGED.start.isoformat(),
            "diversion_rate": CHANGED.diversion_rate,
            "orders_per_customer": CHANGED.orders_per_customer,
            "price_noise_sigma": CHANGED.price_noise_sigma,
            "controlled_share": CHANGED.controlled_share,
            "quantity_median": dict(CHANGED.quantity_median),
            "typology_mix": dict(CHANGED.typology_mix),
        },
        "supervised_validation": supervised.metrics,
        "evaluation": evaluation,
        "raw_model_pr_auc": raw,
        "typology_recall": by_type.to_dict("records"),
        "learning_curve": [asdict(p) | {"note": notes[str(p.labelled_decisions)]} for p in points],
        "seconds": round(time.perf_counter() - started, 1),
    }
    (args.out / "evaluation.json").write_text(json.dumps(report, indent=2, default=str))
    print(
        f"\nwrote {args.out}/evaluation.json, pr_curve.png, learning_curve.png ({report['seconds']} s)"
    )


if __name__ == "__main__":
    main()
