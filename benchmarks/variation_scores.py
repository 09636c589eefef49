"""Scoring of the name variations (benchmarks/variations.py) screened end to end: per
variation whether its own entry was hit and how many other entries were, and from that
precision, recall and F1 per kind, for companies, persons and overall, and the misses of
each kind."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
from matcher_pairs import PairSpec, pair_features
from variations import Variation

from detectors.matching import Matcher


def evaluate(matcher: Matcher, items: list[Variation]) -> pd.DataFrame:
    """Screen every variation; one row per variation with `found` (its own entry, or an
    entry of one of its names, was hit) and `false_hits` (hits on other entries)."""
    parties = pd.DataFrame(
        {
            "party_id": [str(i) for i in range(len(items))],
            "name": [v.query for v in items],
            "type": [v.entry_type if v.entry_type in ("person", "entity") else None for v in items],
        }
    )
    hits = matcher.screen(parties[[v.name_id < 0 for v in items]])
    row_of = {info["entry_id"]: row for row, info in enumerate(matcher.entry_info)}
    cores = defaultdict(set)
    for core, row in zip(matcher.names.core, matcher.names.entry_row.tolist(), strict=True):
        cores[row].add(core)
    hit_rows: dict[str, set[int]] = defaultdict(set)
    if len(hits):
        for pid, entry_id in zip(hits["party_id"], hits["entry_id"], strict=True):
            hit_rows[str(pid)].add(row_of[entry_id])
    # an alias is in the index itself: it is scored against the entry's primary name
    pairs = [i for i, v in enumerate(items) if v.name_id >= 0]
    specs = [
        PairSpec(items[i].query, items[i].name_id, 1, items[i].entry_type, None, None, "alias")
        for i in pairs
    ]
    scores = matcher.settings.model.probability(pair_features(matcher, specs)) if specs else []
    alias_found = {
        i: bool(s >= matcher.settings.default_threshold) for i, s in zip(pairs, scores, strict=True)
    }
    rows = []
    for i, v in enumerate(items):
        if i in alias_found:
            rows.append({"kind": v.kind, "entry_type": v.entry_type, "label": 1,
                         "found": alias_found[i], "false_hits": 0, "wrong_only": False})  # fmt: skip
            continue
        got = hit_rows.get(str(i), set())
        same = {r for r in got if r == v.row or cores[r] & cores[v.row]}
        if v.label:
            rows.append({"kind": v.kind, "entry_type": v.entry_type, "label": 1,
                         "found": bool(same), "false_hits": len(got - same),
                         "wrong_only": bool(got - same) and not same})  # fmt: skip
        else:  # the other entry hit is the false hit; the query's own entry is right
            own = {r for r in got if r != v.row and not cores[r] & cores[v.row]}
            rows.append({"kind": v.kind, "entry_type": v.entry_type, "label": 0,
                         "found": False, "false_hits": int(bool(same)),
                         "wrong_only": bool(same), "own": bool(own)})  # fmt: skip
    first_name: dict[int, int] = {}
    for name_id, row in enumerate(matcher.names.entry_row.tolist()):
        first_name.setdefault(row, name_id)
    frame = pd.DataFrame(rows)
    frame["query"] = [v.query for v in items]
    frame["listed"] = [
        matcher.names.raw[v.name_id if v.name_id >= 0 else first_name[v.row]] for v in items
    ]
    return frame


def kind_misses(frame: pd.DataFrame, limit: int) -> dict[str, list[str]]:
    """Up to `limit` misses of each kind, "query -> listed name": the rewrites whose own
    entry was not hit, the negatives that hit the other entry."""
    positive = frame["label"] == 1
    missed = frame[(positive & ~frame["found"]) | (~positive & frame["wrong_only"])]
    return {
        str(kind): [f"{q} -> {n}" for q, n in zip(part["query"], part["listed"], strict=True)][
            :limit
        ]
        for kind, part in missed.groupby("kind", sort=False)
    }


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def kind_table(frame: pd.DataFrame) -> dict:
    """Precision, recall and F1 per kind, for entities (companies) and overall. A name
    whose hits are all other entries (none its own) is a false positive, and so is a
    one-word negative that hits the other entry (counted in the overall and company
    figures); `other_hits_per_name` counts every hit of another entry besides."""
    out: dict = {"by_kind": {}}
    pos, neg = frame[frame["label"] == 1], frame[frame["label"] == 0]
    for kind, part in pos.groupby("kind", sort=False):
        tp = int(part["found"].sum())
        out["by_kind"][kind] = {"names": int(len(part)),
                                **_prf(tp, int(part["wrong_only"].sum()), len(part) - tp),
                                "other_hits_per_name": round(float(part["false_hits"].mean()), 3)}  # fmt: skip
    for kind, part in neg.groupby("kind", sort=False):
        out["by_kind"][kind] = {"pairs": int(len(part)),
                                "false_hit_share": round(float(part["false_hits"].mean()), 4)}  # fmt: skip
    # `alias` (every alias, former names included) repeats the names of `alias_resembling`
    # and adds names no name matcher can find; the summaries leave it out, and
    # `overall_with_every_alias` puts it back
    rewrites = pos["kind"] != "alias"
    everything_neg = neg.index == neg.index
    for label, mask_pos, mask_neg in (
        ("overall", rewrites, everything_neg),
        ("companies", rewrites & (pos["entry_type"] != "person"), neg["entry_type"] != "person"),
        ("persons", rewrites & (pos["entry_type"] == "person"), ~everything_neg),
        ("overall_with_every_alias", pos.index == pos.index, everything_neg),
    ):
        p, n = pos[mask_pos], neg[mask_neg]
        tp = int(p["found"].sum())
        fp = int(p["wrong_only"].sum()) + int(n["false_hits"].sum())
        out[label] = {"names": int(len(p) + len(n)), **_prf(tp, fp, len(p) - tp)}
    return out
