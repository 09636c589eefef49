"""Fingerprints that bind a suppression to one exact party <-> watchlist entry pair.

A suppression stays in force only while both fingerprints are unchanged: a party whose
name, country or address changes, or a list entry whose names or addresses change, no
longer matches it, so the hit alerts again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, is_dataclass
from typing import Any

from unidecode import unidecode

_NON_WORD = re.compile(r"[^a-z0-9]+")


def _normalize(text: object) -> str:
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return _NON_WORD.sub(" ", unidecode(str(text)).lower()).strip()


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def party_fingerprint(name: object, country: object = None, address: object = None) -> str:
    """Normalized name + country + address of a transaction party."""
    return _digest([_normalize(name), _normalize(country), _normalize(address)])


def entry_fingerprint(entry: Any) -> str:
    """Entry id + every name and address of a watchlist entry (a `WatchlistEntry` or its dict)."""
    if is_dataclass(entry) and not isinstance(entry, type):
        entry = asdict(entry)
    names = [entry.get("name")] + [
        alias.get("name") if isinstance(alias, Mapping) else alias
        for alias in entry.get("aliases") or []
    ]
    addresses = [
        json.dumps(
            [_normalize(a.get("text")), _normalize(a.get("country"))]
            if isinstance(a, Mapping)
            else [_normalize(a), ""]
        )
        for a in entry.get("addresses") or []
    ]
    return _digest(
        [str(entry.get("entry_id", ""))]
        + sorted(_normalize(n) for n in names)
        + ["|"]
        + sorted(addresses)
    )
