"""Fixtures of the ML tests: the real configs (item catalog, ml.yaml, default policy pack)
and seeded canonical frames from `canonical_frames`."""

from __future__ import annotations

import pytest
import yaml
from canonical_frames import CONFIGS, load_catalog, load_ml_settings


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


@pytest.fixture(scope="session")
def ml_settings():
    return load_ml_settings()


@pytest.fixture(scope="session")
def policy():
    path = CONFIGS / "policy" / "default.yaml"
    if not path.exists():
        pytest.skip(f"policy pack {path} is absent")
    return yaml.safe_load(path.read_text(encoding="utf-8"))
