"""The ownership snapshot replayed by a rescreen: a new list version can make a past
customer owned by a listed party (its owner, or its owner's owner, newly listed).

The workspace's active ownership snapshot is screened against the whole new list (every
source's active version, the rescreened sources' new ones in their place: shares add up
across owners, so an owner listed before counts with one listed now; assembled by
`flows.rescreen.ownership_replay`), and the ownership rules O1-O4 of the policy pack run
over the past orders. Only their findings that cite an entry added or changed in this list
version are kept: what was found before is not news.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from detectors.base import DetectionContext
from detectors.matching import Matcher
from detectors.ownership import OwnershipScreen
from detectors.rules.engine import RuleEngine
from detectors.schema import OPTIONAL_COLUMNS

OWNERSHIP_CODES: tuple[str, ...] = ("O1", "O2", "O3", "O4")


@dataclass
class OwnershipReplay:
    """The ownership rules, the snapshot screened against the new list, and the entries
    whose findings are news."""

    engine: RuleEngine
    screen: OwnershipScreen
    matcher: Matcher
    catalog: pd.DataFrame
    entry_ids: frozenset[str]
    versions: dict[str, Any]

    def flags(self, orders: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
        """The O flags on `orders` (past orders, canonical) that cite a new or changed
        entry, in the flag schema."""
        context = DetectionContext(
            history=orders.iloc[0:0],
            present_columns=frozenset(OPTIONAL_COLUMNS),
            policy=self.engine.pack.policy,
            catalog=self.catalog,
            as_of=date.today(),
            watchlist=self.matcher,
            settings=dict(settings),
            ownership=self.screen,
        )
        flags = self.engine.detect(orders, context).flags
        if flags.empty:
            return flags
        news = [bool(cited_entries(e) & self.entry_ids) for e in flags["evidence"]]
        return flags[news].reset_index(drop=True)


def cited_entries(evidence: Mapping[str, Any]) -> set[str]:
    """The list entries an ownership flag's evidence names: the tops of its chains (O1-O3)
    or the listed organisation's entry (O4)."""
    found = {
        str((chain.get("listed_entry") or {}).get("entry_id"))
        for chain in evidence.get("chains") or []
    }
    entry = evidence.get("listed_entry")
    if isinstance(entry, Mapping) and entry.get("entry_id"):
        found.add(str(entry["entry_id"]))
    return found
