"""Dated policy layers: amendments to a policy pack that are in force between two dates.

A layer (`configs/policy/layers/<name>.yaml`) declares `effective_from`, an optional
`effective_to`, suspension periods and its sources; it may add policy data and rule
entries to the pack it is layered on. A rule brought by a layer judges an order line only
when the layer is in force on the line's `order_date`. A user records a change of dates
(an extended suspension, say) in the pipeline settings under `policy_layers: {<id>: {...}}`,
merged over the layer file."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from flows.paths import CONFIGS_DIR


def as_date(value: Any, what: str) -> date | None:
    """An ISO date from YAML (a date or a string); None for empty."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as err:
        raise ValueError(f"{what}: {value!r} is not an ISO date (YYYY-MM-DD)") from err


@dataclass(frozen=True)
class Suspension:
    start: date
    end: date | None  # last day of the suspension; None: until further notice
    note: str = ""

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class PolicyLayer:
    id: str
    title: str
    version: str
    effective_from: date
    effective_to: date | None = None  # last day in force; None: open-ended
    suspensions: tuple[Suspension, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)
    rules: tuple[dict[str, Any], ...] = ()
    policy: dict[str, Any] = field(default_factory=dict)
    path: str = ""

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any], path: str = "") -> PolicyLayer:
        where = f"policy layer {cfg.get('id') or path}"
        if not cfg.get("id"):
            raise ValueError(f"{where}: no id")
        start = as_date(cfg.get("effective_from"), f"{where} effective_from")
        if start is None:
            raise ValueError(f"{where}: no effective_from")
        end = as_date(cfg.get("effective_to"), f"{where} effective_to")
        if end is not None and end < start:
            raise ValueError(f"{where}: effective_to {end} before effective_from {start}")
        suspensions = []
        for i, entry in enumerate(cfg.get("suspensions") or ()):
            s = as_date(entry.get("from"), f"{where} suspension {i + 1} from")
            if s is None:
                raise ValueError(f"{where}: suspension {i + 1} has no 'from' date")
            e = as_date(entry.get("to"), f"{where} suspension {i + 1} to")
            if e is not None and e < s:
                raise ValueError(f"{where}: suspension {i + 1} ends {e} before it starts {s}")
            suspensions.append(Suspension(s, e, str(entry.get("note", ""))))
        return cls(
            id=str(cfg["id"]),
            title=str(cfg.get("title", "")),
            version=str(cfg.get("version", "")),
            effective_from=start,
            effective_to=end,
            suspensions=tuple(sorted(suspensions, key=lambda s: s.start)),
            sources={str(k): str(v) for k, v in (cfg.get("sources") or {}).items()},
            rules=tuple(copy.deepcopy(list(cfg.get("rules") or ()))),
            policy=copy.deepcopy(dict(cfg.get("policy") or {})),
            path=path,
        )

    @property
    def label(self) -> str:
        return f"{self.id}@{self.version}" if self.version else self.id

    @property
    def rule_ids(self) -> list[str]:
        return [str(r["id"]) for r in self.rules]

    def in_force(self, day: date) -> bool:
        if day < self.effective_from or (self.effective_to is not None and day > self.effective_to):
            return False
        return not any(s.covers(day) for s in self.suspensions)

    def in_force_mask(self, dates: pd.Series) -> pd.Series:
        """Which order dates (datetime64) fall on a day the layer is in force."""
        days = pd.to_datetime(dates).to_numpy().astype("datetime64[D]")
        inside = days >= np.datetime64(self.effective_from)
        if self.effective_to is not None:
            inside &= days <= np.datetime64(self.effective_to)
        for s in self.suspensions:
            covered = days >= np.datetime64(s.start)
            if s.end is not None:
                covered &= days <= np.datetime64(s.end)
            inside &= ~covered
        return pd.Series(inside, index=dates.index)

    def periods(self) -> list[tuple[date, date | None]]:
        """The stretches of days in force, in order (`None` end: open)."""
        out: list[tuple[date, date | None]] = []
        start: date | None = self.effective_from
        for s in self.suspensions:
            if start is not None and s.start > start:
                out.append((start, date.fromordinal(s.start.toordinal() - 1)))
            start = None if s.end is None else date.fromordinal(s.end.toordinal() + 1)
        if start is not None:
            out.append((start, None))
        if self.effective_to is not None:
            out = [(a, b if b is not None and b <= self.effective_to else self.effective_to)
                   for a, b in out if a <= self.effective_to]  # fmt: skip
        return out

    def summary(self) -> dict[str, Any]:
        """What a run summary records of the layer."""
        return {
            "id": self.id,
            "version": self.version,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "suspensions": [
                {"from": s.start.isoformat(), "to": s.end.isoformat() if s.end else None}
                for s in self.suspensions
            ],
            "rules": self.rule_ids,
        }


def layers_dir(configs_dir: Path) -> Path:
    return Path(configs_dir) / "policy" / "layers"


def read_layer(path: Path, override: Mapping[str, Any] | None = None) -> PolicyLayer:
    try:
        cfg = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise ValueError(
            f"policy layer {path} is not valid YAML: {' '.join(str(err).split())}"
        ) from err
    if not isinstance(cfg, dict):
        raise ValueError(f"policy layer {path} must be a mapping")
    if override:
        cfg = {**cfg, **{k: copy.deepcopy(v) for k, v in override.items()}}
    return PolicyLayer.from_config(cfg, str(path))


def load_layers(
    configs_dir: Path,
    names: Iterable[str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> list[PolicyLayer]:
    """The layers named (file stems or ids in `configs/policy/layers/`, or YAML paths), or all
    of them; `overrides` ({layer id: {key: value}}) is merged over the files."""
    folder = layers_dir(configs_dir)
    overrides = dict(overrides or {})
    available = {p.stem: p for p in sorted(folder.glob("*.yaml"))}
    if names is None:
        paths = list(available.values())
    else:
        paths = []
        for name in names:
            as_path = Path(str(name))
            if as_path.suffix in (".yaml", ".yml"):
                paths.append(as_path)
            elif str(name) in available:
                paths.append(available[str(name)])
            elif str(name).replace("-", "_") in available:
                paths.append(available[str(name).replace("-", "_")])
            else:
                raise ValueError(
                    f"no policy layer {name!r} in {folder} (available: {', '.join(available) or 'none'})"
                )
    layers = []
    for path in paths:
        stem_override = overrides.get(path.stem)
        layer = read_layer(path, stem_override)
        if layer.id in overrides and stem_override is None:
            layer = read_layer(path, overrides[layer.id])
        layers.append(layer)
    unknown = (
        set(overrides)
        - {layer.id for layer in layers}
        - {Path(layer.path).stem for layer in layers}
    )
    if unknown:
        raise ValueError(
            f"policy_layers in the settings names unknown layer(s): {', '.join(sorted(unknown))}"
        )
    ids = [layer.id for layer in layers]
    if len(set(ids)) != len(ids):
        raise ValueError(
            f"policy layer ids repeated: {sorted({i for i in ids if ids.count(i) > 1})}"
        )
    return layers


AFFILIATES_LAYER = "affiliates-rule-2025"


def affiliates_rule_in_force(
    day: date, settings: Mapping[str, Any] | None = None, configs_dir: Path | None = None
) -> bool:
    """Whether the Entity List affiliates rule (entities 50 % or more owned by listed parties
    are listed too) is in force on `day`, with the suspension periods of the layer file and
    any change recorded in the settings (`policy_layers: {affiliates-rule-2025: {...}}`)."""
    if configs_dir is None:
        configs_dir = CONFIGS_DIR
    overrides = (settings or {}).get("policy_layers") or {}
    mine = {
        k: v
        for k, v in overrides.items()
        if k in (AFFILIATES_LAYER, AFFILIATES_LAYER.replace("-", "_"))
    }
    (layer,) = load_layers(configs_dir, [AFFILIATES_LAYER], mine)
    return layer.in_force(day)
