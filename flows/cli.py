"""The `redflag` command line (Contract 2 in docs/ARCHITECTURE.md).

Exit codes: 0 success, 2 bad usage or bad input, 1 internal failure — each failure with
one clear line on stderr. Heavy imports (Prefect, the matcher) happen inside commands so
that `redflag --help` is instant.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer

from flows.errors import RedflagError, first_line
from flows.logs import configure_logging
from flows.settings import default_workspace

app = typer.Typer(
    name="redflag",
    help="Screen advanced AI chip orders for diversion red flags and open case files.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        help="Folder for state that outlives a run (case store, watchlist snapshots, models, runs). "
        "Default: $REDFLAG_HOME, else ./redflag-workspace.",
    ),
]


class UsageFailure(RedflagError):
    """Bad usage or bad input: one line on stderr, exit 2."""


def fail(message: str, code: int = 2) -> None:
    typer.echo(f"redflag: error: {message}", err=True)
    raise typer.Exit(code)


def quiet_prefect() -> None:
    """Local, offline Prefect defaults for a command-line run."""
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # A failed task would otherwise print its traceback; we print one line instead.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")  # a local cluster's chatter


@app.callback()
def main_options(ctx: typer.Context, workspace: WorkspaceOption = None) -> None:
    ws = workspace or default_workspace()
    from flows.settings import Workspace

    ctx.obj = {"workspace": ws, "case_store_url": Workspace(ws).case_store_url}


def workspace_of(ctx: typer.Context, override: Path | None = None) -> Path:
    return override or ctx.obj["workspace"]


def run_guarded(action):
    """Run a command body, turning known failures into one-line errors and exit codes.

    A `RedflagError` (bad input or config: 2; a stale cache, a run that could not be
    carried out: 1) exits with its kind's code; a file the user named that is missing,
    unreadable or a folder exits 2; anything else is an internal failure (exit 1), so a
    bug is never reported as bad input (docs/ARCHITECTURE.md, "Errors").
    """
    try:
        return action()
    except typer.Exit:
        raise
    except RedflagError as error:
        fail(first_line(error), error.exit_code)
    except (FileNotFoundError, PermissionError, IsADirectoryError) as error:
        fail(first_line(error), 2)
    except Exception as error:  # an internal failure: one line, details only on request
        if os.environ.get("REDFLAG_DEBUG"):
            traceback.print_exc()
        from flows.run_guard import store_outage

        if outage := store_outage(error):
            fail(outage, 1)
        fail(
            f"internal failure: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''} "
            "(set REDFLAG_DEBUG=1 for the traceback)",
            1,
        )


# Commands live in their own modules under flows/commands/.
from flows.commands import accounts as account_commands  # noqa: E402
from flows.commands import audit as audit_commands  # noqa: E402
from flows.commands import cases as case_commands  # noqa: E402
from flows.commands import pipeline, training  # noqa: E402,F401  (they register their commands)
from flows.commands import policy as policy_commands  # noqa: E402
from flows.commands import rules as rule_commands  # noqa: E402
from flows.commands import watchlist as watchlist_commands  # noqa: E402
from flows.commands.evaluate import evaluate_cli  # noqa: E402
from flows.commands.generate import generate_cli  # noqa: E402

app.add_typer(account_commands.app, name="users")
app.add_typer(audit_commands.app, name="audit")
app.add_typer(watchlist_commands.app, name="watchlist")
app.add_typer(case_commands.app, name="cases")
app.add_typer(rule_commands.app, name="rules")
app.add_typer(policy_commands.app, name="policy")
app.command("generate")(generate_cli)
app.command("evaluate")(evaluate_cli)


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


@app.command("review")
def review(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8080,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            "--forwarded-allow-ips",
            help="Comma-separated addresses of trusted reverse proxies (or '*'): their "
            "X-Forwarded-For and X-Forwarded-Proto headers give the client's address (for "
            "the login throttle and the audit trail) and scheme (HTTPS: Secure cookies and "
            "HSTS). Default: trust no proxy.",
        ),
    ] = None,
) -> None:
    """The investigators' web app: the queue, case pages, decisions, runs and a dashboard."""
    from flows.commands.review import review_command

    review_command(ctx.obj["workspace"], ctx.obj["case_store_url"], host, port, forwarded_allow_ips)


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
    # `python -m flows.cli` runs this file as `__main__`, a module apart from `flows.cli`,
    # on whose `app` the command modules register their commands: run that one.
    from flows.cli import main as cli_main

    cli_main()
