"""The `redflag` command line (Contract 2 in docs/ARCHITECTURE.md): the main options, and
the command modules of `flows/commands/` mounted on one Typer app. Nothing else imports
this module or the command modules.

Exit codes: 0 success, 2 bad usage or bad input, 1 internal failure — each failure with
one clear line on stderr (`flows.commands.guard`). Heavy imports (Prefect, the matcher)
happen inside commands so that `redflag --help` is instant.
"""

from __future__ import annotations

import os
import sys

import typer

from flows.commands import accounts as account_commands
from flows.commands import audit as audit_commands
from flows.commands import cases as case_commands
from flows.commands import evaluate as evaluate_commands
from flows.commands import generate as generate_commands
from flows.commands import names as name_commands
from flows.commands import pipeline as pipeline_commands
from flows.commands import policy as policy_commands
from flows.commands import rescreen as rescreen_commands
from flows.commands import review as review_commands
from flows.commands import rules as rule_commands
from flows.commands import training as training_commands
from flows.commands import watchlist as watchlist_commands
from flows.commands.guard import (
    UsageFailure,
    WorkspaceOption,
    fail,
    quiet_prefect,
    run_guarded,
    workspace_of,
)
from flows.logs import configure_logging
from flows.settings import default_workspace

__all__ = [
    "UsageFailure", "WorkspaceOption", "app", "fail", "main", "quiet_prefect", "run_guarded",
    "workspace_of",
]  # fmt: skip

app = typer.Typer(
    name="redflag",
    help="Screen advanced AI chip orders for diversion red flags and open case files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main_options(ctx: typer.Context, workspace: WorkspaceOption = None) -> None:
    ws = workspace or default_workspace()
    from flows.settings import Workspace

    ctx.obj = {"workspace": ws, "case_store_url": Workspace(ws).case_store_url}


# Each command module exports its own Typer app; they are mounted here, in the order
# `redflag --help` lists them: the top-level commands, then the command groups.
for commands in (pipeline_commands, rescreen_commands, name_commands, training_commands,
                 generate_commands, evaluate_commands, review_commands):  # fmt: skip
    app.add_typer(commands.app)
app.add_typer(training_commands.models_app, name="models")
app.add_typer(account_commands.app, name="users")
app.add_typer(audit_commands.app, name="audit")
app.add_typer(watchlist_commands.app, name="watchlist")
app.add_typer(case_commands.app, name="cases")
app.add_typer(rule_commands.app, name="rules")
app.add_typer(policy_commands.app, name="policy")


MULTI_VALUE_OPTIONS = frozenset({"--transactions", "-t", "--watchlist", "-w"})


def expand_multi_value_options(argv: list[str]) -> list[str]:
    """Accept Contract 2's `--watchlist FILE…` form (several values after one flag) besides
    repeating the flag: `--watchlist a.csv b.csv` becomes `--watchlist a.csv --watchlist b.csv`."""
    expanded: list[str] = []
    option: str | None = None
    values = 0
    for token in argv:
        if token in MULTI_VALUE_OPTIONS:
            option, values = token, 0
            expanded.append(token)
        elif option and not token.startswith("-"):
            expanded.extend([token] if values == 0 else [option, token])
            values += 1
        else:
            option = None
            expanded.append(token)
    return expanded


def hoist_workspace(argv: list[str]) -> list[str]:
    """Every command takes `--workspace DIR` (Contract 2), before or after its name: the
    option is moved in front of the command, where the main callback reads it."""
    hoisted: list[str] = []
    rest: list[str] = []
    tokens = iter(argv)
    for token in tokens:
        if token == "--workspace":
            hoisted += [token, next(tokens, "")]
        elif token.startswith("--workspace="):
            hoisted.append(token)
        else:
            rest.append(token)
    return hoisted + rest


def main() -> None:
    os.umask(0o077)  # what redflag writes (case store, runs, snapshots) is the owner's alone
    configure_logging()
    try:
        argv = hoist_workspace(expand_multi_value_options(sys.argv[1:]))
        app(args=argv, prog_name="redflag")
    except KeyboardInterrupt:
        typer.echo("redflag: interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()
