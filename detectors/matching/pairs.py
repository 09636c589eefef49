"""Scoring of given name pairs (`redflag match-pairs`), without a list snapshot.

Token rarity comes from the reference table shipped beside the scorer
(`list_token_df.json`, document frequencies over the real list files at training time).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from detectors.matching.alignment import TokenWeights
from detectors.matching.explain import pair_evidence
from detectors.matching.features import PairContext, feature_vector
from detectors.matching.names import analyze_name
from detectors.matching.settings import MatchSettings
from detectors.matching.word_slips import compared

TOKEN_DF_PATH = Path(__file__).with_name("list_token_df.json")
SCHEMA_KINDS = {
    "person": "person",
    "company": "entity",
    "organization": "entity",
    "legalentity": "entity",
    "vessel": "vessel",
}


@lru_cache(maxsize=1)
def reference_idf() -> tuple[dict[str, float], float]:
    """IDF per token over the reference lists; ({}, default) when the table is absent."""
    if not TOKEN_DF_PATH.exists():
        return {}, 11.0
    data = json.loads(TOKEN_DF_PATH.read_text())
    size = int(data["size"])
    idf = {t: float(np.log((size + 1) / (df + 1)) + 1.0) for t, df in data["df"].items()}
    return idf, float(np.log(size + 1) + 1.0)


def reference_weights(settings: MatchSettings) -> TokenWeights:
    idf, max_idf = reference_idf()
    return TokenWeights(idf, max_idf, settings.tables)


def schema_kind(schema: object) -> str:
    if not isinstance(schema, str):
        return "unknown"
    return SCHEMA_KINDS.get(schema.strip().lower(), "unknown")


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _optional(pairs: pd.DataFrame, column: str) -> pd.Series:
    """The column, or missing values where the file has none."""
    if column in pairs:
        return pairs[column]
    return pd.Series([None] * len(pairs), index=pairs.index, dtype=object)


def score_pairs(pairs: pd.DataFrame, settings: MatchSettings) -> pd.DataFrame:
    """`pairs` (name1, name2, optional schema, country1, country2) with `score` (0..1),
    `match` (at the default threshold) and `explanation` added."""
    weights = reference_weights(settings)
    schema, c1, c2 = (_optional(pairs, c) for c in ("schema", "country1", "country2"))
    contexts = []
    for n1, n2, sch, k1, k2 in zip(pairs["name1"], pairs["name2"], schema, c1, c2, strict=True):
        kind = schema_kind(sch)
        q = analyze_name(str(n1) if _text(n1) else "", settings.tables, kind)
        c = analyze_name(str(n2) if _text(n2) else "", settings.tables, kind)
        q, c, alignment = compared(q, c, weights)
        country1, country2 = _text(k1), _text(k2)
        contexts.append(
            PairContext(
                query=q,
                candidate=c,
                alignment=alignment,
                weights=weights,
                query_country=country1.upper() if country1 else None,
                query_type=kind if kind in ("person", "entity") else "unknown",
                entry_countries=frozenset([country2.upper()]) if country2 else frozenset(),
                entry_type=kind if kind in ("person", "entity") else "unknown",
                entry_craft=kind in ("vessel", "aircraft"),
            )
        )
    x = np.asarray([feature_vector(c) for c in contexts], dtype=float).reshape(len(contexts), -1)
    scores = settings.model.probability(x) if len(contexts) else np.zeros(0)
    empty = np.array([not (c.query.tokens and c.candidate.tokens) for c in contexts], dtype=bool)
    scores = np.where(empty, 0.0, scores)
    out = pairs.copy()
    out["score"] = np.round(scores, 4)
    out["match"] = scores >= settings.default_threshold
    out["explanation"] = [
        pair_evidence(c, row, settings.model) for c, row in zip(contexts, x, strict=True)
    ]
    return out
