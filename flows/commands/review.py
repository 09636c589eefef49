"""`redflag review`: the investigators' web app, served by uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from cases.policy import load_case_policy
from cases.store import CaseStore
from flows.commands.accounts import fail

app = typer.Typer()


def _open_store(store_url: str) -> CaseStore:
    try:
        return CaseStore(store_url, load_case_policy())
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise fail(f"cannot open the case store: {reason}", 1) from None


def server_config(app, host: str, port: int, forwarded_allow_ips: str | None = None):
    """uvicorn's settings for the review app. Proxy headers are read only from the
    trusted proxies named in `forwarded_allow_ips`: from anyone else a client could pick
    its own address for the login throttle, or claim HTTPS."""
    import uvicorn

    trusted = [ip.strip() for ip in (forwarded_allow_ips or "").split(",") if ip.strip()]
    return uvicorn.Config(
        app, host=host, port=port, log_level="warning", server_header=False,
        proxy_headers=bool(trusted), forwarded_allow_ips=trusted or None,
        h11_max_incomplete_event_size=16 * 1024, limit_concurrency=200, lifespan="off",
    )  # fmt: skip


def review_command(
    workspace: Path,
    store_url: str,
    host: str = "127.0.0.1",
    port: int = 8080,
    forwarded_allow_ips: str | None = None,
) -> None:
    """Serve the review app from the workspace's case store until interrupted."""
    import uvicorn

    from cases.webapp import create_app, workspace_secret

    if not 0 < port < 65536:
        raise fail(f"--port must be between 1 and 65535 (got {port})")
    store = _open_store(store_url)
    for clash in store.accounts.clashes():
        typer.echo(f"redflag review: warning: account {clash.name!r} is disabled: "
                   f"{clash.disabled_reason}", err=True)  # fmt: skip
    web_app = create_app(store, workspace_secret(workspace), store.policy,
                         attachments=Path(workspace) / "attachments")  # fmt: skip
    typer.echo(f"redflag review: serving http://{host}:{port}/ (Ctrl+C stops it)", err=True)
    if host not in ("127.0.0.1", "localhost", "::1") and not forwarded_allow_ips:
        typer.echo("redflag review: put it behind an HTTPS proxy before others use it "
                   "(and name the proxy with --forwarded-allow-ips)", err=True)  # fmt: skip
    try:
        uvicorn.Server(server_config(web_app, host, port, forwarded_allow_ips)).run()
    finally:
        store.close()


def users_add(store_url: str, name: str, role: str, password: str | None = None,
              user: str | None = None, token: str | None = None) -> None:  # fmt: skip
    """Create an account (see `flows.commands.accounts.users_add`)."""
    from flows.commands.accounts import users_add as add

    store = _open_store(store_url)
    try:
        add(store, name, role, user, token, password)
    finally:
        store.close()


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
    review_command(ctx.obj["workspace"], ctx.obj["case_store_url"], host, port, forwarded_allow_ips)
