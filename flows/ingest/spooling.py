"""Normalizing the chunks of a run's orders, in forked worker processes.

Reading a chunk and finding its repeated transaction ids is sequential (an id repeats one
of any earlier chunk); the rest — validating and coercing every cell, enriching from the
catalog, writing the chunk to the work folder and listing its customer links — depends on
the chunk alone. The run reads chunk k+1 while forked processes normalize the chunks
before it; results come back in chunk order, so the spooled orders are the same as when
each chunk is normalized in the run's own process.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from flows.ingest.normalize import normalize_orders
from flows.ingest.partitioning import customer_links
from flows.ingest.sources import RawChunk
from flows.runtime.forked import ForkedCall
from flows.runtime.forking import can_fork

ROW = "row"  # the accepted row's place in the run's input
PARALLEL_MIN_ROWS = 50_000  # a smaller chunk is normalized in the run's own process


@dataclass
class SpooledChunk:
    """What normalizing one chunk gave: its file, and what the run keeps of it."""

    number: int
    path: Path | None  # None when no row of the chunk was accepted
    accepted: int
    rejected: pd.DataFrame
    present_columns: frozenset[str]
    reject_counts: dict[str, int]
    field_warnings: pd.DataFrame
    links: pd.DataFrame
    customer_rows: pd.Series
    first_date: pd.Timestamp | None
    last_date: pd.Timestamp | None


def spool_chunk(
    number: int,
    chunk: RawChunk,
    repeated: pd.Series,
    folder: Path,
    catalog: pd.DataFrame,
    settings: Mapping[str, Any],
) -> SpooledChunk:
    """Normalizes one chunk (its repeated ids found beforehand) and writes its accepted
    rows to `folder/chunk-NNNNN.parquet`, each with `row`, its place in the run's input."""
    part = normalize_orders(
        chunk.frame, catalog, settings, chunk.label, chunk.first_row, repeated=repeated
    )
    accepted = part.accepted
    path, links, counts, first, last = None, customer_links(accepted), pd.Series(), None, None
    if len(accepted):
        position = accepted["source_row"].to_numpy(dtype=np.int64) - chunk.first_row
        accepted = accepted.assign(**{ROW: chunk.offset + position})
        path = folder / f"chunk-{number:05d}.parquet"
        accepted.to_parquet(path, index=False)
        counts = accepted["customer_id"].value_counts()
        first, last = accepted["order_date"].min(), accepted["order_date"].max()
    return SpooledChunk(
        number=number,
        path=path,
        accepted=len(accepted),
        rejected=part.rejected,
        present_columns=part.present_columns,
        reject_counts=dict(part.reject_counts),
        field_warnings=part.field_warnings,
        links=links,
        customer_rows=counts,
        first_date=first,
        last_date=last,
    )


class ChunkSpooler:
    """Spools chunks in up to `workers` forked processes at once; `submit` and `finish`
    return the finished chunks, in the order they were submitted."""

    def __init__(
        self, folder: Path, catalog: pd.DataFrame, settings: Mapping[str, Any], workers: int
    ) -> None:
        self.folder = folder
        self.catalog = catalog
        self.settings = settings
        self.workers = workers if can_fork() else 1
        self._running: deque[ForkedCall] = deque()

    def __enter__(self) -> ChunkSpooler:
        return self

    def __exit__(self, *exc: object) -> None:
        while self._running:  # after a failure: stop what still runs
            self._running.popleft().stop()

    def submit(self, number: int, chunk: RawChunk, repeated: pd.Series) -> list[SpooledChunk]:
        args = (number, chunk, repeated, self.folder, self.catalog, self.settings)
        if self.workers <= 1 or len(chunk.frame) < PARALLEL_MIN_ROWS:
            done = self.finish()  # keep the chunks in order
            return [*done, spool_chunk(*args)]
        done = []
        while len(self._running) >= self.workers:
            done.append(self._collect())
        result = self.folder / f"chunk-{number:05d}.result"
        self._running.append(ForkedCall(spool_chunk, args, result))
        return done

    def finish(self) -> list[SpooledChunk]:
        return [self._collect() for _ in range(len(self._running))]

    def _collect(self) -> SpooledChunk:
        chunk: SpooledChunk = self._running.popleft().outcome("normalizing a chunk of the orders")
        return chunk
