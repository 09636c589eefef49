"""Versioned schema migrations of the case store, run by Alembic.

A workspace made by an older version opens in a newer one: `migrate(engine)` has Alembic
apply, in order and each in its own transaction, every revision above the store's (the
revisions are `cases/alembic/versions/`, one per schema version, each calling `apply`).
A store from before Alembic (a `schema_version` table, no `alembic_version`) is first
stamped with the revision of its recorded version. Every migration also records its
number in `schema_version`, which stays the store's own statement of its version.

A migration is frozen once released: it builds its tables from its own definitions here,
never from `cases.tables` (which is the current schema the store queries).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

from cases.schema_v5 import v5_queue_search_and_attachments
from cases.schema_v6 import v6_case_matches
from flows.errors import RunFailure

Migration = Callable[[Connection], None]

EVENTS_APPEND_ONLY = "case events are append-only"


def _v1_tables(metadata: sa.MetaData) -> None:
    sa.Table(
        "cases",
        metadata,
        sa.Column("case_id", sa.String(16), primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False, unique=True),
        sa.Column("case_key", sa.String(300), nullable=False, index=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("priority", sa.String(8), nullable=False),
        sa.Column("risk_score", sa.Integer, nullable=False),
        sa.Column("subject_name", sa.Text),
        sa.Column("subject_json", sa.Text, nullable=False),
        sa.Column("content_json", sa.Text, nullable=False),
        sa.Column("assignee", sa.String(100), index=True),
        sa.Column("follow_up_of", sa.String(16)),
        sa.Column("pending_json", sa.Text),
        sa.Column("opened_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Index("ix_cases_status_priority", "status", "priority"),
    )
    sa.Table(
        "case_transactions",
        metadata,
        sa.Column("case_id", sa.String(16), primary_key=True),
        sa.Column("transaction_id", sa.String(200), primary_key=True, index=True),
    )
    sa.Table(
        "evidence_items",
        metadata,
        sa.Column("case_id", sa.String(16), primary_key=True),
        sa.Column("evidence_key", sa.String(500), primary_key=True),
        sa.Column("added_at", sa.DateTime, nullable=False),
        sa.Column("run_id", sa.String(100)),
        sa.Column("is_new", sa.Boolean, nullable=False, default=False),
    )
    sa.Table(
        "events",
        metadata,
        sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(16), nullable=False, index=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("from_status", sa.String(16)),
        sa.Column("to_status", sa.String(16)),
        sa.Column("rationale", sa.Text),
        sa.Column("run_id", sa.String(100)),
        sa.Column("versions_json", sa.Text),
        sa.Column("details_json", sa.Text),
    )
    sa.Table(
        "users",
        metadata,
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    sa.Table(
        "runs",
        metadata,
        sa.Column("run_id", sa.String(100), primary_key=True),
        sa.Column("started_at", sa.DateTime, nullable=False),
        sa.Column("finished_at", sa.DateTime),
        sa.Column("versions_json", sa.Text),
        sa.Column("summary_json", sa.Text),
    )


_SQLITE_EVENT_GUARDS = (
    f"CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
    f"BEGIN SELECT RAISE(ABORT, '{EVENTS_APPEND_ONLY}'); END",
    f"CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
    f"BEGIN SELECT RAISE(ABORT, '{EVENTS_APPEND_ONLY}'); END",
)
_POSTGRES_EVENT_GUARDS = (
    "CREATE FUNCTION redflag_events_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{EVENTS_APPEND_ONLY}'; END $$",
    "CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events "
    "FOR EACH ROW EXECUTE FUNCTION redflag_events_append_only()",
    "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
    "FOR EACH STATEMENT EXECUTE FUNCTION redflag_events_append_only()",
)


def _v1_initial(conn: Connection) -> None:
    """Cases, their transactions and evidence, append-only events, users and runs."""
    metadata = sa.MetaData()
    _v1_tables(metadata)
    metadata.create_all(conn)
    guards = _POSTGRES_EVENT_GUARDS if conn.dialect.name == "postgresql" else _SQLITE_EVENT_GUARDS
    for statement in guards:
        conn.exec_driver_sql(statement)


# The SLA hours in force when v2 was released; used once, to give existing cases a due date.
_V2_SLA_HOURS = {"high": 24, "medium": 72, "low": 168}


def _v2_due_dates_and_suppressions(conn: Connection) -> None:
    """Due dates on cases (backfilled from priority) and the suppressions table."""
    datetime_type = sa.DateTime().compile(dialect=conn.dialect)
    conn.exec_driver_sql(f"ALTER TABLE cases ADD COLUMN due_at {datetime_type}")
    cases = sa.table(
        "cases",
        sa.column("priority"),
        sa.column("opened_at", sa.DateTime),
        sa.column("due_at", sa.DateTime),
        sa.column("case_id"),
    )
    rows = conn.execute(sa.select(cases.c.case_id, cases.c.priority, cases.c.opened_at)).all()
    if rows:
        conn.execute(
            cases.update().where(cases.c.case_id == sa.bindparam("b_id")),
            [
                {
                    "b_id": case_id,
                    "due_at": opened_at + timedelta(hours=_V2_SLA_HOURS.get(priority, 168)),
                }
                for case_id, priority, opened_at in rows
            ],
        )
    conn.exec_driver_sql("CREATE INDEX ix_cases_status_due ON cases (status, due_at)")
    metadata = sa.MetaData()
    sa.Table(
        "suppressions",
        metadata,
        sa.Column("suppression_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("party_fingerprint", sa.String(64), nullable=False),
        sa.Column("entry_id", sa.String(200), nullable=False),
        sa.Column("entry_fingerprint", sa.String(64), nullable=False),
        sa.Column("party_name", sa.Text),
        sa.Column("role", sa.String(40)),
        sa.Column("case_id", sa.String(16)),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("rationale", sa.Text),
        sa.Column("lifted_at", sa.DateTime),
        sa.Column("lifted_reason", sa.Text),
        sa.Index("ix_suppressions_pair", "entry_id", "party_fingerprint"),
    )
    metadata.create_all(conn)


def _v3_queue_indexes(conn: Connection) -> None:
    """Indexes that serve the queue's order (priority, then due date) page by page, so the
    review app's first page stays fast with 100,000 cases in the store."""
    conn.exec_driver_sql("CREATE INDEX ix_cases_queue ON cases (status, priority, due_at, seq)")
    conn.exec_driver_sql(
        "CREATE INDEX ix_cases_assignee_queue ON cases (assignee, status, priority, due_at, seq)"
    )


STATUS_BY_EVENTS = "the status of a case changes only with an event that records the change"
AUDIT_APPEND_ONLY = "the account log is append-only"

_SQLITE_V4_GUARDS = (
    f"CREATE TRIGGER cases_status_by_events BEFORE UPDATE OF status ON cases "
    f"WHEN NEW.status IS NOT OLD.status AND NOT EXISTS (SELECT 1 FROM events e "
    f"WHERE e.event_id = (SELECT max(event_id) FROM events WHERE case_id = NEW.case_id) "
    f"AND e.from_status IS OLD.status AND e.to_status IS NEW.status) "
    f"BEGIN SELECT RAISE(ABORT, '{STATUS_BY_EVENTS}'); END",
    f"CREATE TRIGGER cases_open_on_insert BEFORE INSERT ON cases WHEN NEW.status <> 'open' "
    f"BEGIN SELECT RAISE(ABORT, '{STATUS_BY_EVENTS}'); END",
    f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{AUDIT_APPEND_ONLY}'); END",
    f"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{AUDIT_APPEND_ONLY}'); END",
)
_POSTGRES_V4_GUARDS = (
    "CREATE FUNCTION redflag_status_by_events() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN IF TG_OP = 'INSERT' THEN IF NEW.status <> 'open' THEN "
    f"RAISE EXCEPTION '{STATUS_BY_EVENTS}'; END IF; "
    "ELSIF NEW.status IS DISTINCT FROM OLD.status AND NOT EXISTS (SELECT 1 FROM events e "
    "WHERE e.event_id = (SELECT max(event_id) FROM events WHERE case_id = NEW.case_id) "
    "AND e.from_status IS NOT DISTINCT FROM OLD.status "
    "AND e.to_status IS NOT DISTINCT FROM NEW.status) THEN "
    f"RAISE EXCEPTION '{STATUS_BY_EVENTS}'; END IF; RETURN NEW; END $$",
    "CREATE TRIGGER cases_status_by_events BEFORE INSERT OR UPDATE OF status ON cases "
    "FOR EACH ROW EXECUTE FUNCTION redflag_status_by_events()",
    "CREATE FUNCTION redflag_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{AUDIT_APPEND_ONLY}'; END $$",
    "CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION redflag_audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION redflag_audit_log_append_only()",
)


def _v4_tables(metadata: sa.MetaData) -> None:
    sa.Table(
        "sessions",
        metadata,
        sa.Column("session_hash", sa.String(64), primary_key=True),
        sa.Column("user_name", sa.String(100), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("ended_at", sa.DateTime),
        sa.Column("ended_reason", sa.String(40)),
        sa.Column("client", sa.String(64)),
    )
    sa.Table(
        "api_tokens",
        metadata,
        sa.Column("token_id", sa.String(32), primary_key=True),
        sa.Column("user_name", sa.String(100), nullable=False, index=True),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
        sa.Column("revoked_at", sa.DateTime),
        sa.Column("last_used_at", sa.DateTime),
    )
    sa.Table(
        "audit_log",
        metadata,
        sa.Column("entry_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("event", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(100)),
        sa.Column("client", sa.String(64)),
        sa.Column("details_json", sa.Text),
        sa.Column("prev_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("hash", sa.String(64), nullable=False),
    )


def _v4_chain_existing_events(conn: Connection) -> None:
    """Hash every stored event into its case's chain (the append-only guards are lifted
    for this one transaction and put back by the caller)."""
    from cases.audit import chain_rows

    names = ("event_id", "case_id", "by", "event", "from_status", "to_status", "rationale",
             "run_id", "versions_json", "details_json", "prev_hash", "hash")  # fmt: skip
    events = sa.table("events", sa.column("at", sa.DateTime), *(sa.column(n) for n in names))
    heads: dict[str, str] = {}
    last = 0
    while True:
        query = sa.select(events).where(events.c.event_id > last).order_by(events.c.event_id)
        rows = [dict(row._mapping) for row in conn.execute(query.limit(5000))]
        if not rows:
            return
        chain_rows(rows, heads)
        conn.execute(
            events.update().where(events.c.event_id == sa.bindparam("b_id")),
            [{"b_id": r["event_id"], "prev_hash": r["prev_hash"], "hash": r["hash"]} for r in rows],
        )
        last = rows[-1]["event_id"]


def _v4_accounts_sessions_and_audit_chain(conn: Connection) -> None:
    """Accounts that can be disabled, with normalised names; server-side sessions;
    command-line tokens; the account log; hash chains over the events; status changes
    only through events."""
    from cases.users import normalise_stored_names

    datetime_type = sa.DateTime().compile(dialect=conn.dialect)
    for column in (f"disabled_at {datetime_type}", "disabled_reason TEXT",
                   f"password_changed_at {datetime_type}"):  # fmt: skip
        conn.exec_driver_sql(f"ALTER TABLE users ADD COLUMN {column}")
    normalise_stored_names(conn)
    metadata = sa.MetaData()
    _v4_tables(metadata)
    metadata.create_all(conn)
    for column in ("prev_hash VARCHAR(64)", "hash VARCHAR(64)"):
        conn.exec_driver_sql(f"ALTER TABLE events ADD COLUMN {column}")
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        conn.exec_driver_sql("DROP TRIGGER events_no_update_delete ON events")
    else:
        conn.exec_driver_sql("DROP TRIGGER events_no_update")
    _v4_chain_existing_events(conn)
    if postgres:
        conn.exec_driver_sql(_POSTGRES_EVENT_GUARDS[1])
    else:
        conn.exec_driver_sql(_SQLITE_EVENT_GUARDS[0])
    conn.exec_driver_sql("CREATE UNIQUE INDEX ix_events_chain ON events (case_id, prev_hash)")
    for statement in _POSTGRES_V4_GUARDS if postgres else _SQLITE_V4_GUARDS:
        conn.exec_driver_sql(statement)


MIGRATIONS: tuple[tuple[int, Migration], ...] = (
    (1, _v1_initial),
    (2, _v2_due_dates_and_suppressions),
    (3, _v3_queue_indexes),
    (4, _v4_accounts_sessions_and_audit_chain),
    (5, v5_queue_search_and_attachments),
    (6, v6_case_matches),
)
LATEST_VERSION = MIGRATIONS[-1][0]

_schema_version = sa.Table(
    "schema_version",
    sa.MetaData(),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("applied_at", sa.DateTime, nullable=False),
)


def current_version(engine: Engine) -> int:
    """The schema version recorded in the store (0 for an empty database)."""
    if not sa.inspect(engine).has_table("schema_version"):
        return 0
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.max(_schema_version.c.version))).scalar() or 0)


SCRIPTS = Path(__file__).resolve().parent / "alembic"


def revision_of(version: int) -> str:
    """The Alembic revision that brings a store to schema `version`."""
    return f"{version:04d}"


def apply(version: int) -> None:
    """Schema version `version`'s migration, on Alembic's connection, and its record in
    `schema_version` (called by the revision files)."""
    from alembic import op

    conn = op.get_bind()
    dict(MIGRATIONS)[version](conn)
    now = datetime.now(UTC).replace(tzinfo=None)
    conn.execute(_schema_version.insert().values(version=version, applied_at=now))


def _alembic(conn: Connection | None) -> Config:
    """Alembic's configuration for the case store: no alembic.ini, the scripts here."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPTS))
    config.attributes["connection"] = conn
    return config


def migrate(engine: Engine, target: int = LATEST_VERSION) -> int:
    """Apply every migration above the store's version up to `target`; returns the new version."""
    if target > LATEST_VERSION:
        raise ValueError(f"schema version {target} is unknown (latest is {LATEST_VERSION})")
    _schema_version.create(engine, checkfirst=True)
    version = current_version(engine)
    if version > LATEST_VERSION:
        raise RunFailure(
            f"the case store has schema version {version}, newer than this redflag "
            f"understands ({LATEST_VERSION}); upgrade redflag"
        )
    stamped = sa.inspect(engine).has_table("alembic_version")
    if version >= target and (stamped or version == 0):
        return version
    with engine.connect() as conn:
        config = _alembic(conn)
        if version and not stamped:  # made by the runner before Alembic: same schema
            command.stamp(config, revision_of(version))
        if version < target:
            command.upgrade(config, revision_of(target))
        if conn.in_transaction():
            conn.commit()
    return current_version(engine)
