"""Fixtures of the rule tests: the real policy packs, and runners over small canonical
frames built by `rule_orders`."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pytest
from rule_orders import CONFIGS, run_pack, run_scenarios

from detectors.base import DetectorResult
from detectors.rules import RulePack
from flows.commands.rules import load_pack


@pytest.fixture(scope="session")
def pack() -> RulePack:
    return load_pack(CONFIGS, "default")


@pytest.fixture(scope="session")
def diffusion_pack() -> RulePack:
    return load_pack(CONFIGS, "ai_diffusion_2025")


@pytest.fixture
def run(pack: RulePack) -> Callable[..., DetectorResult]:
    """`run(rows, present=..., history=...)` with the default pack."""
    return partial(run_pack, pack)


@pytest.fixture(scope="session")
def scenarios(pack: RulePack) -> Callable[..., DetectorResult]:
    """`scenarios({name: changes, ...})`: one default-pack run over named cases."""
    return partial(run_scenarios, pack)
