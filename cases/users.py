"""Accounts of the review app and the command line: name, role, password hash, and
whether the account is disabled. Connection-level functions; `cases.accounts` wraps
them in transactions with their audit entries.

A user name is stored normalised (`normalise_user_name`: Unicode NFKC, case-folded,
invisible characters removed), so `Ana`, `ana` and `ana` with a zero-width space are one
name, and names are unique in that form. `system`, the name the pipeline acts under, is
reserved. A new name is 1 to 64 letters, digits and `. _ @ -`, starting with a letter or
digit.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from cases import tables as t
from cases.passwords import check_new_password, hash_password
from flows.errors import InputError

USER_ROLES: tuple[str, ...] = ("analyst", "reviewer", "admin")
RESERVED_NAMES = frozenset({"system"})
MAX_NAME = 64
MAX_NAME_INPUT = 256  # longer input is refused before any other work
_NAME = re.compile(r"[^\W_][\w.@-]*")
# characters that render as nothing besides the format (Cf) and control (Cc) categories
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u3164\uffa0\u2800")
log = logging.getLogger(__name__)


class AccountError(InputError):
    """A refused account change (bad name, role or password; unknown or duplicate user)."""


def _invisible(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.category(char) in ("Cf", "Cc", "Co", "Cs")
        or char in _INVISIBLE
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
    )


def normalise_user_name(raw: str) -> str:
    """The form names are stored and compared in: NFKC, case-folded, without invisible
    characters or surrounding spaces."""
    text = unicodedata.normalize("NFKC", raw[:MAX_NAME_INPUT])
    text = "".join(char for char in text if not _invisible(char))
    return unicodedata.normalize("NFKC", text.casefold()).strip()


def has_invisible(raw: str) -> bool:
    return any(_invisible(char) for char in raw)


def shown_name(raw: str) -> str:
    """A user-supplied name as logs may show it: at most 64 characters, escaped."""
    cut = raw[:MAX_NAME]
    return repr(cut) + (f"…(+{len(raw) - MAX_NAME} chars)" if len(raw) > MAX_NAME else "")


def new_user_name(raw: str) -> str:
    """The stored form of a name for a new account; AccountError when it cannot be one."""
    if len(raw) > MAX_NAME_INPUT:
        raise AccountError(f"a user name has at most {MAX_NAME} characters")
    if has_invisible(raw):
        raise AccountError("a user name must not contain invisible or control characters")
    name = normalise_user_name(raw)
    if not name:
        raise AccountError("a user needs a name")
    if len(name) > MAX_NAME:
        raise AccountError(f"a user name has at most {MAX_NAME} characters")
    if not _NAME.fullmatch(name):
        raise AccountError(
            f"user name {name!r}: use letters, digits and . _ @ - (starting with a letter or digit)"
        )
    if name in RESERVED_NAMES:
        raise AccountError(f"{name!r} is reserved for the pipeline's own events")
    return name


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    created_at: datetime
    disabled_at: datetime | None = None
    disabled_reason: str | None = None
    password_changed_at: datetime | None = None

    @property
    def enabled(self) -> bool:
        return self.disabled_at is None


def _account(row: sa.Row[Any]) -> Account:
    return Account(row.name, row.role, row.created_at, row.disabled_at, row.disabled_reason,
                   row.password_changed_at)  # fmt: skip


def get_account(conn: Connection, name: str) -> Account | None:
    """The account stored under the normalised form of `name`, or None."""
    key = normalise_user_name(name)
    row = conn.execute(sa.select(t.users).where(t.users.c.name == key)).first()
    return _account(row) if row else None


def password_hash_of(conn: Connection, name: str) -> str | None:
    query = sa.select(t.users.c.password_hash).where(t.users.c.name == name)
    return conn.execute(query).scalar_one_or_none()


def list_accounts(conn: Connection) -> list[Account]:
    return [_account(row) for row in conn.execute(sa.select(t.users).order_by(t.users.c.name))]


def add_user(conn: Connection, name: str, role: str, password: str, at: datetime) -> str:
    """Create an account; returns its stored name."""
    if role not in USER_ROLES:
        raise AccountError(f"unknown role {role!r}; use one of {', '.join(USER_ROLES)}")
    key = new_user_name(name)
    if not password:
        raise AccountError("a user needs a name and a password")
    check_new_password(password, key)
    if conn.execute(sa.select(t.users.c.name).where(t.users.c.name == key)).first():
        raise AccountError(f"user {key!r} already exists")
    conn.execute(
        t.users.insert().values(
            name=key, role=role, password_hash=hash_password(password), created_at=at,
            password_changed_at=at,
        )
    )  # fmt: skip
    return key


def store_password_hash(conn: Connection, name: str, password_hash: str, at: datetime) -> None:
    conn.execute(
        t.users.update()
        .where(t.users.c.name == name)
        .values(password_hash=password_hash, password_changed_at=at)
    )


def set_disabled(conn: Connection, name: str, at: datetime | None, reason: str | None) -> None:
    conn.execute(
        t.users.update()
        .where(t.users.c.name == name)
        .values(disabled_at=at, disabled_reason=reason)
    )


def normalise_stored_names(conn: Connection) -> list[str]:
    """Bring the names of an older store to the normalised form (schema version 4).

    A name whose normalised form no other account shares is renamed (and the cases
    assigned under it follow). Accounts whose names clash once normalised, or that
    normalise to nothing or to a reserved name, are not merged: each is disabled with
    the reason, and the clashes are returned and logged, for an admin to settle with
    `redflag users enable NAME`."""
    users = sa.table("users", sa.column("name"), sa.column("disabled_at"),
                     sa.column("disabled_reason"))  # fmt: skip
    cases = sa.table("cases", sa.column("assignee"))
    names = list(conn.execute(sa.select(users.c.name)).scalars())
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(normalise_user_name(name), []).append(name)
    now = datetime.now().replace(microsecond=0)
    reports = []
    for key, members in sorted(groups.items()):
        if len(members) == 1 and key and key not in RESERVED_NAMES:
            if members[0] != key:
                conn.execute(users.update().where(users.c.name == members[0]).values(name=key))
                conn.execute(cases.update().where(cases.c.assignee == members[0])
                             .values(assignee=key))  # fmt: skip
            continue
        why = (f"the names {', '.join(map(repr, sorted(members)))} are one name once normalised"
               if len(members) > 1 else f"the name normalises to {key!r}, which is not allowed")  # fmt: skip
        reports.append(why)
        log.warning("case store: accounts disabled: %s", why)
        conn.execute(
            users.update()
            .where(users.c.name.in_(members))
            .values(disabled_at=now, disabled_reason=f"name clash: {why}")
        )
    return reports
