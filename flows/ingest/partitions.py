"""The orders of one run on disk, in partitions of related customers.

Ingest streams the input a chunk at a time into the run's work folder (`_work/`), keeping
in memory only the links between customers; the chunks are then split into partitions
(see `flows.ingest.partitioning`), so a run's memory follows the partition size, not the
input size. Every accepted row carries `row`, its place in the input, so the merged
outputs come out in input order whatever the number of partitions.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from detectors.catalog import going_prices
from detectors.schema import empty_canonical_frame
from flows.errors import ConfigError
from flows.history import TransactionHistory
from flows.ingest.normalize import chunk_ids, repeated_ids
from flows.ingest.partitioning import (
    LINK_COLUMNS,
    customer_links,
    distinct_links,
    partition_numbers,
    related_customer_groups,
)
from flows.ingest.seen_ids import SeenIds
from flows.ingest.sources import ReadTally, raw_order_chunks
from flows.ingest.spooling import ROW, ChunkSpooler, SpooledChunk

COMPACT_EVERY = 8  # chunks between merges of the per-chunk links and counts


@dataclass
class SpooledOrders:
    """The accepted orders of a run, written in chunks; and what reading them found."""

    folder: Path
    chunks: list[Path]
    tally: ReadTally
    rows_accepted: int
    links: pd.DataFrame  # distinct (customer_id, key) pairs of the run's orders
    customer_rows: pd.Series  # order lines per customer
    first_date: date | None
    last_date: date | None

    @property
    def present_columns(self) -> frozenset[str]:
        return frozenset(self.tally.present_columns)


@dataclass(frozen=True)
class Partition:
    """One partition's orders: files in input order, and its customers."""

    number: int
    of: int
    files: tuple[Path, ...]
    rows: int
    customers: tuple[str, ...] = field(repr=False)
    folder: Path | None = None  # where its files are, and its results go (even with none)

    @property
    def label(self) -> str:
        return f"{self.number + 1}/{self.of}"

    def read(self) -> pd.DataFrame:
        if not self.files:
            return empty_canonical_frame().assign(**{ROW: pd.Series(dtype="int64")})
        frames = [pd.read_parquet(path) for path in self.files]
        return pd.concat(frames, ignore_index=True)


def spool_orders(
    paths: list[Path],
    catalog: pd.DataFrame,
    ingest_settings: Mapping[str, Any],
    column_map: Mapping[str, Any] | None,
    folder: Path,
    names: Mapping[Path, str] | None = None,
    workers: int = 1,
) -> SpooledOrders:
    """Reads every file chunk by chunk into `folder/chunk-NNNNN.parquet`; with `workers`
    > 1 the chunks are normalized in that many forked processes while the next is read."""
    folder.mkdir(parents=True, exist_ok=True)
    tally = ReadTally()
    seen = SeenIds()
    kept = _Kept()
    with ChunkSpooler(folder, catalog, ingest_settings, workers) as spooler:
        chunks = raw_order_chunks(paths, ingest_settings, column_map, tally, names)
        for number, chunk in enumerate(chunks):
            repeated = repeated_ids(chunk_ids(chunk.frame), seen)
            for done in spooler.submit(number, chunk, repeated):
                kept.add(done, tally)
        for done in spooler.finish():
            kept.add(done, tally)
    return SpooledOrders(
        folder=folder,
        chunks=kept.chunks,
        tally=tally,
        rows_accepted=kept.accepted,
        links=distinct_links(kept.links),
        customer_rows=_summed(kept.customer_rows),
        first_date=kept.first.date() if kept.first is not None else None,
        last_date=kept.last.date() if kept.last is not None else None,
    )


@dataclass
class _Kept:
    """What a run keeps of its spooled chunks: their files, customer links and counts."""

    chunks: list[Path] = field(default_factory=list)
    accepted: int = 0
    links: list[pd.DataFrame] = field(default_factory=list)
    customer_rows: list[pd.Series] = field(default_factory=list)
    first: pd.Timestamp | None = None
    last: pd.Timestamp | None = None

    def add(self, done: SpooledChunk, tally: ReadTally) -> None:
        tally.add(done)
        if done.path is None:
            return
        self.chunks.append(done.path)
        self.accepted += done.accepted
        self.links.append(done.links)
        self.customer_rows.append(done.customer_rows)
        if len(self.links) > COMPACT_EVERY:  # what is kept grows with customers, not rows
            self.links = [distinct_links(self.links)]
            self.customer_rows = [_summed(self.customer_rows)]
        self.first = done.first_date if self.first is None else min(self.first, done.first_date)
        self.last = done.last_date if self.last is None else max(self.last, done.last_date)


def history_since(spool: SpooledOrders, lookback_days: int) -> date | None:
    if spool.first_date is None:
        return None
    since: date = spool.first_date - pd.Timedelta(days=lookback_days).to_pytimedelta()
    return since


def spooled_going_prices(spool: SpooledOrders) -> pd.DataFrame:
    """Each SKU's going price over all the run's accepted orders (before they are split into
    partitions, so that the price rules compare with the same price whatever the
    partitioning)."""
    columns = ["item_sku", "unit_price_usd"]
    parts = [pq.read_table(path, columns=columns).to_pandas() for path in spool.chunks]
    lines = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    return going_prices(lines["item_sku"], lines["unit_price_usd"])


def split_partitions(
    spool: SpooledOrders, history: TransactionHistory, lookback_days: int, partitions: int
) -> list[Partition]:
    """Writes `folder/part-PPPP/` files: each chunk's rows of each partition, in input order.
    Customers are related through this run's orders and their earlier orders in the
    history (over the look-back), so a partition sees every order its rules compare."""
    customers = spool.links["customer_id"].drop_duplicates()
    past = history.load(
        customer_ids=customers.tolist(),
        since=history_since(spool, lookback_days),
        columns=["customer_id", *LINK_COLUMNS],
    )
    links = distinct_links([spool.links, customer_links(past)])
    number_of = partition_numbers(related_customer_groups(links), partitions, spool.customer_rows)
    folders = [spool.folder / f"part-{p:04d}" for p in range(partitions)]
    files: list[list[Path]] = [[] for _ in range(partitions)]
    rows = [0] * partitions
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    for chunk_path in spool.chunks:
        if partitions == 1:  # nothing to split: the chunks are the partition
            path = chunk_path.replace(folders[0] / chunk_path.name)
            files[0].append(path)
            rows[0] += pq.ParquetFile(path).metadata.num_rows
            continue
        chunk = pq.read_table(chunk_path)  # split as Arrow tables: no round trip to pandas
        numbers = chunk.column("customer_id").to_pandas().map(number_of).to_numpy()
        for p in range(partitions):
            mask = numbers == p
            if not mask.any():
                continue
            path = folders[p] / chunk_path.name
            pq.write_table(chunk.filter(pa.array(mask)), path)
            files[p].append(path)
            rows[p] += int(mask.sum())
        chunk_path.unlink()
    customers_of = number_of.groupby(number_of).groups
    return [
        Partition(
            number=p,
            of=partitions,
            files=tuple(files[p]),
            rows=rows[p],
            customers=tuple(sorted(str(c) for c in customers_of.get(p, []))),
            folder=folders[p],
        )
        for p in range(partitions)
    ]


def partition_count(setting: Any, rows: int, workers: int = 1, local: bool = True) -> int:
    """`partitions` of the pipeline settings: a number, or `auto`: one per
    `rows_per_partition` accepted rows. With `workers` working at once (a Dask cluster), at
    least one partition per worker; on a local cluster the workers share this machine's
    memory, so each partition gets `rows_per_partition / workers` rows and the machine
    holds about as much as one partition of the default runner."""
    value = setting.get("partitions", "auto") if isinstance(setting, Mapping) else setting
    if value in (None, "auto"):
        per = (
            int(setting.get("rows_per_partition", 500_000))
            if isinstance(setting, Mapping)
            else 500_000
        )
        workers = max(1, workers)
        if local:
            per = per // workers
        if rows <= 0:
            return 1
        return max(workers, -(-rows // max(per, 1)))
    count = int(value)
    if count < 1:
        raise ConfigError(f"partitions: expected a number of at least 1 or auto (got {value!r})")
    return count


def _summed(counts: list[pd.Series]) -> pd.Series:
    """Order lines per customer over several chunks' counts."""
    if not counts:
        return pd.Series(dtype="int64")
    return pd.concat(counts).groupby(level=0).sum()


MERGE_WINDOW = 250_000  # input rows merged back into order at a time


def in_input_order(paths: list[Path], window: int = MERGE_WINDOW) -> Iterator[pa.Table]:
    """The rows of the partitions' files (each sorted by `row`) merged back into input
    order, `window` input rows at a time, so that memory follows the window, not the
    run. Rows with the same `row` keep their file's order."""
    files = [pq.ParquetFile(p) for p in paths if p.exists()]
    batches = [f.iter_batches(batch_size=65_536) for f in files]
    pending: list[pa.Table | None] = [None] * len(files)
    done = [False] * len(files)
    low = 0
    while True:
        high = low + window
        pieces = []
        for i, stream in enumerate(batches):
            table = pending[i]
            while not done[i] and (table is None or table[ROW][-1].as_py() < high):
                batch = next(stream, None)
                if batch is None:
                    done[i] = True
                elif batch.num_rows:
                    more = pa.Table.from_batches([batch])
                    table = more if table is None else pa.concat_tables([table, more])
            if table is None or not table.num_rows:
                continue
            cut = int(np.searchsorted(table[ROW].to_numpy(), high, side="left"))
            if cut:
                pieces.append(table.slice(0, cut))
            pending[i] = table.slice(cut)
        if not pieces:
            if all(done) and not any(t is not None and t.num_rows for t in pending):
                return
            low = high
            continue
        merged = pa.concat_tables(pieces).combine_chunks()
        yield merged.take(pc.sort_indices(merged, [(ROW, "ascending")]))  # a stable sort
        low = high


def empty_scored() -> pd.DataFrame:
    return pd.DataFrame(
        {c: pd.Series(dtype="str") for c in ("transaction_id", "flags", "customer_id")}
        | {"risk_score": pd.Series(dtype="int64"), "hard_stop": pd.Series(dtype=bool)}
    )


def write_merged_flags(paths: list[Path], target: Path) -> int:
    """flags.parquet of the run: the partitions' flags (each file sorted by `row`, a
    transaction's flags in detector order) in input order, evidence as JSON text, written
    a window at a time. Returns the number of flags."""
    existing = [p for p in paths if p.exists()]
    if not existing:
        return 0
    with_rows = [p for p in existing if pq.ParquetFile(p).metadata.num_rows]
    schema = pq.read_schema((with_rows or existing)[0]).remove_metadata()
    schema = schema.remove(schema.get_field_index(ROW))
    written = 0
    with pq.ParquetWriter(target, schema) as writer:
        for table in in_input_order(existing):
            writer.write_table(table.drop_columns([ROW]).cast(schema))
            written += table.num_rows
    return written


def read_flags_of(paths: list[Path], transaction_ids: set[str]) -> pd.DataFrame:
    """Every flag the partitions' files hold for these transactions (evidence as JSON)."""
    wanted = sorted(transaction_ids)
    tables = [
        pq.read_table(path, filters=[("transaction_id", "in", wanted)]).drop_columns([ROW])
        for path in paths
        if path.exists()
    ]
    if not tables:
        columns = ["transaction_id", "code", "source", "weight", "hard_stop", "evidence"]
        return pd.DataFrame(columns=columns)
    return pa.concat_tables(tables, promote_options="default").to_pandas()
