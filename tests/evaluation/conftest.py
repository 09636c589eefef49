"""Fixtures of the evaluation tests."""

from __future__ import annotations

import pandas as pd
import pytest
from evaluation_flags import mixed_flags as build_mixed_flags


@pytest.fixture
def mixed_flags() -> pd.DataFrame:
    return build_mixed_flags()
