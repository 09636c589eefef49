"""`redflag policy list|backtest`: the dated layers of a policy pack, and a pack tried on
the transaction history without touching the case store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from detectors.rules import RulePack
from detectors.rules.loading import load_pack
from flows.errors import InputError, PackError
from flows.settings import CONFIGS_DIR, load_pipeline_settings

app = typer.Typer(help="Policy packs, their dated layers, and backtests.", no_args_is_help=True)

PackOption = Annotated[
    str,
    typer.Option("--pack", help="Policy pack name in configs/policy/ or a YAML file path."),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Pipeline settings merged over configs/pipeline.yaml "
        "(policy_layers: changes of a layer's dates).",
    ),  # fmt: skip
]


def pack_with_settings(pack: str | None, config: Path | None) -> RulePack:
    settings = load_pipeline_settings(config)
    try:
        return load_pack(
            CONFIGS_DIR,
            pack or settings.get("policy_pack", "default"),
            settings.get("policy_layers"),
        )
    except PackError as err:
        typer.echo(f"redflag: error: {err}", err=True)
        raise typer.Exit(2) from err


def policy_table(pack: RulePack, console: Console | None = None) -> Table:
    """Print (and return) the pack and its dated layers: dates, suspensions, rules, sources."""
    table = Table(title=escape(f"{pack.title} ({pack.version_label}, from {pack.effective_date})"))
    for column in ("layer", "in force", "suspended", "rules", "sources"):
        table.add_column(column)
    for layer in pack.layers:
        until = layer.effective_to.isoformat() if layer.effective_to else "open"
        suspended = "; ".join(
            f"{s.start.isoformat()} to {s.end.isoformat() if s.end else 'further notice'}"
            for s in layer.suspensions
        )
        table.add_row(
            escape(f"{layer.label}\n{layer.title}"),
            f"{layer.effective_from.isoformat()} to {until}",
            suspended or "-",
            ", ".join(layer.rule_ids) or "(data only)",
            escape("\n".join(f"{k}: {v}" for k, v in layer.sources.items())),
        )
    (console or Console()).print(table)
    return table


@app.command("list")
def list_command(pack: PackOption = "", config: ConfigOption = None) -> None:
    """Show the policy pack and its dated layers: in force from/to, suspensions, rules, sources."""
    policy_table(pack_with_settings(pack or None, config))


@app.command("backtest")
def backtest_command(
    ctx: typer.Context,
    pack: Annotated[
        str, typer.Option("--pack", help="Pack to test: a name in configs/policy/ or a YAML file.")
    ],
    since: Annotated[
        str | None, typer.Option("--since", help="Only orders from this date (ISO).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for backtest_summary.json and backtest.html."),
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Run a policy pack over the stored orders beside the pack in force; the case store is
    only read. Writes backtest_summary.json and backtest.html."""
    from datetime import date

    from flows.backtest import run_backtest
    from flows.commands.guard import run_guarded, workspace_of

    def action() -> None:
        settings = load_pipeline_settings(config)
        try:
            day = date.fromisoformat(since) if since else None
        except ValueError as err:
            raise InputError(f"--since {since!r}: not an ISO date (YYYY-MM-DD)") from err
        current = pack_with_settings(None, config)
        tested = pack_with_settings(pack, config)
        workspace = workspace_of(ctx)
        target = out or workspace / "backtests" / f"{tested.id}-{tested.version or 'unversioned'}"
        summary = run_backtest(workspace, current, tested, settings, day, target)
        typer.echo(
            f"{summary['orders']:,} orders: {summary['current']['pack']} -> {summary['tested']['pack']}: "
            f"{summary['cases_would_open']} case(s) would open, {summary['cases_would_close']} would close; "
            f"wrote {target / 'backtest_summary.json'} and {target / 'backtest.html'}"
        )

    run_guarded(action)
