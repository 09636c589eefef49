"""Screening throughput of the index against brute force, on real and synthetic lists.

    python benchmarks/screening_speed.py [--list-size 1000000] [--queries 10000]
        [--repeats 3] [--brute-queries 1000] [--no-real] [--seed 11]

For each list (the real OFAC SDN + consolidated lists, and a synthetic list of
`--list-size` names), the same queries (half variants of list names, half names not on
the list) are screened twice:
  * index: `Matcher.screen` (candidate index -> cpdist prefilter -> scorer);
  * brute force: rapidfuzz `cdist` of every query against every list name, the best
    `scored_per_query` names per query given to the same final scorer and threshold.
The index's screening is repeated `--repeats` times, each from cold caches (the
matcher's analysed names and the index's word evidence forgotten, as in a fresh run);
the median is reported beside every run, with the CPU seconds per 1,000 names (this
process and its forked screening helpers) and the load of the machine.
Reported: names/s of each, the speed ratio, the share of brute-force hits the index also
finds, and the same share of brute force's true hits alone (a variant's hit on the entry
it was made from, or on another entry listed under that name), build time, index size in
memory and on disk, peak memory of the process.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parent))

from matcher_pairs import perturb  # noqa: E402
from train_matcher import DEFAULT_DATA, load_settings  # noqa: E402

from detectors.matching import Matcher  # noqa: E402
from detectors.matching.matcher import feature_matrix  # noqa: E402
from flows.runtime.sharing import wait_for_helpers  # noqa: E402
from watchlists import entries_to_frame, load_watchlist  # noqa: E402

SYLLABLES = [
    c + v
    for c in "bcdfghjklmnprstvwxyz"
    for v in ("a", "e", "i", "o", "u", "ai", "ou", "an", "en", "ong")
]
GENERIC = [
    "trading",
    "technology",
    "international",
    "group",
    "industrial",
    "electronics",
    "logistics",
    "import",
    "export",
    "global",
    "science",
    "development",
]
PLACES = [
    "shenzhen",
    "guangzhou",
    "beijing",
    "shanghai",
    "hong kong",
    "dubai",
    "moscow",
    "singapore",
    "tehran",
]
FORMS = [
    "Co., Ltd.",
    "Ltd",
    "LLC",
    "Inc.",
    "Corp.",
    "GmbH",
    "JSC",
    "Pte. Ltd.",
    "Sdn. Bhd.",
    "",
    "",
]


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 4))))


def synthetic_name(rng: random.Random, vocab: list[str]) -> tuple[str, str]:
    if rng.random() < 0.35:
        return (
            f"{rng.choice(vocab).upper()}, {rng.choice(vocab).title()} {rng.choice(vocab).title()}",
            "person",
        )
    parts = [rng.choice(vocab) for _ in range(rng.choice((1, 1, 2, 2, 3)))]
    if rng.random() < 0.3:
        parts.insert(0, rng.choice(PLACES))
    parts += rng.sample(GENERIC, k=rng.choice((0, 1, 1, 2)))
    return " ".join(parts).title() + " " + rng.choice(FORMS), "entity"


def synthetic_entries(size: int, seed: int) -> pd.DataFrame:
    rng = random.Random(seed)
    vocab = sorted(
        {word(rng) for _ in range(max(1000, size // 4))}
    )  # sorted: same list in every process
    names, kinds = zip(*(synthetic_name(rng, vocab) for _ in range(size)), strict=True)
    empty = [[] for _ in range(size)]
    return pd.DataFrame(
        {
            "entry_id": [f"synthetic:{i}" for i in range(size)],
            "source": "synthetic",
            "list": "Synthetic list",
            "list_code": "SYN",
            "type": list(kinds),
            "name": list(names),
            "aliases": empty,
            "addresses": empty,
            "countries": empty,
            "programs": empty,
            "license_requirement": None,
            "license_policy": None,
            "citation": None,
            "start_date": None,
            "end_date": None,
            "source_urls": empty,
            "remarks": None,
        }
    )


def real_entries(data: Path) -> pd.DataFrame:
    entries = []
    for rel in ("ofac-sdn", "ofac-consolidated"):
        entries.extend(load_watchlist(data / rel).entries)
    return entries_to_frame(entries)


def make_queries(entries: pd.DataFrame, count: int, seed: int) -> tuple[pd.DataFrame, list]:
    """Half variants of list names, half fresh names of the same shape; and for each
    query the list name it was made from (None for a fresh name)."""
    rng = random.Random(seed)
    picks = entries.sample(count // 2, random_state=seed)
    variants = [perturb(n, k, rng) for n, k in zip(picks["name"], picks["type"], strict=True)]
    vocab = sorted({word(rng) for _ in range(5000)})
    fresh = [synthetic_name(rng, vocab)[0] for _ in range(count - len(variants))]
    names = variants + fresh
    sources = [*picks["name"], *([None] * len(fresh))]
    queries = pd.DataFrame(
        {"party_id": [str(i) for i in range(len(names))], "name": names, "role": "name"}
    )
    return queries, sources


def true_hits(
    hits: set[tuple[str, str]], sources: list, entries: pd.DataFrame
) -> set[tuple[str, str]]:
    """The hits on an entry whose name is the one the query was made from (the entry
    itself, or another entry listed under the same name)."""
    name_of = dict(zip(entries["entry_id"], entries["name"], strict=True))
    return {
        (party, entry)
        for party, entry in hits
        if sources[int(party)] is not None
        and str(name_of.get(entry, "")).casefold() == sources[int(party)].casefold()
    }


def brute_force(
    matcher: Matcher, queries: pd.DataFrame
) -> tuple[dict[tuple[str, str], tuple[int, float]], float]:
    """Every query against every list name by cdist, the top names scored like the index:
    the hits, (party, entry) -> (list name id, score), and the seconds taken."""
    s = matcher.settings
    started = time.time()
    analyzed = [matcher.analyze(n) for n in queries["name"]]
    hits: dict[tuple[str, str], tuple[int, float]] = {}
    k = s.scored_per_query
    for start in range(0, len(analyzed), 16):
        chunk = analyzed[start : start + 16]
        scores = process.cdist(
            [a.core for a in chunk],
            matcher.names.core,
            scorer=fuzz.token_set_ratio,
            dtype=np.uint8,
            workers=-1,
        )
        top = np.argpartition(-scores.astype(np.int16), k, axis=1)[:, :k]
        contexts, owners = [], []
        for offset, ids in enumerate(top):
            for name_id in ids:
                contexts.append(matcher.pair_context(chunk[offset], int(name_id)))
                owners.append((str(start + offset), int(name_id)))
        probs = s.model.probability(feature_matrix(contexts))
        for (party, name_id), p in zip(owners, probs, strict=True):
            entry = matcher.entry_info[int(matcher.names.entry_row[name_id])]
            key = (party, entry["entry_id"])
            if p >= s.threshold(entry["list_code"], "name") and p > hits.get(key, (0, -1.0))[1]:
                hits[key] = (name_id, float(p))
    return hits, time.time() - started


def missed_examples(
    matcher: Matcher,
    queries: pd.DataFrame,
    brute_hits: dict[tuple[str, str], tuple[int, float]],
    index_hits: set[tuple[str, str]],
    count: int = 10,
) -> list[str]:
    """A few brute-force hits the index missed: party name -> list name (score)."""
    names = dict(zip(queries["party_id"], queries["name"], strict=True))
    return [
        f"{names[party]!r} -> {matcher.names.raw[name_id]!r} ({score:.3f})"
        for (party, entry), (name_id, score) in brute_hits.items()
        if (party, entry) not in index_hits
    ][:count]


def cpu_seconds() -> float:
    """CPU time of this process and its finished workers (threads included)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def forget(matcher: Matcher) -> None:
    """Cold caches, as a fresh run starts with: no analysed party name, no word evidence."""
    matcher._analyzed.clear()
    matcher.index._words.clear()
    matcher.index._bitmaps.clear()


def timed_screen(matcher: Matcher, queries: pd.DataFrame) -> tuple[pd.DataFrame, float, float]:
    """The hits of one screening from cold caches, its wall and CPU seconds."""
    forget(matcher)
    started, cpu = time.time(), cpu_seconds()
    hits = matcher.screen(queries)
    seconds = time.time() - started
    wait_for_helpers()  # a screening helper's CPU counts once it has ended
    return hits, seconds, cpu_seconds() - cpu


def measure(
    label: str, entries: pd.DataFrame, n_queries: int, n_brute: int, seed: int, repeats: int
) -> dict:
    settings = load_settings()
    started = time.time()
    matcher = Matcher.build(entries, settings)
    build_seconds = time.time() - started
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "matcher.pkl"
        matcher.save(path)
        disk = path.stat().st_size
    queries, sources = make_queries(entries, n_queries, seed)
    runs = [timed_screen(matcher, queries) for _ in range(max(1, repeats))]
    hits = runs[0][0]
    same_hits = all(run[0].equals(hits) for run in runs[1:])
    rates = [n_queries / seconds for _, seconds, _ in runs]
    cpu_per_1000 = [1000 * cpu / n_queries for _, _, cpu in runs]
    middle = int(np.argsort(rates)[len(rates) // 2])  # the median run (odd repeats)
    sub = queries.head(n_brute)
    brute_hits, brute_seconds = brute_force(matcher, sub)
    index_hits = {
        (p, e) for p, e in zip(hits["party_id"], hits["entry_id"], strict=True) if int(p) < n_brute
    }
    brute_true = true_hits(set(brute_hits), sources, entries)
    index_rate = rates[middle]
    brute_rate = len(sub) / brute_seconds
    return {
        "list": label,
        "list_names": int(matcher.index.size),
        "build_seconds": round(build_seconds, 1),
        "index_bytes_in_memory": int(matcher.index.nbytes),
        "matcher_bytes_on_disk": int(disk),
        "queries": n_queries,
        "repeats": len(runs),
        "index_names_per_second": round(index_rate, 1),
        "index_names_per_second_runs": [round(r, 1) for r in rates],
        "index_cpu_seconds_per_1000_names": round(cpu_per_1000[middle], 3),
        "index_cpu_seconds_per_1000_names_runs": [round(c, 3) for c in cpu_per_1000],
        "same_hits_every_run": same_hits,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "brute_force_queries": len(sub),
        "brute_force_names_per_second": round(brute_rate, 2),
        "speed_ratio": round(index_rate / brute_rate, 1),
        "brute_force_hits": len(brute_hits),
        "index_hits_on_same_queries": len(index_hits),
        "recall_of_brute_force_hits": round(
            len(brute_hits.keys() & index_hits) / max(1, len(brute_hits)), 4
        ),
        # the hits on the entry each variant was made from: what screening is for
        "brute_force_true_hits": len(brute_true),
        "recall_of_brute_force_true_hits": round(
            len(brute_true & index_hits) / max(1, len(brute_true)), 4
        ),
        "index_true_hits_on_same_queries": len(true_hits(index_hits, sources, entries)),
        "brute_force_hits_missed": missed_examples(matcher, sub, brute_hits, index_hits),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--list-size", type=int, default=1_000_000, help="names in the synthetic list (0 = skip)"
    )
    parser.add_argument("--queries", type=int, default=10_000, help="names screened by the index")
    parser.add_argument(
        "--repeats", type=int, default=3, help="screenings by the index (the median reported)"
    )
    parser.add_argument(
        "--brute-queries",
        type=int,
        default=1000,
        help="of those, names also screened by brute force",
    )
    parser.add_argument(
        "--no-real", action="store_true", help="skip the real SDN + consolidated lists"
    )
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="folder of the real list files"
    )
    parser.add_argument(
        "--seed", type=int, default=11, help="seed of the synthetic list and queries"
    )
    args = parser.parse_args(argv)
    results = []
    if not args.no_real and (args.data / "ofac-sdn").exists():
        results.append(
            measure(
                "OFAC SDN + consolidated",
                real_entries(args.data),
                args.queries,
                args.brute_queries,
                args.seed,
                args.repeats,
            )
        )
        print(json.dumps(results[-1], indent=2), flush=True)
    if args.list_size:
        entries = synthetic_entries(args.list_size, args.seed)
        results.append(
            measure(
                f"synthetic {args.list_size:,}",
                entries,
                args.queries,
                args.brute_queries,
                args.seed,
                args.repeats,
            )
        )
        print(json.dumps(results[-1], indent=2), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
