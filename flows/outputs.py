"""The outputs stage of a run: the partitions' scored rows and flags merged back into
input order (with each row's case, the suppressed hits and the network flags that
reached a case), the suppressed hits, rejected rows and field warnings; and reading
the partitions' own files back."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from cases.grouping import attach_case_ids
from cases.related import RunNetwork, with_network_flags
from cases.run_outputs import ScoredCsv, write_field_warnings, write_rejected
from cases.suppressed_hits import apply_to_scored, rescore_without, write_suppressed_hits
from flows.ingest.partitions import (
    Partition,
    SpooledOrders,
    in_input_order,
    read_flags_of,
    write_merged_flags,
)
from flows.ingest.spooling import ROW
from flows.partition_tasks import PartitionResult
from flows.run import RunFolder
from flows.settings import RunSettings
from flows.stored_cases import StoredCases


def write_outputs(
    run: RunFolder,
    spool: SpooledOrders,
    parts: list[Partition],
    results: list[PartitionResult],
    cases: StoredCases,
    settings: RunSettings,
    network: RunNetwork | None,
) -> dict[str, int]:
    """The run's files besides the cases: scored rows, suppressed hits, flags, rejected
    rows and field warnings. Returns the scored rows' counts for the summary."""
    scored = write_merged_scored(results, run.out, cases, settings.cases, network)
    write_suppressed_hits(run.out, cases.suppressed)
    flag_files = [r.flags for r in results]
    if network is not None:  # the network's flags that reached a case, as scored
        flag_files.append(write_network_flags(network, parts, run.work / "network.parquet"))
    write_merged_flags(flag_files, run.out / "flags.parquet")
    write_rejected(run.out, spool.tally.rejected_frame())
    write_field_warnings(run.out, spool.tally.field_warnings_frame())
    return scored


def write_merged_scored(
    results: list[PartitionResult],
    out_dir: Path,
    cases: StoredCases,
    cases_settings: Mapping[str, Any],
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
            scored = attach_case_ids(scored, scored, cases.case_of_key, cases_settings)
            if rescored is not None:
                scored = apply_to_scored(scored, rescored, held_back.case_of_transaction)
            if attached is not None:
                scored = with_network_flags(scored, attached)
            writer.append(scored)
            counts["transactions_flagged"] += int((scored["flags"] != "").sum())
            counts["transactions_in_cases"] += int((scored["case_id"] != "").sum())
    return counts


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


def read_parts(parts: list[Partition], columns: list[str]) -> pd.DataFrame:
    """The partitions' orders, the `columns` of them that are present, in input order."""
    frames = []
    for path in (f for p in parts for f in p.files):
        present = set(pq.read_schema(path).names)
        frames.append(pd.read_parquet(path, columns=[c for c in columns if c in present]))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def read_parts_flags(results: list[PartitionResult]) -> pd.DataFrame:
    """The partitions' flags: transaction_id, source and evidence (JSON text)."""
    columns = ["transaction_id", "source", "evidence"]
    frames = [pd.read_parquet(r.flags, columns=columns) for r in results]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
