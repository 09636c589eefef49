"""Time and peak memory of the network of related parties on its own, over N order lines.

    python benchmarks/network.py --rows 1000000 [--seed 11] [--orders FILE]
        [--history-rows N]

Generates the orders first with the bundled generator (not timed; or reads `--orders`),
then times what the daily run's network stage computes: the links of every party
(normalised address, phone, e-mail domain, website, payer, forwarder, consignee, end
user), the groups (scipy connected components), the N1-N3 flags and the related parties
of every customer. Peak memory is the traced Python allocation peak of the stage
(tracemalloc on a second, untimed pass; numpy and pandas buffers included) and the process's maximum RSS. The
daily-run share is in `benchmarks/daily_run.py` (`network_share`).

With `--history-rows N`, N order lines of another seed are kept as an earlier day's
history part first, and the links of the day and its history are timed three ways: all
computed at once over both (as before the per-part cache), with the history part's links
computed and cached (a first use), and with them read from the cache (a next day).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cases.model import CaseDraft  # noqa: E402
from cases.related import run_network  # noqa: E402
from detectors.network.links import (  # noqa: E402
    contact_rules,
    distinct,
    order_columns,
    order_links,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="order lines")
    parser.add_argument("--seed", type=int, default=11, help="seed of the generated orders")
    parser.add_argument("--orders", type=Path, default=None, help="an orders Parquet or CSV file")
    parser.add_argument(
        "--history-rows", type=int, default=0, help="order lines kept as an earlier day first"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="redflag-network-"))
    orders_path = args.orders or generate(args.rows, args.seed, folder)
    if args.history_rows:
        print(json.dumps(history_figures(orders_path, args, folder), indent=2))
        return 0
    columns = list(dict.fromkeys([*order_columns(), "transaction_id", "customer_since"]))
    read = pd.read_csv if orders_path.suffix == ".csv" else pd.read_parquet
    orders = read(orders_path)
    orders = orders[[c for c in columns if c in orders]].astype("str")
    policy = yaml.safe_load((ROOT / "configs" / "policy" / "default.yaml").read_text())
    matching = yaml.safe_load((ROOT / "configs" / "matching.yaml").read_text())
    settings = yaml.safe_load((ROOT / "configs" / "pipeline.yaml").read_text())["network"]
    rules = contact_rules(policy, matching["names"]["address_abbreviations"], settings)
    # a tenth of the customers counts as listed, another as having a reported case
    customers = pd.Series(orders["customer_id"].unique())
    listed = pd.DataFrame({"party": "customer:" + customers.iloc[::10], "listed_as": "bench"})
    cased = pd.DataFrame({"party": "customer:" + customers.iloc[5::10],
                          "case_id": "C-bench", "status": "reported"})  # fmt: skip
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    as_of = pd.Timestamp("2026-12-01")
    started = time.perf_counter()
    links = order_links(orders, rules)
    linked = time.perf_counter()
    network = run_network(orders, links, listed, cased, settings, as_of)
    # the related parties of the cases' customers (here: every customer with a flag)
    subjects = [
        CaseDraft(p, {"customer_id": p.split(":", 1)[1]}, [], [], [], 50, "medium", [])
        for p in network.flags
    ]
    drafts = list(network.attach_all(iter(subjects), {}))
    finished = time.perf_counter()
    # the allocation peak traced on a second pass (tracing slows it, so it is not timed)
    tracemalloc.start()
    run_network(orders, order_links(orders, rules), listed, cased, settings, as_of)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figures = {
        "rows": len(orders),
        "customers": int(customers.size),
        "links_seconds": round(linked - started, 2),
        "network_and_flags_seconds": round(finished - linked, 2),
        "stage_seconds": round(finished - started, 2),
        "traced_peak_mb": round(traced_peak / 2**20),
        "max_rss_mb_before_stage": round(rss_before),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "counts": network.counts,
        "cases_given_related": len(drafts),
    }
    print(json.dumps(figures, indent=2))
    return 0


def generate(rows: int, seed: int, folder: Path) -> Path:
    """The bundled generator's orders in `folder`, in another process (not timed)."""
    path = folder / f"orders-{seed}.parquet"
    subprocess.run(
        [sys.executable, "-c",
         "import sys; from pathlib import Path; from flows.commands.generate import "
         "generate_command; generate_command(rows=int(sys.argv[1]), seed=int(sys.argv[2]),"
         " out=Path(sys.argv[3]), labels=Path(sys.argv[4]), watchlist_out=Path(sys.argv[5]))",
         str(rows), str(seed), str(path), str(folder / "labels.csv"),
         str(folder / "restricted.csv")],
        check=True, cwd=ROOT,
    )  # fmt: skip
    return path


def history_figures(orders_path: Path, args: argparse.Namespace, folder: Path) -> dict:
    """The links of a day and of an earlier day kept in the history: all at once, with
    the history part's links computed and cached, and read from the cache."""
    from flows.history import TransactionHistory
    from flows.history_links import HistoryLinks

    policy = yaml.safe_load((ROOT / "configs" / "policy" / "default.yaml").read_text())
    matching = yaml.safe_load((ROOT / "configs" / "matching.yaml").read_text())
    settings = yaml.safe_load((ROOT / "configs" / "pipeline.yaml").read_text())["network"]
    rules = contact_rules(policy, matching["names"]["address_abbreviations"], settings)
    # the earlier day as a history part holds what the links read (and the order date)
    earlier = pd.read_parquet(generate(args.history_rows, args.seed + 1, folder))
    kept = earlier[[c for c in order_columns() if c in earlier]].astype("str")
    kept = kept.assign(order_date=pd.to_datetime(earlier["order_date"]).astype("datetime64[ns]"))
    (folder / "history").mkdir()
    kept.to_parquet(folder / "history" / "part-earlier-0000.parquet", index=False)
    del earlier, kept
    today = pd.read_parquet(orders_path)
    today = today[[c for c in order_columns() if c in today]].astype("str")
    columns = [c for c in order_columns() if c in today]
    figures: dict = {"rows": len(today), "history_rows": args.history_rows}

    def all_at_once() -> None:
        past = TransactionHistory(folder / "history").load(columns=columns)
        order_links(pd.concat([today, past], ignore_index=True), rules)

    def per_part() -> dict:
        store = HistoryLinks(folder / "history", rules)
        distinct([order_links(today, rules), *store.since(None)])
        return store.tally.counts()

    started = time.perf_counter()
    all_at_once()
    figures["all_at_once_seconds"] = round(time.perf_counter() - started, 2)
    for label in ("history_computed_and_cached", "history_from_cache"):
        started = time.perf_counter()
        figures[f"{label}_tally"] = per_part()
        figures[f"{label}_seconds"] = round(time.perf_counter() - started, 2)
    # allocation peaks traced on second, untimed passes (the cache is warm by now)
    for label, step in (("all_at_once", all_at_once), ("history_from_cache", per_part)):
        tracemalloc.start()
        step()
        figures[f"{label}_traced_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20)
        tracemalloc.stop()
    return figures


if __name__ == "__main__":
    sys.exit(main())
