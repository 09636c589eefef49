"""Alembic's environment for the case store: the migrations run on the connection
`cases.migrations.migrate` hands over, each in its own transaction."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit(
        "the case store's migrations run when a store is opened (cases.migrations.migrate); "
        "open the workspace with redflag instead of calling alembic upgrade"
    )
context.configure(connection=connection, transaction_per_migration=True)
with context.begin_transaction():
    context.run_migrations()
