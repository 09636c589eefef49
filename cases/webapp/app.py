"""The review web app: one Starlette application over a case store.

`create_app(store, secret)` returns the ASGI app. Around every route sits one middleware
that reads the signed session cookie, sends it back when it changed, and adds the security
headers (a Content-Security-Policy with no inline script, framing refused, no sniffing,
no referrer, `Cache-Control: no-store` on every page but the bundled assets).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cases.policy import CasePolicy
from cases.store import CaseStore
from cases.webapp import pages, routes
from cases.webapp.auth import SESSION_COOKIE, LoginThrottle, Session, SessionSigner

log = logging.getLogger("redflag.review")
STATIC = Path(__file__).resolve().parent / "static"
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


class SessionAndHeaders:
    """Loads the session for the routes, sends it back when changed, adds the headers."""

    def __init__(self, app: ASGIApp, signer: SessionSigner) -> None:
        self.app = app
        self.signer = signer

    def _session(self, scope: Scope) -> Session:
        cookies = SimpleCookie()
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                cookies.load(value.decode("latin-1"))
        morsel = cookies.get(SESSION_COOKIE)
        return self.signer.loads(morsel.value if morsel else None) or Session.anonymous()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = self._session(scope)
        scope["redflag.session"] = session
        is_asset = scope["path"].startswith("/static/")
        secure = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k != b"cache-control"]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                cache = "public, max-age=3600" if is_asset else "no-store"
                headers.append((b"cache-control", cache.encode()))
                if session.changed and not is_asset:
                    headers.append((b"set-cookie", self._cookie(session, secure).encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _cookie(self, session: Session, secure: bool) -> str:
        flags = f"Path=/; Max-Age={self.signer.max_age}; HttpOnly; SameSite=Strict"
        return f"{SESSION_COOKIE}={self.signer.dumps(session)}; {flags}" + (
            "; Secure" if secure else ""
        )


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
) -> ASGIApp:
    """The review app over `store`, signing sessions with `secret` (at least 16 bytes)."""
    signer = SessionSigner(secret)
    settings = ReviewSettings(store, signer, policy or store.policy, throttle or LoginThrottle())
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
    return SessionAndHeaders(app, signer)
