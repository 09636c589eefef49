"""`redflag users …` (accounts) and how every command that acts on the case store proves
who runs it.

A command that changes a case or an account acts as an account: the user named by
`--user` (else `$REDFLAG_USER`, else the login name), authenticated by a token from
`redflag users token NAME` (`--token`, or `$REDFLAG_TOKEN`) or by the user's password, read
from stdin when stdin is not a terminal (one line per secret) and prompted otherwise.
Account administration, and switching the live model or watchlist (`models activate`,
`watchlist activate/deactivate`), needs an admin (`admin_or_system`); a store without an
enabled admin takes its first admin without one, and acts as "system" meanwhile.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cases.accounts import Actor
from cases.passwords import PasswordRejected, check_new_password
from cases.store import USER_ROLES, CaseStore
from cases.users import AccountError, normalise_user_name, shown_name

app = typer.Typer(help="Accounts for the review app and the command line.", no_args_is_help=True)

UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        envvar="REDFLAG_USER",
        help="Acting user, recorded in the audit trail (default: $REDFLAG_USER, else $USER).",
    ),
]
TokenOption = Annotated[
    str | None,
    typer.Option(
        "--token",
        envvar="REDFLAG_TOKEN",
        help="The acting user's token from `redflag users token NAME` (default: "
        "$REDFLAG_TOKEN); without one the password is read from stdin or prompted.",
    ),
]
ReasonOption = Annotated[str | None, typer.Option("--reason", help="Why, for the audit trail.")]


def fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"redflag: error: {message}", err=True)
    return typer.Exit(code)


def read_secret(prompt: str) -> str:
    """One line of stdin when it is not a terminal, else a prompt without echo."""
    if sys.stdin is None or sys.stdin.closed:
        raise fail(f"{prompt.rstrip(': ').lower()} expected on stdin, but there is no stdin")
    if not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise fail(f"{prompt.rstrip(': ').lower()} expected on stdin (one line), got none")
        return line.rstrip("\r\n")
    return getpass.getpass(prompt)


def read_new_password(name: str) -> str:
    """A new password: one line of stdin, or prompted twice; checked against the rule."""
    if sys.stdin is not None and not sys.stdin.closed and sys.stdin.isatty():
        first = getpass.getpass(f"New password for {name}: ")
        if getpass.getpass("Again: ") != first:
            raise fail("the two passwords differ; nothing was changed")
    else:
        first = read_secret("New password: ")
    try:
        check_new_password(first, name)
    except PasswordRejected as error:
        raise fail(str(error)) from None
    return first


def cli_client() -> str:
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = "?"
    return f"cli:{login}"[:64]


def acting_name(user: str | None) -> str:
    name = user or os.environ.get("USER") or os.environ.get("USERNAME")
    if not name:
        raise fail("no acting user: pass --user NAME or set REDFLAG_USER")
    return name


def authenticate(store: CaseStore, user: str | None, token: str | None) -> Actor:
    """The acting user, authenticated by token or password; exit 2 on failure."""
    if token:
        actor = store.accounts.authenticate_token(token.strip(), cli_client())
        if actor is None:
            raise fail("the token is unknown, expired or revoked, or its account is disabled")
        if user and normalise_user_name(user) != actor.name:
            raise fail(f"the token belongs to {actor.name}, not to {shown_name(user)}")
        return actor
    name = acting_name(user)
    password = read_secret(f"Password for {normalise_user_name(name)[:64]}: ")
    actor = store.accounts.authenticate(name, password, cli_client(), via="cli")
    if actor is None:
        raise fail(f"cannot authenticate {shown_name(name)}: unknown or disabled account, "
                   "or wrong password")  # fmt: skip
    return actor


def require_role(actor: Actor, roles: tuple[str, ...], what: str) -> None:
    if actor.role not in roles:
        raise fail(f"{actor.name} is {actor.role}; {what} needs {' or '.join(roles)}")


def _admin(store: CaseStore, user: str | None, token: str | None, what: str) -> Actor:
    actor = authenticate(store, user, token)
    require_role(actor, ("admin",), what)
    return actor


def admin_or_system(
    store: CaseStore, user: str | None, token: str | None, what: str, meanwhile: str | None
) -> str:
    """Who does an admin's job: an authenticated admin once the store has an enabled one
    (else exit 2); before that "system", with a warning saying `meanwhile` (what happens
    without a login until the first admin is added) unless it is None."""
    if store.accounts.has_admin():
        return _admin(store, user, token, what).name
    if meanwhile is not None:
        typer.echo(f"redflag: warning: no admin account yet: {meanwhile} until the first "
                   "admin is added", err=True)  # fmt: skip
    return "system"


def recorded_actor(store: CaseStore, user: str | None, token: str | None) -> str:
    """Who makes a change that Contract 2 lets any operator make (`watchlist add/update`,
    `rescreen`, `train`): not gated, but recorded. With `--token`, its account; with
    `--user` once the store has an admin, that account after its password; else "system"
    (the client column of the entry still names the login)."""
    if token or (user and store.accounts.has_admin()):
        return authenticate(store, user, token).name
    return "system"


def _guarded(action: Callable[[], object]) -> object:
    try:
        return action()
    except (AccountError, PasswordRejected) as error:
        raise fail(str(error)) from None


def users_add(
    store: CaseStore, name: str, role: str, user: str | None = None, token: str | None = None,
    password: str | None = None,
) -> str:  # fmt: skip
    """Add an account; an admin adds it, or anyone who can open the store while it has no
    admin yet."""
    if role not in USER_ROLES:
        raise fail(f"--role must be one of {', '.join(USER_ROLES)} (got {role!r})")
    # Contract 2's `users add NAME --role ROLE` keeps working on a store set up before
    # accounts had an admin: until the first admin exists, whoever can open the store adds
    # accounts; from then on only an admin does.
    by = admin_or_system(store, user, token, "adding an account",
                         "accounts are added without a login")  # fmt: skip
    if password is None:
        password = read_new_password(normalise_user_name(name))
    key = _guarded(lambda: store.accounts.add(name, role, password, by))
    typer.echo(f"user {key} added as {role}", err=True)
    return str(key)


def users_list(store: CaseStore) -> None:
    accounts = store.accounts.list()
    table = Table(title=f"{len(accounts)} account(s)")
    for column in ("name", "role", "state", "created (UTC)", "password changed (UTC)"):
        table.add_column(column)
    for a in accounts:
        state = "enabled" if a.enabled else f"disabled: {a.disabled_reason or ''}"
        when = [d.strftime("%Y-%m-%d %H:%M") if d else "" for d in (a.created_at,
                                                                     a.password_changed_at)]  # fmt: skip
        table.add_row(*map(Text, (a.name, a.role, state, *when)))
    Console().print(table)
    for clash in store.accounts.clashes():
        typer.echo(f"redflag: warning: account {clash.name!r}: {clash.disabled_reason}", err=True)


def users_disable(
    store: CaseStore, name: str, reason: str, user: str | None, token: str | None
) -> None:
    actor = _admin(store, user, token, "disabling an account")
    target = store.accounts.get(name)
    if target and target.role == "admin" and target.enabled:
        admins = [a for a in store.accounts.list() if a.role == "admin" and a.enabled]
        if len(admins) == 1:
            raise fail(f"{target.name} is the last enabled admin; add another admin first")
    _guarded(lambda: store.accounts.disable(name, actor.name, reason))
    typer.echo(f"user {normalise_user_name(name)} disabled; their sessions and tokens ended",
               err=True)  # fmt: skip


def users_enable(store: CaseStore, name: str, user: str | None, token: str | None) -> None:
    actor = _admin(store, user, token, "enabling an account")
    key = _guarded(lambda: store.accounts.enable(name, actor.name))
    typer.echo(f"user {key} enabled", err=True)


def users_passwd(store: CaseStore, name: str, user: str | None, token: str | None) -> None:
    """Your own password (the current one is asked), or, for an admin, anyone's."""
    target = store.accounts.get(name)
    own = user is None or normalise_user_name(user) == normalise_user_name(name)
    if own:
        password = read_secret(f"Current password for {normalise_user_name(name)[:64]}: ")
        actor = store.accounts.authenticate(name, password, cli_client(), via="cli")
        if actor is None:
            raise fail(f"cannot authenticate {shown_name(name)}: unknown or disabled account, "
                       "or wrong password")  # fmt: skip
        whose = actor.name
    else:
        actor = _admin(store, user, token, "changing another user's password")
        if target is None:
            raise fail(f"no user {normalise_user_name(name)!r}")
        whose = target.name
    new = read_new_password(whose)
    _guarded(lambda: store.accounts.set_password(name, new, actor.name))
    typer.echo(f"password of {normalise_user_name(name)} changed; their sessions and tokens "
               "ended", err=True)  # fmt: skip


def users_token(store: CaseStore, name: str, days: int) -> None:
    """A token for your own account, after your password; printed once on stdout."""
    password = read_secret(f"Password for {normalise_user_name(name)[:64]}: ")
    actor = store.accounts.authenticate(name, password, cli_client(), via="cli")
    if actor is None:
        raise fail(f"cannot authenticate {shown_name(name)}: unknown or disabled account, "
                   "or wrong password")  # fmt: skip
    token = _guarded(lambda: store.accounts.issue_token(actor, days))
    typer.echo(str(token))
    typer.echo(f"redflag: token for {actor.name}, valid {days} days; keep it secret "
               "(export REDFLAG_TOKEN=…)", err=True)  # fmt: skip


# ---- the commands ------------------------------------------------------------------------


def open_store(ctx: typer.Context) -> CaseStore:
    return open_store_at(ctx.obj["case_store_url"])


def open_store_at(url: str) -> CaseStore:
    """The case store at `url`; a database that cannot be opened exits 1 with one line."""
    from sqlalchemy.exc import SQLAlchemyError

    from cases.policy import load_case_policy

    try:
        return CaseStore(url, load_case_policy())
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise fail(f"cannot open the case store: {reason}", 1) from None


NameArgument = Annotated[str, typer.Argument(help="User name (compared case-folded, NFKC).")]


@app.command("add")
def add_command(
    ctx: typer.Context,
    name: NameArgument,
    role: Annotated[str, typer.Option("--role", help="analyst, reviewer or admin.")],
    user: UserOption = None,
    token: TokenOption = None,
) -> None:
    """Add an account (an admin's job; the first admin needs none). The new password is
    read from stdin when it is not a terminal (after the admin's, when no token is given),
    else prompted."""
    store = open_store(ctx)
    try:
        users_add(store, name, role, user, token)
    finally:
        store.close()


@app.command("list")
def list_command(ctx: typer.Context) -> None:
    """Every account with its role and whether it is enabled."""
    store = open_store(ctx)
    try:
        users_list(store)
    finally:
        store.close()


@app.command("disable")
def disable_command(
    ctx: typer.Context,
    name: NameArgument,
    reason: Annotated[str, typer.Option(help="Why, for the audit trail.")] = "disabled by an admin",
    user: UserOption = None,
    token: TokenOption = None,
) -> None:
    """Disable an account (admin): its sessions end and its tokens stop working at once."""
    store = open_store(ctx)
    try:
        users_disable(store, name, reason, user, token)
    finally:
        store.close()


@app.command("enable")
def enable_command(
    ctx: typer.Context, name: NameArgument, user: UserOption = None, token: TokenOption = None
) -> None:
    """Enable a disabled account again (admin)."""
    store = open_store(ctx)
    try:
        users_enable(store, name, user, token)
    finally:
        store.close()


@app.command("passwd")
def passwd_command(
    ctx: typer.Context, name: NameArgument, user: UserOption = None, token: TokenOption = None
) -> None:
    """Change a password: your own (current password, then the new one), or as an admin
    (`--user ADMIN`) another user's. Every session and token of the account ends."""
    store = open_store(ctx)
    try:
        users_passwd(store, name, user, token)
    finally:
        store.close()


@app.command("token")
def token_command(
    ctx: typer.Context,
    name: NameArgument,
    days: Annotated[int, typer.Option(help="Days the token stays valid (1-366).")] = 30,
) -> None:
    """Issue a command-line token for your own account (after your password); it is
    printed once. Pass it as --token or REDFLAG_TOKEN."""
    store = open_store(ctx)
    try:
        users_token(store, name, days)
    finally:
        store.close()
