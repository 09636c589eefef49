"""Rendering and request plumbing shared by the routes: templates, the logged-in user,
forms with their CSRF check, error pages."""

from __future__ import annotations

import urllib.parse
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse

from cases.accounts import Actor
from cases.presentation import filters as presentation_filters
from cases.render import TEMPLATES as CASE_TEMPLATES
from cases.render import template_environment
from cases.webapp.auth import Session

TEMPLATES = Path(__file__).resolve().parent / "templates"
FORM_TYPE = "application/x-www-form-urlencoded"
MAX_FORM_BYTES = 64 * 1024
CSRF_FIELD = "csrf_token"


class LoginRequired(Exception):
    """The page needs a logged-in user; the app redirects to /login."""


User = Actor  # the logged-in user: the account's stored name and its current role


def _when(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else str(value)


@cache
def environment() -> Environment:
    env = template_environment([TEMPLATES, CASE_TEMPLATES])
    env.filters["when"] = _when
    env.filters |= presentation_filters()
    return env


def settings_of(request: Request) -> Any:
    """The app's `ReviewSettings` (store, signer, policy, throttle)."""
    return request.app.state.review


def session_of(request: Request) -> Session:
    session: Session = request.scope["redflag.session"]
    return session


def current_user(request: Request) -> User:
    """The user of this session as the store holds it now (the session live, the account
    enabled, its current role); else LoginRequired."""
    session = session_of(request)
    actor = settings_of(request).store.accounts.session_actor(session.sid)
    if actor is None:
        raise LoginRequired()
    session.user, session.role = actor.name, actor.role
    user: User = actor
    return user


def client_of(request: Request) -> str:
    """The client's address: the peer's, or what a trusted proxy said (see `redflag
    review --forwarded-allow-ips`)."""
    return (request.client.host if request.client else "unknown")[:64]


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    session = session_of(request)
    user = User(session.user, session.role) if session.user and session.role else None
    body = (
        environment()
        .get_template(template)
        .render(user=user, csrf_token=session.csrf, path=request.url.path, **context)
    )
    return HTMLResponse(body, status_code=status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status=status, status_code=status, message=message)


async def read_form(request: Request, multi: tuple[str, ...] = ()) -> dict[str, Any]:
    """A posted form, refused with 403 unless it carries this session's CSRF token. The
    fields named in `multi` may repeat and come as lists; the others keep their last value."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type != FORM_TYPE:
        raise HTTPException(415, "forms must be posted as application/x-www-form-urlencoded")
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise HTTPException(413, "the form is too large")
    try:
        pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        raise HTTPException(400, "the form is not valid UTF-8") from None
    form: dict[str, Any] = {key: value for key, value in pairs if key not in multi}
    for key in multi:
        form[key] = [value for name, value in pairs if name == key]
    if not session_of(request).check_csrf(form.get(CSRF_FIELD)):
        raise HTTPException(403, "The form's security token is missing or out of date; "
                                 "reload the page and try again.")  # fmt: skip
    return form


async def user_form(request: Request) -> tuple[User, dict[str, str]]:
    """The logged-in user and their CSRF-checked form."""
    user = await run_in_threadpool(current_user, request)
    return user, await read_form(request)


def quote_next(target: str) -> str:
    return urllib.parse.quote(target, safe="/")


def safe_next(target: str | None) -> str:
    """Only a path on this site is a place to return to after login."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/queue"
    return target
