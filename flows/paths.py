"""`CONFIGS_DIR`, the one path to the `configs/` folder (YAML: pipeline defaults, policy
packs and their layers, the item catalog, matcher tables, column maps, list sources, the
case workflow). Like `flows.errors`, it imports nothing of ours, so every package may use
it as the default of a configs folder its caller can name."""

from __future__ import annotations

from pathlib import Path

CONFIGS_DIR = Path(__file__).resolve().parents[1] / "configs"
