"""The tasks a run starts once per partition: sample its orders for the anomaly model;
screen them and keep them in the workspace's transaction history.

Each reads its partition from the run's work folder and the history from the workspace,
finds the run's setup with `shipping.published(run_id)`, and writes its scored rows and
flags and case drafts back to the work folder; only counts travel back to the flow, which
then stores and writes the cases one partition at a time (memory follows the partition).
"""

from __future__ import annotations

import json
import pickle
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from prefect import task
from prefect.cache_policies import NO_CACHE

from cases.customer_history import attach_run_context
from cases.grouping import build_drafts
from cases.model import CaseDraft
from detectors.base import DetectionContext, DetectorResult, concat_flags
from detectors.ml.features import build_features
from detectors.schema import CANONICAL_COLUMNS
from flows.drift_check import partition_drift_counts
from flows.history import TransactionHistory
from flows.history_links import keep_own_links, run_contact_rules
from flows.ingest.partitions import Partition
from flows.ingest.spooling import ROW
from flows.learned_risk import explain_drafts, learned_scores
from flows.runtime.forked import ForkedCall
from flows.runtime.forking import can_fork
from flows.runtime.memory import release_memory
from flows.runtime.shipping import published
from flows.settings import Workspace

TASK_OPTIONS: dict[str, Any] = {"cache_policy": NO_CACHE, "persist_result": False}

DRAFTS_PER_SLICE = 1_000

SCORED_PART_COLUMNS = ("transaction_id", "risk_score", "flags", "hard_stop", "customer_id", ROW)


@dataclass
class PartitionResult:
    """What one partition's screening sends back to the flow."""

    number: int
    rows: int
    scored: Path
    flags: Path
    drafts: Path  # pickled list of CaseDraft, in case-key order
    draft_count: int
    details: dict[str, dict[str, Any]] = field(default_factory=dict)  # per detector family
    not_evaluable: list[dict[str, str]] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # per stage
    flags_by_code: dict[str, int] = field(default_factory=dict)
    history_added: int = 0  # orders new to the workspace's transaction history
    links_kept: bool = False  # its history part's links computed and cached (`keep_own_links`)


def partition_history(
    workspace: Workspace,
    part: Partition,
    batch: pd.DataFrame,
    since: date | None,
    run_id: str | None = None,
) -> pd.DataFrame:
    """The partition's customers' earlier orders (the parts its own run wrote hold other
    customers and are skipped)."""
    if batch.empty:
        return batch.drop(columns=[ROW])
    return TransactionHistory(workspace.history).load(
        customer_ids=list(part.customers),
        since=since,
        exclude_ids=batch["transaction_id"],
        own_run=run_id,
    )


def screen_orders(
    run_id: str,
    part: Partition,
    workspace: Workspace,
    since: date | None,
    as_of: date,
    present_columns: frozenset[str],
) -> PartitionResult:
    """One partition screened: detect → score → draft, then its files written to the
    work folder and its orders kept in the history (stored once by id: a rerun after a
    failure stores nothing twice, and a partition's history never holds another
    partition's customers)."""
    setup = published(run_id)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    batch = part.read()
    history = partition_history(workspace, part, batch, since, run_id)
    seconds["history"] = time.perf_counter() - started
    orders = batch.drop(columns=[ROW])
    context = setup.context(orders, history, present_columns, as_of=as_of)
    folder = part.files[0].parent if part.files else (part.folder or Path("."))
    found = detect(setup, orders, context, folder)
    seconds.update(found.seconds)
    started = time.perf_counter()
    scored, learned = score(setup, orders, found, context)
    drafts = draft(setup, orders, history, found, scored, learned)
    seconds["cases"] = time.perf_counter() - started
    files = write_partition(folder, batch, found.flags, scored, drafts)
    started = time.perf_counter()
    added = TransactionHistory(workspace.history).append(
        orders[list(CANONICAL_COLUMNS)], run_id, part=f"-{part.number:04d}"
    )
    seconds["keep_history"] = time.perf_counter() - started
    rules = run_contact_rules(setup.policy, setup.config)
    if rules is not None and part.rows and added == part.rows:  # kept whole: a part of its own
        started = time.perf_counter()
        keep_own_links(workspace.history, rules, run_id, f"-{part.number:04d}")
        seconds["network_links"] = time.perf_counter() - started
    result = PartitionResult(
        number=part.number,
        history_added=added,
        links_kept="network_links" in seconds,
        rows=part.rows,
        scored=files.scored,
        flags=files.flags,
        drafts=files.drafts,
        draft_count=len(drafts),
        details={family: dict(r.details) for family, r in found.results.items()}
        | ({"drift": {"counts": found.drift}} if found.drift else {}),
        not_evaluable=found.not_evaluable(),
        seconds={k: round(v, 3) for k, v in seconds.items()},
        flags_by_code={str(k): int(v) for k, v in found.flags["code"].value_counts().items()},
    )
    del batch, orders, history, context, found, scored, drafts
    release_memory()  # the next partition starts from what this one used, not more
    return result


@dataclass
class Detection:
    """What the detectors found in one partition: each family's result and the seconds it
    took (in the families' order), their flags together, and the partition's features in
    the anomaly model's reference bins (None without such a model)."""

    results: dict[str, DetectorResult]
    seconds: dict[str, float]
    flags: pd.DataFrame
    drift: dict[str, list[float]] | None = None

    def not_evaluable(self) -> list[dict[str, str]]:
        """The rules that could not run, with their family."""
        return [
            {"family": family, "code": n.code, "reason": n.reason}
            for family, result in self.results.items()
            for n in result.not_evaluable
        ]


def detect(setup: Any, orders: pd.DataFrame, context: DetectionContext, folder: Path) -> Detection:
    """Every detector family over the orders (`detect_all`), their flags, and the drift
    counts of the features the ML detectors built."""
    results, seconds = detect_all(setup, orders, context, folder)
    flags = concat_flags([r.flags for r in results.values()])
    return Detection(results, seconds, flags, partition_drift_counts(setup, orders, context))


def score(
    setup: Any, orders: pd.DataFrame, found: Detection, context: DetectionContext
) -> tuple[pd.DataFrame, dict[str, Any] | None]:
    """Each order's risk from its flags (the noisy-OR, or the active learned combination),
    and what the combination's explanations need (None without one)."""
    return learned_scores(setup, orders, found.flags, context)


def draft(
    setup: Any,
    orders: pd.DataFrame,
    history: pd.DataFrame,
    found: Detection,
    scored: pd.DataFrame,
    learned: dict[str, Any] | None,
) -> list[CaseDraft]:
    """The partition's case drafts in case-key order, each with what made its risk, its
    customer's earlier orders and the rules that could not run."""
    drafts = sorted(
        build_drafts(orders, found.flags, scored, setup.settings["cases"]), key=lambda d: d.case_key
    )
    explain_drafts(drafts, scored, learned)
    attach_run_context(drafts, history, found.not_evaluable(), setup.policy)
    return drafts


@dataclass(frozen=True)
class PartitionFiles:
    scored: Path
    flags: Path
    drafts: Path


def write_partition(
    folder: Path,
    batch: pd.DataFrame,
    flags: pd.DataFrame,
    scored: pd.DataFrame,
    drafts: list[CaseDraft],
) -> PartitionFiles:
    """The partition's scored rows, flags and case drafts in its work folder: the rows and
    flags sorted by input row (a transaction's flags stay in detector order), as the flow
    merges the partitions' files back into input order a window at a time; the drafts
    pickled in slices, so that they can be read back lazily."""
    scored = scored.assign(
        customer_id=batch["customer_id"].to_numpy(), **{ROW: batch[ROW].to_numpy()}
    )
    scored_path = folder / "scored.parquet"
    scored[list(SCORED_PART_COLUMNS)].sort_values(ROW, kind="stable").to_parquet(
        scored_path, index=False
    )
    flags_path = folder / "flags.parquet"
    row_of = pd.Series(batch[ROW].to_numpy(), index=batch["transaction_id"])
    flags.assign(
        evidence=[json.dumps(e, default=str) for e in flags["evidence"]],
        **{ROW: flags["transaction_id"].map(row_of).to_numpy()},
    ).sort_values(ROW, kind="stable").to_parquet(flags_path, index=False)
    drafts_path = folder / "drafts.pickle"
    with drafts_path.open("wb") as handle:
        for first in range(0, len(drafts), DRAFTS_PER_SLICE):
            slice_ = drafts[first : first + DRAFTS_PER_SLICE]
            pickle.dump(slice_, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return PartitionFiles(scored_path, flags_path, drafts_path)


def detect_all(
    setup: Any,
    orders: pd.DataFrame,
    context: DetectionContext,
    folder: Path,
) -> tuple[dict[str, DetectorResult], dict[str, float]]:
    """Every detector family's result over the orders and the seconds it took, both in
    the families' order (so the flags come out the same either way).

    With `screening.watchlist_alongside`, the watchlist family screens in a forked process
    (which shares the party names with a forked helper of its own) while the other
    families run here: one after another, a core would wait while the watchlist prepares
    its parties and screens their addresses, and while the rules and the ML detectors run.
    Only the watchlist's result, a few thousand flags, travels back."""
    detectors = setup.detectors
    alongside = setup.watchlist_alongside and len(detectors) > 1 and len(orders) > 0
    apart = "watchlist" if alongside and "watchlist" in detectors and can_fork() else None
    job = None
    if apart:
        args = (detectors[apart], orders, context)
        job = ForkedCall(timed_detect, args, folder / f"{apart}.result", daemon=False)
    results: dict[str, DetectorResult] = {}
    seconds: dict[str, float] = {}
    try:
        for family, detector in detectors.items():
            if family != apart:
                results[family], seconds[family] = timed_detect(detector, orders, context)
        if job is not None and apart is not None:
            results[apart], seconds[apart] = job.outcome(f"the {apart} detector")
    finally:
        if job is not None:
            job.stop()
    return {f: results[f] for f in detectors}, {f: seconds[f] for f in detectors}


def timed_detect(
    detector: Any, orders: pd.DataFrame, context: DetectionContext
) -> tuple[DetectorResult, float]:
    started = time.perf_counter()
    result = detector.detect(orders, context)
    return result, time.perf_counter() - started


screen_partition = task(
    name="screen-partition", task_run_name="screen-partition-{part.label}", **TASK_OPTIONS
)(screen_orders)


def sampled(transaction_ids: pd.Series, fraction: float) -> np.ndarray:
    """A sample of transactions that does not depend on how they are partitioned: those
    whose id hashes below `fraction` of the hash range."""
    if fraction >= 1.0:
        return np.ones(len(transaction_ids), dtype=bool)
    hashed = pd.util.hash_pandas_object(transaction_ids.astype("str"), index=False).to_numpy()
    chosen: np.ndarray = hashed < np.uint64(int(fraction * float(2**64 - 1)))
    return chosen


@task(name="sample-for-anomaly-model", task_run_name="sample-{part.label}", **TASK_OPTIONS)
def anomaly_training_rows(
    part: Partition,
    workspace: Workspace,
    since: date | None,
    fraction: float,
    policy: dict[str, Any],
    catalog: pd.DataFrame,
    feature_defaults: dict[str, Any],
) -> pd.DataFrame:
    """Feature rows of a sample of the partition's orders and their history, computed in
    the context of all of them (features are point-in-time per customer); with
    `transaction_id` and `order_date`."""
    batch = part.read()
    history = partition_history(workspace, part, batch, since)
    known = pd.concat([history, batch.drop(columns=[ROW])], ignore_index=True)
    known = known.sort_values("order_date", kind="stable").reset_index(drop=True)
    features = build_features(known, known.iloc[:0], policy, catalog, feature_defaults)
    keep = sampled(known["transaction_id"], fraction)
    rows = features[keep].reset_index(drop=True)
    rows = rows.assign(
        transaction_id=known["transaction_id"][keep].to_numpy(),
        order_date=known["order_date"][keep].to_numpy(),
    )
    del batch, history, known, features
    release_memory()
    return rows


def iter_drafts(result: PartitionResult) -> Iterator[Any]:
    """The case drafts a partition task wrote, in case-key order, read a slice at a time."""
    with result.drafts.open("rb") as handle:
        while True:
            try:
                yield from pickle.load(handle)
            except EOFError:
                return
