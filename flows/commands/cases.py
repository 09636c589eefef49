"""`redflag cases …`: the investigator's queue, case pages, assignments and decisions."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError

from cases.export import EXPORT_FORMATS, export_extras, export_queue
from cases.model import PRIORITIES, STATUSES
from cases.policy import load_case_policy
from cases.queue import QUEUE_STATUSES, SORTS, QueueFilter, queue_rows
from cases.render import case_json
from cases.store import CaseNotFound, CaseStore, ConcurrentChange, utc_now, workspace_url
from cases.workflow import OUTCOMES, CaseWorkflow, WorkflowError, pending_summary
from flows.commands.accounts import TokenOption, authenticate
from flows.commands.accounts import UserOption as UserOption

app = typer.Typer(help="Review the case queue, read a case, assign it and record decisions.")
suppressions_app = typer.Typer(help="Suppressed party <-> watchlist entry pairs.")
app.add_typer(suppressions_app, name="suppressions")


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"redflag: error: {message}", err=True)
    return typer.Exit(code)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Bad input exits 2, a store failure exits 1, each with one line on stderr."""
    try:
        yield
    except (WorkflowError, CaseNotFound, ConcurrentChange, ValueError) as error:
        raise _fail(str(error).strip("'\""), 2) from None
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise _fail(f"case store failure: {reason}", 1) from None


def _store(ctx: typer.Context) -> CaseStore:
    obj = ctx.obj or {}
    workspace = Path(obj.get("workspace") or os.environ.get("REDFLAG_HOME") or "redflag-workspace")
    url = obj.get("case_store_url") or workspace_url(workspace)
    with _user_errors():
        return CaseStore(url, load_case_policy())


def _choice(value: str | None, allowed: tuple[str, ...], option: str) -> None:
    if value is not None and value not in allowed:
        raise _fail(f"{option} must be one of {', '.join(allowed)} (got {value!r})", 2)


@app.command("list")
def list_cases(
    ctx: typer.Context,
    status: Annotated[
        str | None,
        typer.Option(help=f"Only this status: {', '.join(QUEUE_STATUSES)} (default: every one)."),
    ] = None,
    priority: Annotated[
        str | None, typer.Option(help=f"Only this priority: {', '.join(PRIORITIES)}.")
    ] = None,
    assignee: Annotated[str | None, typer.Option(help="Only cases assigned to this user.")] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only open or in-review cases past their due date.")
    ] = False,
    sort: Annotated[
        str, typer.Option(help=f"Order: {', '.join(SORTS)} (highest risk first by default).")
    ] = "risk",
    search: Annotated[
        str, typer.Option(help="Words of a case id, customer, party, transaction or list entry.")
    ] = "",
    flag: Annotated[str | None, typer.Option(help="Only cases with this red flag code.")] = None,
    list_code: Annotated[
        str | None, typer.Option("--list", help="Only cases with a hit on this list code (EL...).")
    ] = None,
    country: Annotated[
        str | None, typer.Option(help="Only customers of this country code.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many cases (0 = all).")] = 200,
) -> None:
    """The queue, highest risk first (or --sort value, due, age or uncertainty)."""
    _choice(status, (*QUEUE_STATUSES, "all"), "--status")
    _choice(priority, PRIORITIES, "--priority")
    _choice(sort, tuple(SORTS), "--sort")
    store = _store(ctx)
    now = utc_now()
    with _user_errors():
        wanted = QueueFilter(q=search, sort=sort, status=status or "all", priority=priority,
                             assignee=assignee, flag=flag, list=list_code,
                             country=country.upper() if country else None, overdue=overdue)  # fmt: skip
        rows, total = queue_rows(store, wanted, now, limit or None)
    shown = f"{len(rows)} of {total} case(s)" if len(rows) < total else f"{total} case(s)"
    table = Table(title=f"{shown}, {SORTS[sort][0]}")
    for column in ("case", "priority", "risk", "status", "subject", "country", "flags",
                   "value (USD)", "assignee", "due (UTC)"):  # fmt: skip
        table.add_column(column, justify="right" if column in ("risk", "value (USD)") else "left")
    for row in rows:
        due = Text(row.due_at.strftime("%Y-%m-%d %H:%M") if row.due_at else "")
        if row.is_overdue(now):
            due.append(" overdue", style="red")
        state = "awaiting approval" if row.pending else row.status
        value = f"{row.order_value:,.0f}" if row.order_value is not None else ""
        cells = (row.case_id, row.priority, str(row.risk_score), state, row.subject_name or "",
                 row.country or "", " ".join(code for code, _ in row.top_flags), value,
                 row.assignee or "")  # fmt: skip
        table.add_row(*map(Text, cells), due)
    Console().print(table)
    if len(rows) < total:
        typer.echo(f"{total - len(rows)} more; --limit 0 lists them all", err=True)


@app.command("show")
def show(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(help="Case id, e.g. C-000123.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the case file JSON.")] = False,
) -> None:
    """One case: summary, flags, watchlist hits and history (or its JSON)."""
    store = _store(ctx)
    with _user_errors():
        case = store.get_case(case_id)
    if as_json:
        typer.echo(json.dumps(case_json(case), indent=2, ensure_ascii=False, default=str))
        return
    console = Console()
    subject = f"{case.case_id}  {case.subject.get('name', '')} ({case.subject.get('country', '')})"
    console.print(Text(subject, style="bold"))
    console.print(
        f"status {case.status} · priority {case.priority} · risk {case.risk_score} · "
        f"assignee {case.assignee or '-'} · due {case.due_at or '-'}",
        markup=False,
    )
    if case.follow_up_of:
        console.print(f"follow-up of {case.follow_up_of}", markup=False)
    if pending := pending_summary(case):
        console.print(f"pending: {pending}", markup=False)
    for match in case.watchlist_matches:
        console.print(
            f"  HIT {match.role}: {match.party_name} ~ {match.matched_name} "
            f"[{match.list_code or match.list} {match.entry_id}] score {match.score:.2f}",
            markup=False,
        )
    for flag in case.flags:
        console.print(f"  {flag.code} ({flag.severity}) {flag.reason or flag.title}", markup=False)
    for event in case.history:
        move = f" {event.get('from') or '-'} -> {event.get('to')}" if event.get("to") else ""
        note = f": {event['rationale']}" if event.get("rationale") else ""
        console.print(
            f"  {event['at']} {event['event']} by {event['by']}{move}{note}", markup=False
        )


@app.command("assign")
def assign(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(help="Case id.")],
    assignee: Annotated[str, typer.Argument(help="Investigator (an account) to assign it to.")],
    user: UserOption = None,
    token: TokenOption = None,
) -> None:
    """Assign a case to an investigator (an open case moves to in_review). An analyst can
    take an unassigned case; a reviewer or admin assigns any."""
    store = _store(ctx)
    by = authenticate(store, user, token)
    with _user_errors():
        case = CaseWorkflow(store).assign(case_id, assignee, by)
    typer.echo(f"{case.case_id} assigned to {case.assignee} ({case.status})")


@app.command("decide")
def decide(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(help="Case id.")],
    outcome: Annotated[str, typer.Option(help=f"One of {', '.join(OUTCOMES)}.")],
    note: Annotated[str, typer.Option(help="Written rationale for the decision (required).")],
    suppress_days: Annotated[
        int | None,
        typer.Option(help="When clearing: suppress these exact watchlist hits for N days."),
    ] = None,
    user: UserOption = None,
    token: TokenOption = None,
) -> None:
    """Record a decision; one the four-eyes table names (configs/four_eyes.yaml) waits for
    a second person's approval."""
    _choice(outcome, OUTCOMES, "--outcome")
    store = _store(ctx)
    by = authenticate(store, user, token)
    with _user_errors():
        decision = CaseWorkflow(store).decide(case_id, outcome, note, by, suppress_days)
    if decision.pending:
        typer.echo(
            f"{case_id}: '{outcome}' recorded; waiting for a second person's approval "
            f"(four-eyes: {', '.join(decision.four_eyes)})"
        )
    else:
        extra = f", {decision.suppressions} hit(s) suppressed" if decision.suppressions else ""
        typer.echo(f"{case_id} is now {decision.status}{extra}")


@app.command("approve")
def approve(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(help="Case id.")],
    note: Annotated[str, typer.Option(help="Rationale of the approving reviewer.")] = "approved",
    user: UserOption = None,
    token: TokenOption = None,
) -> None:
    """A second person (a reviewer or admin) approves the decision waiting on a case."""
    store = _store(ctx)
    by = authenticate(store, user, token)
    with _user_errors():
        decision = CaseWorkflow(store).approve(case_id, by, note)
    typer.echo(f"{case_id} is now {decision.status}")


@app.command("note")
def add_note(
    ctx: typer.Context,
    case_id: Annotated[str, typer.Argument(help="Case id.")],
    note: Annotated[str, typer.Option(help="The note (at most 5,000 characters).")],
    user: UserOption = None,
    token: TokenOption = None,
) -> None:
    """Add a note to a case's timeline (its assignee, or a reviewer or admin)."""
    store = _store(ctx)
    by = authenticate(store, user, token)
    with _user_errors():
        CaseWorkflow(store).note(case_id, note, by)
    typer.echo(f"{case_id}: note added")


@app.command("export")
def export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option(help="File to write.")],
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
) -> None:
    """Export the queue (formula-like CSV cells are neutralized)."""
    _choice(fmt, EXPORT_FORMATS, "--format")
    _choice(status, STATUSES, "--status")
    store = _store(ctx)
    with _user_errors():
        queue = store.list_cases(status=status)
        extras = export_extras(store.engine, [c.case_id for c in queue])
    try:
        count = export_queue(queue, out, fmt, utc_now(), extras)
    except OSError as error:
        raise _fail(f"cannot write {out}: {error.strerror or error}", 2) from None
    typer.echo(f"{count} case(s) written to {out}")


@suppressions_app.command("list")
def list_suppressions(
    ctx: typer.Context,
    include_inactive: Annotated[
        bool, typer.Option("--all", help="Also show expired and lifted suppressions.")
    ] = False,
) -> None:
    """Suppressed party <-> entry pairs, soonest expiry first."""
    store = _store(ctx)
    now = utc_now()
    rows = store.list_suppressions(now, include_inactive)
    table = Table(title=f"{len(rows)} suppression(s)")
    for column in ("id", "state", "party", "role", "entry", "case", "by", "expires (UTC)", "note"):
        table.add_column(column)
    for s in rows:
        note = s.lifted_reason or s.rationale or ""
        cells = (
            str(s.suppression_id), s.state(now), s.party_name or "", s.role or "", s.entry_id,
            s.case_id or "", s.created_by, s.expires_at.strftime("%Y-%m-%d %H:%M"), note,
        )  # fmt: skip
        table.add_row(*map(Text, cells))
    Console().print(table)


@suppressions_app.command("revoke")
def revoke_suppression(
    ctx: typer.Context,
    suppression_id: Annotated[
        int, typer.Argument(help="Suppression id (see `suppressions list`).")
    ],
    note: Annotated[str, typer.Option(help="Why the pair should alert again (required).")],
    user: UserOption = None,
    token: TokenOption = None,
) -> None:
    """Lift a suppression before it lapses (a reviewer or an admin); its case records it."""
    store = _store(ctx)
    by = authenticate(store, user, token)
    with _user_errors():
        CaseWorkflow(store).revoke_suppression(suppression_id, note, by)
    typer.echo(f"suppression {suppression_id} lifted")
