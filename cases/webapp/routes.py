"""The review app's pages and forms. GET pages are plain functions (run in a thread);
every POST reads its form through `pages.read_form`, which refuses it without the
session's CSRF token, and records the action under the logged-in user."""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from cases.attachments import KINDS, list_attachments
from cases.case_history import earlier_cases
from cases.render import TEMPLATES as CASE_TEMPLATES
from cases.render import case_context
from cases.store import CaseNotFound, ConcurrentChange, utc_now
from cases.users import MAX_NAME, shown_name
from cases.webapp.dashboard import dashboard_charts
from cases.webapp.drift_notice import latest_drift
from cases.webapp.pages import (
    User,
    client_of,
    current_user,
    error_page,
    read_form,
    render,
    safe_next,
    session_of,
    settings_of,
    user_form,
)
from cases.webapp.queue import opened_by_run, recent_runs, user_names
from cases.webapp.queue_pages import bulk_assign, page_number, queue
from cases.webapp.trends import cases_opened_by_week, false_positive_share, list_hits_by_week
from cases.webapp.work import WORK_ROUTES, pdf_available
from cases.workflow import ALLOWED, ANY, AccessDenied, CaseWorkflow, WorkflowError, same_person

log = logging.getLogger(__name__)
# ---- login ----------------------------------------------------------------------------


def login_page(request: Request) -> Response:
    return render(request, "login.html", next=safe_next(request.query_params.get("next")))


async def login(request: Request) -> Response:
    form = await read_form(request)
    settings, session = settings_of(request), session_of(request)
    name, password = form.get("username", "").strip(), form.get("password", "")
    client, target = client_of(request), safe_next(form.get("next"))
    accounts = settings.store.accounts
    if len(name) > 4 * MAX_NAME:
        return render(request, "login.html", status=400, next=target,
                      error=f"A user name has at most {MAX_NAME} characters.")  # fmt: skip
    if why := settings.throttle.blocked(name, client):
        log.warning("review app: login of %s from %s refused: %s", shown_name(name), client, why)
        await run_in_threadpool(accounts.record, "login_throttled", name[:MAX_NAME] or "(empty)",
                                client, {"reason": why})  # fmt: skip
        return render(request, "login.html", status=429, next=target,
                      error="Too many failed logins; wait a few minutes and try again.")  # fmt: skip
    actor = await run_in_threadpool(accounts.authenticate, name, password, client, "review")
    if actor is None:
        settings.throttle.failed(name, client)
        log.warning("review app: failed login of %s from %s", shown_name(name), client)
        return render(request, "login.html", status=401, next=target,
                      error="Wrong user name or password.")  # fmt: skip
    settings.throttle.succeeded(name, client)
    session.renew()
    await run_in_threadpool(accounts.start_session, session.sid, actor, client)
    log.info("review app: %s logged in from %s", actor.name, client)
    return RedirectResponse(target, status_code=303)


async def logout(request: Request) -> Response:
    await read_form(request)
    session = session_of(request)
    await run_in_threadpool(settings_of(request).store.accounts.end_session, session.sid,
                            client_of(request))  # fmt: skip
    session.renew()
    return RedirectResponse("/login", status_code=303)


# ---- queue, case, runs, dashboard -------------------------------------------------------


def home(request: Request) -> Response:
    current_user(request)
    return RedirectResponse("/queue", status_code=303)


CASE_NOTICES = {
    "assigned": "Saved: the case is assigned.",
    "decided": "Saved: the decision is recorded.",
    "approved": "Saved: the approval is recorded.",
    "noted": "Saved: the note is on the timeline.",
    "attached": "Saved: the file is kept with the case and its sha256 is in the audit trail.",
}


def _case_page(
    request: Request, case_id: str, user: User, error: str = "", status: int = 200
) -> Response:
    settings = settings_of(request)
    try:
        case = settings.store.get_case(case_id)
    except CaseNotFound:
        raise HTTPException(404, f"There is no case {case_id}.") from None
    pending = case.pending_decision
    workflow = CaseWorkflow(settings.store, settings.policy)
    outcomes = ALLOWED.get(case.status, ())
    needs_second = {o: [r.title for r in workflow.four_eyes_rows(case, o)] for o in outcomes}
    runs = list(dict.fromkeys(e["run_id"] for e in case.history if e.get("run_id")))
    return render(
        request, "case.html", status=status, error=error, now=utc_now(),
        notice="" if error else CASE_NOTICES.get(request.query_params.get("done") or "", ""),
        outcomes=outcomes, needs_second=needs_second,
        can_work=workflow.may_work_on(case, user),
        can_approve=bool(pending) and user.can_approve and not same_person(pending["by"], user.name),
        hard_stops=settings.policy.four_eyes_table.hard_stops(case),
        suppress_days=settings.policy.suppression_default_days,
        suppress_max=settings.policy.suppression_max_days,
        users=user_names(settings.store), earlier=earlier_cases(settings.store.engine, case),
        attachments=list_attachments(settings.store.engine, case_id), runs=runs,
        files_enabled=settings.files is not None, attachment_kinds=KINDS,
        attachment_mb=settings.policy.attachment_max_bytes // (1024 * 1024), pdf=pdf_available(),
        **case_context(case),
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
    page = page_number(request)
    rows, total = opened_by_run(store, run_id, page)
    pages = max(1, -(-total // 50))
    if page > pages:
        raise HTTPException(400, f"page {page} is past the last page ({pages})")
    return render(request, "run.html", run=summary, rows=rows, total=total, page=page,
                  pages=pages, now=utc_now())  # fmt: skip


def dashboard(request: Request) -> Response:
    current_user(request)
    store, now = settings_of(request).store, utc_now()
    shares, share_table = false_positive_share(store, now)
    return render(
        request, "dashboard.html", charts=dashboard_charts(store, now),
        drift=latest_drift(store), trend_charts=[cases_opened_by_week(store, now), shares],
        tables=[list_hits_by_week(store, now), share_table],
    )  # fmt: skip


def case_css(request: Request) -> Response:
    """The case file's own style sheet, shared with the HTML case files."""
    return FileResponse(CASE_TEMPLATES / "base.css", media_type="text/css")


# ---- case actions ------------------------------------------------------------------------


def _act(
    request: Request, user: User, case_id: str, action: Callable[[], object], done: str = ""
) -> Response:
    """Run one workflow action; on refusal show the case page again with the reason."""
    try:
        action()
    except CaseNotFound:
        raise HTTPException(404, f"There is no case {case_id}.") from None
    except AccessDenied as error:
        log.warning("review app: %s refused on %s: %s", user.name, case_id, error)
        return _case_page(request, case_id, user, str(error), 403)
    except ConcurrentChange as error:
        return _case_page(request, case_id, user, str(error), 409)
    except WorkflowError as error:
        return _case_page(request, case_id, user, str(error), 400)
    suffix = f"?done={done}" if done else ""
    return RedirectResponse(f"/cases/{case_id}{suffix}#timeline", status_code=303)


async def assign(request: Request) -> Response:
    user, form = await user_form(request)
    case_id, assignee = request.path_params["case_id"], form.get("assignee", "").strip()
    # the assignee the page showed: a case taken meanwhile by a colleague is left alone
    expected = form.get("expected_assignee", ANY)
    if expected == "":
        expected = None
    workflow = CaseWorkflow(settings_of(request).store, settings_of(request).policy)
    return await run_in_threadpool(
        _act, request, user, case_id,
        lambda: workflow.assign(case_id, assignee, by=user, expected=expected), "assigned",
    )  # fmt: skip


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
        if not outcome:
            raise WorkflowError("choose an outcome")
        CaseWorkflow(settings.store, settings.policy).decide(
            case_id, outcome, rationale, user, days
        )

    return _act(request, user, case_id, action, "decided")


async def decide(request: Request) -> Response:
    user, form = await user_form(request)
    return await run_in_threadpool(_decide, request, user, request.path_params["case_id"], form)


async def approve(request: Request) -> Response:
    user, form = await user_form(request)
    case_id = request.path_params["case_id"]
    workflow = CaseWorkflow(settings_of(request).store, settings_of(request).policy)
    note = form.get("note", "").strip() or "approved"
    return await run_in_threadpool(
        _act, request, user, case_id, lambda: workflow.approve(case_id, user, note), "approved"
    )


async def add_note(request: Request) -> Response:
    user, form = await user_form(request)
    case_id, text = request.path_params["case_id"], form.get("note", "")
    workflow = CaseWorkflow(settings_of(request).store, settings_of(request).policy)
    return await run_in_threadpool(
        _act, request, user, case_id, lambda: workflow.note(case_id, text, user), "noted"
    )


def not_found(request: Request) -> Response:
    return error_page(request, 404, "There is no such page.")


ROUTES = [
    Route("/", home),
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/queue", queue),
    Route("/queue/assign", bulk_assign, methods=["POST"]),
    Route("/dashboard", dashboard),
    Route("/runs", runs_page),
    Route("/runs/{run_id:path}", run_page),
    Route("/cases/{case_id}", case_page, methods=["GET"]),
    Route("/cases/{case_id}/assign", assign, methods=["POST"]),
    Route("/cases/{case_id}/decide", decide, methods=["POST"]),
    Route("/cases/{case_id}/approve", approve, methods=["POST"]),
    Route("/cases/{case_id}/note", add_note, methods=["POST"]),
    *WORK_ROUTES,
]
