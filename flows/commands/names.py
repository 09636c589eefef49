"""`redflag screen-names` and `redflag match-pairs`: a list of names screened against the
restricted-party lists, and given name pairs scored by the matcher (the work itself is
`flows.commands.matching`, imported when a command runs)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from flows.commands.guard import WorkspaceOption, run_guarded, workspace_of

console = Console()
app = typer.Typer()  # `redflag screen-names`, `match-pairs`


@app.command("screen-names")
def screen_names_command(
    ctx: typer.Context,
    names: Annotated[
        Path,
        typer.Option(
            "--names", help="CSV with a `name` column; optional id, country, address, type."
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="CSV to write: one row per hit, or one empty row per name with none."
        ),
    ],
    watchlist: Annotated[
        list[Path] | None,
        typer.Option(
            "--watchlist",
            "-w",
            help="List file(s) or folder(s). Default: the workspace's active snapshot.",
        ),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Screen a list of names (a customer master file, say) against the restricted-party lists."""

    def body() -> None:
        from flows.commands.matching import screen_names
        from flows.screening import active_matcher
        from flows.settings import Workspace, load_pipeline_settings
        from watchlists import SnapshotStore

        ws = Workspace(workspace_of(ctx, workspace)).ensure()
        lists = [str(p) for p in watchlist] if watchlist else None
        matcher, snapshot = active_matcher(ws, lists, load_pipeline_settings())
        entries = SnapshotStore(ws.watchlists).entries(snapshot.id)
        screen_names(names, out, entries, matcher=matcher)
        console.print(f"screened against snapshot {snapshot.id} ({snapshot.label}); wrote {out}")
        from flows.run_guard import sample_list_warning

        warning = sample_list_warning({"label": snapshot.label})
        if warning:
            typer.echo(f"redflag: warning: {warning}", err=True)

    run_guarded(body)


@app.command("match-pairs")
def match_pairs_command(
    pairs: Annotated[
        Path,
        typer.Option("--pairs", help="CSV with name1, name2; optional schema, country1, country2."),
    ],
    out: Annotated[
        Path, typer.Option("--out", help="CSV to write: the input plus score (0-1) and match.")
    ],
) -> None:
    """Score name pairs with the matcher (for tuning and audits)."""
    from flows.commands.matching import match_pairs

    run_guarded(lambda: match_pairs(pairs, out))
    console.print(f"wrote {out}")
