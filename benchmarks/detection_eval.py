"""Detection quality of the ML detectors on the bundled synthetic generator (not a test; run
it by hand, it needs `detectors.synthetic`, the rule pack and a few minutes):

    python benchmarks/detection_eval.py --rows 30000

Trains on one seed, evaluates on another seed with changed parameters (diversion rate,
order sizes, prices, typology mix). Prints PR-AUC and precision at the top k for: rules
alone, the supervised probability, ML flags alone, and rules + ML flags combined (noisy-OR
of the flag weights, as the case risk combines them).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from detectors.base import DetectionContext  # noqa: E402
from detectors.catalog import catalog_frame  # noqa: E402
from detectors.ingest import normalize_orders  # noqa: E402
from detectors.ml.anomaly import AnomalyDetector, fit_anomaly  # noqa: E402
from detectors.ml.features import SharedFeatures, build_features  # noqa: E402
from detectors.ml.supervised import SupervisedDetector, train_supervised  # noqa: E402
from detectors.rules.engine import RuleEngine  # noqa: E402
from detectors.synthetic import generator  # noqa: E402
from detectors.synthetic.params import TYPOLOGIES, GeneratorParams  # noqa: E402
from flows.commands.models import load_ml_settings  # noqa: E402
from flows.commands.rules import load_pack  # noqa: E402
from flows.settings import CONFIGS_DIR, load_pipeline_settings, read_yaml  # noqa: E402


def book(rows: int, seed: int, catalog: pd.DataFrame, settings: dict, params: GeneratorParams):
    data = generator.generate(rows, seed, catalog, params)
    result = normalize_orders(data.transactions, catalog, settings["ingest"], source=f"seed{seed}")
    labels = data.labels.set_index("transaction_id")["label"]
    frame = result.accepted
    return frame, labels.reindex(frame["transaction_id"]).fillna(0).to_numpy(int), result


def noisy_or(flags: pd.DataFrame, ids: pd.Series) -> np.ndarray:
    if flags.empty:
        return np.zeros(len(ids))
    keep = np.log1p(-flags["weight"].clip(0, 0.999).astype(float))
    total = keep.groupby(flags["transaction_id"].to_numpy()).sum()
    risk = 1 - np.exp(total.reindex(ids.to_numpy()).fillna(0.0).to_numpy())
    hard = flags.loc[flags["hard_stop"].astype(bool), "transaction_id"]
    return np.where(ids.isin(hard), np.maximum(risk, 0.8), risk)


def report(name: str, y: np.ndarray, score: np.ndarray, is_risk: bool = True) -> None:
    """PR-AUC, precision at the top k and, for a case risk (0..1), the recall and the clean
    transactions at or above the case threshold (40)."""
    order = np.argsort(-score, kind="stable")
    at = {k: y[order[:k]].mean() for k in (50, 200)}
    line = f"{name:<26} PR-AUC {average_precision_score(y, score):.3f}  P@50 {at[50]:.2f}  P@200 {at[200]:.2f}"
    if is_risk:
        above = score >= 0.4
        line += (
            f"  recall@40 {y[above].sum() / y.sum():.3f}  clean@40 {int((above & (y == 0)).sum())}"
        )
    print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000, help="order lines per seed")
    parser.add_argument(
        "--label-counts",
        default="",
        help="comma-separated numbers of labelled decisions for a learning curve, e.g. 100,300,1000",
    )
    args = parser.parse_args()
    settings = load_pipeline_settings()
    catalog = catalog_frame(read_yaml(CONFIGS_DIR / "items.yaml"))
    pack = load_pack(CONFIGS_DIR, settings.get("policy_pack", "default"))
    ml = load_ml_settings(settings)
    changed = GeneratorParams(
        start=date(2027, 1, 1),
        diversion_rate=0.06,
        orders_per_customer=25.0,
        price_noise_sigma=0.09,
        controlled_share=0.5,
        typology_mix={t: (2.0 if i % 2 else 0.5) for i, t in enumerate(TYPOLOGIES)},
    )
    start = time.perf_counter()
    train, y_train, _ = book(args.rows, 1, catalog, settings, GeneratorParams())
    test, y_test, ingest = book(args.rows, 2, catalog, settings, changed)
    print(
        f"train {len(train):,} rows ({y_train.sum()} diversion), test {len(test):,} ({y_test.sum()})"
    )

    table = build_features(train, train.iloc[:0], pack.policy, catalog, ml["features"])
    anomaly = fit_anomaly(table, ml["anomaly"], train["order_date"])
    supervised = train_supervised(table, y_train, train["order_date"], settings=ml["supervised"])
    print(f"supervised validation (seed 1, later quarter): {supervised.metrics}")

    empty = test.iloc[:0]
    context = DetectionContext(
        history=empty,
        present_columns=ingest.present_columns,
        policy=pack.policy,
        catalog=catalog,
        as_of=test["order_date"].max().date(),
    )
    shared = SharedFeatures(ml["features"])
    rules = RuleEngine(pack).detect(test, context).flags
    sup = SupervisedDetector(supervised, "eval", ml, shared).detect(test, context)
    ano = AnomalyDetector(anomaly, "eval", ml, shared).detect(test, context)
    ids = test["transaction_id"]
    ml_flags = pd.concat([sup.flags, ano.flags], ignore_index=True)
    report("rules alone", y_test, noisy_or(rules, ids))
    report("supervised probability", y_test, sup.details["scores"]["score"].to_numpy(), False)
    report("anomaly score", y_test, ano.details["scores"]["score"].to_numpy(), False)
    report("ML flags alone", y_test, noisy_or(ml_flags, ids))
    report("rules + ML flags", y_test, noisy_or(pd.concat([rules, ml_flags]), ids))
    for count in [int(c) for c in args.label_counts.split(",") if c.strip()]:
        learning_point(
            count, table, y_train, train, ml, shared, test, context, rules, ano.flags, y_test
        )
    print(f"({time.perf_counter() - start:.0f} s)")


def learning_point(
    count, table, y_train, train, ml, shared, test, context, rules, anomaly_flags, y_test
):
    """The supervised model trained on `count` randomly drawn labelled decisions of seed 1."""
    picked = np.sort(np.random.default_rng(count).choice(len(table), count, replace=False))
    try:
        model = train_supervised(
            table.iloc[picked],
            y_train[picked],
            train["order_date"].iloc[picked],
            settings=ml["supervised"],
        )
    except ValueError as refusal:
        print(f"{count:>6} labels: refused ({refusal})")
        return
    result = SupervisedDetector(model, "eval", ml, shared).detect(test, context)
    ids = test["transaction_id"]
    combined = noisy_or(pd.concat([rules, anomaly_flags, result.flags]), ids)
    report(
        f"{count:>6} labels: supervised",
        y_test,
        result.details["scores"]["score"].to_numpy(),
        False,
    )
    report(f"{count:>6} labels: rules + ML", y_test, combined)


if __name__ == "__main__":
    main()
