"""Listed Chinese companies written in Chinese characters, screened against the real lists.

    python benchmarks/chinese_eval.py [--data DIR] [--json FILE] [--verbose]

The lists write China's companies in Latin letters only: in pinyin ("ZHUHAI ZHENRONG
COMPANY LIMITED", "ZHONGGUO JINGMI JIXIE JINCHUKOU ZONGGONGSI") or in English ("CHINA
MOBILE LIMITED"). An order names them in Chinese characters as often. The companies'
own Chinese names, written by hand in `chinese_names.tsv` (kind, name, a fragment of the
listed Latin name), are screened end to end (`Matcher.screen`, each list's threshold)
against every entry of the list files:

- `pinyin`: the listed name carries the pinyin of the company's distinctive words, and
  its other words are generic (Technology, Import and Export, Co., Ltd.);
- `translated`: the listed name is an English translation or a brand (China Mobile,
  Hikvision), which no transliteration reaches.

A name is found when it hits an entry one of whose names holds the fragment; its other
hits are false hits. Run from the repository root with PYTHONPATH=.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from script_eval import load_entries  # noqa: E402
from train_matcher import DEFAULT_DATA, load_settings  # noqa: E402

from detectors.matching import Matcher  # noqa: E402
from watchlists import entries_to_frame  # noqa: E402

NAMES_PATH = Path(__file__).with_name("chinese_names.tsv")


def evaluate(data: Path, verbose: bool = False) -> dict:
    with NAMES_PATH.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    entries = load_entries(data)
    matcher = Matcher.build(entries_to_frame(entries), load_settings())
    names_of = {
        e.entry_id: [n.upper() for n in [e.name, *(a.name for a in e.aliases)]] for e in entries
    }
    parties = pd.DataFrame(
        {
            "party_id": [str(i) for i in range(len(rows))],
            "name": [r["name"] for r in rows],
            "type": "entity",
        }
    )
    hits = matcher.screen(parties)
    got: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for pid, entry_id, name, score in zip(
        hits.get("party_id", []),
        hits.get("entry_id", []),
        hits.get("matched_name", []),
        hits.get("score", []),
        strict=True,
    ):
        got[str(pid)].append((entry_id, name, score))
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    listing = []
    for i, row in enumerate(rows):
        fragment = row["listed_as"].upper()
        found = [h for h in got[str(i)] if any(fragment in n for n in names_of[h[0]])]
        other = [h for h in got[str(i)] if h not in found]
        counts = tally[row["kind"]]
        counts[0] += 1
        counts[1] += bool(found)
        counts[2] += len(other)
        listing.append(
            {
                "kind": row["kind"],
                "name": row["name"],
                "found": [f"{n} ({s:.2f})" for _, n, s in found[:1]],
                "false_hits": [f"{n} ({s:.2f})" for _, n, s in other[:2]],
            }
        )
    report: dict = {
        kind: {"names": c[0], "found": c[1], "recall": round(c[1] / c[0], 4), "false_hits": c[2]}
        for kind, c in tally.items()
    }
    if verbose:
        report["names"] = listing
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the lists")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--verbose", action="store_true", help="list every name and its hits")
    args = parser.parse_args(argv)
    text = json.dumps(evaluate(args.data, args.verbose), indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
