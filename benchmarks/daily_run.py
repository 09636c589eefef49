"""Wall time and peak memory of one daily run, with the stages' split.

    python benchmarks/daily_run.py --rows 1000000 [--seed 11] [--keep DIR]
    python benchmarks/daily_run.py --orders DIR/orders.parquet --watchlist DIR/restricted_parties.csv

Generates the input first (not timed), or takes a generated one (`--orders`, `--watchlist`:
to time two versions of the code on the same order book), then runs the real Prefect flow
in this process.
Prefect's start-up (its temporary local server) is timed separately and reported aside.
Peak memory is this process's maximum resident set size: the input is generated in a
separate process, and the temporary Prefect server runs in its own process; neither counts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def ml_share(summary: dict, run_seconds: float) -> float:
    """(ml-fit stage + ML detector seconds in the partitions) / run time. With several
    partitions running at once their seconds add up, so this over-counts then."""
    fit = float(summary.get("timings_seconds", {}).get("ml-fit", 0.0))
    stages = summary.get("partitions", {}).get("seconds_by_stage", {})
    detect = sum(float(v) for k, v in stages.items() if k.startswith("ml_"))
    return round((fit + detect) / run_seconds, 3) if run_seconds else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="order lines to screen")
    parser.add_argument("--seed", type=int, default=11, help="seed of the generated input")
    parser.add_argument(
        "--keep", type=Path, default=None, help="keep inputs and outputs in this folder"
    )
    parser.add_argument(
        "--json", type=Path, default=None, help="also write the figures as JSON here"
    )
    parser.add_argument("--partitions", type=int, default=None, help="default: the setting")
    parser.add_argument(
        "--config",
        default=None,
        help="settings file merged over configs/pipeline.yaml (e.g. `detectors: {ml: false}` "
        "to time a run without the ML family)",
    )
    parser.add_argument(
        "--orders", type=Path, default=None, help="a generated order file instead of a new one"
    )
    parser.add_argument(
        "--watchlist", type=Path, default=None, help="with --orders: its restricted-party list"
    )
    args = parser.parse_args()
    if (args.orders is None) != (args.watchlist is None):
        parser.error("--orders and --watchlist go together")

    folder = args.keep or Path(tempfile.mkdtemp(prefix="redflag-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    orders = args.orders or folder / "orders.parquet"
    watchlist = args.watchlist or folder / "restricted_parties.csv"
    started = time.perf_counter()
    # generated in another process, so that the peak memory below is the run's own
    if args.orders is None:
        subprocess.run(
            [
                sys.executable, "-c",
                "import sys; from pathlib import Path; from flows.commands.generate import generate_command; "
                "generate_command(rows=int(sys.argv[1]), seed=int(sys.argv[2]), out=Path(sys.argv[3]), "
                "labels=Path(sys.argv[4]), watchlist_out=Path(sys.argv[5]))",
                str(args.rows), str(args.seed), str(orders), str(folder / "labels.csv"),
                str(watchlist),
            ],
            check=True,
        )  # fmt: skip
    generation = time.perf_counter() - started
    memory_before = peak_rss_mb()

    started = time.perf_counter()
    from prefect import flow

    @flow(name="prefect-start-up")
    def warm_up() -> None:
        return None

    warm_up()
    prefect_start = time.perf_counter() - started

    from flows.daily import daily_screening

    started = time.perf_counter()
    summary = daily_screening(
        transactions=[str(orders)],
        workspace=str(folder / "workspace"),
        watchlist=[str(watchlist)],
        out=str(folder / "run"),
        partitions=args.partitions,
        config=args.config,
    )
    run_seconds = time.perf_counter() - started
    figures = {
        "rows": args.rows if args.orders is None else summary["counts"].get("rows_read"),
        "orders": str(orders),
        "generation_seconds": round(generation, 1),
        "prefect_start_up_seconds": round(prefect_start, 1),
        "run_seconds": round(run_seconds, 1),
        "stages_seconds": summary.get("timings_seconds", {}),
        "partitions": summary.get("partitions", {}).get("count"),
        # inside the partition tasks, summed over partitions: detectors, case drafts, history
        "partition_stages_seconds": summary.get("partitions", {}).get("seconds_by_stage", {}),
        # the ML family's share of the run: fitting the anomaly model when due, and the ML
        # detectors inside the partitions (features and scoring), over the run's wall time
        "ml_share": ml_share(summary, run_seconds),
        # the network of related parties (one stage after screening) over the run's time
        "network_share": round(
            float(summary.get("timings_seconds", {}).get("network", 0.0)) / run_seconds, 3
        )
        if run_seconds
        else 0.0,
        "network": summary.get("network", {}),
        "peak_rss_mb_before_run": round(memory_before),
        "peak_rss_mb": round(peak_rss_mb()),
        "counts": {k: v for k, v in summary["counts"].items() if k != "flags_by_code"},
    }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
