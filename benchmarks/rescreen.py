"""Incremental rescreen (only added and changed list entries) against a full re-screen of the
same historical parties, in the same run.

    python benchmarks/rescreen.py --rows 400000 --changes 300

History: generated orders (their customers, ship-to parties, end users, forwarders and
payers are the historical parties). List version A: the real OFAC SDN file from
../shared/data when present, else the generated restricted list. Version B: A with
`--changes` entries added (names taken from the UN list, or perturbed) and a few removed
and renamed. Both screenings run the real matcher through the P1 detector, as
`redflag rescreen` does.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data" / "watchlists"


def version_a(generated: list) -> list:
    from watchlists import load_watchlist

    if (SHARED / "ofac-sdn").is_dir():
        return load_watchlist(SHARED / "ofac-sdn").entries
    return generated


def version_b(entries: list, changes: int) -> list:
    """A new version: `changes` entries added, a tenth as many renamed and removed."""
    from watchlists import load_watchlist

    if (SHARED / "un").is_dir():
        donors = load_watchlist(SHARED / "un").entries
    else:
        donors = [
            replace(e, entry_id=f"{e.entry_id}-new", name=e.name + " Holdings") for e in entries
        ]
    added = [replace(e, entry_id=f"bench:{i}") for i, e in enumerate(donors[:changes])]
    renamed = [replace(e, name=e.name + " Trading") for e in entries[: changes // 10]]
    kept = entries[changes // 10 : len(entries) - changes // 10]
    return renamed + kept + added


def screen(history: pd.DataFrame, entries: pd.DataFrame) -> tuple[float, int, int]:
    from flows.rescreen import screen_against
    from flows.settings import load_pipeline_settings

    started = time.perf_counter()
    result = screen_against(history, entries, load_pipeline_settings())
    return (
        time.perf_counter() - started,
        int(result.details.get("parties_screened", 0)),
        len(result.flags),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, default=400_000, help="generated order lines in the history"
    )
    parser.add_argument("--changes", type=int, default=300, help="entries added to the list")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    from flows.commands.generate import read_catalog
    from flows.ingest.sources import read_orders
    from flows.settings import load_pipeline_settings
    from flows.synthetic import generate
    from watchlists import diff_entries, entries_to_frame

    catalog = read_catalog()
    data = generate(args.rows, args.seed, catalog)
    folder = Path("/tmp") / f"redflag-rescreen-bench-{args.rows}"
    folder.mkdir(parents=True, exist_ok=True)
    orders = folder / "orders.parquet"
    data.transactions.to_parquet(orders, index=False)
    history = read_orders([orders], catalog, load_pipeline_settings()["ingest"]).accepted

    old = entries_to_frame(version_a(data.watchlist))
    new = entries_to_frame(version_b(version_a(data.watchlist), args.changes))
    diff = diff_entries(old, new)
    changes = diff.screening_entries()
    print(
        f"history: {len(history):,} transactions; list A {len(old):,} entries, B {len(new):,}; diff {diff.counts()}"
    )

    incremental, parties, inc_flags = screen(history, changes)
    full, _parties, full_flags = screen(history, new)
    print(f"historical parties screened: {parties:,}")
    print(
        f"incremental (against {len(changes):,} changed entries): {incremental:.1f} s, {inc_flags:,} P1 flags"
    )
    print(f"full re-screen (against {len(new):,} entries): {full:.1f} s, {full_flags:,} P1 flags")
    print(f"full / incremental: {full / incremental:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
