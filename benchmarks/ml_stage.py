"""Times the ML stage on a large seeded order book (not a test; run it by hand):

    python benchmarks/ml_stage.py --rows 1000000

Prints wall and CPU seconds (CPU is the fairer figure on a shared machine) for: building the feature table, fitting the anomaly model, scoring and
explaining with it, training the supervised model on a labelled sample, scoring and
explaining with it; and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "ml"))  # canonical_frames

from canonical_frames import CONFIGS, labelled_book, load_catalog, regular_orders, shell_orders  # noqa: E402

from detectors.base import DetectionContext  # noqa: E402
from detectors.ml.anomaly import AnomalyDetector, fit_anomaly  # noqa: E402
from detectors.ml.features import build_features  # noqa: E402
from detectors.ml.supervised import SupervisedDetector, train_supervised  # noqa: E402


def timed(label: str, action):
    start, cpu = time.perf_counter(), time.process_time()
    result = action()
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    print(f"{label:<58} {wall:7.2f} s wall {used:7.2f} s CPU", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="order lines to screen")
    parser.add_argument("--labels", type=int, default=20_000, help="labelled decisions to train on")
    args = parser.parse_args()
    ml = yaml.safe_load((CONFIGS / "ml.yaml").read_text())
    policy = yaml.safe_load((CONFIGS / "policy" / "default.yaml").read_text())
    catalog = load_catalog()

    book = timed(
        f"generate {args.rows:,} rows (not part of the stage)",
        lambda: pd.concat(
            [
                regular_orders(args.rows - args.rows // 100, seed=1, customers=args.rows // 20),
                shell_orders(args.rows // 100, seed=2),
            ],
            ignore_index=True,
        ),
    )
    empty = book.iloc[:0]
    table = timed(
        "build_features (all rows, point-in-time)",
        lambda: build_features(book, empty, policy, catalog, ml["features"]),
    )
    model = timed(
        "fit anomaly model", lambda: fit_anomaly(table, ml["anomaly"], book["order_date"])
    )
    context = DetectionContext(
        history=empty,
        present_columns=frozenset(book.columns),
        policy=policy,
        catalog=catalog,
        as_of=date(2026, 1, 1),
    )
    anomaly = AnomalyDetector(model, "anomaly-measure", ml)
    anomaly.shared.remember(book, empty, table)
    result = timed(
        "anomaly detect (score + explain flagged)", lambda: anomaly.detect(book, context)
    )
    print(f"  anomaly flags: {len(result.flags):,}")

    n = args.labels
    labelled, labels = labelled_book(n - n // 10, n // 10, seed=3)
    features = build_features(labelled, labelled.iloc[:0], policy, catalog, ml["features"])
    trained = timed(
        f"train supervised ({n:,} labels, time-ordered validation)",
        lambda: train_supervised(
            features, labels, labelled["order_date"], settings=ml["supervised"]
        ),
    )
    print(f"  validation: {trained.metrics}")
    supervised = SupervisedDetector(trained, "supervised-measure", ml, shared=anomaly.shared)
    result = timed(
        "supervised detect (score + explain flagged)", lambda: supervised.detect(book, context)
    )
    print(f"  supervised flags: {len(result.flags):,}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak resident memory {peak:,.0f} MB; feature table {table.memory_usage().sum() / 2**20:,.0f} MB"
    )
    np.testing.assert_equal(len(table), len(book))


if __name__ == "__main__":
    main()
