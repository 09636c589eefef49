"""Time and peak memory of the network of related parties on its own, over N order lines.

    python benchmarks/network.py --rows 1000000 [--seed 11] [--orders FILE]

Generates the orders first with the bundled generator (not timed; or reads `--orders`),
then times what the daily run's network stage computes: the links of every party
(normalised address, phone, e-mail domain, website, payer, forwarder, consignee, end
user), the groups (scipy connected components), the N1-N3 flags and the related parties
of every customer. Peak memory is the traced Python allocation peak of the stage
(tracemalloc on a second, untimed pass; numpy and pandas buffers included) and the process's maximum RSS. The
daily-run share is in `benchmarks/daily_run.py` (`network_share`).
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
from detectors.network.links import contact_rules, order_columns, order_links  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="order lines")
    parser.add_argument("--seed", type=int, default=11, help="seed of the generated orders")
    parser.add_argument("--orders", type=Path, default=None, help="an orders Parquet or CSV file")
    args = parser.parse_args()
    orders_path = args.orders
    if orders_path is None:
        folder = Path(tempfile.mkdtemp(prefix="redflag-network-"))
        orders_path = folder / "orders.parquet"
        subprocess.run(
            [sys.executable, "-c",
             "import sys; from pathlib import Path; from flows.commands.generate import "
             "generate_command; generate_command(rows=int(sys.argv[1]), seed=int(sys.argv[2]),"
             " out=Path(sys.argv[3]), labels=Path(sys.argv[4]), watchlist_out=Path(sys.argv[5]))",
             str(args.rows), str(args.seed), str(orders_path), str(folder / "labels.csv"),
             str(folder / "restricted.csv")],
            check=True, cwd=ROOT,
        )  # fmt: skip
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


if __name__ == "__main__":
    sys.exit(main())
