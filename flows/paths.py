"""`CONFIGS_DIR`, the one path to the `configs/` folder (YAML: pipeline defaults, policy
packs and their layers, the item catalog, matcher tables, column maps, list sources, the
case workflow), and the two helpers that read them (`read_yaml`, `merge`; re-exported by
`flows.settings`). It imports nothing of ours but `flows.errors`, so every package may use
it as the default of a configs folder its caller can name."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from flows.errors import ConfigError

CONFIGS_DIR = Path(__file__).resolve().parents[1] / "configs"


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}:{where} not valid YAML") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return data


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep merge of two config mappings; the override wins."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = merge(result[key], value)
        else:
            result[key] = value
    return result
