"""The network's settings and contact rules, as configured, for the network's tests."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from detectors.network.links import contact_rules

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


@pytest.fixture(scope="module")
def settings() -> dict:
    return yaml.safe_load((CONFIGS / "pipeline.yaml").read_text())["network"]


@pytest.fixture(scope="module")
def rules(settings):
    policy = yaml.safe_load((CONFIGS / "policy" / "default.yaml").read_text())
    matching = yaml.safe_load((CONFIGS / "matching.yaml").read_text())
    return contact_rules(policy, matching["names"]["address_abbreviations"], settings)
