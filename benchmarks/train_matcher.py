"""Train the pair scorer on pairs built from the real list files and ship its weights.

    python benchmarks/train_matcher.py [--data DIR] [--seed 7]

Writes detectors/matching/scorer_weights.json (coefficients, seed, data sizes, metrics)
and detectors/matching/list_token_df.json (token document frequencies used by
`score_pairs` when no snapshot is at hand).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import yaml
from matcher_pairs import build_pairs, pair_features
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_fscore_support, roc_auc_score

import detectors
from detectors.matching import Matcher, MatchSettings
from detectors.matching.features import FEATURE_NAMES
from detectors.matching.model import CAPS, FLOORS
from detectors.matching.pairs import TOKEN_DF_PATH
from detectors.matching.scorer import WEIGHTS_PATH, ScorerModel
from watchlists import entries_to_frame, load_watchlist

REPO = Path(detectors.__file__).resolve().parents[1]
DEFAULT_DATA = REPO / ".." / "shared" / "data" / "watchlists"
LIST_PATHS = ("ofac-sdn", "ofac-consolidated", "un", "csl/consolidated-sample.csv")


def load_settings() -> MatchSettings:
    return MatchSettings.from_config(
        yaml.safe_load((REPO / "configs" / "matching.yaml").read_text())
    )


def build_reference_matcher(data: Path, settings: MatchSettings) -> Matcher:
    entries = []
    for rel in LIST_PATHS:
        path = data / rel
        if path.exists():
            entries.extend(load_watchlist(path).entries)
    if not entries:
        raise SystemExit(f"no list files under {data}")
    return Matcher.build(entries_to_frame(entries), settings)


def metrics_at(y: np.ndarray, p: np.ndarray, threshold: float) -> dict[str, float]:
    precision, recall, f1, _ = precision_recall_fscore_support(
        y, p >= threshold, average="binary", zero_division=0
    )
    return {
        "precision": round(float(precision), 4),
        "recall": round(float(recall), 4),
        "f1": round(float(f1), 4),
    }


def threshold_table(y: np.ndarray, p: np.ndarray) -> dict[str, dict[str, float]]:
    return {f"{t:.2f}": metrics_at(y, p, float(t)) for t in np.arange(0.30, 0.96, 0.05)}


def choose_threshold(y: np.ndarray, p: np.ndarray, min_precision: float) -> float:
    """The threshold (0.05 steps) with the best F1 among those keeping `min_precision`."""
    table = threshold_table(y, p)
    allowed = {t: m for t, m in table.items() if m["precision"] >= min_precision} or table
    return float(max(allowed, key=lambda t: (allowed[t]["f1"], -float(t))))


# Expected direction of each feature; a coefficient that comes out the other way (from
# correlated features) would make explanations read backwards, so that feature is dropped.
NEGATIVE = {
    "distinctive_word_unmatched",
    "distinctive_words_only_fuzzy",
    "person_vs_company",
    "only_generic_words",
    "weak_alias",
    "single_token",
    "long_vowels_differ",
    "short_skeleton_agreement",
}


def fit_sign_consistent(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float, list[str]]:
    active = list(range(x.shape[1]))
    dropped: list[str] = []
    while True:
        model = LogisticRegression(C=1.0, max_iter=3000).fit(x[:, active], y)
        coef = model.coef_[0]
        wrong = [
            (abs(c), i)
            for c, i in zip(coef, active, strict=True)
            if (c < 0) != (FEATURE_NAMES[i] in NEGATIVE) and abs(c) > 1e-6
        ]
        if not wrong:
            full = np.zeros(x.shape[1])
            full[active] = coef
            return full, float(model.intercept_[0]), dropped
        _, worst = max(wrong)
        active.remove(worst)
        dropped.append(FEATURE_NAMES[worst])


def write_token_df(matcher: Matcher) -> None:
    counts = np.diff(matcher.index.tokens.indptr)
    df = {t: int(c) for t, c in zip(matcher.index.tokens.vocab, counts, strict=True) if c >= 2}
    TOKEN_DF_PATH.write_text(
        json.dumps({"size": matcher.index.size, "df": df}, sort_keys=True) + "\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="folder of the real list files"
    )
    parser.add_argument("--seed", type=int, default=7, help="seed of the training pairs")
    parser.add_argument(
        "--validation-seed", type=int, default=1007, help="seed of the validation pairs"
    )
    parser.add_argument(
        "--min-precision", type=float, default=0.90, help="precision the threshold must keep"
    )
    parser.add_argument("--dry-run", action="store_true", help="print metrics, write nothing")
    args = parser.parse_args(argv)

    started = time.time()
    settings = load_settings()
    matcher = build_reference_matcher(args.data, settings)
    train = build_pairs(matcher, evaluation=False, seed=args.seed)
    x = pair_features(matcher, train)
    y = np.array([s.label for s in train])
    coef, intercept, dropped = fit_sign_consistent(x, y)
    scorer = ScorerModel(FEATURE_NAMES, coef, intercept, caps=CAPS, floors=FLOORS)

    valid = build_pairs(matcher, evaluation=True, seed=args.validation_seed)
    xv = pair_features(matcher, valid)
    yv = np.array([s.label for s in valid])
    pv = scorer.probability(xv)
    threshold = choose_threshold(yv, pv, args.min_precision)
    meta = {
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "seed": args.seed,
        "validation_seed": args.validation_seed,
        "lists": list(LIST_PATHS),
        "indexed_names": matcher.index.size,
        "train_pairs": int(len(y)),
        "train_positives": int(y.sum()),
        "validation_pairs": int(len(yv)),
        "validation_positives": int(yv.sum()),
        "validation_roc_auc": round(float(roc_auc_score(yv, pv)), 4),
        "suggested_threshold": threshold,
        "threshold_rule": f"best validation F1 among thresholds with precision >= {args.min_precision}",
        "validation_at_threshold": metrics_at(yv, pv, threshold),
        "validation_by_threshold": threshold_table(yv, pv),
        "features_dropped_for_sign": dropped,
        "seconds": round(time.time() - started, 1),
    }
    scorer = ScorerModel(FEATURE_NAMES, coef, intercept, meta, CAPS, FLOORS)
    print(json.dumps(meta, indent=2))
    for name, coef in zip(FEATURE_NAMES, scorer.coef, strict=True):
        print(f"  {name:28s} {coef:+.3f}")
    print(f"  {'intercept':28s} {scorer.intercept:+.3f}")
    if not args.dry_run:
        scorer.save(WEIGHTS_PATH)
        write_token_df(matcher)
        print(f"wrote {WEIGHTS_PATH} and {TOKEN_DF_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
