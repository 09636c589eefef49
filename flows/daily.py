"""The daily screening flow: ingest → screening → rules → ML → cases → outputs.

Thin orchestration: every task wraps a function of `detectors/`, `watchlists/` or
`cases/` and works on a whole frame, never a row.
"""

from __future__ import annotations

import gc
import heapq
import itertools
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from cases.grouping import attach_case_ids
from cases.policy import load_case_policy
from cases.related import (
    NETWORK_ORDER_COLUMNS,
    RunNetwork,
    related_network,
    with_network_flags,
)
from cases.run_outputs import (
    CaseFileWriter,
    ScoredCsv,
    action_counts,
    touched_cases,
    write_field_warnings,
    write_index,
    write_json,
    write_rejected,
)
from cases.store import CaseStore, RunInfo
from cases.suppressed_hits import (
    SuppressedHits,
    apply_to_scored,
    rescore_without,
    write_suppressed_hits,
)
from detectors.network.links import contact_rules, order_columns, order_links
from detectors.ownership import resolution_report
from flows.assembly import RunSetup, add_ml, anomaly_refit_needed, prepare_run
from flows.drift_check import run_drift
from flows.history import TransactionHistory
from flows.history_links import history_links
from flows.ingest.partitions import (
    Partition,
    SpooledOrders,
    history_since,
    in_input_order,
    partition_count,
    read_flags_of,
    split_partitions,
    spool_orders,
    spooled_going_prices,
    write_merged_flags,
)
from flows.ingest.sources import expand_inputs, expand_sources
from flows.ingest.spooling import ROW
from flows.partition_tasks import (
    PartitionResult,
    anomaly_training_rows,
    iter_drafts,
    screen_partition,
)
from flows.progress import Progress
from flows.resume import actions_before, claim_run, finish_run, run_key
from flows.runtime.bulk import collector_paused
from flows.runtime.memory import release_memory
from flows.runtime.runners import dask_client, retire_local_workers, run_each, runner_workers
from flows.runtime.shipping import publish, withdraw
from flows.settings import CONFIGS_DIR, Workspace, ingest_workers, read_yaml, render_workers
from watchlists.loader import file_sha256

TASK_OPTIONS: dict[str, Any] = {"cache_policy": NO_CACHE, "persist_result": False}
CASES_PER_BATCH = 10_000  # drafts stored, and case files written, per batch
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
    key: str | None = None  # a daily run's pending-marker key (flows/resume.py)
    resumed: bool = False  # finishing a run that was killed


def begin_run(
    workspace: str, out: str | None, prefix: str = "", key: str | None = None
) -> RunFolder:
    ws = Workspace(Path(workspace)).ensure()
    if key is not None:
        claimed = claim_run(ws.runs, ws.root / "work", key, out, prefix, new_run_id)
        return RunFolder(claimed.run_id, claimed.started_at, ws, claimed.out, key, claimed.resumed)
    run_id = new_run_id()
    out_dir = Path(out) if out else ws.runs / f"{prefix}{run_id}"
    out_dir.mkdir(parents=True, exist_ok=True)
    return RunFolder(run_id, datetime.now(UTC), ws, out_dir)


def close_run(run: RunFolder, cases: list, summary: dict[str, Any], clock: StageClock) -> dict:
    """Completes the summary, writes index.html, records the run in the case store, and
    only then writes run_summary.json, the mark of a finished run folder: a run whose
    store failed at the end stays pending, and its rerun finishes it."""
    summary["timings_seconds"] = clock.seconds
    summary["finished_at"] = datetime.now(UTC).isoformat()
    summary["outputs"] = {"folder": str(run.out), "index": str(run.out / "index.html")}
    write_index(run.out, cases, summary)
    record_run(run.workspace.case_store_url, run.run_id, quote(summary))  # type: ignore[call-overload]  # Prefect's Task types take no quote()
    write_json(run.out / "run_summary.json", summary)
    if run.key is not None:
        finish_run(run.workspace.runs, run.key)
    return summary


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(2)


@task(name="ingest", **TASK_OPTIONS)
def ingest(setup: RunSetup, sources: list[tuple[str, Path]], folder: Path) -> SpooledOrders:
    return spool_orders(
        [path for _, path in sources],
        setup.catalog,
        setup.settings.get("ingest", {}),
        setup.column_map,
        folder,
        names={path: source for source, path in sources},
        workers=ingest_workers(setup.settings),
    )


@task(name="partition", **TASK_OPTIONS)
def partition(
    spool: SpooledOrders, workspace: Workspace, lookback_days: int, count: int
) -> list[Partition]:
    return split_partitions(spool, TransactionHistory(workspace.history), lookback_days, count)


@task(name="fit-anomaly-model", **TASK_OPTIONS)
def fit_anomaly_model(
    workspace: Workspace, rows: pd.DataFrame, settings: dict, rows_seen: int
) -> None:
    from detectors.ml.refit import store_anomaly

    rows = rows.sort_values("transaction_id", kind="stable").reset_index(drop=True)
    features = rows.drop(columns=["transaction_id", "order_date"])
    store_anomaly(workspace.root, features, rows["order_date"], settings, rows_seen=rows_seen)


@task(name="network", **TASK_OPTIONS)
def relate_parties(
    setup: RunSetup,
    workspace: Workspace,
    parts: list[Partition],
    results: list[PartitionResult],
    since: Any,
    as_of: Any,
    run_id: str | None = None,
) -> RunNetwork | None:
    """The network of related parties over the run's orders and the kept history, with
    this run's watchlist hits and the case store's listed parties and cases."""
    settings = setup.settings.get("network") or {}
    if not settings.get("enabled", True):
        return None
    matching = read_yaml(CONFIGS_DIR / setup.settings.get("matching_config", "matching.yaml"))
    abbreviations = (matching.get("names") or {}).get("address_abbreviations") or {}
    rules = contact_rules(setup.policy, abbreviations, settings)
    # a partition kept whole in the history: its links come from its history part, and
    # are cached there for the next runs; any other is linked from its own files
    kept = {p.number for p, r in zip(parts, results, strict=True) if r.history_added == p.rows}
    fresh = [order_links(read_parts([p], order_columns()), rules)
             for p in parts if p.number not in kept and p.rows]  # fmt: skip
    links, tally = history_links(
        workspace.history, rules, str(run_id), [f"-{n:04d}" for n in sorted(kept)], fresh, since
    )
    network = related_network(
        read_parts(parts, list(NETWORK_ORDER_COLUMNS)),
        links,
        read_parts_flags(results),
        workspace.case_store_url,
        setup.ownership,
        settings,
        pd.Timestamp(as_of),
    )
    network.counts.update(tally.counts())
    return network


def read_parts(parts: list[Partition], columns: list[str]) -> pd.DataFrame:
    """The partitions' orders, the `columns` of them that are present, in input order."""
    frames = []
    for path in (f for p in parts for f in p.files):
        present = set(pq.read_schema(path).names)
        frames.append(pd.read_parquet(path, columns=[c for c in columns if c in present]))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def write_network_flags(network: RunNetwork, parts: list[Partition], path: Path) -> Path:
    """The network flags that reached a case (`RunNetwork.attached_flag_rows`), with each
    transaction's input row and sorted by it, as the partitions' flag files are: merged
    with them, a transaction's network flags come after its other flags. Nothing is
    written when there are none."""
    rows = network.attached_flag_rows()
    if rows.empty:
        return path
    placed = read_parts(parts, ["transaction_id", ROW]).drop_duplicates("transaction_id")
    row_of = pd.Series(placed[ROW].to_numpy(), index=placed["transaction_id"].to_numpy())
    rows = rows.assign(**{ROW: rows["transaction_id"].map(row_of).astype("int64").to_numpy()})
    path.parent.mkdir(parents=True, exist_ok=True)
    rows.sort_values(ROW, kind="stable").to_parquet(path, index=False)
    return path


def read_parts_flags(results: list[PartitionResult]) -> pd.DataFrame:
    """The partitions' flags: transaction_id, source and evidence (JSON text)."""
    columns = ["transaction_id", "source", "evidence"]
    frames = [pd.read_parquet(r.flags, columns=columns) for r in results]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


@dataclass
class StoredBatch:
    """A batch's upserts, wrapped: Prefect looks into a task's result one level deep, and
    walking ten thousand upserts costs seconds per batch."""

    upserts: list


@task(name="store-cases", **TASK_OPTIONS)
def store_cases(store_url: str, drafts: list, run: RunInfo, resumed: bool = False) -> StoredBatch:
    """Dedup against the case store; full cases come back only for those this run touched
    (for a resumed run, also those the killed run had stored)."""
    store = CaseStore(store_url, load_case_policy())
    try:
        upserts = store.upsert_drafts(drafts, run, load="changed")
        return StoredBatch(actions_before(store, run.run_id, upserts) if resumed else upserts)
    finally:
        store.close()


@task(name="record-run", **TASK_OPTIONS)
def record_run(store_url: str, run_id: str, summary: dict) -> None:
    store = CaseStore(store_url, load_case_policy())
    try:
        store.finish_run(run_id, datetime.now(UTC), summary)
    finally:
        store.close()


def each_partition(
    task_fn: Any, parts: list[Partition], report: Progress, verb: str, **arguments: Any
) -> list[Any]:
    """`task_fn(part=…, **arguments)` for every partition (see `runners.run_each`)."""

    def describe(part: Partition) -> str:
        return f"{verb}: partition {part.label} done ({part.rows} rows)"

    return run_each(task_fn, parts, "part", report, describe, **arguments)


def fit_anomaly_if_due(
    setup: RunSetup,
    ws: Workspace,
    spool: SpooledOrders,
    parts: list[Partition],
    since: Any,
    report: Progress,
) -> None:
    """Refits the anomaly model on a sample of the orders and their history (the same
    sample whatever the partitioning) when none is active or the active one is due."""
    as_of = spool.last_date or datetime.now(UTC).date()
    if spool.rows_accepted < 10 or not anomaly_refit_needed(setup, ws, as_of):
        return
    from detectors.ml.settings import load_ml_settings

    ml = load_ml_settings(setup.settings)
    limit = int(ml.get("anomaly", {}).get("max_training_rows", 20_000))
    fraction = min(1.0, 1.2 * limit / spool.rows_accepted)
    rows = each_partition(
        anomaly_training_rows,
        parts,
        report,
        "anomaly-model sample",
        workspace=ws,
        since=since,
        fraction=fraction,
        policy=setup.policy,
        catalog=setup.catalog,
        feature_defaults=ml.get("features", {}),
    )
    sample = pd.concat(rows, ignore_index=True)
    if len(sample) >= 10:
        fit_anomaly_model(ws, quote(sample), setup.settings, spool.rows_accepted)
        report(f"anomaly model fitted on {len(sample)} sampled transactions")


@dataclass
class StoredCases:
    """What storing the run's case drafts gave: case ids by key, the store's actions, and
    one light line per case the run opened or updated (for index.html)."""

    case_of_key: dict[str, str] = field(default_factory=dict)
    action_counts: dict[str, int] = field(default_factory=dict)
    index_lines: list[SimpleNamespace] = field(default_factory=list)
    suppressed: SuppressedHits = field(default_factory=SuppressedHits)


def index_line(case: Any) -> SimpleNamespace:
    """The few fields of a case that the run's index page shows."""
    return SimpleNamespace(
        case_id=case.case_id,
        follow_up_of=getattr(case, "follow_up_of", None),
        risk_score=case.risk_score,
        priority=case.priority,
        status=case.status,
        subject=dict(case.subject),
        due_at=getattr(case, "due_at", None),
        flags=[SimpleNamespace(code=f.code) for f in case.flags],
        watchlist_matches=range(len(case.watchlist_matches)),
        transaction_ids=range(len(case.transaction_ids)),
    )


def store_and_write_cases(
    results: list[PartitionResult],
    ws: Workspace,
    run: RunInfo,
    out_dir: Path,
    settings: dict[str, Any],
    clock: StageClock,
    report: Progress,
    resumed: bool = False,
    network: RunNetwork | None = None,
) -> StoredCases:
    """Stores the partitions' drafts (deduplicated against the case store) in case-key
    order across all partitions, so that case ids do not depend on the partitioning, and
    writes the files of the cases opened or updated; a batch at a time, so that memory
    does not grow with the number of cases. A batch's files are written by forked workers
    while the next batch is stored."""
    stored = StoredCases(action_counts=action_counts([]))
    merged: Iterator[Any] = heapq.merge(
        *(iter_drafts(r) for r in results), key=lambda d: d.case_key
    )
    if network is not None:
        merged = network.attach_all(merged, settings["cases"])
    total = sum(r.draft_count for r in results)
    done = 0
    with CaseFileWriter(out_dir, render_workers(settings)) as writer:
        while True:
            # a batch's drafts and cases live until it is stored and handed to the
            # writers: collections while they pile up would walk them again and again
            with collector_paused():
                batch = list(itertools.islice(merged, CASES_PER_BATCH))
                if not batch:
                    break
                with clock("cases"):
                    upserts = store_cases(ws.case_store_url, quote(batch), run, resumed).upserts  # type: ignore[call-overload]
                stored.case_of_key.update({u.case_key: u.case_id for u in upserts if u.case_id})
                stored.suppressed.add(batch, upserts)
                for action, n in action_counts(upserts).items():
                    stored.action_counts[action] = stored.action_counts.get(action, 0) + n
                touched = touched_cases(upserts)
                with clock("outputs"):
                    writer.submit(touched)
                stored.index_lines.extend(index_line(case) for case in touched)
                done += len(batch)
                del batch, upserts, touched
            gc.collect(0)  # what the batch left, once: all of it is in the young generation
            report(f"cases: {done} of {total} stored")
        with clock("outputs"):
            writer.wait()
    if network is not None:  # the related parties were found as the batches were taken
        clock.seconds["network"] = round(clock.seconds.get("network", 0.0) + network.seconds, 3)
    report(f"cases: the files of {len(stored.index_lines)} written")
    return stored


@flow(name="daily-screening", log_prints=True)
def daily_screening(
    transactions: list[str],
    workspace: str = "redflag-workspace",
    watchlist: list[str] | None = None,
    config: str | None = None,
    out: str | None = None,
    column_map: str | None = None,
    partitions: int | None = None,
    progress: bool = False,
    accept_shrink: bool = False,
    partial: bool = False,
) -> dict[str, Any]:
    """Screen one day's orders and write Contract 3's outputs; returns the run summary.

    The orders are read in chunks and split into partitions of related customers
    (`partitions`, else the `partitions` setting); each partition is screened as its own
    task, and the results are merged into the same outputs whatever the partitioning."""
    report = Progress(get_run_logger(), progress)
    key = run_key(transactions, watchlist, config, column_map, partitions, out)
    run_folder = begin_run(workspace, out, key=key)
    if run_folder.resumed:
        report(f"finishing run {run_folder.run_id}, which was stopped before its end")
    run_id, started_at, ws, out_dir = (
        run_folder.run_id,
        run_folder.started_at,
        run_folder.workspace,
        run_folder.out,
    )
    work = ws.root / "work" / run_id
    client = dask_client()
    clock = StageClock()
    try:
        with clock("setup"):
            sources = expand_sources(transactions, work / "inputs")
            lists = expand_inputs(watchlist, work / "lists") if watchlist else None
            list_paths = [str(p) for p in lists] if lists else None
            setup = prepare_run(ws, config, list_paths, column_map, accept_shrink, partial)
        with clock("ingest"):
            spool = ingest(quote(setup), sources, work / "orders")  # type: ignore[call-overload]  # Prefect's Task types take no quote()
            setup = replace(setup, going_prices=spooled_going_prices(spool))
        release_memory()
        tally = spool.tally
        report(
            f"ingest: {tally.rows_read} rows read, {spool.rows_accepted} accepted, "
            f"{tally.rows_rejected} rejected"
        )
        lookback = int(setup.settings["history"]["lookback_days"])
        count = partitions or partition_count(
            setup.settings, spool.rows_accepted, *runner_workers()
        )
        with clock("partition"):
            parts = partition(quote(spool), ws, lookback, count)  # type: ignore[call-overload]  # Prefect's Task types take no quote()
            release_memory()
        report(
            f"partitions: {count} of {min(p.rows for p in parts)}-{max(p.rows for p in parts)} rows"
        )
        since = history_since(spool, lookback)
        with clock("ml-fit"):
            fit_anomaly_if_due(setup, ws, spool, parts, since, report)
            add_ml(setup, ws)
        publish(run_id, setup, client)
        with clock("screening"):
            results: list[PartitionResult] = each_partition(
                screen_partition,
                parts,
                report,
                "screening",
                run_id=run_id,
                workspace=ws,
                since=since,
                as_of=spool.last_date or datetime.now(UTC).date(),
                present_columns=spool.present_columns,
            )
            retire_local_workers(client)
        with clock("network"):
            as_of = spool.last_date or datetime.now(UTC).date()
            network = relate_parties(  # type: ignore[call-overload]  # Prefect's Task types take no quote()
                quote(setup), ws, quote(parts), quote(results), since, as_of, run_id
            )
        run = RunInfo(run_id=run_id, started_at=started_at.isoformat(), versions=setup.versions)
        cases = store_and_write_cases(
            results, ws, run, out_dir, setup.settings, clock, report, run_folder.resumed, network
        )
        with clock("outputs"):
            scored = write_merged_scored(results, out_dir, cases, setup.settings, network)
            write_suppressed_hits(out_dir, cases.suppressed)
            flag_files = [r.flags for r in results]
            if network is not None:  # the network's flags that reached a case, as scored
                flag_files.append(write_network_flags(network, parts, work / "network.parquet"))
            write_merged_flags(flag_files, out_dir / "flags.parquet")
            write_rejected(out_dir, tally.rejected_frame())
            write_field_warnings(out_dir, tally.field_warnings_frame())
    finally:
        withdraw(run_id, client)
        shutil.rmtree(work, ignore_errors=True)

    summary = run_summary(run_folder, sources, spool, results, scored, cases)
    summary["partitions"] = {
        "count": count,
        "runner": "dask" if client is not None else "default",
        "rows": [p.rows for p in parts],
        "seconds_by_stage": partition_seconds(results),
    }
    summary["network"] = network.counts if network is not None else {"enabled": False}
    if network is not None:  # the network flags that reached a case, as scored
        found = network.attached_flags().drop_duplicates(["transaction_id", "code"])
        by_code = summary["counts"]["flags_by_code"]
        for code, n in found["code"].value_counts().items():
            by_code[str(code)] = by_code.get(str(code), 0) + int(n)
        summary["counts"]["flags_by_code"] = dict(sorted(by_code.items()))
    summary["skipped_detectors"] = setup.skipped
    summary["versions"] = setup.versions
    if setup.ownership is not None:
        summary["ownership"] = resolution_report(setup.ownership)
    summary["drift"] = run_drift(results, setup, ws, summary)
    if summary["drift"]["drifted"]:
        report(f"drift: {summary['drift']['message']}")
    close_run(run_folder, cases.index_lines, summary, clock)
    report(
        f"run {run_id}: {summary['counts']['cases_opened']} case(s) opened, "
        f"{summary['counts']['cases_updated']} updated; outputs in {out_dir}"
    )
    return summary


def write_merged_scored(
    results: list[PartitionResult],
    out_dir: Path,
    cases: StoredCases,
    settings: dict[str, Any],
    network: RunNetwork | None = None,
) -> dict[str, int]:
    """scored_transactions.csv in input order, with each row's case, written a window of
    rows at a time; a transaction with a suppressed hit is scored without it, as its
    case is, and one with a network flag in its case with it. Returns the transactions
    flagged and in a case, and the hits held back."""
    held_back = cases.suppressed
    counts = {
        "transactions_flagged": 0,
        "transactions_in_cases": 0,
        "watchlist_hits_suppressed": len(held_back.hits),
    }
    rescored = None
    if held_back.hits:
        flags = read_flags_of([r.flags for r in results], held_back.transaction_ids)
        rescored = rescore_without(flags, held_back.hits)
    attached = network.attached_flags() if network is not None else None
    with ScoredCsv(out_dir) as writer:
        for table in in_input_order([r.scored for r in results]):
            scored = table.to_pandas()
            scored = attach_case_ids(scored, scored, cases.case_of_key, settings["cases"])
            if rescored is not None:
                scored = apply_to_scored(scored, rescored, held_back.case_of_transaction)
            if attached is not None:
                scored = with_network_flags(scored, attached)
            writer.append(scored)
            counts["transactions_flagged"] += int((scored["flags"] != "").sum())
            counts["transactions_in_cases"] += int((scored["case_id"] != "").sum())
    return counts


def run_summary(
    run_folder: RunFolder,
    sources: list[tuple[str, Path]],
    spool: SpooledOrders,
    results: list[PartitionResult],
    scored: dict[str, int],
    cases: StoredCases,
) -> dict[str, Any]:
    tally = spool.tally
    by_code: dict[str, int] = {}
    for result in results:
        for code, n in result.flags_by_code.items():
            by_code[code] = by_code.get(code, 0) + n
    gaps = {(n["family"], n["code"], n["reason"]): n for r in results for n in r.not_evaluable}
    return {
        "run_id": run_folder.run_id,
        "started_at": run_folder.started_at.isoformat(),
        "finished_at": None,
        "inputs": [{"path": source, "sha256": file_sha256(path)} for source, path in sources],
        "counts": {
            "rows_read": tally.rows_read,
            "rows_accepted": spool.rows_accepted,
            "rows_rejected": tally.rows_rejected,
            "reject_reasons": tally.reject_counts,
            "field_warnings": sum(len(w) for w in tally.field_warnings),
            "parties_screened": detail_total(results, "watchlist", "parties_screened"),
            "watchlist_hits": detail_total(results, "watchlist", "hits_count"),
            "flags_by_code": dict(sorted(by_code.items())),
            **scored,
            **cases.action_counts,
            "history_transactions_added": sum(r.history_added for r in results),
        },
        "not_evaluable": list(gaps.values()),
    }


def detail_total(results: list[PartitionResult], family: str, key: str) -> int:
    """A detector's count summed over partitions (a party met in two partitions is
    screened in each)."""
    return sum(int(r.details.get(family, {}).get(key, 0)) for r in results)


def partition_seconds(results: list[PartitionResult]) -> dict[str, float]:
    """Seconds per stage inside the partition tasks, summed over partitions."""
    total: dict[str, float] = {}
    for result in results:
        for stage, seconds in result.seconds.items():
            total[stage] = round(total.get(stage, 0.0) + seconds, 3)
    return total
