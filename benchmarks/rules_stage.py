"""Measures the rule stage on a generated order book (not a test; run it by hand):

    python benchmarks/rules_stage.py --rows 1000000
    python benchmarks/rules_stage.py --rows 20000 --seed 20261127 --by-typology
    python benchmarks/rules_stage.py --orders FILE [--repeat 3] [--top 15]

Generates the book with the bundled generator (or reads `--orders`, a Contract 1 file),
ingests it, then times the whole rule pack (wall and CPU seconds, peak resident memory)
and each rule, slowest first (`--repeat` runs: the fastest of each rule's times; a rule's
time includes what it computes first for the rules after it, such as the lines carrying
advanced ICs, and a dated layer's days in force). With `--by-typology` it
also prints, per labelled typology, the share of lines whose rule flags alone reach the
case threshold (risk >= 40 by noisy-OR, or a hard stop) — watchlist hits (P1) and ML are
not part of this stage.
"""

from __future__ import annotations

import argparse
import resource
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from detectors.base import DetectionContext
from detectors.catalog import catalog_frame
from detectors.ingest import normalize_orders
from detectors.rules import RuleEngine
from detectors.rules.loading import load_pack
from detectors.synthetic.generator import generate
from flows.settings import CONFIGS_DIR


def by_typology(flags: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    keep = np.log1p(-flags["weight"].clip(upper=0.999999))
    per_line = pd.DataFrame(
        {"transaction_id": flags["transaction_id"], "keep": keep, "hard": flags["hard_stop"]}
    )
    grouped = per_line.groupby("transaction_id").agg(keep=("keep", "sum"), hard=("hard", "any"))
    risk = np.rint(100 * (1 - np.exp(grouped["keep"])))  # as the case scorer rounds it
    in_case = (risk >= 40) | grouped["hard"]
    lines = labels.set_index("transaction_id")
    lines["in_case"] = in_case.reindex(lines.index, fill_value=False).astype(bool)
    lines["typology"] = lines["typology"].replace("", "(clean)").fillna("(clean)")
    return lines.groupby("typology")["in_case"].agg(lines="size", share_in_case="mean").round(3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--pack", default="default")
    parser.add_argument("--by-typology", action="store_true")
    parser.add_argument(
        "--orders", type=Path, default=None, help="time the rules on this orders file"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs of the pack (best per rule)")
    parser.add_argument("--top", type=int, default=15, help="rules listed, slowest first")
    args = parser.parse_args()

    catalog = catalog_frame(
        yaml.safe_load((CONFIGS_DIR / "items.yaml").read_text(encoding="utf-8"))
    )
    started = time.perf_counter()
    labels = None
    if args.orders is None:
        data = generate(args.rows, args.seed, catalog)
        orders, labels = data.transactions, data.labels
    elif args.orders.suffix.lower() == ".parquet":
        orders = pd.read_parquet(args.orders)
    else:
        orders = pd.read_csv(args.orders, dtype=str, keep_default_na=False, na_values=[""])
    raw = orders.astype(str).where(orders.notna(), None)
    ingested = normalize_orders(raw, catalog, {})
    print(f"generate/read + ingest {len(raw):,} rows: {time.perf_counter() - started:.1f} s")

    pack = load_pack(CONFIGS_DIR, args.pack)
    transactions = ingested.accepted
    context = DetectionContext(
        history=transactions.iloc[:0],
        present_columns=ingested.present_columns,
        policy=pack.policy,
        catalog=catalog,
        as_of=date.today(),
    )
    best: dict[str, float] = {}
    for _ in range(max(1, args.repeat)):
        wall, cpu = time.perf_counter(), time.process_time()
        result = RuleEngine(pack).detect(transactions, context)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"rule pack {pack.version_label}: {wall:.1f} s wall, {cpu:.1f} s CPU, "
            f"{len(result.flags):,} flags"
        )
        for code, seconds in result.details["seconds_by_rule"].items():
            best[code] = min(seconds, best.get(code, float("inf")))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the process: {peak_mb:,.0f} MB")
    slowest = sorted(best.items(), key=lambda item: -item[1])
    print(f"seconds per rule (best of {max(1, args.repeat)}), slowest first:")
    for code, seconds in slowest[: args.top]:
        print(f"  {code:<14} {seconds:8.3f}")
    print(f"  {'(all rules)':<14} {sum(best.values()):8.3f}")
    if result.not_evaluable:
        print("not evaluable:", [(n.code, n.reason) for n in result.not_evaluable])
    if args.by_typology and labels is not None:
        print(by_typology(result.flags, labels).to_string())


if __name__ == "__main__":
    main()
