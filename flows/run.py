"""What every run (daily or rescreen) has around its stages: its identity and folders, the
clock of its stages, the resources it holds while they run, and its end (the summary
recorded in the case store, then written as the mark of a finished run folder).
"""

from __future__ import annotations

import secrets
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from cases.model import CaseDraft
from cases.policy import load_case_policy
from cases.run_outputs import write_index, write_json
from cases.store import CaseStore, RunInfo, UpsertResult
from flows.resume import actions_before, claim_run, finish_run
from flows.run_summary import RunSummary
from flows.runtime.memory import release_memory
from flows.runtime.runners import dask_client, retire_local_workers
from flows.runtime.shipping import publish, withdraw
from flows.settings import Workspace

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
            self.add(stage, time.perf_counter() - started)

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = round(self.seconds.get(stage, 0.0) + seconds, 3)


@dataclass(frozen=True)
class RunFolder:
    """Identity and places of one run (daily or rescreen)."""

    run_id: str
    started_at: datetime
    workspace: Workspace
    out: Path
    key: str | None = None  # a daily run's pending-marker key (flows/resume.py)
    resumed: bool = False  # finishing a run that was killed

    @property
    def work(self) -> Path:
        """The run's work folder (spooled orders, partitions, downloads), removed at its end."""
        return self.workspace.root / "work" / self.run_id

    def info(self, versions: dict[str, Any]) -> RunInfo:
        """The run as the case store records it."""
        return RunInfo(
            run_id=self.run_id, started_at=self.started_at.isoformat(), versions=versions
        )


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(2)


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


class RunResources:
    """What a run holds while its stages run, given back when they end however they end:
    what it published for its partition tasks (here and on a Dask cluster's workers) and
    its work folder. Also retires a local cluster's workers after the last partition task
    and gives memory back between stages.

        with RunResources(run.work) as resources:
            resources.publish(run.run_id, setup)
            ...  # the partition tasks
            resources.retire_workers()
    """

    def __init__(self, work: Path) -> None:
        self.work = work
        self.client = dask_client()  # None unless the flow runs on Dask
        self._published: list[str] = []

    @property
    def runner(self) -> str:
        """The task runner's kind, as the run summary names it."""
        return "dask" if self.client is not None else "default"

    def publish(self, key: str, value: Any) -> None:
        """`value` as `shipping.published(key)` to the partition tasks, until the end."""
        publish(key, value, self.client)
        self._published.append(key)

    def retire_workers(self) -> None:
        retire_local_workers(self.client)

    @staticmethod
    def release_memory() -> None:
        release_memory()

    def __enter__(self) -> RunResources:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for key in self._published:
            withdraw(key, self.client)
        shutil.rmtree(self.work, ignore_errors=True)


@dataclass
class StoredBatch:
    """A batch's upserts, wrapped: Prefect looks into a task's result one level deep, and
    walking ten thousand upserts costs seconds per batch."""

    upserts: list[UpsertResult]


@task(name="store-cases", **TASK_OPTIONS)
def store_cases(
    store_url: str, drafts: list[CaseDraft], run: RunInfo, resumed: bool = False
) -> StoredBatch:
    """Dedup against the case store; full cases come back only for those this run touched
    (for a resumed run, also those the killed run had stored)."""
    store = CaseStore(store_url, load_case_policy())
    try:
        upserts = store.upsert_drafts(drafts, run, load="changed")
        return StoredBatch(actions_before(store, run.run_id, upserts) if resumed else upserts)
    finally:
        store.close()


@task(name="record-run", **TASK_OPTIONS)
def record_run(store_url: str, run_id: str, summary: dict[str, Any]) -> None:
    store = CaseStore(store_url, load_case_policy())
    try:
        store.finish_run(run_id, datetime.now(UTC), summary)
    finally:
        store.close()


def close_run(
    run: RunFolder, cases: Sequence[Any], finished: RunSummary, clock: StageClock
) -> dict[str, Any]:
    """Completes the summary, writes index.html, records the run in the case store, and
    only then writes run_summary.json, the mark of a finished run folder: a run whose
    store failed at the end stays pending, and its rerun finishes it. Returns the summary
    as written."""
    finished.finish(datetime.now(UTC), clock.seconds, run.out)
    summary = finished.to_dict()
    write_index(run.out, list(cases), summary)
    record_run(run.workspace.case_store_url, run.run_id, quote(summary))  # type: ignore[call-overload]  # Prefect's Task types take no quote()
    write_json(run.out / "run_summary.json", summary)
    if run.key is not None:
        finish_run(run.workspace.runs, run.key)
    return summary
