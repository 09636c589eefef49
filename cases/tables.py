"""The case store's current schema, as the store queries it (built by `cases.migrations`)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("case_id", sa.String(16), primary_key=True),
    sa.Column("seq", sa.Integer, nullable=False, unique=True),
    sa.Column("case_key", sa.String(300), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("priority", sa.String(8), nullable=False),
    sa.Column("risk_score", sa.Integer, nullable=False),
    sa.Column("subject_name", sa.Text),
    sa.Column("subject_json", sa.Text, nullable=False),
    sa.Column("content_json", sa.Text, nullable=False),
    sa.Column("assignee", sa.String(100)),
    sa.Column("follow_up_of", sa.String(16)),
    sa.Column("pending_json", sa.Text),
    sa.Column("opened_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("due_at", sa.DateTime),
)

case_transactions = sa.Table(
    "case_transactions",
    metadata,
    sa.Column("case_id", sa.String(16), primary_key=True),
    sa.Column("transaction_id", sa.String(200), primary_key=True),
)

evidence_items = sa.Table(
    "evidence_items",
    metadata,
    sa.Column("case_id", sa.String(16), primary_key=True),
    sa.Column("evidence_key", sa.String(500), primary_key=True),
    sa.Column("added_at", sa.DateTime, nullable=False),
    sa.Column("run_id", sa.String(100)),
    sa.Column("is_new", sa.Boolean, nullable=False),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("event_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.String(16), nullable=False),
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

users = sa.Table(
    "users",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("run_id", sa.String(100), primary_key=True),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime),
    sa.Column("versions_json", sa.Text),
    sa.Column("summary_json", sa.Text),
)

suppressions = sa.Table(
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
)
