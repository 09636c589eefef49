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
from flows.commands.rules import CONFIGS_DIR, PackError, load_pack
from flows.settings import load_pipeline_settings

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
