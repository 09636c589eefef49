"""The daily screening flow: set up → ingest → partition → fit models → screen → relate
parties → store and write cases → write outputs, one function each, in that order below
the flow (the last two in `flows/stored_cases.py` and `flows/outputs.py`); the run's
resources are held by `flows.run.RunResources`.

Thin orchestration: every task wraps a function of `detectors/`, `watchlists/` or
`cases/` and works on a whole frame, never a row.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.utilities.annotations import quote

from cases.related import NETWORK_ORDER_COLUMNS, OwnerKeys, RunNetwork, related_network
from detectors.network.links import ContactRules, order_columns, order_links
from detectors.ownership import resolution_report
from flows.assembly import RunSetup, add_ml, anomaly_refit_needed, prepare_run
from flows.drift_check import run_drift
from flows.history import TransactionHistory
from flows.history_links import history_links, run_contact_rules
from flows.ingest.partitions import (
    Partition,
    SpooledOrders,
    history_since,
    partition_count,
    split_partitions,
    spool_orders,
    spooled_going_prices,
)
from flows.ingest.sources import expand_inputs, expand_sources
from flows.outputs import read_parts, read_parts_flags, write_outputs
from flows.owner_keys import kept_owner_keys
from flows.partition_tasks import (
    PartitionResult,
    anomaly_training_rows,
    screen_partition,
)
from flows.progress import Progress
from flows.resume import run_key
from flows.run import (
    TASK_OPTIONS,
    RunFolder,
    RunResources,
    StageClock,
    begin_run,
    close_run,
)
from flows.run_summary import RunSummary, input_files
from flows.runtime.bulk import collector_paused
from flows.runtime.memory import small_pages
from flows.runtime.runners import run_each, runner_workers
from flows.settings import Workspace
from flows.stored_cases import StoredCases, store_and_write_cases


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
    """Screen one day's orders and write the run's outputs (docs/ARCHITECTURE.md);
    returns the run summary.

    The orders are read in chunks and split into partitions of related customers
    (`partitions`, else the `partitions` setting); each partition is screened as its own
    task, and the results are merged into the same outputs whatever the partitioning.
    The stages below run in this order, each timed in the summary; `RunResources` gives
    back what they hold (the setup published to the partition tasks, the work folder)
    however they end."""
    report = Progress(get_run_logger(), progress)
    key = run_key(transactions, watchlist, config, column_map, partitions, out)
    run = begin_run(workspace, out, key=key)
    if run.resumed:
        report(f"finishing run {run.run_id}, which was stopped before its end")
    clock = StageClock()
    with RunResources(run.work) as resources:
        with clock("setup"):
            setup, sources, inputs = set_up(
                run, transactions, watchlist, config, column_map, accept_shrink, partial
            )
        with clock("ingest"):
            spool = ingest_orders(setup, sources, run, resources, report)
            setup = replace(setup, going_prices=spooled_going_prices(spool))
        with clock("partition"):
            parts = partition_orders(setup, spool, run, resources, partitions, report)
        with clock("ml-fit"):
            fit_models(setup, run, spool, parts, report)
        with clock("screening"):
            results = screen(setup, run, spool, parts, resources, report)
        with clock("network"):
            network = relate(setup, run, spool, parts, results)
        cases = store_and_write_cases(results, run, setup, clock, report, network)
        with clock("outputs"):
            scored = write_outputs(run, spool, parts, results, cases, setup.config, network)
    summary = summarize(
        run, setup, inputs, spool, parts, results, scored, cases, network, resources.runner
    )
    if summary.drift and summary.drift["drifted"]:
        report(f"drift: {summary.drift['message']}")
    written = close_run(run, cases.index_lines, summary, clock)
    report(
        f"run {run.run_id}: {summary.counts['cases_opened']} case(s) opened, "
        f"{summary.counts['cases_updated']} updated; outputs in {run.out}"
    )
    return written


# --- the stages, in the order the flow runs them ---


def set_up(
    run: RunFolder,
    transactions: list[str],
    watchlist: list[str] | None,
    config: str | None,
    column_map: str | None,
    accept_shrink: bool,
    partial: bool,
) -> tuple[RunSetup, list[tuple[str, Path]], list[dict[str, Any]]]:
    """The run's setup (flows/assembly.py), its order files with where each came from (a
    file given by URL is fetched into the work folder first, as is a list), and the
    inputs as the summary lists them (hashed now: a fetched file goes with the folder)."""
    sources = expand_sources(transactions, run.work / "inputs")
    lists = expand_inputs(watchlist, run.work / "lists") if watchlist else None
    list_paths = [str(p) for p in lists] if lists else None
    setup = prepare_run(run.workspace, config, list_paths, column_map, accept_shrink, partial)
    return setup, sources, input_files(sources)


def ingest_orders(
    setup: RunSetup,
    sources: list[tuple[str, Path]],
    run: RunFolder,
    resources: RunResources,
    report: Progress,
) -> SpooledOrders:
    """The orders read, checked and spooled into the work folder in chunks."""
    spool: SpooledOrders = ingest(quote(setup), sources, run.work / "orders")  # type: ignore[call-overload]  # Prefect's Task types take no quote()
    resources.release_memory()
    tally = spool.tally
    report(
        f"ingest: {tally.rows_read} rows read, {spool.rows_accepted} accepted, "
        f"{tally.rows_rejected} rejected"
    )
    return spool


def partition_orders(
    setup: RunSetup,
    spool: SpooledOrders,
    run: RunFolder,
    resources: RunResources,
    partitions: int | None,
    report: Progress,
) -> list[Partition]:
    """The spooled orders split into `partitions` (else as many as the settings say) of
    related customers."""
    count = partitions or partition_count(setup.config.raw, spool.rows_accepted, *runner_workers())
    parts: list[Partition] = partition(quote(spool), run.workspace, lookback_days(setup), count)  # type: ignore[call-overload]  # Prefect's Task types take no quote()
    resources.release_memory()
    report(f"partitions: {count} of {min(p.rows for p in parts)}-{max(p.rows for p in parts)} rows")
    return parts


def fit_models(
    setup: RunSetup, run: RunFolder, spool: SpooledOrders, parts: list[Partition], report: Progress
) -> None:
    """The anomaly model refitted when due, then the active ML models added as detectors."""
    since = history_since(spool, lookback_days(setup))
    fit_anomaly_if_due(setup, run.workspace, spool, parts, since, report)
    add_ml(setup, run.workspace)


def screen(
    setup: RunSetup,
    run: RunFolder,
    spool: SpooledOrders,
    parts: list[Partition],
    resources: RunResources,
    report: Progress,
) -> list[PartitionResult]:
    """Every detector over every partition (flows/partition_tasks.py), the setup published
    to the partition tasks; a local cluster's workers are retired after the last one."""
    resources.publish(run.run_id, setup)
    results: list[PartitionResult] = each_partition(
        screen_partition,
        parts,
        report,
        "screening",
        run_id=run.run_id,
        workspace=run.workspace,
        since=history_since(spool, lookback_days(setup)),
        as_of=as_of_date(spool),
        present_columns=spool.present_columns,
    )
    resources.retire_workers()
    return results


def relate(
    setup: RunSetup,
    run: RunFolder,
    spool: SpooledOrders,
    parts: list[Partition],
    results: list[PartitionResult],
) -> RunNetwork | None:
    """The network of related parties (None when disabled)."""
    since = history_since(spool, lookback_days(setup))
    network: RunNetwork | None = relate_parties(  # type: ignore[call-overload]  # Prefect's Task types take no quote()
        quote(setup),
        run.workspace,
        quote(parts),
        quote(results),
        since,
        as_of_date(spool),
        run.run_id,
    )
    return network


def summarize(
    run: RunFolder,
    setup: RunSetup,
    inputs: list[dict[str, Any]],
    spool: SpooledOrders,
    parts: list[Partition],
    results: list[PartitionResult],
    scored: dict[str, int],
    cases: StoredCases,
    network: RunNetwork | None,
    runner: str,
) -> RunSummary:
    """The run summary but for what `close_run` adds (timings, end, outputs)."""
    tally = spool.tally
    by_code: dict[str, int] = {}
    for result in results:
        for code, n in result.flags_by_code.items():
            by_code[code] = by_code.get(code, 0) + n
    if network is not None:  # the network flags that reached a case, as scored
        found = network.attached_flags().drop_duplicates(["transaction_id", "code"])
        for code, n in found["code"].value_counts().items():
            by_code[str(code)] = by_code.get(str(code), 0) + int(n)
    gaps = {(n["family"], n["code"], n["reason"]): n for r in results for n in r.not_evaluable}
    summary = RunSummary(
        run_id=run.run_id,
        started_at=run.started_at.isoformat(),
        inputs=inputs,
        counts={
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
        not_evaluable=list(gaps.values()),
        partitions={
            "count": len(parts),
            "runner": runner,
            "rows": [p.rows for p in parts],
            "seconds_by_stage": partition_seconds(results),
        },
        network=network.counts if network is not None else {"enabled": False},
        skipped_detectors=setup.skipped,
        versions=setup.versions,
        ownership=resolution_report(setup.ownership) if setup.ownership is not None else None,
    )
    summary.drift = run_drift(results, setup, run.workspace, summary.to_dict())
    return summary


def lookback_days(setup: RunSetup) -> int:
    return setup.config.lookback_days


def as_of_date(spool: SpooledOrders) -> date:
    """The run's date: its last order's (today for a run without orders)."""
    return spool.last_date or datetime.now(UTC).date()


@task(name="ingest", **TASK_OPTIONS)
def ingest(setup: RunSetup, sources: list[tuple[str, Path]], folder: Path) -> SpooledOrders:
    return spool_orders(
        [path for _, path in sources],
        setup.catalog,
        setup.config.ingest,
        setup.column_map,
        folder,
        names={path: source for source, path in sources},
        workers=setup.config.ingest_workers,
    )


@task(name="partition", **TASK_OPTIONS)
def partition(
    spool: SpooledOrders, workspace: Workspace, lookback_days: int, count: int
) -> list[Partition]:
    return split_partitions(spool, TransactionHistory(workspace.history), lookback_days, count)


@task(name="fit-anomaly-model", **TASK_OPTIONS)
def fit_anomaly_model(
    workspace: Workspace, rows: pd.DataFrame, settings: dict[str, Any], rows_seen: int
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
    rules = run_contact_rules(setup.policy, setup.config)
    if rules is None:
        return None
    # the network's frames hold few Python objects, its flags and evidence many that live
    # on: collections while they are made would walk every object of the run again; its
    # many short-lived arrays are faulted in as base pages, not zeroed as huge pages
    with collector_paused(), small_pages():
        return _relate_parties(setup, workspace, parts, results, rules, since, as_of, run_id)


def _relate_parties(
    setup: RunSetup,
    workspace: Workspace,
    parts: list[Partition],
    results: list[PartitionResult],
    rules: ContactRules,
    since: Any,
    as_of: Any,
    run_id: str | None,
) -> RunNetwork:
    settings = setup.config.network
    # a partition kept whole in the history: its links come from its history part, and
    # are cached there for the next runs (by its partition task, `keep_own_links`); any
    # other is linked from its own files
    kept = {p.number for p, r in zip(parts, results, strict=True) if r.history_added == p.rows}
    fresh = [order_links(read_parts([p], order_columns()), rules)
             for p in parts if p.number not in kept and p.rows]  # fmt: skip
    linked = {f"-{r.number:04d}" for r in results if r.links_kept}
    links, key_codes, tally = history_links(
        workspace.history, rules, str(run_id), [f"-{n:04d}" for n in sorted(kept)], fresh,
        since, linked,
    )  # fmt: skip
    network = related_network(
        read_parts(parts, list(NETWORK_ORDER_COLUMNS)),
        links,
        read_parts_flags(results),
        workspace.case_store_url,
        setup.ownership,
        settings,
        pd.Timestamp(as_of),
        owner_keys_of(workspace, setup.ownership),
        key_codes,
    )
    network.counts.update(tally.counts())
    return network


def owner_keys_of(workspace: Workspace, ownership: Any) -> OwnerKeys | None:
    """The ownership rows' keys kept beside the active ownership snapshot (`flows.owner_keys`)."""
    snapshot = getattr(ownership, "snapshot", None) or {}
    if not snapshot.get("id"):
        return None
    return partial(kept_owner_keys, workspace.ownership / str(snapshot["id"]))


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
