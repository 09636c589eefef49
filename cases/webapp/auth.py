"""Sessions, the login throttle and the review app's signing secret.

A session lives in one signed cookie (HMAC-SHA256 over its JSON payload): the session id,
the user once logged in, the session's CSRF token and when it was issued. The role is
never trusted from the cookie: it is read from the case store's users table on every
request, so a changed role applies at once. Logging out revokes the session id for the
life of the server process and starts a fresh anonymous session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

SESSION_COOKIE = "redflag_session"
SESSION_MAX_AGE = 12 * 3600  # seconds a login lasts
SECRET_FILE = "review_secret"
MAX_TRACKED = 10_000  # (user, address) pairs the login throttle keeps before pruning


def workspace_secret(workspace: Path) -> bytes:
    """The signing secret kept in `<workspace>/review_secret` (created once, mode 0600)."""
    path = Path(workspace) / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32))
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


@dataclass
class Session:
    """One browser's session; `changed` tells the middleware to send the cookie again."""

    sid: str
    csrf: str
    issued: int
    user: str | None = None
    role: str | None = None  # from the users table, never from the cookie
    changed: bool = False

    @classmethod
    def anonymous(cls) -> Session:
        return cls(secrets.token_urlsafe(18), secrets.token_urlsafe(24), int(time.time()),
                   changed=True)  # fmt: skip

    def log_in(self, user: str, role: str) -> None:
        """A new id and CSRF token on login, so a planted session cannot be reused."""
        self.sid, self.csrf = secrets.token_urlsafe(18), secrets.token_urlsafe(24)
        self.issued, self.user, self.role, self.changed = int(time.time()), user, role, True

    def log_out(self) -> None:
        self.sid, self.csrf = secrets.token_urlsafe(18), secrets.token_urlsafe(24)
        self.issued, self.user, self.role, self.changed = int(time.time()), None, None, True

    def check_csrf(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(token.encode(), self.csrf.encode())


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
        self.revoked: set[str] = set()

    def _mac(self, body: str) -> str:
        return _b64(hmac.new(self.secret, body.encode("ascii"), hashlib.sha256).digest())

    def dumps(self, session: Session) -> str:
        payload = {"sid": session.sid, "csrf": session.csrf, "iat": session.issued,
                   "u": session.user}  # fmt: skip
        body = _b64(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
        return f"{body}.{self._mac(body)}"

    def loads(self, cookie: str | None) -> Session | None:
        """The session in a cookie, or None when it is missing, forged, expired or revoked."""
        if not cookie or "." not in cookie:
            return None
        body, mac = cookie.rsplit(".", 1)
        if not hmac.compare_digest(mac.encode("ascii", "replace"), self._mac(body).encode()):
            return None
        try:
            payload = json.loads(_unb64(body))
            session = Session(str(payload["sid"]), str(payload["csrf"]), int(payload["iat"]),
                              payload.get("u"))  # fmt: skip
        except (ValueError, KeyError, TypeError):
            return None
        if session.sid in self.revoked or time.time() - session.issued > self.max_age:
            return None
        return session

    def revoke(self, session: Session) -> None:
        self.revoked.add(session.sid)


@dataclass
class LoginThrottle:
    """At most `max_failures` failed logins per (user, client address) per `window` seconds."""

    max_failures: int = 5
    window: float = 300.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[tuple[str, str], deque[float]] = field(
        default_factory=lambda: defaultdict(deque)
    )

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        stamps = self._failures[key]
        while stamps and now - stamps[0] > self.window:
            stamps.popleft()
        return stamps

    def blocked(self, user: str, client: str) -> bool:
        return len(self._recent((user.casefold(), client), self.clock())) >= self.max_failures

    def failed(self, user: str, client: str) -> None:
        now = self.clock()
        if len(self._failures) > MAX_TRACKED:  # forget pairs whose failures have all lapsed
            for key in [k for k, v in self._failures.items() if not v or now - v[-1] > self.window]:
                del self._failures[key]
        self._recent((user.casefold(), client), now).append(now)

    def succeeded(self, user: str, client: str) -> None:
        self._failures.pop((user.casefold(), client), None)
