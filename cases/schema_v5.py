"""Version 5 of the case store's schema (see `cases.migrations`): the queue's columns,
search terms and counts, a table of its own for each case's content, the attachments
table, and the indexes of the queue's sort orders and of the dashboard. Frozen once
released, like every migration: it builds its tables from its own definitions here."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy.engine import Connection


def _v5_tables(metadata: sa.MetaData, postgres: bool) -> None:
    sa.Table(
        "case_contents",
        metadata,
        sa.Column("case_id", sa.String(16), primary_key=True),
        sa.Column("content_json", sa.Text, nullable=False),
    )
    sa.Table(
        "case_counts",
        metadata,
        sa.Column("status", sa.String(16), primary_key=True),
        sa.Column("priority", sa.String(8), primary_key=True),
        sa.Column("waiting", sa.Integer, primary_key=True),
        sa.Column("n", sa.Integer, nullable=False),
    )
    # code point order of terms on PostgreSQL too, so that a prefix is one index range
    term_type = sa.String(64, collation="C") if postgres else sa.String(64)
    sa.Table(
        "case_terms",
        metadata,
        sa.Column("kind", sa.String(1), primary_key=True),
        sa.Column("term", term_type, primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
    )
    sa.Table(
        "term_labels",
        metadata,
        sa.Column("kind", sa.String(1), primary_key=True),
        sa.Column("term", term_type, primary_key=True),
        sa.Column("label", sa.Text, nullable=False),
    )
    sa.Table(
        "attachments",
        metadata,
        sa.Column("attachment_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(16), nullable=False, index=True),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("added_by", sa.String(100), nullable=False),
        sa.Column("added_at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text),
    )


_V5_INDEXES = (
    "CREATE INDEX ix_cases_risk ON cases (status, risk_score DESC, order_value DESC, seq)",
    "CREATE INDEX ix_cases_value ON cases (status, order_value DESC, seq)",
    "CREATE INDEX ix_cases_due ON cases (status, due_at, seq)",
    "CREATE INDEX ix_cases_age ON cases (status, opened_at, seq)",
    "CREATE INDEX ix_cases_assignee_risk "
    "ON cases (assignee, status, risk_score DESC, order_value DESC, seq)",
    "CREATE INDEX ix_cases_counts ON cases (status, priority, pending_by)",
    "CREATE INDEX ix_cases_pending ON cases (pending_by) WHERE pending_by IS NOT NULL",
    "CREATE INDEX ix_case_terms_seq ON case_terms (seq, kind, term)",  # a case's flags, lists
    "CREATE INDEX ix_events_event_at ON events (event, at)",  # decisions by week
)


# case_counts follows every insert, change and removal of a case, so the queue's counts by
# status, priority and waiting decision are read, not counted, on every page
_COUNT_UP = (
    "INSERT INTO case_counts (status, priority, waiting, n) VALUES "
    "(NEW.status, NEW.priority, CASE WHEN NEW.pending_by IS NULL THEN 0 ELSE 1 END, 1) "
    "ON CONFLICT (status, priority, waiting) DO UPDATE SET n = case_counts.n + 1"
)
_COUNT_DOWN = (
    "UPDATE case_counts SET n = n - 1 WHERE status = OLD.status AND priority = OLD.priority "
    "AND waiting = CASE WHEN OLD.pending_by IS NULL THEN 0 ELSE 1 END"
)
_SQLITE_V5_COUNTS = (
    f"CREATE TRIGGER case_counts_insert AFTER INSERT ON cases BEGIN {_COUNT_UP}; END",
    f"CREATE TRIGGER case_counts_delete AFTER DELETE ON cases BEGIN {_COUNT_DOWN}; END",
    "CREATE TRIGGER case_counts_update AFTER UPDATE OF status, priority, pending_by ON cases "
    f"BEGIN {_COUNT_DOWN}; {_COUNT_UP}; END",
)
_POSTGRES_V5_COUNTS = (
    "CREATE FUNCTION redflag_case_counts() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {_COUNT_DOWN}; END IF; "
    f"IF TG_OP IN ('UPDATE', 'INSERT') THEN {_COUNT_UP}; END IF; RETURN NULL; END $$",
    "CREATE TRIGGER case_counts_change AFTER INSERT OR DELETE OR UPDATE OF status, priority, "
    "pending_by ON cases FOR EACH ROW EXECUTE FUNCTION redflag_case_counts()",
)


def _v5_backfill(conn: Connection) -> None:
    """The queue columns and terms of the cases already stored, a chunk at a time."""
    from cases.queue_terms import case_terms, pending_by, queue_columns, term_labels

    names = ("seq", "subject_json", "content_json", "pending_json", "case_id")
    cases = sa.table("cases", *(sa.column(n) for n in names),
                     *(sa.column(n) for n in ("country", "order_value", "top_flags",
                                              "pending_by")))  # fmt: skip
    terms, labels = sa.table("case_terms", *map(sa.column, ("kind", "term", "seq"))), {}
    last = -1
    while True:
        query = sa.select(*(cases.c[n] for n in names)).where(cases.c.seq > last)
        rows = conn.execute(query.order_by(cases.c.seq).limit(2000)).all()
        if not rows:
            break
        updates, new_terms = [], []
        for seq, subject_json, content_json, pending_json, case_id in rows:
            subject, content = json.loads(subject_json), json.loads(content_json)
            updates.append({"b_id": case_id, **queue_columns(subject, content),
                            "pending_by": pending_by(pending_json)})  # fmt: skip
            new_terms += [
                {"kind": k, "term": v, "seq": seq} for k, v in case_terms(subject, content)
            ]
            labels.update(term_labels(subject, content))
        conn.execute(cases.update().where(cases.c.case_id == sa.bindparam("b_id")), updates)
        if new_terms:
            conn.execute(terms.insert(), new_terms)
        last = rows[-1][0]
    if labels:
        table = sa.table("term_labels", *map(sa.column, ("kind", "term", "label")))
        conn.execute(table.insert(), [{"kind": k, "term": t, "label": v}
                                      for (k, t), v in labels.items()])  # fmt: skip
    conn.exec_driver_sql(
        "INSERT INTO case_counts (status, priority, waiting, n) SELECT status, priority, "
        "CASE WHEN pending_by IS NULL THEN 0 ELSE 1 END, count(*) FROM cases "
        "GROUP BY status, priority, CASE WHEN pending_by IS NULL THEN 0 ELSE 1 END"
    )


def v5_queue_search_and_attachments(conn: Connection) -> None:
    """The queue's columns and search terms (see `cases.queue_terms`), its counts and sort
    indexes, and the attachments of cases. A case's content moves to a table of its own:
    the `cases` rows the queue scans and sorts stay a few hundred bytes each."""
    postgres = conn.dialect.name == "postgresql"
    float_type = sa.Float().compile(dialect=conn.dialect)
    for column in ("country VARCHAR(8)", f"order_value {float_type}", "top_flags TEXT",
                   "pending_by VARCHAR(100)"):  # fmt: skip
        conn.exec_driver_sql(f"ALTER TABLE cases ADD COLUMN {column}")
    metadata = sa.MetaData()
    _v5_tables(metadata, postgres)
    metadata.create_all(conn)
    _v5_backfill(conn)
    conn.exec_driver_sql("INSERT INTO case_contents (case_id, content_json) "
                         "SELECT case_id, content_json FROM cases")  # fmt: skip
    conn.exec_driver_sql("ALTER TABLE cases DROP COLUMN content_json")
    for statement in _POSTGRES_V5_COUNTS if postgres else _SQLITE_V5_COUNTS:
        conn.exec_driver_sql(statement)
    for statement in _V5_INDEXES:
        if postgres:  # SQLite puts NULL last in a descending order already
            statement = statement.replace("order_value DESC", "order_value DESC NULLS LAST")
        conn.exec_driver_sql(statement)
