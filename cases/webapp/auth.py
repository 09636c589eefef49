"""The session cookie, the login throttle and the review app's signing secret.

The cookie holds a signed (HMAC-SHA256) session id, the session's CSRF token and when it
was issued, nothing else. Who is logged in is kept server-side, in the case store's
sessions table (`cases.credentials`): logging out, expiry and disabling a user hold
across a restart of the app. The role is read from the users table on every request.

The login throttle counts failed logins per (user, client address), per address and per
user, and notices one address trying many user names (password spraying). Its memory is
bounded: each count is a capped LRU table, user names are cut to 64 characters.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flows.errors import InputError

SESSION_COOKIE = "redflag_session"
SECURE_SESSION_COOKIE = "__Host-redflag_session"  # the name over HTTPS (ASVS 3.4.4)
SESSION_MAX_AGE = 12 * 3600  # seconds the cookie is kept (the server ends sessions sooner)
SECRET_FILE = "review_secret"
MAX_TRACKED = 10_000  # keys each count of the login throttle keeps, least recent dropped
MAX_COOKIE = 1024
_COOKIE_VALUE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


class MalformedCookie(InputError):
    """The session cookie is present but not of the form this app writes."""


def workspace_secret(workspace: Path) -> bytes:
    """The signing secret kept in `<workspace>/review_secret` (created once, mode 0600)."""
    path = Path(workspace) / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


@dataclass
class Session:
    """One browser's session; `changed` tells the middleware to send the cookie again.
    `user` and `role` are filled from the store by `pages.current_user`."""

    sid: str
    csrf: str
    issued: int
    user: str | None = None
    role: str | None = None
    changed: bool = False

    @classmethod
    def anonymous(cls) -> Session:
        return cls(secrets.token_urlsafe(32), secrets.token_urlsafe(24), int(time.time()),
                   changed=True)  # fmt: skip

    def renew(self) -> None:
        """A new id and CSRF token (at login and logout), so a planted id is worthless."""
        self.sid, self.csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        self.issued, self.user, self.role, self.changed = int(time.time()), None, None, True

    def check_csrf(self, token: str | None) -> bool:
        if not token:
            return False
        return hmac.compare_digest(token.encode(), self.csrf.encode())


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionSigner:
    def __init__(self, secret: bytes, max_age: int = SESSION_MAX_AGE) -> None:
        if len(secret) < 16:
            raise ValueError("the review app's secret must be at least 16 bytes")
        self.secret = secret
        self.max_age = max_age

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self.secret, body.encode("ascii"), hashlib.sha256).digest())

    def dumps(self, session: Session) -> str:
        payload = {"sid": session.sid, "csrf": session.csrf, "iat": session.issued}
        body = _b64(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
        return f"{body}.{self._mac(body)}"

    def loads(self, cookie: str | None) -> Session | None:
        """The session in a cookie; None when missing, forged or too old;
        `MalformedCookie` when it is not of the form this app writes."""
        if not cookie:
            return None
        if len(cookie) > MAX_COOKIE or not _COOKIE_VALUE.fullmatch(cookie):
            raise MalformedCookie("the session cookie is malformed")
        body, mac = cookie.rsplit(".", 1)
        if not hmac.compare_digest(mac.encode("ascii"), self._mac(body).encode()):
            return None
        try:
            payload = json.loads(_unb64(body))
            session = Session(str(payload["sid"]), str(payload["csrf"]), int(payload["iat"]))
        except (ValueError, KeyError, TypeError) as error:
            raise MalformedCookie("the session cookie is malformed") from error
        if time.time() - session.issued > self.max_age:
            return None
        return session


class _Counts:
    """Recent events per key, at most `limit` kept per key and `capacity` keys (LRU)."""

    def __init__(self, limit: int, window: float, capacity: int) -> None:
        self.limit, self.window, self.capacity = limit, window, capacity
        self.entries: OrderedDict[str, deque[float]] = OrderedDict()

    def count(self, key: str, now: float) -> int:
        stamps = self.entries.get(key)
        if stamps is None:
            return 0
        while stamps and now - stamps[0] > self.window:
            stamps.popleft()
        return len(stamps)

    def add(self, key: str, now: float) -> int:
        self.count(key, now)
        stamps = self.entries.setdefault(key, deque(maxlen=self.limit))
        self.entries.move_to_end(key)
        stamps.append(now)
        while len(self.entries) > self.capacity:
            self.entries.popitem(last=False)
        return len(stamps)

    def clear(self, key: str) -> None:
        self.entries.pop(key, None)


@dataclass
class LoginThrottle:
    """Failed logins allowed before a login waits: `max_failures` per (user, address) and
    `per_address` per address in `window` seconds; `spray_users` different user names
    failing from one address in `window` (password spraying); `per_user` per user from
    all addresses in `user_window` (OWASP ASVS 2.2.1: at most 100 an hour)."""

    max_failures: int = 5
    window: float = 300.0
    per_address: int = 30
    spray_users: int = 6
    per_user: int = 100
    user_window: float = 3600.0
    capacity: int = MAX_TRACKED
    clock: Callable[[], float] = time.monotonic
    _pairs: _Counts = field(init=False)
    _addresses: _Counts = field(init=False)
    _users: _Counts = field(init=False)
    _names: OrderedDict[str, OrderedDict[str, float]] = field(init=False)

    def __post_init__(self) -> None:
        self._pairs = _Counts(self.max_failures, self.window, self.capacity)
        self._addresses = _Counts(self.per_address, self.window, self.capacity)
        self._users = _Counts(self.per_user, self.user_window, self.capacity)
        self._names = OrderedDict()

    @staticmethod
    def _user(user: str) -> str:
        return user.casefold()[:64]

    def _sprayed(self, client: str, now: float) -> int:
        names = self._names.get(client)
        if names is None:
            return 0
        for name in [n for n, at in names.items() if now - at > self.window]:
            del names[name]
        return len(names)

    def blocked(self, user: str, client: str) -> str | None:
        """Why a login of `user` from `client` must wait now, or None."""
        now, key = self.clock(), self._user(user)
        if self._pairs.count(f"{key}\0{client}", now) >= self.max_failures:
            return "too many failed logins of this user from this address"
        if self._sprayed(client, now) >= self.spray_users:
            return "failed logins of many user names from this address (password spraying)"
        if self._addresses.count(client, now) >= self.per_address:
            return "too many failed logins from this address"
        if self._users.count(key, now) >= self.per_user:
            return "too many failed logins of this user"
        return None

    def failed(self, user: str, client: str) -> None:
        now, key = self.clock(), self._user(user)
        self._pairs.add(f"{key}\0{client}", now)
        self._addresses.add(client, now)
        self._users.add(key, now)
        names = self._names.setdefault(client, OrderedDict())
        self._names.move_to_end(client)
        names[key] = now
        names.move_to_end(key)
        while len(names) > self.spray_users:
            names.popitem(last=False)
        while len(self._names) > self.capacity:
            self._names.popitem(last=False)

    def succeeded(self, user: str, client: str) -> None:
        self._pairs.clear(f"{self._user(user)}\0{client}")

    def tracked(self) -> int:
        """Keys held, over all counts (bounded by four times `capacity`)."""
        return sum(len(c.entries) for c in (self._pairs, self._addresses, self._users)) + len(
            self._names
        )
