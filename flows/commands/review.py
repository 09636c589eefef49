"""`redflag review` (the investigators' web app) and `redflag users add` (its accounts)."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import typer
from sqlalchemy.exc import SQLAlchemyError

from cases.policy import load_case_policy
from cases.store import USER_ROLES, CaseStore

MIN_PASSWORD = 8


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"redflag: error: {message}", err=True)
    return typer.Exit(code)


def _open_store(store_url: str) -> CaseStore:
    try:
        return CaseStore(store_url, load_case_policy())
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise _fail(f"cannot open the case store: {reason}", 1) from None


def review_command(
    workspace: Path, store_url: str, host: str = "127.0.0.1", port: int = 8080
) -> None:
    """Serve the review app from the workspace's case store until interrupted."""
    import uvicorn

    from cases.webapp import create_app, workspace_secret

    if not 0 < port < 65536:
        raise _fail(f"--port must be between 1 and 65535 (got {port})", 2)
    store = _open_store(store_url)
    app = create_app(store, workspace_secret(workspace), store.policy)
    typer.echo(f"redflag review: serving http://{host}:{port}/ (Ctrl+C stops it)", err=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo("redflag review: put it behind an HTTPS proxy before others use it", err=True)
    try:
        # proxy_headers off: a client must not pick its own address for the login throttle
        uvicorn.run(
            app, host=host, port=port, log_level="warning", server_header=False,
            proxy_headers=False,
        )  # fmt: skip
    finally:
        store.close()


def read_new_password() -> str:
    """From stdin when it is not a terminal (one line), else prompted twice."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise _fail("the two passwords differ; nothing was changed", 2)
    return first


def users_add(store_url: str, name: str, role: str, password: str | None = None) -> None:
    """Create a review app account (`role`: analyst, reviewer or admin)."""
    if role not in USER_ROLES:
        raise _fail(f"--role must be one of {', '.join(USER_ROLES)} (got {role!r})", 2)
    if not name.strip():
        raise _fail("a user needs a name", 2)
    secret = read_new_password() if password is None else password
    if len(secret) < MIN_PASSWORD:
        raise _fail(f"the password needs at least {MIN_PASSWORD} characters", 2)
    store = _open_store(store_url)
    try:
        store.add_user(name.strip(), role, secret)
    except ValueError as error:
        raise _fail(str(error), 2) from None
    finally:
        store.close()
    typer.echo(f"user {name.strip()} added as {role}", err=True)
