"""`redflag audit verify`: walk the hash chains of the audit trail; `redflag audit log`:
the account log (logins, account changes, and every change of the lists or models that
screening uses: added, updated, trained, activated, rescreened)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from cases.audit import auth_log, heads_digest, verify_checkpoint, verify_trail
from flows.commands.accounts import fail, open_store

app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)


@app.command("verify")
def verify(
    ctx: typer.Context,
    checkpoint: Annotated[
        Path | None,
        typer.Option(
            help="A file of chain heads from an earlier verification: check that they are "
            "all still there, then record the current ones in it. Keep it (or the printed "
            "digest) away from the store to detect a rewrite of the whole trail.",
        ),
    ] = None,
) -> None:
    """Check every case's chain of events and the account log; exit 1 at the first
    broken link, naming it."""
    store = open_store(ctx)
    try:
        report = verify_trail(store.engine)
        if not report.ok:
            raise fail(f"audit trail broken: {report.broken}", 1)
        if checkpoint is not None and checkpoint.exists():
            recorded = json.loads(checkpoint.read_text(encoding="utf-8"))
            problem = verify_checkpoint(store.engine, recorded)
            if problem:
                raise fail(f"audit trail broken since the checkpoint {checkpoint}: {problem}", 1)
    finally:
        store.close()
    if checkpoint is not None:
        fd = os.open(checkpoint, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({k: list(v) for k, v in sorted(report.heads.items())}, handle)
    typer.echo(
        f"audit trail intact: {report.events} event(s) in {report.chains} chain(s); "
        f"heads digest {heads_digest(report)}"
    )


def _printable(text: str) -> str:
    """Control characters (a login attempt's name is anyone's input) shown escaped."""
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


@app.command("log")
def log(
    ctx: typer.Context,
    event: Annotated[
        list[str] | None,
        typer.Option(
            "--event",
            help="Only this event (repeatable): login, login_failed, user_added, "
            "model_trained, model_activated, watchlist_added, watchlist_updated, "
            "watchlist_activated, watchlist_deactivated, ownership_added, "
            "ownership_activated, rescreen, ...",
        ),
    ] = None,
    limit: Annotated[int, typer.Option(help="The latest this many entries (0 = all).")] = 50,
) -> None:
    """The account log, oldest first: logins, account changes and every change of the
    lists or models screening uses, each with its time (UTC), actor, event, subject and
    details."""
    if limit < 0:
        raise fail(f"--limit must be 0 or more (got {limit})")
    store = open_store(ctx)
    try:
        entries = auth_log(store.engine, event or (), limit)
    finally:
        store.close()
    for entry in entries:
        parts = [f"#{entry.entry_id}", entry.at.strftime("%Y-%m-%d %H:%M:%S"), entry.actor,
                 entry.event, entry.subject or "-", entry.details_json or ""]  # fmt: skip
        typer.echo(_printable(" ".join(parts).rstrip()))
    if not entries:
        typer.echo("no entries in the account log", err=True)
