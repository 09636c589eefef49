"""The watchlist side of a run: which snapshot is screened against, and its matcher.

Lists given with --watchlist become a snapshot (an identical one is reused); otherwise the
workspace's active snapshot is used, and a fresh workspace starts from the bundled sample.
The matcher index is built once per snapshot and cached beside it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from detectors.matching import Matcher, MatchSettings
from flows.settings import CONFIGS_DIR, Workspace, read_yaml
from watchlists import SnapshotStore, sample_path


def match_settings(settings: Mapping[str, Any]) -> MatchSettings:
    return MatchSettings.from_config(
        read_yaml(CONFIGS_DIR / settings.get("matching_config", "matching.yaml"))
    )


def resolve_snapshot(workspace: Workspace, watchlist: list[str] | None):
    store = SnapshotStore(workspace.watchlists)
    if watchlist:
        snapshot, _created = store.add([Path(p) for p in watchlist])
        return store, snapshot
    active = store.active()
    if active is None:
        active, _created = store.add([sample_path()], label="bundled sample")
    return store, active


def active_matcher(workspace: Workspace, watchlist: list[str] | None, settings: Mapping[str, Any]):
    store, snapshot = resolve_snapshot(workspace, watchlist)
    match = match_settings(settings)
    cached = workspace.watchlists / f"{snapshot.id}.matcher"
    if cached.exists():
        try:
            return Matcher.load(cached, match), snapshot
        except Exception:  # a cache from another version: rebuild it
            cached.unlink()
    matcher = Matcher.build(store.entries(snapshot.id), match)
    matcher.save(cached)
    return matcher, snapshot
