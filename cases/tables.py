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
    sa.Column("assignee", sa.String(100)),
    sa.Column("follow_up_of", sa.String(16)),
    sa.Column("pending_json", sa.Text),
    sa.Column("opened_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("due_at", sa.DateTime),
    # the queue's own columns (see cases.queue_terms)
    sa.Column("country", sa.String(8)),
    sa.Column("order_value", sa.Float),
    sa.Column("top_flags", sa.Text),
    sa.Column("pending_by", sa.String(100)),
)

# what a case holds besides its workflow state (see cases.content), one JSON per case
case_contents = sa.Table(
    "case_contents",
    metadata,
    sa.Column("case_id", sa.String(16), primary_key=True),
    sa.Column("content_json", sa.Text, nullable=False),
)

# the watchlist matches of each case's content, one row each in the content's order (see
# `cases.content.match_rows`): the listed parties of past cases, read without the contents
case_matches = sa.Table(
    "case_matches",
    metadata,
    sa.Column("case_id", sa.String(16), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("role", sa.Text, nullable=False),
    sa.Column("party_name", sa.Text, nullable=False),
    sa.Column("list_name", sa.Text, nullable=False),
    sa.Column("matched_name", sa.Text, nullable=False),
)

# the number of cases by status, priority and waiting decision, kept by triggers
case_counts = sa.Table(
    "case_counts",
    metadata,
    sa.Column("status", sa.String(16), primary_key=True),
    sa.Column("priority", sa.String(8), primary_key=True),
    sa.Column("waiting", sa.Integer, primary_key=True),
    sa.Column("n", sa.Integer, nullable=False),
)

# what the queue filters and searches on: (kind, term) of each case, by its seq
case_terms = sa.Table(
    "case_terms",
    metadata,
    sa.Column("kind", sa.String(1), primary_key=True),
    sa.Column("term", sa.String(64), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
)

term_labels = sa.Table(
    "term_labels",
    metadata,
    sa.Column("kind", sa.String(1), primary_key=True),
    sa.Column("term", sa.String(64), primary_key=True),
    sa.Column("label", sa.Text, nullable=False),
)

# files kept with a case (end-use statements, licences, KYC documents); the bytes live in
# the workspace under their sha256, which the case's audit trail records
attachments = sa.Table(
    "attachments",
    metadata,
    sa.Column("attachment_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.String(16), nullable=False),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("added_by", sa.String(100), nullable=False),
    sa.Column("added_at", sa.DateTime, nullable=False),
    sa.Column("note", sa.Text),
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
    sa.Column("prev_hash", sa.String(64)),  # the case's previous event (see cases.audit)
    sa.Column("hash", sa.String(64)),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("disabled_at", sa.DateTime),
    sa.Column("disabled_reason", sa.Text),
    sa.Column("password_changed_at", sa.DateTime),
)

# server-side sessions of the review app; the cookie holds the id, this table its hash
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("session_hash", sa.String(64), primary_key=True),
    sa.Column("user_name", sa.String(100), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_seen_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Column("ended_at", sa.DateTime),
    sa.Column("ended_reason", sa.String(40)),
    sa.Column("client", sa.String(64)),
)

# per-user command-line tokens; only a hash of the secret part is kept
api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("token_id", sa.String(32), primary_key=True),
    sa.Column("user_name", sa.String(100), nullable=False),
    sa.Column("secret_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Column("revoked_at", sa.DateTime),
    sa.Column("last_used_at", sa.DateTime),
)

# events that belong to no case (logins, logouts, account changes), one hash chain
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("entry_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("event", sa.String(40), nullable=False),
    sa.Column("subject", sa.String(100)),
    sa.Column("client", sa.String(64)),
    sa.Column("details_json", sa.Text),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
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
