"""Test-wide settings: Prefect runs offline in its own temporary home, and one
session-scoped Prefect test harness serves every flow test."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="redflag-prefect-")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")  # as the CLI runs it

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def shared_watchlists() -> Path:
    folder = SHARED_DATA / "watchlists"
    if not folder.is_dir():
        pytest.skip(
            f"real government list files not found at {folder} (they live in ../shared/data beside the repository)"
        )
    return folder
