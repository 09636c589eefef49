"""Cross-script recall on the real lists' own names: a name in one script screened against
the entry written only in another.

    python benchmarks/script_eval.py [--data DIR] [--half held|tune|both] [--json FILE]
        [--misses N]

The real list files carry names of one entry in several scripts (the UN list its
"original script" names: Arabic, Cyrillic, Chinese; any list a non-Latin alias). Every
entry with a name in a non-Latin script and one in Latin script is taken, and split in
two halves by a stable hash of its id: the tuning half (`tune`), on which the
transliteration and its features were tuned, and the held-out half (`held`), on which
they are judged. Two directions, each screened end to end (`Matcher.screen`, the list's
threshold):

- `to_latin`: the entry's non-Latin names are removed from the list; each of them is
  screened and must hit the entry through its Latin names;
- `from_latin`: the entry keeps only its non-Latin names; its Latin primary name is
  screened and must hit it through them.

A hit on another entry bearing one of the same names counts as found (the lists repeat
names across entries). Hits on other entries are counted as false hits. Run from the
repository root with PYTHONPATH=. so the checkout's own package is imported.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
import zlib
from collections import defaultdict
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_matcher import DEFAULT_DATA, LIST_PATHS, load_settings  # noqa: E402

from detectors.matching import Matcher  # noqa: E402
from detectors.matching.names import name_script  # noqa: E402
from watchlists import entries_to_frame, load_watchlist  # noqa: E402
from watchlists.model import Alias, WatchlistEntry  # noqa: E402


def half_of(entry_id: str) -> str:
    """`tune` or `held`, stable across runs (its own salt: not the scorer's split)."""
    return "held" if zlib.crc32(f"script:{entry_id}".encode()) % 2 else "tune"


def load_entries(data: Path) -> list[WatchlistEntry]:
    entries: list[WatchlistEntry] = []
    for rel in LIST_PATHS:
        path = data / rel
        if path.exists():
            entries.extend(load_watchlist(path).entries)
    if not entries:
        raise SystemExit(f"no list files under {data}")
    return entries


def split_names(entry: WatchlistEntry) -> tuple[list[str], list[tuple[str, str]]]:
    """(Latin names, primary first; [(non-Latin name, its script)])."""
    latin, other = [], []
    for name in [entry.name, *(a.name for a in entry.aliases)]:
        script = name_script(name)
        if script == "latin":
            latin.append(name)
        elif script:
            other.append((name, script))
    return latin, other


def evaluate(
    entries: list[WatchlistEntry], halves: set[str], misses: int, false_hits: int = 0
) -> dict:
    chosen = {}
    for i, entry in enumerate(entries):
        latin, other = split_names(entry)
        if latin and other and half_of(entry.entry_id) in halves:
            chosen[i] = (latin, other)
    settings = load_settings()
    report: dict = {"entries": len(chosen)}
    for direction in ("to_latin", "from_latin"):
        listed, queries = [], []
        for i, entry in enumerate(entries):
            if i not in chosen:
                listed.append(entry)
                continue
            latin, other = chosen[i]
            keep = latin if direction == "to_latin" else [n for n, _ in other]
            listed.append(
                dataclasses.replace(
                    entry,
                    name=keep[0],
                    aliases=[Alias(n) for n in keep[1:]],
                )
            )
            if direction == "to_latin":
                queries.extend((entry.entry_id, n, s, entry.type) for n, s in other)
            else:
                queries.append((entry.entry_id, latin[0], other[0][1], entry.type))
        t0 = time.perf_counter()
        matcher = Matcher.build(entries_to_frame(listed), settings)
        built = time.perf_counter() - t0
        parties = pd.DataFrame(
            {
                "party_id": [str(q) for q in range(len(queries))],
                "name": [q[1] for q in queries],
                "type": [q[3] if q[3] in ("person", "entity") else None for q in queries],
            }
        )
        t0 = time.perf_counter()
        hits = matcher.screen(parties)
        screened = time.perf_counter() - t0
        row_of = {info["entry_id"]: row for row, info in enumerate(matcher.entry_info)}
        cores: dict[int, set[str]] = defaultdict(set)
        for core, row in zip(matcher.names.core, matcher.names.entry_row.tolist(), strict=True):
            cores[row].add(core)
        got: dict[str, set[int]] = defaultdict(set)
        for pid, entry_id in zip(hits.get("party_id", []), hits.get("entry_id", []), strict=True):
            got[str(pid)].add(row_of[entry_id])
        by_script: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        missed, wrong = [], []
        for q, (entry_id, name, script, _) in enumerate(queries):
            row = row_of[entry_id]
            rows = got.get(str(q), set())
            same = {r for r in rows if r == row or cores[r] & cores[row]}
            tally = by_script[script]
            tally[0] += 1
            tally[1] += bool(same)
            tally[2] += len(rows - same)
            for other in sorted(rows - same)[: max(0, false_hits - len(wrong))]:
                hit = hits[
                    (hits["party_id"] == str(q)) & (hits["entry_id"] == info_id(matcher, other))
                ]
                wrong.append(
                    {
                        "query": name,
                        "expected": entries_names(matcher, row)[:1],
                        "hit": hit["matched_name"].tolist()[:1],
                        "score": hit["score"].tolist()[:1],
                    }
                )
            if not same:
                listed_names = entries_names(matcher, row)
                missed.append({"entry_id": entry_id, "query": name, "listed": listed_names})
        total = [sum(t[k] for t in by_script.values()) for k in range(3)]
        report[direction] = {
            "names": total[0],
            "recall": round(total[1] / total[0], 4) if total[0] else None,
            "false_hits": total[2],
            "by_script": {
                s: {"names": t[0], "recall": round(t[1] / t[0], 4), "false_hits": t[2]}
                for s, t in sorted(by_script.items())
            },
            "seconds_build": round(built, 1),
            "seconds_screen": round(screened, 1),
            "misses": missed[:misses],
            "false_hit_examples": wrong,
        }
    return report


def info_id(matcher: Matcher, row: int) -> str:
    return str(matcher.entry_info[row]["entry_id"])


def entries_names(matcher: Matcher, row: int) -> list[str]:
    return [
        str(raw)
        for raw, r in zip(matcher.names.raw, matcher.names.entry_row.tolist(), strict=True)
        if r == row
    ][:3]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the lists")
    parser.add_argument("--half", choices=("held", "tune", "both"), default="held")
    parser.add_argument("--misses", type=int, default=0, help="list this many misses")
    parser.add_argument("--false-hits", type=int, default=0, help="list this many false hits")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    halves = {"held", "tune"} if args.half == "both" else {args.half}
    report = {
        "half": args.half,
        **evaluate(load_entries(args.data), halves, args.misses, args.false_hits),
    }
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
