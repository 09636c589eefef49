"""Review app fixtures: a seeded SQLite case store (built once, copied per test) and a
TestClient of the app over it."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from review_fixtures import SECRET, TestClient, log_in, seed_store

from cases.store import CaseStore
from cases.webapp import create_app


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "cases.db"
    store = CaseStore(f"sqlite:///{path}")
    seed_store(store)
    store.close()
    return path


@pytest.fixture
def store(seeded_db: Path, tmp_path: Path) -> Iterator[CaseStore]:
    path = tmp_path / "cases.db"
    shutil.copy(seeded_db, path)
    case_store = CaseStore(f"sqlite:///{path}")
    yield case_store
    case_store.close()


@pytest.fixture
def client(store: CaseStore) -> Iterator[TestClient]:
    with TestClient(create_app(store, SECRET), base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def login() -> Callable[..., TestClient]:
    def as_user(client: TestClient, name: str) -> TestClient:
        response = log_in(client, name)
        assert response.status_code == 303, response.text
        return client

    return as_user
