"""The daily screening flow: ingest → screening → rules → ML → cases → outputs.

Thin orchestration: every task wraps a function of `detectors/`, `watchlists/` or
`cases/` and works on a whole frame, never a row.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from cases.grouping import attach_case_ids, build_drafts, score_transactions
from cases.policy import load_case_policy
from cases.run_outputs import (
    action_counts,
    touched_cases,
    write_cases,
    write_flags,
    write_index,
    write_json,
    write_rejected,
    write_scored,
)
from cases.store import CaseStore, RunInfo
from detectors.base import DetectionContext, DetectorResult, concat_flags
from detectors.ingest import IngestResult
from flows.assembly import RunSetup, add_ml, prepare_run
from flows.history import TransactionHistory
from flows.settings import Workspace, render_workers
from flows.sources import expand_inputs, read_orders
from watchlists.loader import file_sha256

TASK_OPTIONS: dict[str, Any] = {"cache_policy": NO_CACHE, "persist_result": False}
# Large inputs are passed `quote()`d: Prefect then hands them over as they are instead of
# walking every nested object to record task dependencies (minutes for 25,000 cases).


class StageClock:
    """Wall time per stage of a run, reported in run_summary.json."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            self.seconds[stage] = round(self.seconds.get(stage, 0.0) + elapsed, 3)


@dataclass(frozen=True)
class RunFolder:
    """Identity and places of one run (daily or rescreen)."""

    run_id: str
    started_at: datetime
    workspace: Workspace
    out: Path


def begin_run(workspace: str, out: str | None, prefix: str = "") -> RunFolder:
    run_id = new_run_id()
    ws = Workspace(Path(workspace)).ensure()
    out_dir = Path(out) if out else ws.runs / f"{prefix}{run_id}"
    out_dir.mkdir(parents=True, exist_ok=True)
    return RunFolder(run_id, datetime.now(UTC), ws, out_dir)


def close_run(run: RunFolder, cases: list, summary: dict[str, Any], clock: StageClock) -> dict:
    """Completes the summary, writes index.html and run_summary.json, records the run."""
    summary["timings_seconds"] = clock.seconds
    summary["finished_at"] = datetime.now(UTC).isoformat()
    summary["outputs"] = {"folder": str(run.out), "index": str(run.out / "index.html")}
    write_index(run.out, cases, summary)
    write_json(run.out / "run_summary.json", summary)
    record_run(run.workspace.case_store_url, run.run_id, quote(summary))
    return summary


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(2)


@task(name="ingest", **TASK_OPTIONS)
def ingest(setup: RunSetup, paths: list[Path]) -> IngestResult:
    return read_orders(paths, setup.catalog, setup.settings.get("ingest", {}), setup.column_map)


@task(name="load-history", **TASK_OPTIONS)
def load_history(workspace: Workspace, batch: pd.DataFrame, lookback_days: int) -> pd.DataFrame:
    if batch.empty:
        return batch
    since = (batch["order_date"].min() - pd.Timedelta(days=lookback_days)).date()
    return TransactionHistory(workspace.history).load(
        customer_ids=batch["customer_id"].unique().tolist(),
        since=since,
        exclude_ids=batch["transaction_id"],
    )


@task(name="prepare-ml", **TASK_OPTIONS)
def prepare_ml(
    setup: RunSetup, workspace: Workspace, batch: pd.DataFrame, history: pd.DataFrame
) -> None:
    add_ml(setup, workspace, batch, history)


@task(name="detect", task_run_name="detect-{family}", **TASK_OPTIONS)
def detect(
    family: str, detector: Any, batch: pd.DataFrame, context: DetectionContext
) -> DetectorResult:
    return detector.detect(batch, context)


@task(name="group-cases", **TASK_OPTIONS)
def group_cases(batch: pd.DataFrame, flags: pd.DataFrame, case_settings: dict) -> tuple:
    scored = score_transactions(batch, flags)
    return scored, build_drafts(batch, flags, scored, case_settings)


@task(name="store-cases", **TASK_OPTIONS)
def store_cases(store_url: str, drafts: list, run: RunInfo) -> list:
    """Dedup against the case store; full cases come back only for those this run touched."""
    store = CaseStore(store_url, load_case_policy())
    try:
        return store.upsert_drafts(drafts, run, load="changed")
    finally:
        store.close()


@task(name="record-run", **TASK_OPTIONS)
def record_run(store_url: str, run_id: str, summary: dict) -> None:
    store = CaseStore(store_url, load_case_policy())
    try:
        store.finish_run(run_id, datetime.now(UTC), summary)
    finally:
        store.close()


@task(name="keep-history", **TASK_OPTIONS)
def keep_history(workspace: Workspace, batch: pd.DataFrame, run_id: str) -> int:
    return TransactionHistory(workspace.history).append(batch, run_id)


@flow(name="daily-screening", log_prints=True)
def daily_screening(
    transactions: list[str],
    workspace: str = "redflag-workspace",
    watchlist: list[str] | None = None,
    config: str | None = None,
    out: str | None = None,
    column_map: str | None = None,
) -> dict[str, Any]:
    """Screen one day's orders and write Contract 3's outputs; returns the run summary."""
    logger = get_run_logger()
    run_folder = begin_run(workspace, out)
    run_id, started_at, ws, out_dir = (
        run_folder.run_id,
        run_folder.started_at,
        run_folder.workspace,
        run_folder.out,
    )
    paths = expand_inputs(transactions)

    clock = StageClock()
    with clock("setup"):
        setup = prepare_run(ws, config, watchlist, column_map)
    with clock("ingest"):
        batch = ingest(quote(setup), paths)
    logger.info(
        "ingest: %d read, %d accepted, %d rejected",
        batch.rows_read,
        len(batch.accepted),
        len(batch.rejected),
    )
    with clock("history"):
        history = load_history(
            ws, quote(batch.accepted), int(setup.settings["history"]["lookback_days"])
        )
        context = setup.context(batch.accepted, history, batch.present_columns)
    with clock("ml-fit"):
        prepare_ml(quote(setup), ws, quote(batch.accepted), quote(history))

    results = {}
    for family, detector in setup.detectors.items():
        with clock(family):
            results[family] = detect(family, quote(detector), quote(batch.accepted), quote(context))
    flags = concat_flags([r.flags for r in results.values()])
    with clock("cases"):
        scored, drafts = group_cases(quote(batch.accepted), quote(flags), setup.settings["cases"])
        run = RunInfo(run_id=run_id, started_at=started_at.isoformat(), versions=setup.versions)
        upserts = store_cases(ws.case_store_url, quote(drafts), run)
    case_of_key = {u.case_key: u.case_id for u in upserts if u.case_id}
    scored = attach_case_ids(scored, batch.accepted, case_of_key, setup.settings["cases"])
    with clock("history"):
        new_history = keep_history(ws, quote(batch.accepted), run_id)

    touched = touched_cases(upserts)
    summary = {
        "run_id": run_id,
        "started_at": started_at.isoformat(),
        "finished_at": None,
        "inputs": [{"path": str(p), "sha256": file_sha256(p)} for p in paths],
        "counts": {
            "rows_read": batch.rows_read,
            "rows_accepted": len(batch.accepted),
            "rows_rejected": len(batch.rejected),
            "reject_reasons": batch.reject_counts,
            "parties_screened": int(results["watchlist"].details.get("parties_screened", 0))
            if "watchlist" in results
            else 0,
            "watchlist_hits": int(results["watchlist"].details.get("hits_count", 0))
            if "watchlist" in results
            else 0,
            "flags_by_code": {
                k: int(v) for k, v in flags["code"].value_counts().sort_index().items()
            },
            "transactions_flagged": int((scored["flags"] != "").sum()),
            "transactions_in_cases": int((scored["case_id"] != "").sum()),
            **action_counts(upserts),
            "history_transactions_added": new_history,
        },
        "not_evaluable": [
            {"family": family, "code": n.code, "reason": n.reason}
            for family, result in results.items()
            for n in result.not_evaluable
        ],
        "skipped_detectors": setup.skipped,
        "versions": setup.versions,
    }
    with clock("outputs"):
        write_scored(out_dir, scored)
        write_flags(out_dir, flags)
        write_rejected(out_dir, batch.rejected)
        write_cases(out_dir, touched, render_workers(setup.settings))
    close_run(run_folder, touched, summary, clock)
    logger.info(
        "run %s: %d case(s) opened, %d updated; outputs in %s",
        run_id,
        summary["counts"]["cases_opened"],
        summary["counts"]["cases_updated"],
        out_dir,
    )
    return summary
