"""Persons' titles on the real lists' own names: aliases that differ by a title, and
distinct persons who share one.

    python benchmarks/title_aliases.py [--data DIR] [--json FILE] [--show N]

From the person entries of the OFAC SDN, OFAC consolidated and UN lists:

- `aliases`: two names of one entry whose words are the same but for title words
  ("HAJI KHAIR ULLAH" and "KHAIR ULLAH"; "ZADRAN, Haji Shahbaz" and "ZADRAN, Shahbaz"),
  which must match;
- `distinct`: two entries of one list whose names share a title word and another word
  ("KALAMI, Seyed Mohammad" and "ADNANI, Seyed Mohammad"), which must not: a pair of
  entries of two lists may be one person listed twice, so those are left out.

The title words are the single-word titles of the matcher's table
(`names.person_titles`, rigour's person prefixes, `names.person_titles_also_names`). Every pair is scored as `redflag
match-pairs` scores it (schema Person), and reported: matched at the default threshold
and at the hard stop (`thresholds.strong`). Run from the repository root with
PYTHONPATH=. so the checkout's own package is imported.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from train_matcher import DEFAULT_DATA, load_settings  # noqa: E402

from detectors.matching import score_pairs  # noqa: E402
from detectors.matching.alignment import STOP_WORDS  # noqa: E402
from detectors.matching.names import analyze_name  # noqa: E402
from watchlists import load_watchlist  # noqa: E402

LISTS = ("ofac-sdn", "ofac-consolidated", "un")


def title_pairs(data: Path, seed: int = 18) -> pd.DataFrame:
    settings = load_settings()
    tables = settings.tables
    # single-word titles ("el" of "el hadj" is an article, "the" no title on its own)
    titles = {s[0] for s in tables.titles.spellings if len(s) == 1} - STOP_WORDS
    aliases: list[dict[str, object]] = []
    by_word: dict[tuple[str, str], list[tuple[str, str, frozenset[str]]]] = defaultdict(list)
    for rel in LISTS:
        if not (data / rel).exists():
            continue
        for entry in load_watchlist(data / rel).entries:
            if entry.type != "person":
                continue
            names = list(dict.fromkeys([entry.name, *(a.name for a in entry.aliases)]))
            words = [(n, analyze_name(n, tables, "person").tokens) for n in names]
            for n, tokens in words:
                for title in sorted(set(tokens) & titles):
                    for other in sorted(set(tokens) - {title}):
                        by_word[(title, other)].append((entry.entry_id, n, frozenset(tokens)))
            for a, ta in words:
                for b, tb in words:
                    extra = [w for w in ta if w not in tb]
                    if a != b and extra and set(extra) <= titles and set(tb) <= set(ta):
                        aliases.append({"name1": a, "name2": b, "kind": "aliases"})
    rng = random.Random(seed)
    distinct: list[dict[str, object]] = []
    seen: set[tuple[str, str]] = set()
    for _, group in sorted(by_word.items()):
        rng.shuffle(group)
        for (e1, n1, t1), (e2, n2, t2) in zip(group, group[1:], strict=False):
            key = (min(e1, e2), max(e1, e2))
            if e1 == e2 or t1 == t2 or e1.split(":")[0] != e2.split(":")[0] or key in seen:
                continue
            seen.add(key)
            distinct.append({"name1": n1, "name2": n2, "kind": "distinct"})
    frame = pd.DataFrame(aliases + distinct)
    frame["schema"] = "Person"
    return frame


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the real list files")
    parser.add_argument("--json", type=Path, help="write the summary here as well")
    parser.add_argument("--show", type=int, default=10, help="wrong decisions shown per kind")
    args = parser.parse_args(argv)
    settings = load_settings()
    scored = score_pairs(title_pairs(args.data), settings)
    strong = settings.strong_threshold
    summary: dict[str, object] = {}
    for kind, want in (("aliases", True), ("distinct", False)):
        part = scored[scored["kind"] == kind]
        wrong = part[part["match"] != want].sort_values("score", ascending=not want)
        summary[kind] = {
            "pairs": len(part),
            "matched": int(part["match"].sum()),
            "at_hard_stop": int((part["score"] >= strong).sum()),
            "mean_score": round(float(part["score"].mean()), 4) if len(part) else None,
            "wrong": [
                f"{r.name1} | {r.name2} ({r.score:.2f})" for r in wrong.head(args.show).itertuples()
            ],
        }
    text = json.dumps(summary, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text)


if __name__ == "__main__":
    main()
