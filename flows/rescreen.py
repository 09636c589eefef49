"""The rescreen flow: a new watchlist version arrives — who in our history is now a hit?

Snapshot the new version, diff it against the active one, screen the parties of past
transactions (default look-back: the five-year record-keeping period) against only the
added and changed entries, and open cases for new hits only. Entries removed from a list
are noted on the open cases they caused.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.utilities.annotations import quote

from cases.grouping import build_drafts, score_transactions
from cases.policy import load_case_policy
from cases.run_outputs import action_counts, touched_cases, write_cases
from cases.store import CaseStore, RunInfo
from detectors.base import DetectionContext, DetectorResult
from detectors.matching import Matcher, WatchlistScreening
from detectors.schema import OPTIONAL_COLUMNS
from flows.assembly import code_version
from flows.daily import TASK_OPTIONS, StageClock, begin_run, close_run, store_cases
from flows.history import TransactionHistory
from flows.screening import match_settings
from flows.settings import Workspace, load_pipeline_settings, render_workers
from watchlists import SnapshotStore, WatchlistDiff, diff_entries, entries_to_frame
from watchlists.loader import file_sha256

TRIGGER = "watchlist change"


@task(name="snapshot-and-diff", **TASK_OPTIONS)
def snapshot_and_diff(workspace: Workspace, paths: list[Path]) -> tuple[Any, Any, WatchlistDiff]:
    store = SnapshotStore(workspace.watchlists)
    previous = store.active()
    new, _created = store.add(paths)
    old_entries = store.entries(previous.id) if previous else entries_to_frame([])
    store.activate(new.id)
    return previous, new, diff_entries(old_entries, store.entries(new.id))


@task(name="load-past-parties", **TASK_OPTIONS)
def load_past(workspace: Workspace, since: date) -> pd.DataFrame:
    return TransactionHistory(workspace.history).load(since=since)


def screen_against(
    history: pd.DataFrame, entries: pd.DataFrame, settings: dict[str, Any]
) -> DetectorResult:
    """P1 flags for the parties of past transactions against some list entries."""
    matcher = Matcher.build(entries, match_settings(settings))
    context = DetectionContext(
        history=history.iloc[0:0],
        present_columns=frozenset(OPTIONAL_COLUMNS),
        policy={},
        catalog=pd.DataFrame(),
        as_of=date.today(),
        watchlist=matcher,
        settings=settings,
    )
    return WatchlistScreening().detect(history, context)


@task(name="note-removed-entries", **TASK_OPTIONS)
def note_removed(store_url: str, removed: pd.DataFrame, run_id: str) -> list[str]:
    if removed.empty:
        return []
    store = CaseStore(store_url, load_case_policy())
    try:
        return store.note_removed_entries(removed["entry_id"].tolist(), run_id=run_id)
    finally:
        store.close()


@task(name="screen-against-changes", **TASK_OPTIONS)
def screen_changes(
    history: pd.DataFrame, changes: pd.DataFrame, settings: dict[str, Any]
) -> DetectorResult:
    return screen_against(history, changes, settings)


@flow(name="rescreen", log_prints=True)
def rescreen(
    watchlist: list[str],
    workspace: str = "redflag-workspace",
    since: str | None = None,
    out: str | None = None,
    config: str | None = None,
) -> dict[str, Any]:
    """Rescreen past parties against what changed in a new watchlist version."""
    logger = get_run_logger()
    run_folder = begin_run(workspace, out, prefix="rescreen-")
    run_id, started_at, ws, out_dir = (
        run_folder.run_id,
        run_folder.started_at,
        run_folder.workspace,
        run_folder.out,
    )
    settings = load_pipeline_settings(Path(config) if config else None)
    lookback = int(settings["history"]["lookback_days"])
    since_date = date.fromisoformat(since) if since else date.today() - timedelta(days=lookback)
    paths = [Path(p) for p in watchlist]
    clock = StageClock()

    with clock("snapshot"):
        previous, new, diff = snapshot_and_diff(ws, paths)
    changes = diff.screening_entries()
    with clock("history"):
        history = load_past(ws, since_date)
    with clock("screening"):
        if len(changes) and len(history):
            result = screen_changes(quote(history), quote(changes), settings)
        else:
            result = DetectorResult(flags=pd.DataFrame())
    flags = result.flags
    drafts = []
    if len(flags):
        flags = flags.assign(evidence=[{**e, "trigger": TRIGGER} for e in flags["evidence"]])
        hit_rows = history[history["transaction_id"].isin(flags["transaction_id"])]
        scored = score_transactions(hit_rows, flags)
        drafts = build_drafts(hit_rows, flags, scored, settings["cases"])
    versions = {
        "code": code_version(),
        "watchlist_snapshot": {
            "id": new.id,
            "label": new.label,
            "previous": previous.id if previous else None,
        },
        "watchlist_diff": diff.counts(),
    }
    for draft in drafts:
        draft.trigger = TRIGGER
        draft.versions = versions
    run = RunInfo(run_id=run_id, started_at=started_at.isoformat(), versions=versions)
    with clock("cases"):
        upserts = store_cases(ws.case_store_url, quote(drafts), run)
        noted = note_removed(ws.case_store_url, diff.removed, run_id)
    touched = touched_cases(upserts)

    diff.to_csv(out_dir / "watchlist_diff.csv")
    summary = {
        "run_id": run_id,
        "kind": "rescreen",
        "trigger": TRIGGER,
        "started_at": started_at.isoformat(),
        "finished_at": None,
        "inputs": [
            {"path": str(p), "sha256": file_sha256(p) if p.is_file() else None} for p in paths
        ],
        "since": since_date.isoformat(),
        "counts": {
            "entries_added": diff.counts().get("added", 0),
            "entries_removed": diff.counts().get("removed", 0),
            "entries_changed": diff.counts().get("changed", 0),
            "transactions_rescreened": len(history),
            "parties_screened": int(result.details.get("parties_screened", 0)),
            "watchlist_hits": int(result.details.get("hits_count", 0)),
            "flags_by_code": {k: int(v) for k, v in flags["code"].value_counts().items()}
            if len(flags)
            else {},
            **action_counts(upserts),
            "cases_noted_entry_removed": len(noted),
        },
        "versions": versions,
    }
    write_cases(out_dir, touched, render_workers(settings))
    close_run(run_folder, touched, summary, clock)
    logger.info("rescreen %s: %s", run_id, summary["counts"])
    return summary
