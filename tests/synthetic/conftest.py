from __future__ import annotations

import pandas as pd
import pytest

from flows.commands.generate import read_catalog
from flows.synthetic import GeneratorParams, SyntheticData, generate


@pytest.fixture(scope="session")
def catalog() -> pd.DataFrame:
    return read_catalog()


@pytest.fixture(scope="session")
def data_20k(catalog: pd.DataFrame) -> SyntheticData:
    return generate(20_000, seed=20_261_127, catalog=catalog)


@pytest.fixture(scope="session")
def orders_20k(data_20k: SyntheticData) -> pd.DataFrame:
    """Transactions joined with their labels."""
    return data_20k.transactions.merge(data_20k.labels, on="transaction_id", validate="one_to_one")


@pytest.fixture(scope="session")
def orders_history(catalog: pd.DataFrame) -> pd.DataFrame:
    """Orders of 2025-01-01 to 2026-11-30 (the "history" profile) joined with their labels."""
    data = generate(40_000, seed=31, catalog=catalog, params=GeneratorParams.profile("history"))
    return data.transactions.merge(data.labels, on="transaction_id", validate="one_to_one")
