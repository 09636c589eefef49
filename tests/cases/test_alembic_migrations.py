"""The case store's migrations run on Alembic, and a workspace made before Alembic (by
the project's own migration runner: a `schema_version` table and no `alembic_version`)
still opens, is stamped with its version's revision and upgraded, on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from test_audit_and_migrations import _v1_case

from cases.migrations import (
    LATEST_VERSION,
    MIGRATIONS,
    SCRIPTS,
    _alembic,
    current_version,
    revision_of,
)
from cases.store import CaseStore, RunInfo

SCHEMA_VERSION = sa.Table(
    "schema_version",
    sa.MetaData(),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("applied_at", sa.DateTime, nullable=False),
)


def made_before_alembic(engine: sa.Engine, target: int) -> None:
    """The store as the runner before Alembic left it: each migration up to `target` in
    its own transaction, its number recorded in `schema_version`, nothing else."""
    SCHEMA_VERSION.create(engine, checkfirst=True)
    for number, migration in MIGRATIONS:
        if number <= target:
            with engine.begin() as conn:
                migration(conn)
                now = datetime.now(UTC).replace(tzinfo=None)
                conn.execute(SCHEMA_VERSION.insert().values(version=number, applied_at=now))


def recorded(engine: sa.Engine) -> tuple[list[int], list[str]]:
    """The versions in `schema_version`, and the revision(s) in `alembic_version`."""
    with engine.connect() as conn:
        versions = [r[0] for r in conn.execute(sa.text("SELECT version FROM schema_version"))]
        revisions = (
            [r[0] for r in conn.execute(sa.text("SELECT version_num FROM alembic_version"))]
            if sa.inspect(conn).has_table("alembic_version")
            else []
        )
    return sorted(versions), revisions


def test_one_alembic_revision_per_schema_version_in_a_line():
    scripts = ScriptDirectory.from_config(_alembic(None))
    assert scripts.get_current_head() == revision_of(LATEST_VERSION) == "0006"
    chain = [r.revision for r in scripts.walk_revisions()][::-1]
    assert chain == [revision_of(n) for n, _ in MIGRATIONS]
    assert (SCRIPTS / "env.py").is_file()


def test_a_new_store_is_at_alembics_head(store_url):
    store = CaseStore(store_url)
    assert store.schema_version == LATEST_VERSION
    assert recorded(store.engine) == (list(range(1, LATEST_VERSION + 1)), ["0006"])
    store.close()


def test_a_version_1_store_from_before_alembic_opens_and_upgrades(store_url, make_draft):
    engine = sa.create_engine(store_url)
    made_before_alembic(engine, 1)
    with engine.begin() as conn:
        _v1_case(conn)
    assert recorded(engine) == ([1], [])
    engine.dispose()

    store = CaseStore(store_url)

    assert store.schema_version == current_version(store.engine) == LATEST_VERSION
    assert recorded(store.engine) == (list(range(1, LATEST_VERSION + 1)), ["0006"])
    old = store.get_case("C-000001")
    assert (old.status, old.risk_score, old.due_at) == ("open", 90, "2026-10-02T08:00:00Z")
    results = store.upsert_drafts([make_draft("NEW")], RunInfo("r1", datetime.now()))
    assert [(r.case_id, r.action) for r in results] == [("C-000002", "opened")]
    store.close()


@pytest.mark.parametrize("version", [3, LATEST_VERSION])
def test_a_store_from_before_alembic_is_stamped_and_nothing_runs_twice(store_url, version):
    engine = sa.create_engine(store_url)
    made_before_alembic(engine, version)
    engine.dispose()

    store = CaseStore(store_url)
    assert recorded(store.engine) == (list(range(1, LATEST_VERSION + 1)), ["0006"])
    store.close()
    again = CaseStore(store_url)  # opening again applies nothing
    assert recorded(again.engine) == (list(range(1, LATEST_VERSION + 1)), ["0006"])
    again.close()
