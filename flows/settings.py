"""Configuration and workspace layout: YAML from configs/ is read here, once per run."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.errors import ConfigError
from flows.paths import CONFIGS_DIR as CONFIGS_DIR  # re-exported: the one path to configs/
from flows.paths import merge as merge  # re-exported
from flows.paths import read_yaml as read_yaml  # re-exported
from flows.settings_check import check_overrides


def load_pipeline_settings(config_file: Path | None = None) -> dict[str, Any]:
    """configs/pipeline.yaml with `config_file` merged over it. The settings read only
    late in a run (how many processes write the case files, say) are checked now: a wrong
    value is refused in one line naming the file and the key before anything is read."""
    settings = read_yaml(CONFIGS_DIR / "pipeline.yaml")
    if config_file is not None:
        overrides = read_yaml(config_file)
        try:
            check_overrides(settings, overrides)
        except ValueError as error:
            raise ConfigError(f"{config_file}: {error}") from None
        settings = merge(settings, overrides)
    try:
        for check in (ingest_workers, render_workers, watchlist_alongside):
            check(settings)
    except ValueError as error:
        raise ConfigError(f"{config_file or CONFIGS_DIR / 'pipeline.yaml'}: {error}") from None
    return settings


def default_workspace() -> Path:
    return Path(os.environ.get("REDFLAG_HOME") or "redflag-workspace")


@dataclass(frozen=True)
class Workspace:
    """The state that outlives a run: case store, watchlist snapshots, models, history, runs."""

    root: Path

    @property
    def runs(self) -> Path:
        return self.root / "runs"

    @property
    def history(self) -> Path:
        return self.root / "history"

    @property
    def watchlists(self) -> Path:
        return self.root / "watchlists"

    @property
    def models(self) -> Path:
        return self.root / "models"

    @property
    def ownership(self) -> Path:
        return self.root / "ownership"

    @property
    def case_store_url(self) -> str:
        return (
            os.environ.get("REDFLAG_CASE_STORE_URL")
            or f"sqlite:///{(self.root / 'cases.db').resolve()}"
        )

    def ensure(self) -> Workspace:
        for folder in (self.root, self.runs, self.history, self.watchlists, self.models):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def render_workers(settings: dict[str, Any]) -> int:
    """`outputs.render_workers` of the pipeline settings: a number, or auto (one per core)."""
    return worker_setting(settings, "outputs", "render_workers")


def ingest_workers(settings: dict[str, Any]) -> int:
    """`ingest.workers` of the pipeline settings: a number, or auto (one per core)."""
    return worker_setting(settings, "ingest", "workers")


def watchlist_alongside(settings: dict[str, Any]) -> bool:
    """`screening.watchlist_alongside` of the pipeline settings: auto (when this machine
    has more than one core), true or false."""
    value = section(settings, "screening").get("watchlist_alongside", "auto")
    if value == "auto":
        return (os.cpu_count() or 1) > 1
    if isinstance(value, bool):
        return value
    raise ConfigError(
        f"screening.watchlist_alongside: expected auto, true or false (got {value!r})"
    )


def section(settings: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """A section of the pipeline settings (empty when left out); ValueError naming it when
    it is not a mapping of settings (`screening: true`, say)."""
    found = settings.get(name)
    if found is None:
        return {}
    if not isinstance(found, Mapping):
        raise ConfigError(f"{name}: expected a mapping of settings (got {found!r})")
    return found


def worker_setting(settings: dict[str, Any], name: str, key: str) -> int:
    value = section(settings, name).get(key, 1)
    if value == "auto":
        return os.cpu_count() or 1
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        raise ConfigError(f"{name}.{key}: expected a number or auto (got {value!r})") from None


@dataclass(frozen=True)
class DetectorFamilies:
    """`detectors` of the pipeline settings: which families run (a family switched off is
    skipped, and the run summary says so)."""

    watchlist: bool = True
    rules: bool = True
    ml: bool = True


@dataclass(frozen=True)
class RunSettings:
    """The pipeline settings a run's flow reads (configs/pipeline.yaml with the run's
    settings file merged over it), typed and checked when loaded: a wrong value is refused
    in one line naming the file and the key. `raw` is the merged mapping itself, which the
    detectors, the case grouping and the ML code read as before."""

    raw: dict[str, Any]
    source: str  # the file a wrong value is reported against
    policy_pack: str
    policy_layers: Mapping[str, Any] | None
    matching_config: str  # a file in configs/
    detectors: DetectorFamilies
    cases: Mapping[str, Any]  # what cases/grouping.py reads
    lookback_days: int  # history.lookback_days
    partitions: int | None  # None: auto (one per rows_per_partition accepted rows)
    ingest: Mapping[str, Any]  # what the ingest package reads
    ingest_workers: int
    render_workers: int
    watchlist_alongside: bool
    network: Mapping[str, Any]  # what the network of related parties reads
    network_enabled: bool

    @classmethod
    def load(cls, config_file: Path | None = None) -> RunSettings:
        """configs/pipeline.yaml with `config_file` merged over it (`load_pipeline_settings`),
        as RunSettings."""
        raw = load_pipeline_settings(config_file)
        return cls.from_mapping(raw, str(config_file or CONFIGS_DIR / "pipeline.yaml"))

    @classmethod
    def from_mapping(cls, raw: dict[str, Any], source: str) -> RunSettings:
        """ConfigError `source: key: what is wrong` for the first wrong value."""
        try:
            network = section(raw, "network")
            detectors = section(raw, "detectors")
            layers = raw.get("policy_layers")
            return cls(
                raw=raw,
                source=source,
                policy_pack=_text(raw, "policy_pack", "default"),
                policy_layers=layers if layers is None else section(raw, "policy_layers"),
                matching_config=_text(raw, "matching_config", "matching.yaml"),
                detectors=DetectorFamilies(
                    **{
                        family: _flag(detectors, family, True, f"detectors.{family}")
                        for family in ("watchlist", "rules", "ml")
                    }
                ),
                cases=section(raw, "cases"),
                lookback_days=_days(section(raw, "history"), "lookback_days", "history"),
                partitions=_partitions(raw.get("partitions", "auto")),
                ingest=section(raw, "ingest"),
                ingest_workers=ingest_workers(raw),
                render_workers=render_workers(raw),
                watchlist_alongside=watchlist_alongside(raw),
                network=network,
                network_enabled=_flag(network, "enabled", True, "network.enabled"),
            )
        except ValueError as error:
            raise ConfigError(f"{source}: {error}") from None


def _text(settings: Mapping[str, Any], key: str, default: str) -> str:
    value = settings.get(key, default)
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{key}: expected a name (got {value!r})")
    return value


def _flag(settings: Mapping[str, Any], key: str, default: bool, dotted: str) -> bool:
    value = settings.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"{dotted}: expected true or false (got {value!r})")
    return value


def _days(settings: Mapping[str, Any], key: str, name: str) -> int:
    value = settings.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ConfigError(f"{name}.{key}: expected a number of days, 0 or more (got {value!r})")
    return int(value)


def _partitions(value: Any) -> int | None:
    if value in (None, "auto"):
        return None
    problem = ConfigError(f"partitions: expected a number of at least 1 or auto (got {value!r})")
    try:
        count = int(value)
    except (TypeError, ValueError):
        raise problem from None
    if isinstance(value, bool) or count < 1:
        raise problem
    return count
