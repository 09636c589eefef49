"""Evaluate the matcher on labelled pairs built from the real list files.

    python benchmarks/matching_eval.py [--data DIR] [--seed 2024] [--size N] [--weights FILE]
        [--orders FILE] [--kinds [--kind-misses N]]

Pairs come from the held-out entries (never used in training) with a seed the training
run did not use. Prints precision, recall and F1 at the configured default threshold,
the ROC-AUC, the same by entity type and by kind of pair, and an end-to-end check:
the share of held-out name variants whose own entry `Matcher.screen` returns; with
`--orders`, the hits of generated (fictional) parties against the real OFAC SDN list:
    redflag generate --rows 100000 --seed 5 --out /tmp/o.csv --labels /tmp/l.csv
    python benchmarks/matching_eval.py --orders /tmp/o.csv
With `--kinds`, variations of the held-out names by kind (legal form, script, joined or
split words, digits, initials, numbers, pinyin words, place moved, brand only, real
aliases) and one-word-different negatives, screened end to end: precision, recall, F1
per kind, for companies and overall (benchmarks/variations.py, name_rewrites.py and
variation_scores.py); `--kind-misses N` lists N misses of each kind. Run from the
repository root with PYTHONPATH=. so the checkout's own package is imported.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import sys
import time
from pathlib import Path

import pandas as pd
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent))

from matcher_pairs import build_pairs, pair_features, pairs_frame  # noqa: E402
from train_matcher import DEFAULT_DATA, build_reference_matcher, load_settings, metrics_at  # noqa: E402

from detectors.matching.scorer import ScorerModel  # noqa: E402


def group_metrics(frame: pd.DataFrame, threshold: float) -> dict[str, float]:
    y, p = frame["label"].to_numpy(), frame["score"].to_numpy()
    out = {"pairs": int(len(frame)), "positives": int(y.sum()), **metrics_at(y, p, threshold)}
    if 0 < y.sum() < len(y):
        out["roc_auc"] = round(float(roc_auc_score(y, p)), 4)
    return out


def screening_recall(matcher, specs, limit: int, seed: int) -> dict[str, float]:
    """Screen the perturbed names through the whole pipeline (index, prefilter, scorer)."""
    rng = random.Random(seed)
    positives = [s for s in specs if s.label == 1 and s.variant == "perturbed"]
    positives = rng.sample(positives, min(limit, len(positives)))
    parties = pd.DataFrame(
        {
            "party_id": [str(i) for i in range(len(positives))],
            "name": [s.query for s in positives],
            "type": [s.kind for s in positives],
            "country": [s.country for s in positives],
        }
    )
    started = time.time()
    hits = matcher.screen(parties)
    seconds = time.time() - started
    expected = {
        (str(i), matcher.entry_info[matcher.names.entry_row[s.name_id]]["entry_id"])
        for i, s in enumerate(positives)
    }
    found = set(zip(hits["party_id"], hits["entry_id"], strict=True)) if len(hits) else set()
    return {
        "names": len(positives),
        "own_entry_found": round(len(expected & found) / max(1, len(expected)), 4),
        "other_hits_per_name": round(
            (len(found) - len(expected & found)) / max(1, len(positives)), 3
        ),
        "names_per_second": round(len(positives) / max(seconds, 1e-9), 1),
    }


def false_hits(settings, orders: Path, data: Path, top: int = 10) -> dict:
    """Hits of the parties of generated orders (`redflag generate`: fictional names, so
    nearly every hit is false) against the real OFAC SDN list, screened as the daily
    flow screens them (distinct parties, each at its most sensitive role's threshold).
    A hit on a listed name that is the party's name word for word is a true hit (the
    generator made a real name), and one on a listed name holding every word of the
    party's is a collision a screening tool should hit: both counted apart from the
    false ones (`collision_kind`)."""
    from detectors.matching import Matcher
    from detectors.matching.screening import distinct_parties, party_occurrences
    from watchlists import entries_to_frame, load_watchlist

    matcher = Matcher.build(entries_to_frame(load_watchlist(data / "ofac-sdn").entries), settings)
    transactions = pd.read_csv(orders, dtype=str, keep_default_na=False).replace("", None)
    occurrences, parties = distinct_parties(
        party_occurrences(transactions), dict(settings.role_thresholds)
    )
    hits = matcher.screen(parties)
    hits = hits[hits["match_kind"] == "name"].merge(parties[["party_id", "name"]], on="party_id")
    flagged = occurrences.merge(
        hits[["party_id", "list_code", "score", "matched_name"]], on="party_id"
    )
    reach = [
        settings.threshold(c, r) for c, r in zip(flagged["list_code"], flagged["role"], strict=True)
    ]
    flagged = flagged[flagged["score"] >= reach]
    # a generated name that is a listed name word for word is a true hit, not a false one;
    # one whose every word is a word of the listed name is a collision a screening tool
    # should hit ("Silverbridge Shipping Ltd" against "SILVER BRIDGE SHIPPING CO.,
    # LIMITED", "Daejin Trading Bhd." against "DAEJIN TRADING GENERAL CORPORATION"),
    # counted apart from the false hits
    kinds = {
        (name, listed): collision_kind(matcher, name, listed)
        for name, listed in set(zip(flagged["name"], flagged["matched_name"], strict=True))
    }
    kind = pd.Series(
        [kinds[pair] for pair in zip(flagged["name"], flagged["matched_name"], strict=True)],
        index=flagged.index,
        dtype=object,
    )
    identical, listed_words = kind == "identical", kind == "listed_words"
    false = ~(identical | listed_words)
    best = hits.sort_values("score", ascending=False).drop_duplicates("name").head(top)
    return {
        "orders": str(orders),
        "distinct_party_names": int(parties["name"].nunique()),
        "name_hits": int(len(hits)),
        "party_names_hit": int(hits["name"].nunique()),
        "transactions_flagged": int(flagged["transaction_id"].nunique()),
        "transactions_flagged_identical_name": int(
            flagged.loc[identical, "transaction_id"].nunique()
        ),
        "transactions_flagged_listed_words": int(
            flagged.loc[listed_words, "transaction_id"].nunique()
        ),
        "transactions_flagged_false": int(flagged.loc[false, "transaction_id"].nunique()),
        "party_names_flagged_false": int(flagged.loc[false, "name"].nunique()),
        "false_party_names": sorted(
            f"{n} -> {m} ({s:.2f})"
            for n, m, s in flagged.loc[false, ["name", "matched_name", "score"]]
            .drop_duplicates("name")
            .itertuples(index=False)
        ),
        "listed_words_party_names": sorted(
            f"{n} -> {m} ({s:.2f})"
            for n, m, s in flagged.loc[listed_words, ["name", "matched_name", "score"]]
            .drop_duplicates("name")
            .itertuples(index=False)
        ),
        "top_hits": [
            f"{n} -> {m} ({s:.2f})"
            for n, m, s in zip(best["name"], best["matched_name"], best["score"], strict=True)
        ],
    }


def collision_kind(matcher, name: str, listed: str) -> str:
    """'identical' when the two names are one word for word; 'listed_words' when every
    word of the party's name is the same word of the listed name, a distinctive one
    among them (split words joined, a generic word in another form: "Northwood
    Industries" against "NORTH WOOD INDUSTRY COMPANY"; the listed name may have more);
    else 'false'."""
    from detectors.matching.alignment import align

    query, candidate = matcher.analyze(name), matcher.analyze(listed)
    if query.tokens == candidate.tokens:
        return "identical"
    a = align(query, candidate, matcher.weights)
    generic = matcher.weights.tables.generic
    same = all(q == c or _generic_forms(q, c, generic) for q, c, _ in a.pairs)
    distinctive = any(matcher.weights.distinctive(q) and q == c for q, c, _ in a.pairs)
    if a.pairs and same and not a.unaligned[0] and distinctive:
        return "listed_words"
    return "false"


def _generic_forms(q: str, c: str, generic: frozenset[str]) -> bool:
    """Two forms of one generic word ("industries", "industry"; "services", "service"):
    both generic, differing in no more than their last three letters."""
    if q not in generic or c not in generic:
        return False
    return len(os.path.commonprefix([q, c])) >= max(len(q), len(c)) - 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="folder of the real list files"
    )
    parser.add_argument(
        "--seed", type=int, default=2024, help="seed of the evaluation pairs (not a training seed)"
    )
    parser.add_argument(
        "--size", type=int, default=0, help="evaluate at most this many pairs (0 = all)"
    )
    parser.add_argument(
        "--screen", type=int, default=1000, help="perturbed names screened end to end"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--kinds",
        action="store_true",
        help="also screen variations of held-out names by kind (benchmarks/variations.py)",
    )
    parser.add_argument("--per-kind", type=int, default=400, help="names per variation kind")
    parser.add_argument(
        "--kind-misses", type=int, default=0, help="with --kinds, list this many misses per kind"
    )
    parser.add_argument(
        "--weights", type=Path, help="scorer weights to evaluate (default: the shipped ones)"
    )
    parser.add_argument(
        "--orders",
        type=Path,
        help="generated orders CSV (redflag generate) whose parties are screened against "
        "the real OFAC SDN list to count false hits",
    )
    args = parser.parse_args(argv)

    settings = load_settings()
    if args.weights:
        settings = dataclasses.replace(settings, model=ScorerModel.load(args.weights))
    matcher = build_reference_matcher(args.data, settings)
    specs = build_pairs(matcher, evaluation=True, seed=args.seed)
    if args.size and len(specs) > args.size:
        specs = random.Random(args.seed).sample(specs, args.size)
    frame = pairs_frame(matcher, specs)
    frame["score"] = settings.model.probability(pair_features(matcher, specs))
    threshold = settings.default_threshold
    report = {
        "seed": args.seed,
        "threshold": threshold,
        "overall": group_metrics(frame, threshold),
        "by_entity_type": {
            kind: group_metrics(part, threshold) for kind, part in frame.groupby("entry_type")
        },
        "by_pair_kind": {
            variant: {
                "pairs": int(len(part)),
                "flagged_share": round(float((part["score"] >= threshold).mean()), 4),
            }
            for variant, part in frame.groupby("variant")
        },
        "screening": screening_recall(matcher, specs, args.screen, args.seed),
    }
    if args.kinds:
        from variation_scores import evaluate, kind_misses, kind_table
        from variations import variations

        items = variations(matcher, args.seed, args.per_kind)
        evaluated = evaluate(matcher, items)
        report["by_variation_kind"] = kind_table(evaluated)
        if args.kind_misses:
            report["variation_kind_misses"] = kind_misses(evaluated, args.kind_misses)
    if args.orders:
        report["false_hits_on_generated_orders"] = false_hits(settings, args.orders, args.data)
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
