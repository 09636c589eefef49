"""The queue page (search, filters, sort orders, saved views, pages) and bulk assignment."""

from __future__ import annotations

import urllib.parse
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from cases.queue import (
    AWAITING,
    QUEUE_STATUSES,
    SORTS,
    VIEWS,
    QueueFilter,
    filter_labels,
    queue_page,
)
from cases.store import CaseNotFound, ConcurrentChange, utc_now
from cases.webapp.pages import User, current_user, read_form, render, settings_of
from cases.webapp.queue import user_names
from cases.workflow import CaseWorkflow, WorkflowError

MAX_PAGE = 100_000
QUERY_KEYS = ("view", "q", "sort", "status", "priority", "flag", "list", "country", "assignee",
              "overdue", "opened")  # fmt: skip
MAX_BULK = 200  # cases assigned by one bulk form


def page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    if not raw.isdigit() or len(raw) > 6 or not 1 <= int(raw) <= MAX_PAGE:
        raise HTTPException(400, f"page must be a whole number from 1 to {MAX_PAGE}")
    return int(raw)


def queue_filter(params: QueryParams, user: User) -> QueueFilter:
    """The filter of the query string; a saved view adds its own condition."""
    view = params.get("view") or ""
    if view and view not in VIEWS:
        raise HTTPException(400, f"unknown view {view!r}; use one of {', '.join(VIEWS)}")
    text = {key: (params.get(key) or "").strip() for key in QUERY_KEYS}
    try:
        return QueueFilter(
            q=text["q"],
            sort=text["sort"] or "risk",
            status=text["status"] or None,
            priority=text["priority"] or None,
            assignee=user.name if view == "mine" else text["assignee"] or None,
            flag=text["flag"] or None,
            list=text["list"] or None,
            country=text["country"].upper() or None,
            overdue=text["overdue"] == "1",
            unassigned=view == "unassigned",
            exclude_proposer=user.name if view == "approval" else None,
            opened=text["opened"] or None,
        )
    except ValueError as error:
        raise HTTPException(400, str(error)) from None


def query_string(params: QueryParams, **changes: Any) -> str:
    """The query string of this view with `changes` (a value of None drops the key)."""
    kept = {key: params[key] for key in QUERY_KEYS if params.get(key)}
    for key, value in changes.items():
        if value is None:
            kept.pop(key, None)
        else:
            kept[key] = str(value)
    return urllib.parse.urlencode(kept)


def queue(request: Request) -> Response:
    user = current_user(request)
    params = request.query_params
    wanted = queue_filter(params, user)
    store, now = settings_of(request).store, utc_now()
    page = queue_page(store, wanted, page_number(request), now)
    return render(
        request, "queue.html", queue=page, wanted=wanted, now=now, view=params.get("view") or "",
        users=user_names(store), labels=filter_labels(store), sorts=SORTS, views=VIEWS,
        statuses=QUEUE_STATUSES, awaiting=AWAITING, base="/queue?" + query_string(params),
        link=lambda **changes: "/queue?" + query_string(params, page=None, **changes),
        notice=NOTICES.get(params.get("done") or "", ""),
    )  # fmt: skip


NOTICES = {
    "assigned": "Saved: the cases were assigned.",
    "none": "No case was selected.",
}


def _bulk_assign(request: Request, user: User, ids: list[str], assignee: str) -> Response:
    workflow = CaseWorkflow(settings_of(request).store, settings_of(request).policy)
    done, refused = [], []
    for case_id in ids:
        try:
            workflow.assign(case_id, assignee, by=user)
            done.append(case_id)
        except (CaseNotFound, ConcurrentChange, WorkflowError) as error:
            refused.append((case_id, str(error)))
    if refused:
        return render(request, "bulk_result.html", status=200 if done else 400,
                      done=done, refused=refused, assignee=assignee)  # fmt: skip
    return RedirectResponse("/queue?done=assigned", status_code=303)


async def bulk_assign(request: Request) -> Response:
    user = await run_in_threadpool(current_user, request)
    form = await read_form(request, multi=("case_id",))
    ids = list(dict.fromkeys(form.get("case_id") or []))
    assignee = str(form.get("assignee") or "").strip()
    if user.role not in ("reviewer", "admin"):
        raise HTTPException(403, "Only a reviewer or an admin assigns cases in bulk.")
    if not ids:
        return RedirectResponse("/queue?done=none", status_code=303)
    if len(ids) > MAX_BULK:
        raise HTTPException(400, f"At most {MAX_BULK} cases are assigned at once.")
    if not assignee:
        raise HTTPException(400, "Choose the investigator to assign the cases to.")
    return await run_in_threadpool(_bulk_assign, request, user, ids, assignee)
