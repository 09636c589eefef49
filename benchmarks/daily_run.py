"""Wall time and peak memory of one daily run, with the stages' split.

    python benchmarks/daily_run.py --rows 1000000 [--seed 11] [--keep DIR]
        [--ownership-links 100000 [--next-rows N]]
    python benchmarks/daily_run.py --orders FILE [--watchlist FILE] [...]

Generates the input first (not timed), then runs the real Prefect flow in this process.
With `--orders`, runs on that orders file (CSV, Parquet or XLSX, Contract 1) instead of
generated orders, and with `--watchlist` on that list file or folder (any format the run
reads) instead of the generated list; `--orders` without `--watchlist` still generates
the list (of `--seed`; its entries are then not the orders' parties). The same file run
on two commits times the same work, whatever their generators make of a seed.
With `--ownership-links`, also generates an ownership file (holding chains whose tops are
partly entries of the generated list, cross-holdings making cycles, a fifth of the owned
companies being customers of the orders), loads it as `redflag run --ownership` does,
and runs the flow with it; then runs a next day (`--next-rows` order lines of another
seed, default as many) in the same workspace, reusing the ownership snapshot, the
resolution of its names kept from the first run, and the first run's history.
The next day is a real next day: its orders are dated after the first day's (from the day
after its last order date, over `--next-days` days, default 1) and its transaction ids
are new (prefix `N-` instead of the generator's `T-`), so that the history gains its
lines and the first day's cached history links are what a next run meets. (Before, the
next day was the generator's output of seed + 1 unchanged: the first day's ids and dates
again, so the history gained no line.) `--next-as-before` generates that old next day,
to compare with earlier figures.
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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def cpu_seconds() -> float:
    """User and system CPU seconds of this process and of its ended child processes (the
    forked workers of ingest, screening and case pages)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def ml_share(summary: dict, run_seconds: float) -> float:
    """(ml-fit stage + ML detector seconds in the partitions) / run time. With several
    partitions running at once their seconds add up, so this over-counts then."""
    fit = float(summary.get("timings_seconds", {}).get("ml-fit", 0.0))
    stages = summary.get("partitions", {}).get("seconds_by_stage", {})
    detect = sum(float(v) for k, v in stages.items() if k.startswith("ml_"))
    return round((fit + detect) / run_seconds, 3) if run_seconds else 0.0


# run in another process: the generator's files, then (for a next day) its transaction ids
# given another prefix in the orders and the labels
_GENERATE = """
import sys
from pathlib import Path
import pandas as pd
from flows.commands.generate import generate_command
rows, seed, orders, labels, listed, start, days, prefix = sys.argv[1:]
generate_command(rows=int(rows), seed=int(seed), out=Path(orders), labels=Path(labels),
                 watchlist_out=Path(listed) if listed else None, start=start or None,
                 days=int(days) if days else None)
if prefix:
    for path, read, write in ((orders, pd.read_parquet, "to_parquet"), (labels, pd.read_csv, "to_csv")):
        frame = read(path)
        frame["transaction_id"] = frame["transaction_id"].str.replace("T-", prefix, n=1, regex=False)
        getattr(frame, write)(path, index=False)
"""


def generate_input(
    rows: int,
    seed: int,
    folder: Path,
    watchlist: bool = True,
    start: str | None = None,
    days: int | None = None,
    id_prefix: str | None = None,
) -> Path:
    """The generator's orders (and restricted list) in `folder`, in another process; with
    `start`/`days`, dated from `start` over `days` days; with `id_prefix`, its transaction
    ids beginning with that prefix instead of "T-"."""
    orders = folder / "orders.parquet"
    subprocess.run(
        [
            sys.executable, "-c", _GENERATE,
            str(rows), str(seed), str(orders), str(folder / "labels.csv"),
            str(folder / "restricted_parties.csv") if watchlist else "",
            start or "", str(days) if days else "", id_prefix or "",
        ],
        check=True,
    )  # fmt: skip
    return orders


def day_after_last_order(orders: Path) -> str:
    """The ISO date after the last order date of an orders file."""
    import pandas as pd

    dates = pd.to_datetime(read_orders(orders, ["order_date"])["order_date"], errors="coerce")
    return (dates.max() + pd.Timedelta(days=1)).date().isoformat()


def generate_watchlist(seed: int, folder: Path) -> Path:
    """The generator's restricted list alone (of a small generated day), in another process."""
    scratch = folder / "list-source"
    scratch.mkdir(parents=True, exist_ok=True)
    generate_input(1_000, seed, scratch)
    return scratch / "restricted_parties.csv"


def listed_names(listed: Path) -> list[str]:
    """The entries' names of a list file or folder, whatever its format."""
    from watchlists.loader import load_watchlist

    return [entry.name for entry in load_watchlist(listed).entries if entry.name]


def ownership_file(links: int, orders: Path, listed: Path, seed: int, out: Path) -> Path:
    """An ownership CSV of `links` links (benchmarks/ownership.py's forest of holding
    chains, tops partly list entries, cross-holdings), a fifth of the owned companies
    renamed to customers of the orders so that the run finds them."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import numpy as np
    import pandas as pd
    from ownership import generate_links

    rng = np.random.default_rng(seed)
    frame = generate_links(links, listed_names(listed), rng)
    customers = read_orders(orders, ["customer_name"])["customer_name"].dropna()
    customers = customers.drop_duplicates().to_numpy()
    owned = frame["owned"].drop_duplicates()
    renamed = owned.sample(frac=0.2, random_state=seed)
    renamed = renamed.iloc[: len(customers)]
    rename = dict(
        zip(renamed, rng.choice(customers, size=len(renamed), replace=False), strict=True)
    )
    frame = frame.assign(owner=frame["owner"].replace(rename), owned=frame["owned"].replace(rename))
    ownership = frame[frame["relation"] == "ownership"]
    pd.DataFrame({
        "owner": ownership["owner"], "owned": ownership["owned"], "share": ownership["share"],
        "source": ownership["source"], "as_of": ownership["as_of"],
    }).to_csv(out, index=False)  # fmt: skip
    return out


def read_orders(path: Path, columns: list[str]) -> pd.DataFrame:
    """Columns of an orders file (Parquet, CSV or XLSX)."""
    import pandas as pd

    if path.suffix.lower() == ".parquet":
        return pd.read_parquet(path, columns=columns)
    if path.suffix.lower() in (".xlsx", ".xls"):
        return pd.read_excel(path, usecols=columns, dtype=str)
    return pd.read_csv(path, usecols=columns, dtype=str)


def run_figures(summary: dict, run_seconds: float, cpu: float | None = None) -> dict:
    """The figures of one run from its summary (`cpu`: the CPU seconds it took, which a
    shared machine inflates less than the wall time)."""
    timings = summary.get("timings_seconds", {})
    return {
        "run_seconds": round(run_seconds, 1),
        "cpu_seconds": round(cpu, 1) if cpu is not None else None,
        "stages_seconds": timings,
        "partitions": summary.get("partitions", {}).get("count"),
        # inside the partition tasks, summed over partitions: detectors, case drafts, history
        "partition_stages_seconds": summary.get("partitions", {}).get("seconds_by_stage", {}),
        # the ML family's share of the run: fitting the anomaly model when due, and the ML
        # detectors inside the partitions (features and scoring), over the run's wall time
        "ml_share": ml_share(summary, run_seconds),
        # the network of related parties (one stage after screening) over the run's time
        "network_share": round(float(timings.get("network", 0.0)) / run_seconds, 3)
        if run_seconds
        else 0.0,
        "network": summary.get("network", {}),
        "ownership": summary.get("ownership"),
        "peak_rss_mb": round(peak_rss_mb()),
        "load_average": Path("/proc/loadavg").read_text().split()[:3]
        if Path("/proc/loadavg").exists()
        else None,
        "counts": {k: v for k, v in summary["counts"].items() if k != "flags_by_code"},
    }


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
        "--orders",
        type=Path,
        default=None,
        help="run on this orders file (Contract 1: CSV, Parquet or XLSX) instead of generated "
        "orders; --rows is then the file's",
    )
    parser.add_argument(
        "--watchlist",
        type=Path,
        default=None,
        help="run with this list file or folder (any format the run reads) instead of the "
        "generated list",
    )
    parser.add_argument(
        "--ownership-links",
        type=int,
        default=0,
        help="generate this many ownership links and run with them, then run a next day",
    )
    parser.add_argument(
        "--next-rows", type=int, default=None, help="order lines of the next day (default: --rows)"
    )
    parser.add_argument(
        "--next-days",
        type=int,
        default=1,
        help="days the next day's orders span, from the day after the first day's last order",
    )
    parser.add_argument(
        "--next-as-before",
        action="store_true",
        help="the old next day: the generator's seed + 1 as is (the first day's transaction "
        "ids and dates again)",
    )
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="redflag-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    # generated in another process, so that the peak memory below is the run's own
    if args.orders is None:
        orders = generate_input(args.rows, args.seed, folder)
        listed = args.watchlist or folder / "restricted_parties.csv"
    else:
        orders = args.orders.resolve()
        listed = (args.watchlist or generate_watchlist(args.seed, folder)).resolve()
        args.rows = len(read_orders(orders, ["transaction_id"]))
    ownership = None
    if args.ownership_links:
        ownership = ownership_file(
            args.ownership_links, orders, listed, args.seed, folder / "ownership.csv",
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

    def run(orders: Path, out: str) -> dict:
        started, cpu = time.perf_counter(), cpu_seconds()
        summary = daily_screening(
            transactions=[str(orders)],
            workspace=str(folder / "workspace"),
            watchlist=[str(listed)],
            out=str(folder / out),
            partitions=args.partitions,
            config=args.config,
        )
        return run_figures(summary, time.perf_counter() - started, cpu_seconds() - cpu)

    loading = None
    if ownership is not None:
        from flows.commands.run_inputs import add_ownership

        started = time.perf_counter()
        add_ownership(folder / "workspace", [ownership])
        loading = round(time.perf_counter() - started, 1)
    figures = {
        "rows": args.rows,
        "orders": str(args.orders) if args.orders else None,
        "watchlist": str(args.watchlist) if args.watchlist else None,
        "ownership_links": args.ownership_links,
        "generation_seconds": round(generation, 1),
        "prefect_start_up_seconds": round(prefect_start, 1),
        "ownership_loading_seconds": loading,
        "peak_rss_mb_before_run": round(memory_before),
        **run(orders, "run"),
    }
    if ownership is not None:
        next_folder = folder / "next"
        next_folder.mkdir(exist_ok=True)
        if args.next_as_before:
            dated: dict = {}
        else:
            dated = {
                "start": day_after_last_order(orders),
                "days": args.next_days,
                "id_prefix": "N-",
            }
        next_orders = generate_input(
            args.next_rows or args.rows, args.seed + 1, next_folder, False, **dated
        )
        figures["next_run"] = {
            "rows": args.next_rows or args.rows,
            "dates": dated.get("start", "as the first day's"),
            **run(next_orders, "run-next"),
        }
    print(json.dumps(figures, indent=2))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
