"""Reading a policy pack: `configs/policy/<name>.yaml` (or a YAML file path), merged onto
the packs it `extends`, with the dated layers it names from `configs/policy/layers/`.

The caller names the configs folder (`flows.settings.CONFIGS_DIR` in a run); a pack that
cannot be read raises `PackError` naming the file or the key.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from detectors.rules.layers import load_layers
from detectors.rules.pack import RulePack
from flows.errors import PackError


def _pack_file(configs_dir: Path, name: str) -> Path:
    as_path = Path(name)
    if as_path.suffix in (".yaml", ".yml"):
        return as_path
    return configs_dir / "policy" / f"{name}.yaml"


def _read_pack_config(
    configs_dir: Path, name: str, seen: tuple[str, ...] = ()
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    path = _pack_file(configs_dir, name)
    if not path.is_file():
        available = sorted(p.stem for p in (configs_dir / "policy").glob("*.yaml"))
        raise PackError(
            f"no policy pack {name!r} at {path} (available: {', '.join(available) or 'none'})"
        )
    try:
        cfg = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise PackError(
            f"policy pack {path} is not valid YAML: {' '.join(str(err).split())}"
        ) from err
    if not isinstance(cfg, dict):
        raise PackError(f"policy pack {path} must be a mapping")
    parent = cfg.get("extends")
    if not parent:
        return cfg, None
    if parent in seen:
        raise PackError(f"policy packs extend each other in a loop: {' -> '.join((*seen, parent))}")
    base_cfg, base_base = _read_pack_config(configs_dir, str(parent), (*seen, name))
    base = RulePack.from_config(base_cfg, base_base).policy
    return cfg, base


def load_pack(
    configs_dir: Path, name: str = "default", layer_overrides: Mapping[str, Any] | None = None
) -> RulePack:
    """The policy pack `name` (a file in `configs_dir/policy/`, or a path to a YAML file),
    merged onto the pack it `extends`, with the dated layers it names (`layers:`) from
    `configs_dir/policy/layers/`; `layer_overrides` ({layer id: {key: value}}, the
    `policy_layers` setting) change a layer's dates."""
    cfg, base = _read_pack_config(Path(configs_dir), name)
    names = cfg.get("layers")
    if names is None and base is not None:
        names = base.get("layers")
    try:
        layers = tuple(load_layers(Path(configs_dir), list(names or ()), layer_overrides))
        return RulePack.from_config(cfg, base, layers)
    except (KeyError, TypeError, ValueError) as err:
        raise PackError(f"policy pack {name}: {err}") from err
