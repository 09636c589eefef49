"""The review app's pages and forms. GET pages are plain functions (run in a thread);
every POST reads its form through `pages.read_form`, which refuses it without the
session's CSRF token, and records the action under the logged-in user."""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from cases.render import TEMPLATES as CASE_TEMPLATES
from cases.store import CaseNotFound, ConcurrentChange, NewEvent, utc_now
from cases.webapp.dashboard import dashboard_charts
from cases.webapp.pages import (
    User,
    case_body,
    current_user,
    error_page,
    read_form,
    render,
    safe_next,
    session_of,
    settings_of,
    user_form,
)
from cases.webapp.queue import QueueFilter, opened_by_run, queue_page, recent_runs, user_names
from cases.workflow import ALLOWED, CaseWorkflow, FourEyesError, WorkflowError

log = logging.getLogger("redflag.review")
MAX_NOTE = 5000


def _page_number(request: Request) -> int:
    try:
        return max(int(request.query_params.get("page", "1")), 1)
    except ValueError:
        raise HTTPException(400, "page must be a whole number") from None


# ---- login ----------------------------------------------------------------------------


def login_page(request: Request) -> Response:
    return render(request, "login.html", next=safe_next(request.query_params.get("next")))


async def login(request: Request) -> Response:
    form = await read_form(request)
    settings, session = settings_of(request), session_of(request)
    name, password = form.get("username", "").strip(), form.get("password", "")
    client = request.client.host if request.client else "unknown"
    target = safe_next(form.get("next"))
    if settings.throttle.blocked(name, client):
        log.warning("review app: login of %r from %s refused, too many failures", name, client)
        return render(request, "login.html", status=429, next=target,
                      error="Too many failed logins; wait five minutes and try again.")  # fmt: skip
    role = await run_in_threadpool(settings.store.check_password, name, password)
    if role is None:
        settings.throttle.failed(name, client)
        log.warning("review app: failed login of %r from %s", name, client)
        return render(request, "login.html", status=401, next=target,
                      error="Wrong user name or password.")  # fmt: skip
    settings.throttle.succeeded(name, client)
    session.log_in(name, role)
    log.info("review app: %s logged in from %s", name, client)
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    await read_form(request)
    session = session_of(request)
    settings_of(request).signer.revoke(session)
    session.log_out()
    return RedirectResponse("/login", status_code=303)


# ---- queue, case, runs, dashboard -------------------------------------------------------


def home(request: Request) -> Response:
    current_user(request)
    return RedirectResponse("/queue", status_code=303)


def queue(request: Request) -> Response:
    current_user(request)
    params = request.query_params
    try:
        wanted = QueueFilter(
            status=params.get("status") or None,
            priority=params.get("priority") or None,
            assignee=params.get("assignee") or None,
            overdue=params.get("overdue") == "1",
        )
    except ValueError as error:
        raise HTTPException(400, str(error)) from None
    now = utc_now()
    store = settings_of(request).store
    page = queue_page(store, wanted, _page_number(request), now)
    return render(request, "queue.html", queue=page, wanted=wanted, now=now,
                  users=user_names(store))  # fmt: skip


def _case_page(
    request: Request, case_id: str, user: User, error: str = "", status: int = 200
) -> Response:
    settings = settings_of(request)
    try:
        case = settings.store.get_case(case_id)
    except CaseNotFound:
        raise HTTPException(404, f"There is no case {case_id}.") from None
    pending = case.pending_decision
    return render(
        request, "case.html", status=status, case=case, body=case_body(case), error=error,
        outcomes=ALLOWED.get(case.status, ()),
        can_approve=bool(pending) and user.can_approve and pending["by"] != user.name,
        four_eyes=sorted(settings.policy.four_eyes_outcomes) if settings.policy.four_eyes else [],
        suppress_days=settings.policy.suppression_default_days,
        suppress_max=settings.policy.suppression_max_days,
        users=user_names(settings.store),
    )  # fmt: skip


def case_page(request: Request) -> Response:
    user = current_user(request)
    return _case_page(request, request.path_params["case_id"], user)


def runs_page(request: Request) -> Response:
    current_user(request)
    return render(request, "runs.html", runs=recent_runs(settings_of(request).store))


def run_page(request: Request) -> Response:
    current_user(request)
    store, run_id = settings_of(request).store, request.path_params["run_id"]
    summary = store.run_summary(run_id)
    if summary is None:
        raise HTTPException(404, f"There is no run {run_id}.")
    page = _page_number(request)
    rows, total = opened_by_run(store, run_id, page)
    return render(request, "run.html", run=summary, rows=rows, total=total, page=page,
                  pages=max(1, -(-total // 50)), now=utc_now())  # fmt: skip


def dashboard(request: Request) -> Response:
    current_user(request)
    return render(
        request, "dashboard.html", charts=dashboard_charts(settings_of(request).store, utc_now())
    )


def case_css(request: Request) -> Response:
    """The case file's own style sheet, shared with the HTML case files."""
    return FileResponse(CASE_TEMPLATES / "base.css", media_type="text/css")


# ---- case actions ------------------------------------------------------------------------


def _act(request: Request, user: User, case_id: str, action) -> Response:
    """Run one workflow action; on refusal show the case page again with the reason."""
    try:
        action()
    except CaseNotFound:
        raise HTTPException(404, f"There is no case {case_id}.") from None
    except FourEyesError as error:
        return _case_page(request, case_id, user, str(error), 403)
    except ConcurrentChange as error:
        return _case_page(request, case_id, user, str(error), 409)
    except WorkflowError as error:
        return _case_page(request, case_id, user, str(error), 400)
    return RedirectResponse(f"/cases/{case_id}#timeline", status_code=303)


async def assign(request: Request) -> Response:
    user, form = await user_form(request)
    case_id, assignee = request.path_params["case_id"], form.get("assignee", "").strip()
    if user.role == "analyst" and assignee != user.name:
        raise HTTPException(403, "An analyst can take a case but not assign it to someone else.")
    workflow = CaseWorkflow(settings_of(request).store, settings_of(request).policy)
    return await run_in_threadpool(
        _act, request, user, case_id, lambda: workflow.assign(case_id, assignee, by=user.name)
    )


def _suppress_days(form: dict[str, str]) -> int | None:
    if form.get("suppress") != "on":
        return None
    try:
        return int(form.get("suppress_days", ""))
    except ValueError:
        raise HTTPException(400, "the suppression period must be a whole number of days") from None


def _decide(request: Request, user: User, case_id: str, form: dict[str, str]) -> Response:
    settings = settings_of(request)
    outcome, rationale = form.get("outcome", ""), form.get("rationale", "")
    days = _suppress_days(form)

    def action() -> None:
        pending = settings.store.get_case(case_id).pending_decision
        if pending and pending["outcome"] == outcome and not user.can_approve:
            raise FourEyesError("an analyst cannot give the second approval; ask a reviewer")
        CaseWorkflow(settings.store, settings.policy).decide(
            case_id, outcome, rationale, user.name, days
        )

    return _act(request, user, case_id, action)


async def decide(request: Request) -> Response:
    user, form = await user_form(request)
    return await run_in_threadpool(_decide, request, user, request.path_params["case_id"], form)


async def approve(request: Request) -> Response:
    user, form = await user_form(request)
    case_id = request.path_params["case_id"]
    if not user.can_approve:
        raise HTTPException(403, "Only a reviewer or an admin can give the second approval.")
    workflow = CaseWorkflow(settings_of(request).store, settings_of(request).policy)
    note = form.get("note", "").strip() or "approved"
    return await run_in_threadpool(
        _act, request, user, case_id, lambda: workflow.approve(case_id, user.name, note)
    )


async def add_note(request: Request) -> Response:
    user, form = await user_form(request)
    case_id, text = request.path_params["case_id"], form.get("note", "").strip()
    store = settings_of(request).store

    def action() -> None:
        if not text:
            raise WorkflowError("a note needs some text")
        if len(text) > MAX_NOTE:
            raise WorkflowError(f"a note holds at most {MAX_NOTE} characters")
        store.get_case(case_id)
        store.append_event(case_id, NewEvent("note", user.name, rationale=text))

    return await run_in_threadpool(_act, request, user, case_id, action)


def not_found(request: Request) -> Response:
    return error_page(request, 404, "There is no such page.")


ROUTES = [
    Route("/", home),
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/queue", queue),
    Route("/dashboard", dashboard),
    Route("/runs", runs_page),
    Route("/runs/{run_id:path}", run_page),
    Route("/cases/{case_id}", case_page, methods=["GET"]),
    Route("/cases/{case_id}/assign", assign, methods=["POST"]),
    Route("/cases/{case_id}/decide", decide, methods=["POST"]),
    Route("/cases/{case_id}/approve", approve, methods=["POST"]),
    Route("/cases/{case_id}/note", add_note, methods=["POST"]),
]
