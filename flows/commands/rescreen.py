"""`redflag rescreen`: a new list version loaded and diffed against the last one, past
orders screened again against what changed, cases opened for new hits only."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from flows.commands.accounts import ReasonOption, TokenOption, UserOption
from flows.commands.guard import WorkspaceOption, quiet_prefect, run_guarded, workspace_of
from flows.commands.pipeline import (
    DaskAddressOption,
    OwnershipOption,
    PartitionsOption,
    ProgressOption,
    RunnerOption,
    run_flow,
)
from flows.commands.run_inputs import RunInputs
from flows.commands.watchlist import AcceptShrinkOption, PartialOption

console = Console()
app = typer.Typer()  # `redflag rescreen`


@app.command("rescreen")
def rescreen_command(
    ctx: typer.Context,
    watchlist: Annotated[
        list[str],
        typer.Option(
            "--watchlist",
            "-w",
            help="The new list version: file(s), folder(s) or fsspec URL(s); the format is detected.",
        ),
    ],
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Rescreen transactions ordered on or after this ISO date. Default: five years back.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Output folder. Default: <workspace>/runs/rescreen-<run_id>/."),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="YAML merged over configs/pipeline.yaml.")
    ] = None,
    partitions: PartitionsOption = None,
    runner: RunnerOption = None,
    dask_address: DaskAddressOption = None,
    progress: ProgressOption = None,
    workspace: WorkspaceOption = None,
    accept_shrink: AcceptShrinkOption = False,
    partial: PartialOption = False,
    ownership: OwnershipOption = None,
    reason: ReasonOption = None,
    user: UserOption = None,
    token: TokenOption = None,
) -> None:
    """Load a new list version, diff it against the last one, and open cases for new hits
    in past orders (recorded in the audit trail as whoever logged in with --user or
    --token, else as "system")."""

    def body() -> dict[str, Any]:
        from datetime import date

        from flows.errors import InputError
        from flows.ingest.sources import is_url

        for item in watchlist:
            if not is_url(item) and not Path(item).exists():
                raise InputError(f"{item}: no such file or folder")
        if since:
            try:
                date.fromisoformat(since)
            except ValueError:
                raise InputError(f"--since {since!r}: not an ISO date (YYYY-MM-DD)") from None
        if partitions is not None and partitions < 1:
            raise InputError(f"--partitions: expected 1 or more (got {partitions})")
        from flows.audited import record_change, restore_point
        from flows.commands.accounts import cli_client, open_store_at, recorded_actor
        from flows.settings import Workspace
        from watchlists.snapshots import INDEX_FILE

        home = Workspace(workspace_of(ctx, workspace))
        cases = open_store_at(home.case_store_url)
        try:
            by = recorded_actor(cases, user, token)
            RunInputs(cases, home, by, reason).add_ownership(ownership)
            quiet_prefect()
            from flows.rescreen import rescreen

            arguments = dict(
                watchlist=[str(p) for p in watchlist],
                workspace=str(home.root),
                since=since,
                out=str(out) if out else None,
                config=str(config) if config else None,
                partitions=partitions,
                accept_shrink=accept_shrink,
                partial=partial,
            )
            restore = restore_point(home.watchlists, [INDEX_FILE])
            summary = run_flow(rescreen, arguments, runner, dask_address, config, progress)
            counts = summary["counts"]
            details = {
                "since": summary["since"], "inputs": summary["inputs"],
                "watchlist_sources": summary["versions"].get("watchlist_sources", []),
                "cases_opened": counts.get("cases_opened"),
                "cases_updated": counts.get("cases_updated"), "reason": reason,
            }  # fmt: skip
            record_change(cases, "rescreen", by, cli_client(), details, summary["run_id"], restore)
            return summary
        finally:
            cases.close()

    summary = run_guarded(body)
    counts = summary["counts"]
    console.print(
        f"[bold]rescreen {summary['run_id']}[/]: list diff +{counts['entries_added']} "
        f"-{counts['entries_removed']} ~{counts['entries_changed']}; "
        f"{counts['transactions_rescreened']} past transactions, {counts['parties_screened']} parties screened; "
        f"{counts['watchlist_hits']} hits; {counts['cases_opened']} case(s) opened, {counts['cases_updated']} updated"
    )
    console.print(f"outputs: {summary['outputs']['folder']}")
