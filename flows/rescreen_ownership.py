"""The ownership snapshot replayed by a rescreen: a new list version can make a past
customer owned by a listed party (its owner, or its owner's owner, newly listed).

The workspace's active ownership snapshot is screened against the whole new list (every
source's active version, the rescreened sources' new ones in their place: shares add up
across owners, so an owner listed before counts with one listed now), and the ownership
rules O1-O4 of the policy pack run over the past orders. Only their findings that cite an
entry added or changed in this list version are kept: what was found before is not news.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from detectors.base import DetectionContext
from detectors.catalog import catalog_frame
from detectors.matching import Matcher
from detectors.ownership import OwnershipScreen, ShareSettings
from detectors.rules.engine import RuleEngine
from detectors.schema import OPTIONAL_COLUMNS
from flows.screening import match_settings, snapshot_store
from flows.settings import CONFIGS_DIR, Workspace, read_yaml
from watchlists import SnapshotInfo
from watchlists.list_sources import SAMPLE_SOURCE
from watchlists.ownership import OwnershipStore

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


def ownership_replay(
    workspace: Workspace,
    settings: Mapping[str, Any],
    new_versions: Iterable[SnapshotInfo],
    changed: pd.DataFrame,
) -> OwnershipReplay | None:
    """What replaying the active ownership snapshot against the new list versions needs;
    None without an ownership snapshot, changed entries or an enabled O rule."""
    owners = OwnershipStore(workspace.ownership)
    info = owners.active()
    if info is None or changed.empty:
        return None
    from detectors.rules.loading import load_pack
    from flows.assembly import matcher_version

    pack = load_pack(
        CONFIGS_DIR, settings.get("policy_pack", "default"), settings.get("policy_layers")
    )
    rules = tuple(s for s in pack.rules if s.id in OWNERSHIP_CODES)
    if not any(s.enabled for s in rules):
        return None
    lists = snapshot_store(workspace.watchlists)
    by_source = {s.source: s.id for s in lists.active_snapshots()}
    new = {s.source: s.id for s in new_versions}
    if any(source != SAMPLE_SOURCE for source in new):  # a real list retires the sample
        by_source.pop(SAMPLE_SOURCE, None)
    by_source.update(new)
    listed_id = "+".join(by_source[s] for s in sorted(by_source))
    matcher = Matcher.build(lists.entries(listed_id), match_settings(settings))
    screen = OwnershipScreen.build(
        owners.links(info.id),
        matcher,
        ShareSettings.from_config(settings.get("ownership")),
        snapshot=info.to_dict(),
        resolved=owners.resolution_path(info.id, listed_id, matcher_version(matcher)),
    )
    return OwnershipReplay(
        engine=RuleEngine(dataclasses.replace(pack, rules=rules)),
        screen=screen,
        matcher=matcher,
        catalog=catalog_frame(read_yaml(CONFIGS_DIR / "items.yaml")),
        entry_ids=frozenset(changed["entry_id"].astype(str)),
        versions={"ownership_snapshot": info.id, "screened_against": listed_id},
    )
