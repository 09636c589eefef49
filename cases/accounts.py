"""The accounts of a case store, as the review app and the command line use them: each
change in one transaction with its entry in the account log (`cases.audit`).

`authenticate` costs the same for an unknown, a disabled and a real account (a dummy
argon2id verification stands in), says only "no" on failure, and replaces an older hash
(scrypt, or argon2id with weaker parameters) after a successful login.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine

from cases import credentials as cred
from cases import users
from cases.audit import append_auth_event
from cases.passwords import check_new_password, hash_password, verify_dummy, verify_password
from cases.users import Account, AccountError, normalise_user_name

TOKEN_DAYS = 30
MAX_PASSWORD_INPUT = 1024  # a longer one is refused without hashing it
KEEP_ENDED_SESSIONS = timedelta(days=7)


def _now() -> datetime:
    from cases.store import utc_now

    return utc_now()


@dataclass(frozen=True)
class Actor:
    """Who acts, as authenticated: the account's stored name and its current role."""

    name: str
    role: str

    @property
    def can_approve(self) -> bool:
        return self.role in ("reviewer", "admin")


class Accounts:
    """Accounts, sessions and tokens of one case store."""

    def __init__(self, engine: Engine, limits: cred.SessionLimits | None = None) -> None:
        self.engine = engine
        self.limits = limits or cred.SessionLimits()

    # ---- reading ------------------------------------------------------------------------

    def get(self, name: str) -> Account | None:
        with self.engine.connect() as conn:
            return users.get_account(conn, name)

    def active(self, name: str) -> Account | None:
        """The account under `name` when it exists and is enabled."""
        account = self.get(name)
        return account if account and account.enabled else None

    def list(self) -> list[Account]:
        with self.engine.connect() as conn:
            return users.list_accounts(conn)

    def clashes(self) -> builtins.list[Account]:
        """Accounts disabled because their names clashed once normalised."""
        return [a for a in self.list() if (a.disabled_reason or "").startswith("name clash")]

    def has_admin(self) -> bool:
        return any(a.role == "admin" and a.enabled for a in self.list())

    # ---- changes ----------------------------------------------------------------------------

    def add(self, name: str, role: str, password: str, by: str = "system") -> str:
        with self.engine.begin() as conn:
            key = users.add_user(conn, name, role, password, _now())
            append_auth_event(conn, "user_added", by, _now(), subject=key,
                              details={"role": role})  # fmt: skip
        return key

    def set_password(self, name: str, password: str, by: str) -> None:
        """A new password; every session and token of the account ends."""
        key = self._existing(name).name
        check_new_password(password, key)
        now = _now()
        with self.engine.begin() as conn:
            users.store_password_hash(conn, key, hash_password(password), now)
            ended = cred.end_user_sessions(conn, key, "password changed", now)
            revoked = cred.revoke_tokens(conn, key, now)
            append_auth_event(conn, "password_changed", by, now, subject=key,
                              details={"sessions_ended": ended, "tokens_revoked": revoked})  # fmt: skip

    def disable(self, name: str, by: str, reason: str = "disabled by an admin") -> None:
        """Disable an account: its sessions end and its tokens are revoked at once."""
        key = self._existing(name).name
        now = _now()
        with self.engine.begin() as conn:
            users.set_disabled(conn, key, now, reason)
            ended = cred.end_user_sessions(conn, key, "user disabled", now)
            revoked = cred.revoke_tokens(conn, key, now)
            append_auth_event(conn, "user_disabled", by, now, subject=key,
                              details={"reason": reason, "sessions_ended": ended,
                                       "tokens_revoked": revoked})  # fmt: skip

    def enable(self, name: str, by: str) -> str:
        """Enable a disabled account. An account left with an older, unnormalised name (a
        clash) takes the normalised name, unless another account holds it."""
        from cases import tables as t

        key = normalise_user_name(name)
        now = _now()
        with self.engine.begin() as conn:
            exact = conn.execute(t.users.select().where(t.users.c.name == name)).first()
            holder = users.get_account(conn, name)
            if exact is not None and name != key:
                if holder is not None:
                    raise AccountError(f"the name {key!r} belongs to another account; "
                                       f"{name!r} stays disabled")  # fmt: skip
                conn.execute(t.users.update().where(t.users.c.name == name).values(name=key))
            elif holder is None:
                raise AccountError(f"no user {key!r}")
            users.set_disabled(conn, key, None, None)
            append_auth_event(conn, "user_enabled", by, now, subject=key)
        return key

    def _existing(self, name: str) -> Account:
        account = self.get(name)
        if account is None:
            raise AccountError(f"no user {normalise_user_name(name)!r}")
        return account

    # ---- authentication ---------------------------------------------------------------------

    def authenticate(self, name: str, password: str, client: str, via: str) -> Actor | None:
        """The account's actor when the name and password are right and it is enabled."""
        key = normalise_user_name(name)
        too_long = len(name) > users.MAX_NAME_INPUT or len(key) > users.MAX_NAME
        with self.engine.connect() as conn:
            account = None if too_long else users.get_account(conn, key)
            stored = users.password_hash_of(conn, account.name) if account else None
        if stored is None or len(password) > MAX_PASSWORD_INPUT:
            verify_dummy(password[:MAX_PASSWORD_INPUT])
            self._failed(key, client, via, "password too long" if stored else "unknown account")
            return None
        assert account is not None  # a stored hash belongs to an account
        checked = verify_password(password, stored)
        if not checked.ok or not account.enabled:
            self._failed(key, client, via, "wrong password" if not checked.ok else "disabled")
            return None
        with self.engine.begin() as conn:
            if checked.needs_rehash:
                users.store_password_hash(conn, account.name, hash_password(password), _now())
            append_auth_event(conn, "login", account.name, _now(), client=client,
                              details={"via": via, "rehashed": checked.needs_rehash})  # fmt: skip
        return Actor(account.name, account.role)

    def _failed(self, key: str, client: str, via: str, reason: str) -> None:
        name = key[: users.MAX_NAME]
        details: dict[str, Any] = {"via": via, "reason": reason}
        if len(key) > users.MAX_NAME:
            details["name_length"] = len(key)
        self.record("login_failed", name or "(empty)", client, details)

    def record(self, event: str, actor: str, client: str | None = None,
               details: dict[str, Any] | None = None, subject: str | None = None) -> None:  # fmt: skip
        """One entry of the account log."""
        with self.engine.begin() as conn:
            append_auth_event(conn, event, actor, _now(), subject, client, details)

    def authenticate_token(self, token: str, client: str) -> Actor | None:
        now = _now()
        with self.engine.begin() as conn:
            owner = cred.token_user(conn, token, now)
            account = users.get_account(conn, owner) if owner else None
        if account is None or not account.enabled:
            self.record("token_refused", account.name if account else "(unknown token)",
                        client, {"via": "cli"})  # fmt: skip
            return None
        return Actor(account.name, account.role)

    def issue_token(self, actor: Actor, days: int = TOKEN_DAYS) -> str:
        if not 1 <= days <= 366:
            raise AccountError("a token lasts 1 to 366 days")
        now = _now()
        with self.engine.begin() as conn:
            token_id, token = cred.issue_token(conn, actor.name, now, days)
            append_auth_event(conn, "token_issued", actor.name, now, subject=actor.name,
                              details={"token_id": token_id, "days": days})  # fmt: skip
        return token

    # ---- review app sessions ----------------------------------------------------------------

    def start_session(self, sid: str, actor: Actor, client: str) -> None:
        now = _now()
        with self.engine.begin() as conn:
            cred.forget_old_sessions(conn, now - KEEP_ENDED_SESSIONS)
            cred.start_session(conn, sid, actor.name, now, self.limits, client)

    def session_actor(self, sid: str) -> Actor | None:
        """The actor of a live session whose account is still enabled, else None."""
        with self.engine.begin() as conn:
            name = cred.session_user(conn, sid, _now(), self.limits)
            account = users.get_account(conn, name) if name else None
        if account is None or not account.enabled:
            return None
        return Actor(account.name, account.role)

    def end_session(self, sid: str, client: str) -> None:
        now = _now()
        with self.engine.begin() as conn:
            user = cred.end_session(conn, sid, "logout", now)
            if user:
                append_auth_event(conn, "logout", user, now, client=client)
