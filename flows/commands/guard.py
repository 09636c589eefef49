"""What every command module shares: the `--workspace` option, and the guard that turns
a failure into one line on stderr and an exit code (docs/ARCHITECTURE.md, "Errors").

Exit codes: 0 success, 2 bad usage or bad input, 1 internal failure.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer

from flows.errors import RedflagError, first_line

Result = TypeVar("Result")

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


def fail(message: str, code: int = 2) -> NoReturn:
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


def workspace_of(ctx: typer.Context, override: Path | None = None) -> Path:
    """The workspace of a command: its own `--workspace`, else the main option's."""
    return override or ctx.obj["workspace"]


def run_guarded(action: Callable[[], Result]) -> Result:
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
