"""Measures ownership screening on generated links (not a test; run it by hand):

    python benchmarks/ownership.py --links 100000 [--rows 10000] [--seed 7]

Generates a random forest of holding chains (`--links` ownership links, a few percent of
the trees topped by a party of the bundled sample watchlist, some cross-holdings making
cycles, one directorship per fifty companies), then times, on one process:

1. resolution: every name of the graph screened against the sample list (one batch);
2. shares: the effective and blocking shares of the SDN and the affiliates-rule groups;
3. parties: `--rows` order lines' customers resolved to the graph, and the chains of the
   blocked ones traced back for the case file.

Reports wall seconds per stage, the peak of Python allocations of the shares stage
(tracemalloc; the two matcher stages run without it, which slows the matcher several
times over) and the process's peak resident memory after each stage.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from detectors.matching import Matcher, MatchSettings
from detectors.ownership import OwnershipScreen, ShareSettings
from watchlists import entries_to_frame, load_watchlist, sample_path
from watchlists.ownership import links_frame

CONFIGS = Path(__file__).resolve().parents[1] / "configs"
SYLLABLES = ("ka", "lo", "ven", "tri", "mar", "sol", "quin", "dex", "ra", "bel", "tor", "zen",
             "vi", "nor", "pa", "lum", "ser", "gal", "cor", "hex", "mi", "dra", "fen", "os")  # fmt: skip
FORMS = ("Holdings Ltd", "Trading Pte Ltd", "Investments Limited", "Technology Co Ltd",
         "Capital Sdn Bhd", "Industries FZE", "Logistics Ltd", "Components GmbH")  # fmt: skip


def company_names(count: int, rng: np.random.Generator) -> list[str]:
    """Distinct made-up company names ('Kalosol Venmar Holdings Ltd 0412')."""
    parts = np.asarray(SYLLABLES)
    words = [
        "".join(parts[rng.integers(0, len(parts), size=3)]).capitalize() for _ in range(count * 2)
    ]
    forms = rng.choice(np.asarray(FORMS), size=count)
    return [f"{words[2 * i]} {words[2 * i + 1]} {forms[i]} {i:06d}" for i in range(count)]


def generate_links(count: int, listed: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """A forest of holding chains: each new company is owned by an earlier one of its
    tree (10-100 %), trees start at a root (a listed party for 3 % of them); 1 % of the
    links are cross-holdings back up the tree (cycles); one directorship per fifty."""
    trees = max(1, count // 20)
    names = company_names(count + trees, rng)
    roots = np.arange(trees)
    tops = names[:trees]
    listed_roots = rng.random(trees) < 0.03
    for i in np.flatnonzero(listed_roots):
        tops[i] = listed[int(rng.integers(0, len(listed)))]
    tree_of = rng.integers(0, trees, size=count)
    owner = np.empty(count, dtype=np.int64)
    last_in_tree = roots.copy()
    for i in range(count):  # generating the data only; the screening has no row loop
        t = tree_of[i]
        owner[i] = last_in_tree[t] if rng.random() < 0.7 else roots[t]
        last_in_tree[t] = trees + i
    owned = trees + np.arange(count)
    share = np.round(rng.uniform(10, 100, size=count), 1)
    cross = rng.random(count) < 0.01
    owner[cross], owned[cross] = owned[cross], owner[cross]  # a holding back up the tree
    share[cross] = np.round(rng.uniform(5, 30, size=int(cross.sum())), 1)
    label = np.asarray(tops + names[trees:], dtype=object)
    ownership = pd.DataFrame(
        {"relation": "ownership", "owner": label[owner], "owned": label[owned], "share": share}
    )
    boards = max(1, count // 50)
    directors = [f"Director {i:05d}" for i in rng.integers(0, boards // 2 + 1, size=boards)]
    board = pd.DataFrame(
        {
            "relation": "directorship",
            "owner": directors,
            "owned": label[rng.integers(0, len(label), size=boards)],
            "share": np.nan,
        }
    )
    frame = pd.concat([ownership, board], ignore_index=True)
    return links_frame(
        relation=frame["relation"],
        owner=frame["owner"],
        owned=frame["owned"],
        share=frame["share"].astype(float),
        owner_type="unknown",
        source="generated",
        as_of="2026-01-01",
        origin="generated:" + pd.Series(np.arange(len(frame)) + 2).astype(str),
    )


def measured(
    stage: str, results: dict[str, Any], action: Callable[[], Any], trace: bool = True
) -> Any:
    """Times `action`; with `trace`, also the peak of its Python allocations (tracemalloc
    slows the matcher several times over, so the resolution is measured without it)."""
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    value = action()
    results[stage] = {
        "seconds": round(time.perf_counter() - started, 2),
        "peak_traced_mb": round(tracemalloc.get_traced_memory()[1] / 2**20, 1) if trace else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    if trace:
        tracemalloc.stop()
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=100_000, help="ownership links to generate")
    parser.add_argument("--rows", type=int, default=10_000, help="order lines to resolve")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    settings = MatchSettings.from_config(yaml.safe_load((CONFIGS / "matching.yaml").read_text()))
    entries = entries_to_frame(load_watchlist(sample_path()).entries)
    matcher = Matcher.build(entries, settings)
    links = generate_links(args.links, entries["name"].tolist(), rng)
    print(f"{len(links)} links ({int((links['relation'] == 'ownership').sum())} ownership)")
    results: dict[str, Any] = {}
    screen = measured(
        "resolution",
        results,
        lambda: OwnershipScreen.build(links, matcher, ShareSettings()),
        trace=False,
    )

    def shares() -> dict[str, int]:
        sdn = screen.shares(("SDN",))
        affiliates = screen.shares(("EL", "MEU", "SDN"))
        return {
            "nodes": screen.size,
            "listed_nodes_sdn": int(sdn.listed.sum()),
            "blocked_sdn": int((sdn.blocked & ~sdn.listed).sum()),
            "blocked_affiliates": int((affiliates.blocked & ~affiliates.listed).sum()),
            "minority_25_sdn": int(((sdn.blocked_share >= 0.25) & ~sdn.blocked).sum()),
        }

    counts = measured("shares", results, shares)

    def parties() -> dict[str, int]:
        names = screen.nodes["name"].to_numpy()
        picked = names[rng.integers(0, len(names), size=args.rows)]
        orders = pd.DataFrame(
            {"party_id": [f"T-{i}" for i in range(args.rows)], "name": picked, "role": "customer"}
        )
        found = screen.resolve_parties(orders, settings)
        group = screen.shares(("SDN",))
        blocked = found[group.blocked[found["node"].to_numpy(dtype=np.int64)]]
        blocked = blocked[~group.listed[blocked["node"].to_numpy(dtype=np.int64)]]
        for node in blocked["node"].unique():
            screen.chains(int(node), group)
        return {
            "order_parties": args.rows,
            "resolved": int(found["party_id"].nunique()),
            "flagged_blocked": int(blocked["party_id"].nunique()),
        }

    counts |= measured("parties", results, parties, trace=False)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for stage, figures in results.items():
        traced = figures["peak_traced_mb"]
        print(
            f"{stage:>11}: {figures['seconds']:8.2f} s, peak traced "
            f"{'n/a' if traced is None else f'{traced} MB'}, process peak RSS so far "
            f"{figures['peak_rss_mb']} MB"
        )
    print(f"peak resident memory of the process: {peak:.0f} MB")
    print(counts)


if __name__ == "__main__":
    main()
