"""The cases stage of a run: the partitions' case drafts stored in the case store (a
batch at a time, in case-key order) and the files of the cases opened or updated
written; `StoredCases` is what the later stages and the summary read of it."""

from __future__ import annotations

import gc
import heapq
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from prefect.utilities.annotations import quote

from cases.related import RunNetwork
from cases.run_outputs import CaseFileWriter, action_counts, touched_cases
from cases.suppressed_hits import SuppressedHits
from flows.assembly import RunSetup
from flows.partition_tasks import PartitionResult, iter_drafts
from flows.progress import Progress
from flows.run import RunFolder, StageClock, store_cases
from flows.runtime.bulk import collector_paused

CASES_PER_BATCH = 10_000  # drafts stored, and case files written, per batch


@dataclass
class StoredCases:
    """What storing the run's case drafts gave: case ids by key, the store's actions, and
    one light line per case the run opened or updated (for index.html)."""

    case_of_key: dict[str, str] = field(default_factory=dict)
    action_counts: dict[str, int] = field(default_factory=dict)
    index_lines: list[SimpleNamespace] = field(default_factory=list)
    suppressed: SuppressedHits = field(default_factory=SuppressedHits)


def store_and_write_cases(
    results: list[PartitionResult],
    run: RunFolder,
    setup: RunSetup,
    clock: StageClock,
    report: Progress,
    network: RunNetwork | None = None,
) -> StoredCases:
    """Stores the partitions' drafts (deduplicated against the case store) in case-key
    order across all partitions, so that case ids do not depend on the partitioning, and
    writes the files of the cases opened or updated; a batch at a time, so that memory
    does not grow with the number of cases. A batch's files are written by forked workers
    while the next batch is stored."""
    settings, info = setup.config, run.info(setup.versions)
    stored = StoredCases(action_counts=action_counts([]))
    merged: Iterator[Any] = heapq.merge(
        *(iter_drafts(r) for r in results), key=lambda d: d.case_key
    )
    if network is not None:
        # related parties found for a store batch at a time: one search per batch, and a
        # record met by several of its customers built once
        merged = network.attach_all(merged, settings.cases, batch=CASES_PER_BATCH)
    ws_url = run.workspace.case_store_url
    total = sum(r.draft_count for r in results)
    done = 0
    with CaseFileWriter(run.out, settings.render_workers) as writer:
        while True:
            # a batch's drafts and cases live until it is stored and handed to the
            # writers: collections while they pile up would walk them again and again
            with collector_paused():
                batch = list(itertools.islice(merged, CASES_PER_BATCH))
                if not batch:
                    break
                with clock("cases"):
                    upserts = store_cases(ws_url, quote(batch), info, run.resumed).upserts  # type: ignore[call-overload]
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
        clock.add("network", network.seconds)
    report(f"cases: the files of {len(stored.index_lines)} written")
    return stored


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
