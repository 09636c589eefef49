"""The rescreen flow: a new watchlist version arrives — who in our history is now a hit?

Snapshot the new version of each list source, diff it against the version of the same
source the history was last rescreened against (a new source is all additions), screen the parties of past
transactions (default look-back: the five-year record-keeping period) against only the
added and changed entries, and open cases for new hits only. Entries removed from a list
are noted on the open cases they caused. The new versions become active only once the
rescreen went through.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.utilities.annotations import quote

from cases.csv_cells import write_inert_csv
from cases.grouping import build_drafts, score_transactions
from cases.model import CaseDraft
from cases.policy import load_case_policy
from cases.run_outputs import action_counts, touched_cases, write_cases
from cases.store import CaseStore
from detectors.base import DetectionContext, DetectorResult, concat_flags
from detectors.catalog import catalog_frame
from detectors.matching import Matcher, WatchlistScreening
from detectors.ownership import OwnershipScreen, ShareSettings
from detectors.ownership_replay import OWNERSHIP_CODES, OwnershipReplay
from detectors.rules.engine import RuleEngine
from detectors.schema import OPTIONAL_COLUMNS
from flows.assembly import code_version
from flows.history import TransactionHistory
from flows.ingest.partitioning import partition_numbers
from flows.ingest.partitions import partition_count
from flows.ingest.sources import expand_sources
from flows.progress import Progress
from flows.run import (
    TASK_OPTIONS,
    RunFolder,
    RunResources,
    StageClock,
    begin_run,
    close_run,
    store_cases,
)
from flows.run_summary import RunSummary, input_files
from flows.runtime.runners import run_each, runner_workers
from flows.runtime.shipping import published
from flows.screening import match_settings, snapshot_store
from flows.settings import CONFIGS_DIR, RunSettings, Workspace, read_yaml
from watchlists import SnapshotInfo, SnapshotStore, WatchlistDiff, diff_entries, entries_to_frame
from watchlists.diff import combine_diffs
from watchlists.list_sources import SAMPLE_SOURCE
from watchlists.ownership import OwnershipStore

TRIGGER = "watchlist change"


@dataclass(frozen=True)
class SourceChange:
    """One list source's new version and the version it is diffed against (None: a new
    source, all additions)."""

    new: SnapshotInfo
    previous: SnapshotInfo | None
    counts: dict[str, int]


@task(name="snapshot-and-diff", **TASK_OPTIONS)
def snapshot_and_diff(
    workspace: Workspace, paths: list[Path], accept_shrink: bool = False, partial: bool = False
) -> tuple[list[SourceChange], WatchlistDiff]:
    """Snapshot each source's new version (not yet active) and diff it against the version
    of the same source the history was last rescreened against."""
    store = snapshot_store(workspace.watchlists)
    added = store.add_sources(paths, activate=False, accept_shrink=accept_shrink, partial=partial)
    changes, diffs = [], []
    for new, _created in added:
        previous = store.rescreen_baseline(new)
        old = store.entries(previous.id) if previous else entries_to_frame([])
        diff = diff_entries(old, store.entries(new.id))
        changes.append(SourceChange(new, previous, diff.counts()))
        diffs.append(diff)
    return changes, combine_diffs(diffs)


def activate_rescreened(workspace: Workspace, changes: list[SourceChange]) -> None:
    """After a rescreen that went through: its versions become their sources' active ones.
    A rescreen that fails before this leaves the previous versions active, and the next
    attempt diffs against them again."""
    store = SnapshotStore(workspace.watchlists)
    for change in changes:
        store.activate(change.new.id)
        store.mark_rescreened(change.new)


@dataclass(frozen=True)
class CustomerGroup:
    """The customers whose past transactions one rescreen task screens."""

    number: int
    of: int
    customers: tuple[str, ...] = field(repr=False)

    @property
    def label(self) -> str:
        return f"{self.number + 1}/{self.of}"


@task(name="plan-partitions", **TASK_OPTIONS)
def plan_partitions(
    workspace: Workspace, since: date, settings: RunSettings, partitions: int | None
) -> tuple[list[CustomerGroup], int]:
    """Customers of the past transactions split into partitions (each customer's
    transactions, and so its case, stay in one); and how many transactions there are."""
    ids = TransactionHistory(workspace.history).load(since=since, columns=["customer_id"])
    count = partitions or partition_count(settings.raw, len(ids), *runner_workers())
    customers = ids["customer_id"].drop_duplicates()
    numbers = partition_numbers(pd.Series(customers.to_numpy(), index=customers), count)
    groups = numbers.groupby(numbers).groups
    return [
        CustomerGroup(p, count, tuple(sorted(map(str, groups.get(p, []))))) for p in range(count)
    ], len(ids)


def ownership_key(run_id: str) -> str:
    """Where a rescreen publishes its ownership replay (None: nothing to replay)."""
    return f"{run_id}-ownership"


class GroupResult(NamedTuple):
    """What rescreening one partition of customers found."""

    drafts: list[CaseDraft]  # the new hits' case drafts
    details: dict[str, Any]  # the screening's details, with flags_by_code when any
    rows: int  # past transactions screened


def rescreen_customers(
    run_id: str,
    group: CustomerGroup,
    workspace: Workspace,
    since: date,
    settings: RunSettings,
) -> GroupResult:
    """New hits among one partition's past transactions, against the matcher of the
    changed entries and the ownership replay the run published."""
    history = TransactionHistory(workspace.history).load(
        customer_ids=list(group.customers), since=since
    )
    if history.empty:
        return GroupResult([], {}, 0)
    result = screen_with(history, published(run_id), settings.raw)
    flags = result.flags
    replay: OwnershipReplay | None = published(ownership_key(run_id))
    if replay is not None:
        flags = concat_flags([flags, replay.flags(history, settings.raw)])
    if flags.empty:
        return GroupResult([], dict(result.details), len(history))
    flags = flags.assign(evidence=[{**e, "trigger": TRIGGER} for e in flags["evidence"]])
    hit_rows = history[history["transaction_id"].isin(flags["transaction_id"])]
    scored = score_transactions(hit_rows, flags)
    drafts = build_drafts(hit_rows, flags, scored, settings.cases)
    details = dict(result.details) | {"flags_by_code": flags["code"].value_counts().to_dict()}
    return GroupResult(drafts, details, len(history))


rescreen_partition = task(
    name="rescreen-partition", task_run_name="rescreen-partition-{group.label}", **TASK_OPTIONS
)(rescreen_customers)


def screen_against(
    history: pd.DataFrame, entries: pd.DataFrame, settings: dict[str, Any]
) -> DetectorResult:
    """P1 flags for the parties of past transactions against some list entries."""
    return screen_with(history, Matcher.build(entries, match_settings(settings)), settings)


def screen_with(
    history: pd.DataFrame, matcher: Matcher, settings: dict[str, Any]
) -> DetectorResult:
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


@flow(name="rescreen", log_prints=True)
def rescreen(
    watchlist: list[str],
    workspace: str = "redflag-workspace",
    since: str | None = None,
    out: str | None = None,
    config: str | None = None,
    partitions: int | None = None,
    progress: bool = False,
    accept_shrink: bool = False,
    partial: bool = False,
) -> dict[str, Any]:
    """Rescreen past parties against what changed in a new watchlist version; the past
    transactions are screened in partitions of customers (`partitions`, else the
    `partitions` setting), one task each. Snapshot and diff → screen the changes → store
    the cases and note removed entries → write the outputs, then activate the versions."""
    report = Progress(get_run_logger(), progress)
    run = begin_run(workspace, out, prefix="rescreen-")
    settings = RunSettings.load(Path(config) if config else None)
    lookback = settings.lookback_days
    since_date = date.fromisoformat(since) if since else date.today() - timedelta(days=lookback)
    sources = expand_sources(watchlist, run.work / "lists")
    clock = StageClock()
    with RunResources(run.work) as resources:
        with clock("snapshot"):
            changed, diff = snapshot_and_diff(
                run.workspace, [path for _, path in sources], accept_shrink, partial
            )
        results, rows = screen_changes(
            run, changed, diff, settings, since_date, partitions, resources, clock, report
        )
    versions = rescreen_versions(changed, diff)
    drafts = sorted((d for r in results for d in r.drafts), key=lambda d: d.case_key)
    for draft in drafts:
        draft.trigger = TRIGGER
        draft.versions = versions
    with clock("cases"):
        upserts = store_cases(
            run.workspace.case_store_url, quote(drafts), run.info(versions)
        ).upserts  # type: ignore[call-overload]  # Prefect's Task types take no quote()
        noted = note_removed(run.workspace.case_store_url, diff.removed, run.run_id)
    touched = touched_cases(upserts)

    write_inert_csv(diff.to_frame(), run.out / "watchlist_diff.csv")
    summary = RunSummary(
        run_id=run.run_id,
        kind="rescreen",
        trigger=TRIGGER,
        started_at=run.started_at.isoformat(),
        inputs=input_files(sources),
        since=since_date.isoformat(),
        counts={
            "entries_added": diff.counts().get("added", 0),
            "entries_removed": diff.counts().get("removed", 0),
            "entries_changed": diff.counts().get("changed", 0),
            "transactions_rescreened": rows,
            "parties_screened": sum(int(r.details.get("parties_screened", 0)) for r in results),
            "watchlist_hits": sum(int(r.details.get("hits_count", 0)) for r in results),
            "flags_by_code": flags_by_code(results),
            **action_counts(upserts),
            "cases_noted_entry_removed": len(noted),
        },
        versions=versions,
    )
    write_cases(run.out, touched, settings.render_workers)
    activate_rescreened(run.workspace, changed)
    written = close_run(run, touched, summary, clock)
    report(f"rescreen {run.run_id}: {summary.counts}")
    return written


def screen_changes(
    run: RunFolder,
    changed: list[SourceChange],
    diff: WatchlistDiff,
    settings: RunSettings,
    since: date,
    partitions: int | None,
    resources: RunResources,
    clock: StageClock,
    report: Progress,
) -> tuple[list[GroupResult], int]:
    """The parties of the past transactions screened against the added and changed
    entries (and the ownership snapshot replayed against them), one task per partition
    of customers; and how many transactions that was. Nothing without such entries."""
    changes = diff.screening_entries()
    if not len(changes):
        return [], 0
    with clock("history"):
        groups, rows = plan_partitions(run.workspace, since, settings, partitions)
    resources.publish(run.run_id, Matcher.build(changes, match_settings(settings.raw)))
    with clock("ownership"):
        replay = ownership_replay(run.workspace, settings, [c.new for c in changed], changes)
    resources.publish(ownership_key(run.run_id), replay)
    if replay is not None:
        report(f"rescreen: ownership snapshot {replay.versions['ownership_snapshot']} replayed")
    with clock("screening"):
        results: list[GroupResult] = run_each(
            rescreen_partition,
            groups,
            "group",
            report,
            lambda group: f"rescreen: partition {group.label} done",
            run_id=run.run_id,
            workspace=run.workspace,
            since=since,
            settings=settings,
        )
    resources.retire_workers()
    return results, rows


def rescreen_versions(changed: list[SourceChange], diff: WatchlistDiff) -> dict[str, Any]:
    """The versions a rescreen's cases and summary record: the new list versions, each
    with the one it was diffed against, and the diff's counts."""
    return {
        "code": code_version(),
        "watchlist_snapshot": {
            "id": "+".join(c.new.id for c in changed),
            "label": " + ".join(c.new.label for c in changed),
            "previous": "+".join(c.previous.id for c in changed if c.previous) or None,
        },
        "watchlist_sources": [
            {
                "source": c.new.source,
                "id": c.new.id,
                "previous": c.previous.id if c.previous else None,
                "diff": c.counts,
            }
            for c in changed
        ],
        "watchlist_diff": diff.counts(),
    }


def flags_by_code(results: list[GroupResult]) -> dict[str, int]:
    by_code: dict[str, int] = {}
    for result in results:
        for code, n in result.details.get("flags_by_code", {}).items():
            by_code[code] = by_code.get(code, 0) + int(n)
    return dict(sorted(by_code.items()))


def ownership_replay(
    workspace: Workspace,
    settings: RunSettings,
    new_versions: Iterable[SnapshotInfo],
    changed: pd.DataFrame,
) -> OwnershipReplay | None:
    """What replaying the active ownership snapshot against the new list versions needs;
    None without an ownership snapshot, changed entries or an enabled O rule."""
    owners = OwnershipStore(workspace.ownership)
    info = owners.active()
    if info is None or changed.empty:
        return None
    from detectors.rules.loading import load_pack
    from flows.assembly import matcher_version

    pack = load_pack(CONFIGS_DIR, settings.policy_pack, settings.policy_layers)
    rules = tuple(s for s in pack.rules if s.id in OWNERSHIP_CODES)
    if not any(s.enabled for s in rules):
        return None
    lists = snapshot_store(workspace.watchlists)
    by_source = {s.source: s.id for s in lists.active_snapshots()}
    new = {s.source: s.id for s in new_versions}
    if any(source != SAMPLE_SOURCE for source in new):  # a real list retires the sample
        by_source.pop(SAMPLE_SOURCE, None)
    by_source.update(new)
    listed_id = "+".join(by_source[s] for s in sorted(by_source))
    matcher = Matcher.build(lists.entries(listed_id), match_settings(settings.raw))
    screen = OwnershipScreen.build(
        owners.links(info.id),
        matcher,
        ShareSettings.from_config(settings.raw.get("ownership")),
        snapshot=info.to_dict(),
        resolved=owners.resolution_path(info.id, listed_id, matcher_version(matcher)),
    )
    return OwnershipReplay(
        engine=RuleEngine(dataclasses.replace(pack, rules=rules)),
        screen=screen,
        matcher=matcher,
        catalog=catalog_frame(read_yaml(CONFIGS_DIR / "items.yaml")),
        entry_ids=frozenset(changed["entry_id"].astype(str)),
        versions={"ownership_snapshot": info.id, "screened_against": listed_id},
    )
