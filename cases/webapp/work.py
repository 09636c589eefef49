"""Working on a case besides deciding it: attachments, suppressions, the evidence export."""

from __future__ import annotations

import logging
import urllib.parse
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from cases.attachments import AttachmentRefused, get_attachment, list_attachments
from cases.case_history import earlier_cases
from cases.evidence_export import export_context
from cases.evidence_pdf import available as pdf_available
from cases.evidence_pdf import export_pdf
from cases.model import Case
from cases.render import export_html
from cases.store import CaseNotFound, utc_now
from cases.webapp.pages import (
    User,
    current_user,
    render,
    session_of,
    settings_of,
    user_form,
)
from cases.workflow import AccessDenied, CaseWorkflow, WorkflowError

log = logging.getLogger(__name__)
DOWNLOAD_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/tiff",
                            "text/plain"})  # fmt: skip

__all__ = ["WORK_ROUTES", "pdf_available"]


def _case_or_404(request: Request, case_id: str) -> Case:
    try:
        case: Case = settings_of(request).store.get_case(case_id)
        return case
    except CaseNotFound:
        raise HTTPException(404, f"There is no case {case_id}.") from None


# ---- attachments ------------------------------------------------------------------------


async def upload(request: Request) -> Response:
    user = await run_in_threadpool(current_user, request)
    settings, case_id = settings_of(request), request.path_params["case_id"]
    if settings.files is None:
        raise HTTPException(404, "This review app keeps no attachments.")
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type != "multipart/form-data":
        raise HTTPException(415, "a file is posted as multipart/form-data")
    async with request.form(max_files=1, max_fields=8, max_part_size=64 * 1024) as form:
        if not session_of(request).check_csrf(str(form.get("csrf_token") or "")):
            raise HTTPException(403, "The form's security token is missing or out of date; "
                                     "reload the page and try again.")  # fmt: skip
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise HTTPException(400, "choose a file to attach")
        data = await file.read(settings.policy.attachment_max_bytes + 1)
        name, kind, note = (
            file.filename or "",
            str(form.get("kind") or ""),
            str(form.get("note") or ""),
        )
    return await run_in_threadpool(_attach, request, user, case_id, name, kind, note, data)


def _attach(request: Request, user: User, case_id: str, name: str, kind: str, note: str,
            data: bytes) -> Response:  # fmt: skip
    from cases.webapp.routes import _case_page

    settings = settings_of(request)
    try:
        CaseWorkflow(settings.store, settings.policy).attach(
            case_id, name, kind, data, user, settings.files, note
        )
    except CaseNotFound:
        raise HTTPException(404, f"There is no case {case_id}.") from None
    except AccessDenied as error:
        return _case_page(request, case_id, user, str(error), 403)
    except AttachmentRefused as error:
        return _case_page(request, case_id, user, f"The file was not kept: {error}.", 400)
    log.info("review app: %s attached %s to %s", user.name, kind, case_id)
    return RedirectResponse(f"/cases/{case_id}?done=attached#files", status_code=303)


def download(request: Request) -> Response:
    current_user(request)
    settings, case_id = settings_of(request), request.path_params["case_id"]
    found = get_attachment(settings.store.engine, case_id, request.path_params["attachment_id"])
    if found is None or settings.files is None:
        raise HTTPException(404, "There is no such attachment.")
    try:
        data = settings.files.read(found)
    except FileNotFoundError:
        raise HTTPException(410, "The attachment's file is missing from the workspace.") from None
    except ValueError as error:  # the bytes no longer match the recorded sha256
        log.error("review app: %s", error)
        raise HTTPException(409, f"{error}; the file was not sent.") from None
    ascii_name = found.file_name.encode("ascii", "replace").decode().replace("?", "_")
    disposition = (f'attachment; filename="{ascii_name.replace(chr(34), "_")}"; '
                   f"filename*=UTF-8''{urllib.parse.quote(found.file_name)}")  # fmt: skip
    media_type = (
        found.media_type if found.media_type in DOWNLOAD_TYPES else "application/octet-stream"
    )
    return Response(data, media_type=media_type, headers={
        "content-disposition": disposition, "x-content-type-options": "nosniff",
        "content-security-policy": "sandbox; default-src 'none'",
    })  # fmt: skip


# ---- suppressions -----------------------------------------------------------------------


def suppressions_page(request: Request) -> Response:
    user = current_user(request)
    store, now = settings_of(request).store, utc_now()
    everything = request.query_params.get("all") == "1"
    rows = store.list_suppressions(now, include_inactive=everything)
    return render(request, "suppressions.html", rows=rows, now=now, everything=everything,
                  can_revoke=user.role in ("reviewer", "admin"),
                  notice="Saved: the suppression is lifted." if request.query_params.get("done") else "")  # fmt: skip


async def revoke(request: Request) -> Response:
    user, form = await user_form(request)
    raw = request.path_params["suppression_id"]
    settings = settings_of(request)

    def act() -> Response:
        try:
            CaseWorkflow(settings.store, settings.policy).revoke_suppression(
                raw, form.get("reason", ""), user
            )
        except AccessDenied as error:
            raise HTTPException(403, str(error)) from None
        except WorkflowError as error:
            raise HTTPException(400, str(error)) from None
        return RedirectResponse("/suppressions?done=1", status_code=303)

    return await run_in_threadpool(act)


# ---- evidence export --------------------------------------------------------------------


def _export_parts(request: Request, case_id: str) -> tuple[Case, dict[str, Any]]:
    user = current_user(request)
    case = _case_or_404(request, case_id)
    engine = settings_of(request).store.engine
    extra = export_context(case, list_attachments(engine, case_id), earlier_cases(engine, case),
                           utc_now(), user.name)  # fmt: skip
    return case, extra


def export_page(request: Request) -> Response:
    case_id = request.path_params["case_id"]
    case, extra = _export_parts(request, case_id)
    html = export_html(case, extra, css_href="/static/case.css", back_href=f"/cases/{case_id}")
    return HTMLResponse(html)


def export_pdf_file(request: Request) -> Response:
    case_id = request.path_params["case_id"]
    if not pdf_available():
        raise HTTPException(404, "PDF export needs the fpdf2 package; use the HTML export.")
    case, extra = _export_parts(request, case_id)
    return Response(export_pdf(case, extra), media_type="application/pdf", headers={
        "content-disposition": f'attachment; filename="{case.case_id}-evidence.pdf"'})  # fmt: skip


WORK_ROUTES = [
    Route("/cases/{case_id}/attachments", upload, methods=["POST"]),
    Route("/cases/{case_id}/attachments/{attachment_id:int}", download, methods=["GET"]),
    Route("/cases/{case_id}/export", export_page, methods=["GET"]),
    Route("/cases/{case_id}/export.pdf", export_pdf_file, methods=["GET"]),
    Route("/suppressions", suppressions_page, methods=["GET"]),
    Route("/suppressions/{suppression_id:int}/revoke", revoke, methods=["POST"]),
]
