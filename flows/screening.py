"""The watchlist side of a run: which snapshot is screened against, and its matcher.

Lists given with --watchlist become snapshots of their sources (an identical one is
reused); every source's active snapshot is screened, and a workspace without any starts
from the bundled sample. The matcher index is built once per set of active snapshots and
cached beside them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from detectors.matching import Matcher, MatchSettings
from flows.errors import ConfigError
from flows.settings import CONFIGS_DIR, Workspace, read_yaml
from watchlists import SnapshotInfo, SnapshotStore, sample_path
from watchlists.list_sources import DEFAULT_MAX_SHRINK


def match_settings(settings: Mapping[str, Any]) -> MatchSettings:
    return MatchSettings.from_config(
        read_yaml(CONFIGS_DIR / settings.get("matching_config", "matching.yaml"))
    )


def snapshot_store(root: Path) -> SnapshotStore:
    """The workspace's snapshots, with the share of entries a new version may lose
    (`max_shrink` in configs/watchlists.yaml)."""
    limit = read_yaml(CONFIGS_DIR / "watchlists.yaml").get("max_shrink", DEFAULT_MAX_SHRINK)
    try:
        share = float(limit)
    except (TypeError, ValueError):
        raise ConfigError(f"configs/watchlists.yaml: max_shrink {limit!r} is not a share") from None
    if not 0.0 <= share <= 1.0:
        raise ConfigError(f"configs/watchlists.yaml: max_shrink {share} is not between 0 and 1")
    return SnapshotStore(root, max_shrink=share)


def resolve_snapshot(
    workspace: Workspace,
    watchlist: list[str] | None,
    accept_shrink: bool = False,
    partial: bool = False,
) -> tuple[SnapshotStore, SnapshotInfo]:
    """The store and what screening uses: every source's active snapshot, after the lists
    given (if any) became their sources' active versions (`accept_shrink`, `partial`: let
    a shrunk or partial version through the checks, as `watchlist add` does)."""
    store = snapshot_store(workspace.watchlists)
    if watchlist:
        paths = [Path(p) for p in watchlist]
        store.add_sources(paths, accept_shrink=accept_shrink, partial=partial)
    screened = store.screened()
    if screened is None:
        screened, _created = store.add([sample_path()], label="bundled sample")
    return store, screened


def active_matcher(
    workspace: Workspace,
    watchlist: list[str] | None,
    settings: Mapping[str, Any],
    accept_shrink: bool = False,
    partial: bool = False,
) -> tuple[Matcher, SnapshotInfo]:
    store, snapshot = resolve_snapshot(workspace, watchlist, accept_shrink, partial)
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
