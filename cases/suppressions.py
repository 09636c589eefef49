"""Suppressions: a cleared watchlist hit that should not alert daily.

A suppression binds one exact party <-> list entry pair (see `cases.fingerprints`) for a
set period. It is visible (`list_suppressions`), lapses at `expires_at`, and is lifted,
with the reason recorded, as soon as the entry's names/addresses or the party's name,
country or address are seen to differ.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cases import tables as t
from cases.dedup import chunks
from cases.fingerprints import _normalize, entry_fingerprint, party_fingerprint
from cases.model import CaseDraft, CaseFlag, WatchlistMatch
from flows.errors import InputError

ENTRY_CHANGED = "the list entry's names or addresses changed"
PARTY_CHANGED = "the party's name, country or address changed"
ENTRY_REMOVED = "the entry was removed from the list"


@dataclass(frozen=True)
class Suppression:
    suppression_id: int
    party_name: str
    role: str
    entry_id: str
    party_fingerprint: str
    entry_fingerprint: str
    case_id: str | None
    created_by: str
    created_at: datetime
    expires_at: datetime
    rationale: str | None
    lifted_at: datetime | None
    lifted_reason: str | None

    def state(self, at: datetime) -> str:
        """active, expired or lifted at the given moment."""
        if self.lifted_at is not None and self.lifted_at <= at:
            return "lifted"
        return "active" if self.expires_at > at else "expired"


def match_party(
    parties: Sequence[Mapping[str, Any]], subject: Mapping[str, Any], match: WatchlistMatch
) -> tuple[Any, Any, Any]:
    """Name, country and address of the party a watchlist match was made on."""
    for party in [*parties, subject]:
        if party.get("role") == match.role and party.get("name") == match.party_name:
            return party.get("name"), party.get("country"), party.get("address")
    return match.party_name, None, None


def match_fingerprints(
    parties: Sequence[Mapping[str, Any]], subject: Mapping[str, Any], match: WatchlistMatch
) -> tuple[str, str]:
    """(party fingerprint, entry fingerprint) of one watchlist match."""
    entry = match.entry or {"entry_id": match.entry_id, "name": match.matched_name}
    entry = {"entry_id": match.entry_id, **entry}
    return party_fingerprint(*match_party(parties, subject, match)), entry_fingerprint(entry)


def _row_to_suppression(row: Any) -> Suppression:
    return Suppression(**{name: getattr(row, name) for name in Suppression.__dataclass_fields__})


def add_suppressions(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(t.suppressions.insert(), rows)


def list_suppressions(conn: Connection, at: datetime, include_inactive: bool) -> list[Suppression]:
    query = sa.select(t.suppressions).order_by(t.suppressions.c.expires_at)
    if not include_inactive:
        query = query.where(t.suppressions.c.lifted_at.is_(None), t.suppressions.c.expires_at > at)
    return [_row_to_suppression(row) for row in conn.execute(query)]


def _active(conn: Connection, entry_ids: Sequence[str], at: datetime) -> list[Suppression]:
    found: list[Suppression] = []
    for part in chunks(list(entry_ids)):
        query = sa.select(t.suppressions).where(
            t.suppressions.c.entry_id.in_(part),
            t.suppressions.c.lifted_at.is_(None),
            t.suppressions.c.expires_at > at,
        )
        found += [_row_to_suppression(row) for row in conn.execute(query)]
    return found


def _lift(conn: Connection, lifted: dict[int, str], at: datetime) -> None:
    for reason in set(lifted.values()):
        ids = [i for i, r in lifted.items() if r == reason]
        conn.execute(
            t.suppressions.update()
            .where(t.suppressions.c.suppression_id.in_(ids))
            .values(lifted_at=at, lifted_reason=reason)
        )


def lift_one(conn: Connection, suppression_id: int, reason: str, at: datetime) -> Suppression:
    """Lift one suppression that is active at `at`; LookupError or ValueError otherwise."""
    query = sa.select(t.suppressions).where(t.suppressions.c.suppression_id == suppression_id)
    row = conn.execute(query).first()
    if row is None:
        raise LookupError(f"no suppression {suppression_id}")
    found = _row_to_suppression(row)
    if found.state(at) != "active":
        raise InputError(f"suppression {suppression_id} is already {found.state(at)}")
    _lift(conn, {suppression_id: reason}, at)
    return found


def lift_for_entries(conn: Connection, entry_ids: Sequence[str], reason: str, at: datetime) -> None:
    """Lift every active suppression of these list entries."""
    conn.execute(
        t.suppressions.update()
        .where(t.suppressions.c.entry_id.in_(list(entry_ids)), t.suppressions.c.lifted_at.is_(None))
        .values(lifted_at=at, lifted_reason=reason)
    )


def _check(
    candidates: list[Suppression],
    party_fp: str,
    entry_fp: str,
    name: object,
    lifted: dict[int, str],
) -> Suppression | None:
    """The suppression covering this exact pair, noting any that the change undid."""
    for s in candidates:
        if s.party_fingerprint == party_fp and s.entry_fingerprint == entry_fp:
            return s
        if s.party_fingerprint == party_fp:
            lifted[s.suppression_id] = ENTRY_CHANGED
        elif name is not None and _normalize(s.party_name) == _normalize(name):
            lifted[s.suppression_id] = PARTY_CHANGED
    return None


def is_suppressed(
    conn: Connection, party_fp: str, entry_id: str, entry_fp: str, at: datetime
) -> bool:
    lifted: dict[int, str] = {}
    hit = _check(_active(conn, [entry_id], at), party_fp, entry_fp, None, lifted)
    _lift(conn, lifted, at)
    return hit is not None


def _risk_without(flags: Sequence[CaseFlag], transaction_ids: Sequence[str]) -> int:
    """The case's risk once suppressed hits are gone, as `cases.grouping` scores it: per
    transaction a noisy-OR of its flags' weights, 100 × (1 − Π(1 − w)); the case takes
    the riskiest transaction."""
    best = 0.0
    for transaction_id in transaction_ids:
        remaining = 1.0
        for flag in flags:
            if transaction_id in flag.transaction_ids:
                remaining *= 1.0 - min(max(flag.weight, 0.0), 1.0)
        best = max(best, 1.0 - remaining)
    return round(100 * best)


@dataclass
class FilteredDrafts:
    """The drafts once suppressed hits are dropped (None where nothing else was left); for
    those, the case whose clearing suppressed them; and each draft's dropped matches."""

    kept: list[CaseDraft | None]
    suppressed_by: dict[int, str | None]
    dropped: dict[int, list[tuple[WatchlistMatch, str | None]]]  # (match, suppressing case)


def filter_drafts(conn: Connection, drafts: list[CaseDraft], at: datetime) -> FilteredDrafts:
    """Drop suppressed watchlist matches from the drafts."""
    entry_ids = {m.entry_id for d in drafts for m in d.watchlist_matches}
    by_entry: dict[str, list[Suppression]] = {}
    for s in _active(conn, sorted(entry_ids), at) if entry_ids else []:
        by_entry.setdefault(s.entry_id, []).append(s)
    lifted: dict[int, str] = {}
    kept: list[CaseDraft | None] = []
    suppressed: dict[int, str | None] = {}
    dropped: dict[int, list[tuple[WatchlistMatch, str | None]]] = {}
    for index, draft in enumerate(drafts):
        keep, covered_by = [], None
        for match in draft.watchlist_matches:
            candidates = by_entry.get(match.entry_id, [])
            pfp, efp = match_fingerprints(draft.parties, draft.subject, match)
            hit = _check(candidates, pfp, efp, match.party_name, lifted) if candidates else None
            if hit is None:
                keep.append(match)
            else:
                covered_by = hit.case_id
                dropped.setdefault(index, []).append((match, hit.case_id))
        if len(keep) == len(draft.watchlist_matches):
            kept.append(draft)
            continue
        flags = draft.flags if keep else [f for f in draft.flags if f.source != "watchlist"]
        if not flags and not keep:
            kept.append(None)
            suppressed[index] = covered_by
            continue
        risk = _risk_without(flags, draft.transaction_ids)
        kept.append(replace(draft, watchlist_matches=keep, flags=flags, risk_score=risk))
    _lift(conn, lifted, at)
    return FilteredDrafts(kept, suppressed, dropped)
