"""Red flag P1: a party of an order matches a restricted-party list entry.

Every party role of every transaction is screened once per distinct (name, country,
address); a party that plays several roles is screened at the most sensitive role's
threshold and each occurrence keeps only the hits that reach its own role's threshold.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from detectors.base import DetectionContext, DetectorResult, empty_flags
from detectors.matching.matcher import Matcher
from detectors.schema import FLAG_COLUMNS, PARTY_ROLES, NotEvaluable
from watchlists.model import items_of, record_of

CODE = "P1"
NAME_TITLE = "Party matches a restricted-party list entry"
ADDRESS_TITLE = "Party address matches a restricted-party list entry"


def party_occurrences(transactions: pd.DataFrame) -> pd.DataFrame:
    """One row per (transaction, role) with a party name: transaction_id, role, name,
    country, address."""
    frames = []
    for role, cols in PARTY_ROLES.items():
        if cols["name"] not in transactions:
            continue

        def column(key: str, cols: dict[str, str | None] = cols) -> pd.Series:
            name = cols.get(key)
            if name and name in transactions:
                return transactions[name].astype(object)
            return pd.Series([None] * len(transactions), index=transactions.index, dtype=object)

        frames.append(
            pd.DataFrame(
                {
                    "transaction_id": transactions["transaction_id"].astype(str),
                    "role": role,
                    "name": column("name"),
                    "country": column("country"),
                    "address": column("address"),
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=["transaction_id", "role", "name", "country", "address"])
    parties = pd.concat(frames, ignore_index=True)
    parties = parties.where(parties.notna(), None)
    names = parties["name"].astype(str).str.strip()
    parties = parties[parties["name"].notna() & (names != "")]
    return parties.reset_index(drop=True)


def first_seen_codes(texts: pd.Series) -> np.ndarray:
    """A code per text, numbered in order of first appearance (Arrow's dictionary
    encoding: several times faster than factorizing Python strings)."""
    encoded = pc.dictionary_encode(pa.array(texts.to_numpy(dtype=object), type=pa.large_string()))
    codes: np.ndarray = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return codes


def distinct_parties(
    occurrences: pd.DataFrame, role_thresholds: dict[str, float]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The occurrences with a party_id, and the distinct (name, country, address) parties
    with the most sensitive role each plays."""
    keyed = occurrences.fillna({"country": "", "address": ""})
    # each column factorized on its own, the three codes then as one number: the same
    # ids, in order of first appearance, as factorizing the joined text, at a fraction
    key = np.zeros(len(keyed), dtype=np.int64)
    for column in ("name", "country", "address"):
        codes = first_seen_codes(keyed[column])
        key = key * (int(codes.max(initial=0)) + 2) + codes
    codes = pd.factorize(key)[0]
    ids = "party-" + pd.Series(np.arange(codes.max() + 1 if len(codes) else 0)).astype(str)
    occurrences = occurrences.assign(
        party_id=pd.Series(ids.array.take(codes), index=occurrences.index)
    )
    # parties in the order of their ids as text, each with its most sensitive role
    # (the first occurrence among equals)
    by_text = np.empty(len(ids), dtype=np.int64)
    by_text[np.argsort(ids.to_numpy(dtype=object), kind="stable")] = np.arange(len(ids))
    rank = occurrences["role"].map(role_thresholds).astype(float).fillna(np.inf).to_numpy()
    order = np.lexsort((np.arange(len(codes)), rank, by_text[codes]))
    first = order[np.r_[True, codes[order][1:] != codes[order][:-1]]] if len(order) else order
    columns = ["party_id", "name", "country", "address", "role"]
    return occurrences, occurrences.iloc[first][columns].reset_index(drop=True)


def entry_evidence(entry: pd.Series) -> dict[str, Any]:
    return {
        "name": str(entry["name"]),
        "aliases": [str(record_of(a)["name"]) for a in items_of(entry["aliases"])],
        "addresses": [str(record_of(a)["text"]) for a in items_of(entry["addresses"])],
        "countries": [str(c) for c in items_of(entry["countries"])],
        "programs": [str(p) for p in items_of(entry["programs"])],
        "license_requirement": None
        if pd.isna(entry["license_requirement"])
        else str(entry["license_requirement"]),
        "citation": None if pd.isna(entry["citation"]) else str(entry["citation"]),
        **_entry_extras(entry),
    }


# what else an investigator compares side by side with the party, when the list has it
_ENTRY_EXTRAS = ("entry_id", "type", "list", "list_code", "start_date", "remarks",
                 "dates_of_birth", "identifiers")  # fmt: skip


def _entry_extras(entry: pd.Series) -> dict[str, Any]:
    extras: dict[str, Any] = {}
    for key in (*_ENTRY_EXTRAS, "source_urls"):
        value = entry.get(key)
        if isinstance(value, str):
            if value:
                extras[key] = value
        elif isinstance(value, list | tuple | np.ndarray) and len(value):
            extras[key] = [str(v) for v in value if v is not None]
    return extras


class WatchlistScreening:
    """Detector of the watchlist family: screens every party against `context.watchlist`."""

    family = "watchlist"

    def detect(self, transactions: pd.DataFrame, context: DetectionContext) -> DetectorResult:
        matcher: Matcher | None = context.watchlist
        if matcher is None:
            reason = "no watchlist snapshot is loaded, so parties were not screened"
            return DetectorResult(empty_flags(), [NotEvaluable(CODE, reason)])
        settings = matcher.settings
        occurrences = party_occurrences(transactions)
        occurrences, parties = distinct_parties(occurrences, dict(settings.role_thresholds))
        hits = matcher.screen(parties) if len(parties) else pd.DataFrame()
        details: dict[str, Any] = {"parties_screened": len(parties)}
        if hits.empty:
            details["hits"] = pd.DataFrame()
            details["hits_count"] = 0
            return DetectorResult(empty_flags(), [], details)
        joined = occurrences.merge(hits, on="party_id")
        role_threshold = [
            settings.threshold(code, role) if kind == "name" else settings.address_threshold
            for code, role, kind in zip(
                joined["list_code"], joined["role"], joined["match_kind"], strict=True
            )
        ]
        joined = joined.assign(threshold=role_threshold)
        joined = joined[joined["score"] >= joined["threshold"]]
        joined = joined.sort_values("score", ascending=False, kind="stable")
        joined = joined.drop_duplicates(["transaction_id", "entry_id", "role"]).reset_index(
            drop=True
        )
        details["hits"] = summarize_hits(joined)
        details["hits_count"] = len(details["hits"])
        return DetectorResult(self.flags(joined, matcher), [], details)

    def flags(self, joined: pd.DataFrame, matcher: Matcher) -> pd.DataFrame:
        if joined.empty:
            return empty_flags()
        s = matcher.settings
        rows_by_entry = {e: i for i, e in enumerate(matcher.entries["entry_id"])}
        records = []
        for hit in joined.to_dict("records"):
            entry = matcher.entries.iloc[rows_by_entry[hit["entry_id"]]]
            is_name = hit["match_kind"] == "name"
            score = float(hit["score"])
            weight = min(1.0, score * (s.weight_scale if is_name else s.address_weight))
            hard = bool(is_name and score >= s.strong_threshold)
            country = f" ({hit['country']})" if hit["country"] else ""
            what = "name" if is_name else f"address '{hit['address']}'"
            records.append(
                {
                    "transaction_id": hit["transaction_id"],
                    "code": CODE,
                    "source": "watchlist",
                    "title": NAME_TITLE if is_name else ADDRESS_TITLE,
                    "severity": "high" if hard or score >= hit["threshold"] + 0.1 else "medium",
                    "weight": weight,
                    "reason": (
                        f"{hit['role'].replace('_', ' ').capitalize()} '{hit['name']}'{country} "
                        f"matches '{hit['matched_name']}' on the {hit['list']} "
                        f"({hit['list_code']}, {hit['entry_id']}) by {what}, score {score:.2f}"
                    ),
                    "evidence": {
                        "role": hit["role"],
                        "party_name": hit["name"],
                        "party_country": hit["country"],
                        "party_address": hit["address"],
                        "entry_id": hit["entry_id"],
                        "list": hit["list"],
                        "list_code": hit["list_code"],
                        "matched_name": hit["matched_name"],
                        "alias_strength": hit["alias_strength"],
                        "score": score,
                        "threshold": float(hit["threshold"]),
                        "match_kind": hit["match_kind"],
                        "explanation": hit["explanation"],
                        "features": hit["features"],
                        "entry": entry_evidence(entry),
                    },
                    "citation": s.citation,
                    "recommended_action": s.recommended_action,
                    "hard_stop": hard,
                }
            )
        flags = pd.DataFrame.from_records(records, columns=list(FLAG_COLUMNS))
        flags["weight"] = flags["weight"].astype(float)
        flags["hard_stop"] = flags["hard_stop"].astype(bool)
        return flags


def summarize_hits(joined: pd.DataFrame) -> pd.DataFrame:
    """One row per (party, entry, role) hit with the transactions it appears in."""
    keys = ["party_id", "entry_id", "role"]
    ids = joined.groupby(keys, sort=False)["transaction_id"].agg(list).rename("transaction_ids")
    first = joined.drop_duplicates(keys).set_index(keys)
    out = first.join(ids).reset_index().rename(columns={"name": "party_name"})
    return out.drop(columns=["transaction_id"])
