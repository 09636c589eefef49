"""Version 6 of the case store's schema (see `cases.migrations`): the watchlist matches of
each case in a table of their own, so that a run reads the listed parties of past cases
(`cases.related.store_context`) without reading every case's content. Frozen once
released, like every migration: it builds its table from its own definitions here."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cases.content import match_rows


def _v6_tables(metadata: sa.MetaData) -> None:
    sa.Table(
        "case_matches",
        metadata,
        sa.Column("case_id", sa.String(16), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("party_name", sa.Text, nullable=False),
        sa.Column("list_name", sa.Text, nullable=False),
        sa.Column("matched_name", sa.Text, nullable=False),
    )


def _v6_backfill(conn: Connection, table: sa.Table) -> None:
    """The matches of the cases already stored, a chunk of cases at a time (only the
    contents that name a match are read in full, whatever their JSON's spacing)."""
    contents = sa.table("case_contents", sa.column("case_id"), sa.column("content_json"))
    last = ""
    while True:
        query = (
            sa.select(contents.c.case_id, contents.c.content_json)
            .where(contents.c.case_id > last)
            .where(contents.c.content_json.like('%"watchlist_matches"%'))
            .order_by(contents.c.case_id)
            .limit(2000)
        )
        rows = conn.execute(query).all()
        if not rows:
            return
        found: list[dict[str, Any]] = []
        for case_id, content_json in rows:
            found += match_rows(case_id, json.loads(content_json))
        if found:
            conn.execute(table.insert(), found)
        last = rows[-1][0]


def v6_case_matches(conn: Connection) -> None:
    """The `case_matches` table (a case's watchlist matches, one row each), filled from
    the stored cases' contents."""
    metadata = sa.MetaData()
    _v6_tables(metadata)
    metadata.create_all(conn)
    _v6_backfill(conn, metadata.tables["case_matches"])
