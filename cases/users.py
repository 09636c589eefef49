"""Accounts of the review app: name, role and a scrypt password hash, in the case store."""

from __future__ import annotations

import hashlib
import hmac
import os
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cases import tables as t

USER_ROLES: tuple[str, ...] = ("analyst", "reviewer", "admin")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    scheme, n, r, p, salt, digest = stored.split("$")
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(
        password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
    )
    return hmac.compare_digest(candidate.hex(), digest)


def add_user(conn: Connection, name: str, role: str, password: str, at: datetime) -> None:
    if role not in USER_ROLES:
        raise ValueError(f"unknown role {role!r}; use one of {', '.join(USER_ROLES)}")
    if not name.strip() or not password:
        raise ValueError("a user needs a name and a password")
    if conn.execute(sa.select(t.users.c.name).where(t.users.c.name == name)).first():
        raise ValueError(f"user {name!r} already exists")
    conn.execute(
        t.users.insert().values(
            name=name, role=role, password_hash=hash_password(password), created_at=at
        )
    )


def check_password(conn: Connection, name: str, password: str) -> str | None:
    """The user's role when the password is right, else None."""
    row = conn.execute(sa.select(t.users).where(t.users.c.name == name)).first()
    if row is None or not verify_password(password, row.password_hash):
        return None
    return row.role
