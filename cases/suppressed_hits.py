"""Suppressed watchlist hits in a run's outputs.

The case store holds back a watchlist hit that an investigator cleared and suppressed
(`cases.suppressions`). The run's `scored_transactions.csv` must then say what the cases
say: the transaction is scored without that hit (its code gone from `flags` unless another
hit of the same code remains), and its `case_id` is the case that holds it, or empty when
the hit was all there was. The held-back hits stay visible in `suppressed_hits.csv`, one
row per transaction and hit, naming the cleared case whose suppression held it back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cases.csv_cells import write_inert_csv
from cases.grouping import score_transactions

SUPPRESSED_HIT_COLUMNS: list[str] = [
    "transaction_id",
    "role",
    "party_name",
    "list",
    "entry_id",
    "matched_name",
    "score",
    "suppressed_by_case",
]


@dataclass
class SuppressedHits:
    """What the store held back in one run, gathered batch by batch."""

    hits: set[tuple[str, str, str, str]] = field(default_factory=set)  # tx, role, party, entry
    case_of_transaction: dict[str, str] = field(default_factory=dict)  # "" when none holds it
    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, drafts: Sequence[Any], upserts: Sequence[Any]) -> None:
        """Record the suppressed matches of one stored batch (`upserts[i]` is the
        store's result for `drafts[i]`)."""
        for draft, upsert in zip(drafts, upserts, strict=True):
            if not upsert.suppressed_matches:
                continue
            holder = "" if upsert.action == "suppressed" else (upsert.case_id or "")
            for transaction_id in draft.transaction_ids:
                self.case_of_transaction[str(transaction_id)] = holder
            for match, cleared_case in upsert.suppressed_matches:
                for transaction_id in match.transaction_ids:
                    key = (str(transaction_id), match.role, match.party_name, match.entry_id)
                    if key in self.hits:
                        continue
                    self.hits.add(key)
                    self.rows.append(
                        {
                            "transaction_id": str(transaction_id),
                            "role": match.role,
                            "party_name": match.party_name,
                            "list": match.list,
                            "entry_id": match.entry_id,
                            "matched_name": match.matched_name,
                            "score": match.score,
                            "suppressed_by_case": cleared_case or "",
                        }
                    )

    @property
    def transaction_ids(self) -> set[str]:
        return {hit[0] for hit in self.hits}


def _hit_key(transaction_id: Any, evidence: Any) -> tuple[str, str, str, str]:
    found = json.loads(evidence) if isinstance(evidence, str) else (evidence or {})
    return (
        str(transaction_id),
        str(found.get("role", "")),
        str(found.get("party_name", "")),
        str(found.get("entry_id", "")),
    )


def rescore_without(flags: pd.DataFrame, hits: Iterable[tuple[str, str, str, str]]) -> pd.DataFrame:
    """`score_transactions` of the transactions these hits were on, the hits left out.

    `flags` holds every flag of those transactions (evidence as dicts or JSON text);
    returns transaction_id, risk_score, flags, hard_stop, one row per hit transaction."""
    hits = set(hits)
    transaction_ids = sorted({hit[0] for hit in hits})
    flags = flags[flags["transaction_id"].astype(str).isin(transaction_ids)]
    watchlist = (flags["source"] == "watchlist").to_numpy()
    held_back = [
        bool(is_hit) and _hit_key(tx, evidence) in hits
        for tx, evidence, is_hit in zip(
            flags["transaction_id"], flags["evidence"], watchlist, strict=True
        )
    ]
    remaining = flags[[not held for held in held_back]]
    return score_transactions(pd.DataFrame({"transaction_id": transaction_ids}), remaining)


def apply_to_scored(
    scored: pd.DataFrame, rescored: pd.DataFrame, case_of_transaction: dict[str, str]
) -> pd.DataFrame:
    """`scored` (with case_id) where the rescored transactions take their new risk, flags
    and the case that holds them."""
    if rescored.empty or scored.empty:
        return scored
    by_id = rescored.set_index("transaction_id")
    ids = scored["transaction_id"].astype(str)
    touched = ids.isin(by_id.index).to_numpy()
    if not touched.any():
        return scored
    scored = scored.copy()
    chosen = ids[touched]
    scored.loc[touched, "risk_score"] = by_id.loc[chosen, "risk_score"].to_numpy()
    scored.loc[touched, "flags"] = by_id.loc[chosen, "flags"].to_numpy()
    if "hard_stop" in scored.columns:
        scored.loc[touched, "hard_stop"] = by_id.loc[chosen, "hard_stop"].to_numpy()
    held = ids.map(case_of_transaction)
    in_map = held.notna().to_numpy() & touched
    scored.loc[in_map, "case_id"] = held[in_map].to_numpy()
    return scored


def write_suppressed_hits(out: Path, found: SuppressedHits) -> Path | None:
    """`suppressed_hits.csv`, written only when the run held back a hit."""
    path = out / "suppressed_hits.csv"
    if not found.rows:
        if path.exists():
            path.unlink()
        return None
    frame = pd.DataFrame(found.rows, columns=SUPPRESSED_HIT_COLUMNS)
    write_inert_csv(frame, path)
    return path
