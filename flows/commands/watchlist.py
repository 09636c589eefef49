"""`redflag watchlist …`: add list files as snapshots, list them, diff two versions,
choose the active one, and update from the official sources.

The workspace comes from the main callback (`ctx.obj["workspace"]`); snapshots live in
`<workspace>/watchlists/`, downloads are cached in `<workspace>/watchlists/downloads/`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.table import Table

from cases.csv_cells import write_inert_csv
from flows.commands.accounts import ReasonOption, TokenOption, UserOption
from flows.settings import CONFIGS_DIR
from watchlists import (
    SnapshotError,
    SnapshotInfo,
    SnapshotStore,
    WatchlistDiff,
    WatchlistFormatError,
    diff_entries,
    entries_to_frame,
    load_watchlist,
)
from watchlists.download import sources_from_config, update_from_sources

app = typer.Typer(help="Manage restricted-party list snapshots.", no_args_is_help=True)
CONFIG_FILE = CONFIGS_DIR / "watchlists.yaml"


# Options that let a new list version through the sanity checks (`watchlist add`, `rescreen`).
AcceptShrinkOption = Annotated[
    bool,
    typer.Option(
        "--accept-shrink",
        help="Accept a version that lost more than `max_shrink` (configs/watchlists.yaml) "
        "of its source's last version's entries.",
    ),
]
PartialOption = Annotated[
    bool,
    typer.Option(
        "--partial",
        help="Accept a list without files its format expects (OFAC without alt.csv/add.csv).",
    ),
]


def _console() -> Console:
    """A console made per command, so width and colour follow the current terminal."""
    return Console(soft_wrap=True)


def _workspace(ctx: typer.Context) -> Path:
    obj = ctx.obj or {}
    if obj.get("workspace"):
        return Path(obj["workspace"])
    return Path(os.environ.get("REDFLAG_HOME") or "redflag-workspace")


def _store(ctx: typer.Context) -> SnapshotStore:
    from flows.screening import snapshot_store

    return snapshot_store(_workspace(ctx) / "watchlists")


def _active_text(store: SnapshotStore) -> str:
    active = store.active_snapshots()
    return ", ".join(f"{i.source} {i.id}" for i in active) or "none"


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    return typer.Exit(code)


def _counts_text(info: SnapshotInfo) -> str:
    return ", ".join(f"{code} {n}" for code, n in info.counts_by_list.items())


@app.command("add")
def add_command(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            help="List files, or folders holding one list's files (e.g. OFAC's four CSVs)."
        ),
    ],
    label: Annotated[
        str | None,
        typer.Option("--label", help="Name for the snapshot (default: the detected list)."),
    ] = None,
    accept_shrink: AcceptShrinkOption = False,
    partial: PartialOption = False,
    reason: ReasonOption = None,
    user: UserOption = None,
    token: TokenOption = None,
) -> None:
    """Store each list source given as a new snapshot of its series and make it active;
    the active snapshots of all sources are screened together (recorded in the audit
    trail as whoever logged in with --user or --token, else as "system")."""
    store = _store(ctx)
    before = {i.source: i.id for i in store.active_snapshots()}
    with _admin_change(ctx, "adding a watchlist version", user, token, gated=False) as record:
        try:
            added = store.add_sources(
                files, label=label, accept_shrink=accept_shrink, partial=partial
            )
        except WatchlistFormatError as exc:
            raise _fail(str(exc)) from exc
        for info, created in added:
            record("watchlist_added", info.id, {
                "source": info.source, "label": info.label, "format": info.format,
                "entries": info.entry_count, "created": created,
                "files": [[Path(path).name, sha] for path, sha in info.files],
                "previous": before.get(info.source), "reason": reason,
            })  # fmt: skip
    for info, created in added:
        if not created:
            _console().print(
                f"No change: these files are already snapshot {info.id} ({info.label}); "
                f"it is the active {info.source} version."
            )
            continue
        _console().print(
            f"Added snapshot [bold]{info.id}[/bold] ({info.label}, {info.format}): "
            f"{info.entry_count} entries — {_counts_text(info)}. "
            f"It is now the active {info.source} version."
        )
    _console().print(f"Active sources: {_active_text(store)}.")


@app.command("list")
def list_command(ctx: typer.Context) -> None:
    """Show every snapshot, oldest first; the active one of each source is marked with *."""
    store = _store(ctx)
    snapshots = store.list()
    if not snapshots:
        _console().print("No watchlist snapshots yet: add one with `redflag watchlist add FILE`.")
        return
    active = {info.id for info in store.active_snapshots()}
    table = Table(title=f"Watchlist snapshots in {store.root}")
    columns = ("", "source", "id", "label", "format", "entries", "by list", "source date")
    for column in (*columns, "loaded at"):
        table.add_column(column)
    for info in snapshots:
        table.add_row(
            "*" if info.id in active else "",
            info.source,
            info.id,
            info.label,
            info.format,
            str(info.entry_count),
            _counts_text(info),
            info.source_date or "",
            info.loaded_at,
        )
    _console().print(table)
    _console().print(f"Screened together (* above): {_active_text(store)}.")


@contextmanager
def _admin_change(
    ctx: typer.Context,
    what: str,
    user: str | None,
    token: str | None,
    meanwhile: str | None = "watchlists are switched without a login",
    gated: bool = True,
) -> Iterator[Callable[[str, str, dict[str, Any]], None]]:
    """Who changes what every later run screens with: when `gated`, an authenticated admin
    once the case store has one, else "system" (with a warning saying `meanwhile`, when
    given); when not (Contract 2's `watchlist add`, and `update`), whoever logged in, else
    "system" (`recorded_actor`). Yields
    `record(event, subject, details)`, which writes the change to the audit trail as
    theirs; when that fails, the snapshot folder is put back as it was on entering."""
    from flows.audited import record_change, restore_point
    from flows.commands.accounts import (
        admin_or_system,
        cli_client,
        open_store_at,
        recorded_actor,
    )
    from flows.settings import Workspace
    from watchlists.snapshots import INDEX_FILE

    obj = ctx.obj or {}
    cases = open_store_at(obj.get("case_store_url") or Workspace(_workspace(ctx)).case_store_url)
    try:
        if gated:
            by = admin_or_system(cases, user, token, what, meanwhile)
        else:
            by = recorded_actor(cases, user, token)
        restore = restore_point(_store(ctx).root, [INDEX_FILE])

        def record(event: str, subject: str, details: dict[str, Any]) -> None:
            record_change(cases, event, by, cli_client(), details, subject, restore)

        yield record
    finally:
        cases.close()


@app.command("activate")
def activate_command(
    ctx: typer.Context,
    snapshot_id: Annotated[str, typer.Argument(help="Snapshot id, e.g. wl-0002.")],
    reason: ReasonOption = None,
    user: UserOption = None,
    token: TokenOption = None,
) -> None:
    """Make an earlier (or later) snapshot the one its source is screened with (an
    admin's job once the case store has an admin; recorded in the audit trail)."""
    store = _store(ctx)
    try:
        store.get(snapshot_id)  # an unknown id fails before the login
    except SnapshotError as exc:
        raise _fail(str(exc)) from exc
    before = {i.source: i.id for i in store.active_snapshots()}
    with _admin_change(ctx, "activating a watchlist snapshot", user, token) as record:
        try:
            info = store.activate(snapshot_id)
        except SnapshotError as exc:
            raise _fail(str(exc)) from exc
        after = {i.source: i.id for i in store.active_snapshots()}
        record("watchlist_activated", info.id, {
            "source": info.source, "label": info.label, "previous": before.get(info.source),
            "retired": sorted(set(before) - set(after)), "reason": reason,
        })  # fmt: skip
    _console().print(f"Active watchlist snapshot: {info.id} ({info.label}), for {info.source}.")


@app.command("deactivate")
def deactivate_command(
    ctx: typer.Context,
    source: Annotated[
        str, typer.Argument(help="List source, as `watchlist list` shows it (e.g. un, own:mine).")
    ],
    reason: ReasonOption = None,
    user: UserOption = None,
    token: TokenOption = None,
) -> None:
    """Stop screening against a list source; its snapshots are kept (an admin's job once
    the case store has an admin; recorded in the audit trail)."""
    store = _store(ctx)
    active = {i.source for i in store.active_snapshots()}
    if source not in active:
        raise _fail(
            f"no active list source {source!r} (active: {', '.join(sorted(active)) or 'none'})"
        )
    with _admin_change(ctx, "deactivating a watchlist source", user, token) as record:
        try:
            info = store.deactivate(source)
        except SnapshotError as exc:
            raise _fail(str(exc)) from exc
        record("watchlist_deactivated", source, {"snapshot": info.id, "reason": reason})
    _console().print(
        f"{source} is no longer screened (its last active snapshot was {info.id}); "
        f"active sources: {_active_text(store)}."
    )


@app.command("diff")
def diff_command(
    ctx: typer.Context,
    old: Annotated[
        str, typer.Argument(help="Older version: a snapshot id (wl-0001) or a list file/folder.")
    ],
    new: Annotated[str, typer.Argument(help="Newer version: a snapshot id or a list file/folder.")],
    csv: Annotated[
        Path | None, typer.Option("--csv", help="Also write every change to this CSV file.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", help="Rows of each kind to show in the table.")
    ] = 20,
) -> None:
    """Report added, removed and changed entries between two versions of a list."""
    store = _store(ctx)
    try:
        diff = diff_entries(_entries(store, old), _entries(store, new))
    except (SnapshotError, WatchlistFormatError) as exc:
        raise _fail(str(exc)) from exc
    counts = diff.counts()
    _console().print(
        f"{old} -> {new}: {counts['added']} added, {counts['removed']} removed, {counts['changed']} changed."
    )
    _print_diff(diff, limit)
    if csv is not None:
        write_inert_csv(diff.to_frame(), csv)
        _console().print(f"Wrote {sum(counts.values())} changes to {csv}.")


def _entries(store: SnapshotStore, version: str):
    path = Path(version)
    if path.exists():
        return entries_to_frame(load_watchlist(path).entries)
    return store.entries(version)


def _print_diff(diff: WatchlistDiff, limit: int) -> None:
    frame = diff.to_frame()
    if frame.empty:
        return
    shown = frame.groupby("change", sort=False).head(limit)
    table = Table(title=f"Changes (up to {limit} of each kind)")
    for column in ("change", "entry_id", "list_code", "name", "changed_fields"):
        table.add_column(column)
    for row in shown.itertuples(index=False):
        table.add_row(row.change, row.entry_id, row.list_code, row.name, row.changed_fields)
    _console().print(table)


@app.command("update")
def update_command(
    ctx: typer.Context,
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source", help="Only this source (repeatable): csl, ofac_sdn, ofac_consolidated, un."
        ),
    ] = None,
    config: Annotated[
        Path, typer.Option("--config", help="Sources file (default: configs/watchlists.yaml).")
    ] = CONFIG_FILE,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds to wait on each server.")
    ] = 60.0,
    reason: ReasonOption = None,
    user: UserOption = None,
    token: TokenOption = None,
) -> None:
    """Download the official lists; snapshot those that changed, keep the last good one
    otherwise (each new active version is recorded in the audit trail as whoever
    logged in, else as "system")."""
    try:
        sources = sources_from_config(yaml.safe_load(config.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise _fail(f"{config}: cannot read the watchlist sources ({exc})") from exc
    unknown = sorted(set(source or []) - {s.name for s in sources})
    if unknown:
        raise _fail(
            f"unknown source {', '.join(unknown)} (known: {', '.join(s.name for s in sources)})"
        )
    chosen = [s for s in sources if not source or s.name in source]
    store = _store(ctx)
    before = {i.source: i.id for i in store.active_snapshots()}
    with _admin_change(ctx, "updating the watchlists", user, token, gated=False) as record:
        results = update_from_sources(chosen, store, store.root / "downloads", timeout=timeout)
        for result in results:
            if result.snapshot_id is None or result.snapshot_id in before.values():
                continue  # failed, not modified, or already the active version
            info = store.get(result.snapshot_id)
            record("watchlist_updated", info.id, {
                "source": info.source, "label": info.label, "status": result.status,
                "entries": info.entry_count, "previous": before.get(info.source),
                "urls": [url for url, _, _ in result.fetched], "reason": reason,
            })  # fmt: skip
    for result in results:
        style = "red" if not result.ok else "green"
        _console().print(f"[{style}]{result.source}: {result.status}[/{style}] — {result.message}")
    failed = [r for r in results if not r.ok]
    if failed:
        raise _fail(
            f"{len(failed)} of {len(results)} downloads failed; the last good snapshots stay active",
            1,
        )
