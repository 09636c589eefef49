"""What proves who someone is after the password: review app sessions and command-line
tokens, both kept in the case store so that logout, expiry and a disabled account hold
across a restart of `redflag review`.

Neither is stored in the clear: a session id and a token's secret are random (32 bytes)
and the store keeps their SHA-256, so a copy of the database gives no working session or
token. A token reads `rft_<id>_<secret>`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cases import tables as t

TOKEN_PREFIX = "rft_"
TOUCH_EVERY = timedelta(seconds=60)  # how often a session's last activity is written


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---- sessions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionLimits:
    """A session ends `absolute` after login, or after `idle` without a request."""

    absolute: timedelta = timedelta(hours=12)
    idle: timedelta = timedelta(minutes=30)


def start_session(
    conn: Connection, sid: str, user: str, at: datetime, limits: SessionLimits, client: str
) -> None:
    conn.execute(
        t.sessions.insert().values(
            session_hash=_sha256(sid), user_name=user, created_at=at, last_seen_at=at,
            expires_at=at + limits.absolute, client=client[:64],
        )
    )  # fmt: skip


def session_user(conn: Connection, sid: str, at: datetime, limits: SessionLimits) -> str | None:
    """The user of a live session (touching its last activity), else None; a session
    found expired or idle is ended with that reason."""
    s = t.sessions.c
    row = conn.execute(sa.select(t.sessions).where(s.session_hash == _sha256(sid))).first()
    if row is None or row.ended_at is not None:
        return None
    reason = (
        "expired"
        if at >= row.expires_at
        else "idle"
        if at - row.last_seen_at > limits.idle
        else None
    )
    if reason:
        end_session(conn, sid, reason, at)
        return None
    if at - row.last_seen_at >= TOUCH_EVERY:
        conn.execute(t.sessions.update().where(s.session_hash == row.session_hash)
                     .values(last_seen_at=at))  # fmt: skip
    user_name: str = row.user_name
    return user_name


def end_session(conn: Connection, sid: str, reason: str, at: datetime) -> str | None:
    """End one session; returns its user when it was live."""
    s = t.sessions.c
    key = _sha256(sid)
    user = conn.execute(
        sa.select(s.user_name).where(s.session_hash == key, s.ended_at.is_(None))
    ).scalar_one_or_none()
    conn.execute(t.sessions.update().where(s.session_hash == key, s.ended_at.is_(None))
                 .values(ended_at=at, ended_reason=reason))  # fmt: skip
    return user


def end_user_sessions(conn: Connection, user: str, reason: str, at: datetime) -> int:
    s = t.sessions.c
    return conn.execute(
        t.sessions.update()
        .where(s.user_name == user, s.ended_at.is_(None))
        .values(ended_at=at, ended_reason=reason)
    ).rowcount


def forget_old_sessions(conn: Connection, before: datetime) -> None:
    """Drop sessions that ended or expired before `before` (they prove nothing any more)."""
    s = t.sessions.c
    conn.execute(t.sessions.delete().where(sa.or_(s.ended_at < before, s.expires_at < before)))


# ---- command-line tokens -----------------------------------------------------------------


def issue_token(conn: Connection, user: str, at: datetime, days: int) -> tuple[str, str]:
    """A new token for `user`, valid `days` days: (token id, the token to hand over once)."""
    token_id, secret = secrets.token_hex(8), secrets.token_urlsafe(32)
    conn.execute(
        t.api_tokens.insert().values(
            token_id=token_id, user_name=user, secret_hash=_sha256(secret), created_at=at,
            expires_at=at + timedelta(days=days),
        )
    )  # fmt: skip
    return token_id, f"{TOKEN_PREFIX}{token_id}_{secret}"


def token_user(conn: Connection, token: str, at: datetime) -> str | None:
    """The user a live token belongs to, else None (malformed, unknown, expired, revoked)."""
    if not token.startswith(TOKEN_PREFIX) or token.count("_") < 2 or len(token) > 200:
        return None
    token_id, secret = token[len(TOKEN_PREFIX) :].split("_", 1)
    k = t.api_tokens.c
    row = conn.execute(sa.select(t.api_tokens).where(k.token_id == token_id)).first()
    expected = row.secret_hash if row else _sha256("no such token")
    matches = hmac.compare_digest(expected, _sha256(secret))
    if row is None or not matches or row.revoked_at is not None or at >= row.expires_at:
        return None
    conn.execute(t.api_tokens.update().where(k.token_id == token_id).values(last_used_at=at))
    user_name: str = row.user_name
    return user_name


def revoke_tokens(conn: Connection, user: str, at: datetime) -> int:
    k = t.api_tokens.c
    return conn.execute(
        t.api_tokens.update()
        .where(k.user_name == user, k.revoked_at.is_(None))
        .values(revoked_at=at)
    ).rowcount
