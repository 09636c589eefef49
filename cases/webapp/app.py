"""The review web app: one Starlette application over a case store.

`create_app(store, secret)` returns the ASGI app. Around every route sits one middleware
that limits the request body before it is read, reads the signed session cookie (a
malformed one is a 400, not a failure), sends the cookie back when it changed, and adds
the security headers (a Content-Security-Policy with no inline script, framing refused,
no sniffing, no referrer, `Cache-Control: no-store` on every page but the bundled assets,
and HSTS when the request came over HTTPS, directly or through a trusted proxy).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request, cookie_parser
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cases.attachments import AttachmentFiles
from cases.credentials import SessionLimits
from cases.policy import CasePolicy
from cases.store import CaseStore
from cases.webapp import pages, routes
from cases.webapp.auth import (
    SECURE_SESSION_COOKIE,
    SESSION_COOKIE,
    LoginThrottle,
    MalformedCookie,
    Session,
    SessionSigner,
)

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
MAX_BODY_BYTES = 64 * 1024  # the largest request body the app reads (its forms are small)
# ...but an attachment's upload, which may carry a file up to the policy's limit
UPLOAD_PATH = re.compile(r"^/cases/[A-Za-z0-9-]{1,16}/attachments$")
UPLOAD_OVERHEAD = 16 * 1024
HSTS = "max-age=31536000; includeSubDomains"
SECURITY_HEADERS: dict[str, str] = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


@dataclass
class ReviewSettings:
    """What the routes share: the store, its workflow policy, the signer and the throttle."""

    store: CaseStore
    signer: SessionSigner
    policy: CasePolicy
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    files: AttachmentFiles | None = None  # where attachments are kept (None: not offered)


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int = MAX_BODY_BYTES) -> None:
        super().__init__(413, f"The request body is over the limit of {limit // 1024} KB.")


def body_limit(scope: Scope, upload_bytes: int) -> int:
    """The largest body this request may have: an attachment's upload, or a form."""
    if scope.get("method") == "POST" and UPLOAD_PATH.match(scope.get("path", "")):
        return upload_bytes + UPLOAD_OVERHEAD
    return MAX_BODY_BYTES


def limited_receive(receive: Receive, limit: int) -> Receive:
    """`receive` that stops a request body at `limit` bytes, whatever Content-Length said."""
    seen = 0

    async def receive_limited() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return receive_limited


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return -1
    return None


class SessionAndHeaders:
    """Limits the body, loads the session for the routes, sends it back when changed,
    adds the headers."""

    def __init__(self, app: ASGIApp, signer: SessionSigner, upload_bytes: int = 0) -> None:
        self.app = app
        self.signer = signer
        self.upload_bytes = upload_bytes

    def _session(self, scope: Scope, secure: bool) -> Session:
        raw = b"; ".join(v for k, v in scope.get("headers", []) if k == b"cookie")
        cookies = cookie_parser(raw.decode("latin-1"))
        value = cookies.get(SECURE_SESSION_COOKIE if secure else SESSION_COOKIE)
        return self.signer.loads(value) or Session.anonymous()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_asset = scope["path"].startswith("/static/")
        secure = scope.get("scheme") == "https"

        async def send_with_headers(message: Message, session: Session | None = None) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"cache-control"]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                if secure:
                    headers.append((b"strict-transport-security", HSTS.encode()))
                if message["status"] == 413:  # stop the client: the rest is not read
                    headers.append((b"connection", b"close"))
                cache = "public, max-age=3600" if is_asset else "no-store"
                headers.append((b"cache-control", cache.encode()))
                current = session or scope.get("redflag.session")
                if current is not None and current.changed and not is_asset:
                    cookie = self._cookie(current, secure)
                    headers.append((b"set-cookie", cookie.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        declared, limit = _declared_length(scope), body_limit(scope, self.upload_bytes)
        if declared is not None and not 0 <= declared <= limit:
            await _plain_error(413, BodyTooLarge(limit).detail, send_with_headers)
            return
        try:
            scope["redflag.session"] = self._session(scope, secure)
        except MalformedCookie:
            fresh = Session.anonymous()
            scope["redflag.session"] = fresh
            message = "Your session cookie is malformed; it has been replaced. Log in again."
            await _plain_error(400, message, send_with_headers)
            return
        await self.app(scope, limited_receive(receive, limit), send_with_headers)

    def _cookie(self, session: Session, secure: bool) -> str:
        flags = f"Path=/; Max-Age={self.signer.max_age}; HttpOnly; SameSite=Strict"
        name = SECURE_SESSION_COOKIE if secure else SESSION_COOKIE
        return f"{name}={self.signer.dumps(session)}; {flags}" + ("; Secure" if secure else "")


async def _plain_error(status: int, message: str, send: Send) -> None:
    """An error page sent before any route ran (no session, no user)."""
    body = (
        pages.environment()
        .get_template("error.html")
        .render(user=None, csrf_token="", path="", status_code=status, message=message)
    )
    response = HTMLResponse(body, status_code=status)
    await send({"type": "http.response.start", "status": status,
                "headers": response.raw_headers})  # fmt: skip
    await send({"type": "http.response.body", "body": response.body})


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    return pages.error_page(request, error.status_code, str(error.detail))


async def _login_required(request: Request, error: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={pages.quote_next(target)}", status_code=303)


async def _internal_error(request: Request, error: Exception) -> Response:
    log.exception("review app: internal error on %s %s", request.method, request.url.path)
    return PlainTextResponse("Internal error. The details are in the server log.", status_code=500)


def create_app(
    store: CaseStore,
    secret: bytes,
    policy: CasePolicy | None = None,
    throttle: LoginThrottle | None = None,
    attachments: Path | None = None,
) -> ASGIApp:
    """The review app over `store`, signing sessions with `secret` (at least 16 bytes);
    files attached to cases are kept under `attachments` (else not offered)."""
    signer = SessionSigner(secret)
    policy = policy or store.policy
    store.accounts.limits = SessionLimits(
        absolute=timedelta(hours=policy.session_hours),
        idle=timedelta(minutes=policy.session_idle_minutes),
    )
    files = AttachmentFiles(attachments) if attachments else None
    settings = ReviewSettings(store, signer, policy, throttle or LoginThrottle(), files)
    app = Starlette(
        debug=False,
        routes=[
            *routes.ROUTES,
            Route("/static/case.css", routes.case_css),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],  # fmt: skip
        exception_handlers={
            HTTPException: _http_error,
            pages.LoginRequired: _login_required,
            Exception: _internal_error,
        },
    )
    app.state.review = settings
    return SessionAndHeaders(app, signer, policy.attachment_max_bytes if files else 0)
