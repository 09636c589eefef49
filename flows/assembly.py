"""Everything a run needs before the first order is read: settings, catalog, policy pack,
the active watchlist snapshot and its matcher, the detectors, and their versions.

A detector family disabled in config, or not available in this installation, is skipped
and the run summary says which and why.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from detectors.base import DetectionContext
from detectors.catalog import catalog_frame
from flows.settings import CONFIGS_DIR, RunSettings, Workspace, read_yaml


def code_version() -> str:
    try:
        return version("redflag")
    except PackageNotFoundError:
        return "unknown"


@dataclass
class RunSetup:
    config: RunSettings  # the settings the flow reads, typed
    settings: dict[str, Any]  # the same settings as a mapping: what the detectors read
    catalog: pd.DataFrame
    policy: dict[str, Any]
    column_map: dict[str, Any] | None
    detectors: dict[str, Any] = field(default_factory=dict)
    skipped: list[dict[str, str]] = field(default_factory=list)
    versions: dict[str, Any] = field(default_factory=dict)
    matcher: Any = None
    watchlist_alongside: bool = False  # the watchlist screens in a forked process (if may fork)
    combination: Any = None  # the active learned combination (None: the fixed noisy-OR)
    ownership: Any = None  # the OwnershipScreen of the active ownership snapshot, if any
    going_prices: pd.DataFrame | None = None  # each SKU's going price over the run's orders

    def context(
        self,
        batch: pd.DataFrame,
        history: pd.DataFrame,
        present_columns: frozenset[str],
        as_of: date | None = None,
    ) -> DetectionContext:
        if as_of is None:
            as_of = batch["order_date"].max().date() if len(batch) else date.today()
        return DetectionContext(
            history=history,
            present_columns=present_columns,
            policy=self.policy,
            catalog=self.catalog,
            as_of=as_of,
            watchlist=self.matcher,
            settings=self.settings,
            ownership=self.ownership,
            going_prices=self.going_prices,
        )


def load_column_map(name_or_path: str | None) -> dict[str, Any] | None:
    if not name_or_path:
        return None
    path = Path(name_or_path)
    if not path.suffix:
        path = CONFIGS_DIR / "column_maps" / f"{name_or_path}.yaml"
    return read_yaml(path)


def prepare_run(
    workspace: Workspace,
    config: str | None,
    watchlist: list[str] | None,
    column_map: str | None,
    accept_shrink: bool = False,
    partial: bool = False,
) -> RunSetup:
    settings = RunSettings.load(Path(config) if config else None)
    catalog = catalog_frame(read_yaml(CONFIGS_DIR / "items.yaml"))
    from detectors.rules.engine import RuleEngine
    from detectors.rules.loading import load_pack

    pack = load_pack(CONFIGS_DIR, settings.policy_pack, settings.policy_layers)
    setup = RunSetup(
        config=settings,
        settings=settings.raw,
        catalog=catalog,
        policy=pack.policy,
        column_map=load_column_map(column_map),
        versions={
            "code": code_version(),
            "policy_pack": pack.version_label,
            "policy_layers": [layer.summary() for layer in pack.layers],
        },
        watchlist_alongside=settings.watchlist_alongside,
    )
    families = settings.detectors
    if families.watchlist:
        _add_watchlist(setup, workspace, watchlist, accept_shrink, partial)
    else:
        setup.skipped.append({"family": "watchlist", "reason": "disabled in config"})
    _add_ownership(setup, workspace)
    if families.rules:
        setup.detectors["rules"] = RuleEngine(pack)
    else:
        setup.skipped.append({"family": "rules", "reason": "disabled in config"})
    if not families.ml:
        setup.skipped.append({"family": "ml", "reason": "disabled in config"})
    return setup


def _add_watchlist(
    setup: RunSetup,
    workspace: Workspace,
    watchlist: list[str] | None,
    accept_shrink: bool,
    partial: bool,
) -> None:
    from flows.screening import active_matcher

    matcher, snapshot = active_matcher(workspace, watchlist, setup.settings, accept_shrink, partial)
    from detectors.matching import WatchlistScreening

    setup.matcher = matcher
    setup.detectors["watchlist"] = WatchlistScreening()
    setup.versions["watchlist_snapshot"] = {
        "id": snapshot.id,
        "label": snapshot.label,
        "counts_by_list": snapshot.counts_by_list,
    }


def _add_ownership(setup: RunSetup, workspace: Workspace) -> None:
    """The workspace's active ownership snapshot, its names screened against the list."""
    from detectors.ownership import OwnershipScreen, ShareSettings
    from watchlists.ownership import OwnershipStore

    store = OwnershipStore(workspace.ownership)
    info = store.active()
    if info is None:
        return
    resolved = None
    if setup.matcher is not None:
        listed = setup.versions.get("watchlist_snapshot", {}).get("id", "none")
        resolved = store.resolution_path(info.id, str(listed), matcher_version(setup.matcher))
    setup.ownership = OwnershipScreen.build(
        store.links(info.id),
        setup.matcher,
        ShareSettings.from_config(setup.settings.get("ownership")),
        snapshot=info.to_dict(),
        resolved=resolved,
    )
    setup.versions["ownership_snapshot"] = {
        "id": info.id,
        "loaded_at": info.loaded_at,
        "files": [{"path": p, "sha256": s} for p, s in info.files],
        "counts": info.counts,
    }


def matcher_version(matcher: Any) -> str:
    """A fingerprint of what decides the matcher's hits besides its list: the code's
    version, the saved-index format and every match setting (name tables, thresholds,
    scorer weights)."""
    from detectors.matching.matcher import CACHE_FORMAT

    state = json.dumps([code_version(), CACHE_FORMAT, _canonical(matcher.settings)])
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def _canonical(value: Any) -> Any:
    """`value` as JSON-ready data that does not depend on set order or hash seeds."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return sorted([repr(_canonical(k)), _canonical(v)] for k, v in value.items())
    if isinstance(value, set | frozenset):
        return sorted(repr(_canonical(v)) for v in value)
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return repr(value)


def anomaly_refit_needed(setup: RunSetup, workspace: Workspace, as_of: date) -> bool:
    """True when the ML family is on and no anomaly model is active, or the active one is
    older than `anomaly.refit_every_days` (configs/ml.yaml)."""
    if not setup.config.detectors.ml:
        return False
    from detectors.ml.refit import anomaly_refit_due
    from detectors.ml.settings import load_ml_settings

    ml = load_ml_settings(setup.settings)
    every = int(ml.get("anomaly", {}).get("refit_every_days", 7))
    return anomaly_refit_due(workspace.root, as_of, every)


def add_ml(setup: RunSetup, workspace: Workspace) -> None:
    """The active ML models as detectors, and their versions."""
    if not setup.config.detectors.ml:
        return
    from detectors.ml.settings import ml_detectors

    detectors, versions, skipped = ml_detectors(workspace.models, setup.settings)
    from flows.combination_training import active_combination

    setup.combination, combined = active_combination(workspace.models)
    if combined:
        versions["combination"] = combined
    setup.detectors.update(detectors)
    setup.versions["models"] = versions
    setup.skipped.extend(skipped)
