"""`redflag audit verify`: walk the hash chains of the audit trail."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from cases.audit import heads_digest, verify_checkpoint, verify_trail
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
