"""`redflag run`, `demo` and `serve`: the daily screening job, run in this process or
served on a schedule. `run_flow` and the partition and runner options are shared with
`redflag rescreen` (`flows.commands.rescreen`)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from flows.commands.accounts import ReasonOption, TokenOption, UserOption
from flows.commands.guard import WorkspaceOption, fail, quiet_prefect, run_guarded, workspace_of
from flows.commands.run_inputs import recorded_inputs
from flows.commands.watchlist import AcceptShrinkOption, PartialOption

console = Console()
app = typer.Typer()  # `redflag run`, `demo`, `serve`

# Options of the commands that run a flow over partitions (`run`, `rescreen`).
PartitionsOption = Annotated[
    int | None,
    typer.Option(
        "--partitions",
        help="Split the work into this many partitions of related customers "
        "(default: the `partitions` setting, one per 500,000 rows).",
    ),
]
RunnerOption = Annotated[
    str | None,
    typer.Option(
        "--runner",
        help="default (partitions one after another in this process) or dask "
        "(a local Dask cluster, or the one at --dask-address).",
    ),
]
DaskAddressOption = Annotated[
    str | None,
    typer.Option("--dask-address", help="Scheduler of an existing Dask cluster, tcp://host:8786."),
]
OwnershipOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--ownership",
        help="Ownership data: CSV owner,owned,share (percent; optional owner_country, "
        "owned_country, source, as_of) or OpenSanctions FtM JSON lines (Ownership, "
        "Directorship). Kept in the workspace; later runs use the last one given.",
    ),
]
ProgressOption = Annotated[
    bool | None,
    typer.Option(
        "--progress/--no-progress",
        help="Progress lines per stage on stderr (default: when stderr is a terminal).",
    ),
]


def execute_run(
    transactions: list[str] | list[Path],
    workspace: Path,
    watchlist: list[str] | list[Path] | None = None,
    config: Path | None = None,
    out: Path | None = None,
    column_map: str | None = None,
    partitions: int | None = None,
    runner: str | None = None,
    dask_address: str | None = None,
    progress: bool | None = None,
    accept_shrink: bool = False,
    partial: bool = False,
    ownership: list[Path] | None = None,
    user: str | None = None,
    token: str | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """One daily run in-process, on Prefect's local mode; with `runner="dask"` its partitions
    run on a local Dask cluster, or on the cluster at `dask_address`. The lists
    (`watchlist`) and ownership files given become what screening uses, each change in the
    audit trail as `recorded_actor` says (`user`, `token`), with `reason`."""
    from flows.errors import InputError
    from flows.ingest.sources import is_url

    for item in map(str, transactions):
        if not is_url(item) and not any(ch in item for ch in "*?[") and not Path(item).exists():
            raise InputError(f"{item}: no such file")
    if partitions is not None and partitions < 1:
        raise InputError(f"--partitions: expected 1 or more (got {partitions})")
    from flows.run_guard import check_run_inputs

    check_run_inputs(
        list(map(str, transactions)), config, column_map, list(map(str, watchlist or []))
    )
    with recorded_inputs(Path(workspace), user, token, reason, bool(watchlist)) as inputs:
        inputs.add_ownership(ownership)
        quiet_prefect()
        from flows.daily import daily_screening

        arguments: dict[str, Any] = dict(
            transactions=[str(p) for p in transactions],
            workspace=str(workspace),
            watchlist=[str(p) for p in watchlist] if watchlist else None,
            config=str(config) if config else None,
            out=str(out) if out else None,
            column_map=column_map,
            partitions=partitions,
            accept_shrink=accept_shrink,
            partial=partial,
        )
        summary = run_flow(daily_screening, arguments, runner, dask_address, config, progress)
        inputs.run_id = summary["run_id"]
        return summary


def run_flow(
    flow: Any,
    arguments: dict[str, Any],
    runner: str | None,
    dask_address: str | None,
    config: Path | str | None,
    progress: bool | None,
) -> dict[str, Any]:
    """Runs a flow in this process on the chosen task runner (default or Dask)."""
    from flows.errors import InputError
    from flows.settings import load_pipeline_settings

    quiet_prefect()
    from flows.runtime.runners import shared_prefect_api, task_runner

    try:
        settings = load_pipeline_settings(Path(config) if config else None)
        chosen = task_runner(runner, dask_address, settings)
    except ValueError as error:
        raise InputError(str(error)) from None
    arguments = arguments | {"progress": sys.stderr.isatty() if progress is None else progress}
    from flows.run_guard import ended_on_signals, start_temporary_server, startup_seconds

    with ended_on_signals():
        start_temporary_server(
            startup_seconds(settings), say=lambda line: typer.echo(f"redflag: {line}", err=True)
        )
        summary: dict[str, Any]
        if chosen is None:
            summary = flow(**arguments)
            return summary
        with shared_prefect_api():
            summary = flow.with_options(task_runner=chosen)(**arguments)
            return summary


def print_summary(summary: dict[str, Any]) -> None:
    from flows.run_guard import sample_list_warning

    warning = sample_list_warning(summary.get("versions", {}).get("watchlist_snapshot", {}))
    if warning:
        typer.echo(f"redflag: warning: {warning}", err=True)
    counts = summary["counts"]
    console.print(
        f"[bold]run {summary['run_id']}[/]: {counts['rows_read']} rows read, "
        f"{counts['rows_accepted']} accepted, {counts['rows_rejected']} rejected; "
        f"{counts['parties_screened']} parties screened, {counts['watchlist_hits']} list hits; "
        f"{counts['cases_opened']} case(s) opened, {counts['cases_updated']} updated"
    )
    for item in summary.get("skipped_detectors", []):
        console.print(f"  skipped: {item['family']} ({item['reason']})")
    gaps = summary.get("not_evaluable", [])
    whole = sorted({n["code"] for n in gaps if not n["reason"].startswith("partly")})
    partly = sorted({n["code"] for n in gaps if n["reason"].startswith("partly")})
    if whole:
        console.print(f"  not evaluable on this input: {', '.join(whole)} (see run_summary.json)")
    if partly:
        console.print(
            f"  partly evaluated on this input: {', '.join(partly)} (see run_summary.json)"
        )
    console.print(f"outputs: {summary['outputs']['folder']}")
    console.print(f"open in a browser: {summary['outputs']['index']}")


def print_top_cases(out_dir: Path, limit: int = 10) -> None:
    cases = []
    for path in sorted((out_dir / "cases").glob("*.json")):
        cases.append(json.loads(path.read_text(encoding="utf-8")))
    cases.sort(key=lambda c: (-c["risk_score"], c["case_id"]))
    table = Table(title=f"Top cases ({len(cases)} in this run)")
    for column in ("case", "risk", "priority", "subject", "country", "flags"):
        table.add_column(column)
    for case in cases[:limit]:
        codes = ", ".join(dict.fromkeys(f["code"] for f in case["flags"]))
        table.add_row(
            case["case_id"],
            str(case["risk_score"]),
            case["priority"],
            str(case["subject"].get("name", "")),
            str(case["subject"].get("country", "")),
            codes,
        )
    console.print(table)


@app.command("run")
def run_command(
    ctx: typer.Context,
    transactions: Annotated[
        list[str],
        typer.Option(
            "--transactions",
            "-t",
            help="Order file(s), glob pattern(s) or fsspec URL(s) (https://, s3://, …): "
            "CSV, Parquet or XLSX (Contract 1 columns).",
        ),
    ],
    watchlist: Annotated[
        list[str] | None,
        typer.Option(
            "--watchlist",
            "-w",
            help="Restricted-party list file(s), folder(s) or URL(s); the format is detected. "
            "Default: the workspace's active snapshot (the bundled sample on a fresh workspace).",
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", help="YAML merged over configs/pipeline.yaml.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Output folder. Default: <workspace>/runs/<run_id>/."),
    ] = None,
    column_map: Annotated[
        str | None,
        typer.Option(
            "--column-map", help="ERP column map: a name in configs/column_maps/ or a YAML path."
        ),
    ] = None,
    partitions: PartitionsOption = None,
    runner: RunnerOption = None,
    dask_address: DaskAddressOption = None,
    progress: ProgressOption = None,
    accept_shrink: AcceptShrinkOption = False,
    partial: PartialOption = False,
    ownership: OwnershipOption = None,
    workspace: WorkspaceOption = None,
    reason: ReasonOption = None,
    user: UserOption = None,
    token: TokenOption = None,
) -> None:
    """Screen one day's orders: parties against the lists, red-flag rules, ML; write case
    files. Lists and ownership files given become what later runs use, recorded in the
    audit trail as whoever logged in with --user or --token, else as "system"."""
    summary = run_guarded(
        lambda: execute_run(
            transactions,
            workspace_of(ctx, workspace),
            watchlist,
            config,
            out,
            column_map,
            partitions,
            runner,
            dask_address,
            progress,
            accept_shrink,
            partial,
            ownership,
            user,
            token,
            reason,
        )
    )
    print_summary(summary)
    counts = summary["counts"]
    if counts["rows_read"] and not counts["rows_accepted"]:
        fail(
            f"every one of the {counts['rows_read']} order rows was rejected: nothing was "
            f"screened (see {Path(summary['outputs']['folder']) / 'rejected_rows.csv'})"
        )


@app.command("demo")
def demo_command(
    ctx: typer.Context,
    rows: Annotated[int, typer.Option("--rows", help="How many order lines to generate.")] = 20_000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic data.")] = 7,
    workspace: WorkspaceOption = None,
) -> None:
    """Generate a sample day of orders and a sample restricted list, screen them, show the cases."""

    def body() -> tuple[dict[str, Any], Path]:
        from flows.commands.generate import generate_command

        home = workspace_of(ctx, workspace)
        demo_home = home / "demo"
        if demo_home.exists():
            shutil.rmtree(demo_home)
        data = demo_home / "data"
        data.mkdir(parents=True)
        orders, labels, listed = (
            data / "orders.csv",
            data / "labels.csv",
            data / "restricted_parties.csv",
        )
        console.print(f"generating {rows} synthetic order lines (seed {seed}) ...")
        generate_command(rows=rows, seed=seed, out=orders, labels=labels, watchlist_out=listed)
        console.print("screening them (Prefect starts a temporary local server first) ...")
        out_dir = demo_home / "run"
        # the cases go to the workspace's own case store, where `redflag cases` and
        # `redflag review` on the same workspace find them
        summary = execute_run([orders], home, [listed], None, out_dir)
        return summary, out_dir

    summary, out_dir = run_guarded(body)
    print_summary(summary)
    print_top_cases(out_dir)


@app.command("serve")
def serve_command(
    ctx: typer.Context,
    transactions: Annotated[
        list[str],
        typer.Option(
            "--transactions",
            "-t",
            help="Order file(s) or glob pattern(s) read at each scheduled run, e.g. 'inbox/orders-*.csv'.",
        ),
    ],
    cron: Annotated[
        str, typer.Option("--cron", help="Cron schedule of the daily run.")
    ] = "0 6 * * *",
    timezone: Annotated[
        str, typer.Option("--timezone", help="Time zone of the schedule (IANA name).")
    ] = "UTC",
    watchlist: Annotated[
        list[str] | None, typer.Option("--watchlist", "-w", help="List file(s) to screen against.")
    ] = None,
    config: Annotated[
        str | None, typer.Option("--config", help="YAML merged over configs/pipeline.yaml.")
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Deployment name.")] = "daily",
    workspace: WorkspaceOption = None,
) -> None:
    """Serve the daily screening deployment on a cron schedule (needs a running Prefect server)."""
    from flows.deployment import serve_daily

    run_guarded(
        lambda: serve_daily(
            transactions, workspace_of(ctx, workspace), cron, timezone, watchlist, config, name
        )
    )
