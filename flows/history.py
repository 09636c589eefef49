"""The transaction history in the workspace: every accepted transaction, stored once.

One Parquet part per run under `<workspace>/history/`; a transaction id already stored is
not stored again, so feeding the same file twice keeps one copy. History rules read a
customer's past orders from here, and rescreening reads past parties.

A partitioned run writes one part per partition. Its partitions hold different customers
and different transaction ids, so a partition reading or adding to the history skips the
parts its own run wrote (`own_run`): reading them would find nothing it needs, and the
cost would grow with every partition already done.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from detectors.schema import CANONICAL_COLUMNS, empty_canonical_frame


class TransactionHistory:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def parts(self, own_run: str | None = None) -> list[Path]:
        """The part files, oldest run first; without those `own_run` wrote."""
        parts = sorted(self.root.glob("part-*.parquet"))
        if own_run is None:
            return parts
        return [p for p in parts if not p.name.startswith(f"part-{own_run}-")]

    def _dataset(self, own_run: str | None = None) -> ds.Dataset | None:
        parts = self.parts(own_run)
        if not parts:
            return None
        # parts written before a column was added lack it: read them as nulls
        schema = pa.unify_schemas([pq.read_schema(p) for p in parts], promote_options="permissive")
        return ds.dataset([str(p) for p in parts], schema=schema, format="parquet")

    def stored_ids(self) -> set[str]:
        dataset = self._dataset()
        if dataset is None:
            return set()
        return set(dataset.to_table(columns=["transaction_id"]).column(0).to_pylist())

    def stored_among(self, transaction_ids: pd.Series, own_run: str | None = None) -> set[str]:
        """The ids of `transaction_ids` that are stored already (by runs other than
        `own_run`, whose partitions hold other ids)."""
        dataset = self._dataset(own_run)
        if dataset is None or transaction_ids.empty:
            return set()
        wanted = pa.array(transaction_ids.astype("str").tolist(), pa.string())
        found = dataset.to_table(
            columns=["transaction_id"], filter=ds.field("transaction_id").isin(wanted)
        )
        return set(found.column(0).to_pylist())

    def append(self, transactions: pd.DataFrame, run_id: str, part: str = "") -> int:
        """Store the transactions not stored yet; returns how many were new. `part` names
        one of several files a run writes (a partition); ids are unique within a run, so
        the other partitions' parts of the same run are not searched."""
        stored = self.stored_among(transactions["transaction_id"], run_id if part else None)
        new = transactions[~transactions["transaction_id"].isin(stored)]
        if new.empty:
            return 0
        table = pa.Table.from_pandas(new[list(CANONICAL_COLUMNS)], preserve_index=False)
        target = self.root / f"part-{run_id}{part}.parquet"
        temporary = target.with_suffix(".tmp")
        pq.write_table(table, temporary)
        temporary.replace(target)
        return len(new)

    def load(
        self,
        customer_ids: list[str] | None = None,
        since: date | None = None,
        exclude_ids: pd.Series | None = None,
        columns: list[str] | None = None,
        own_run: str | None = None,
    ) -> pd.DataFrame:
        """Stored transactions, optionally for some customers and since a date.

        `exclude_ids` drops transactions being screened now, so a rerun of the same file
        does not count its own orders as their history. `own_run` skips the parts that run
        wrote (the partitions of a run hold different customers).
        """
        dataset = self._dataset(own_run)
        wanted = list(columns or CANONICAL_COLUMNS)
        if dataset is None or (customer_ids is not None and not len(customer_ids)):
            return empty_canonical_frame()[wanted]
        condition = None
        if customer_ids is not None:
            condition = ds.field("customer_id").isin(list(customer_ids))
        if since is not None:
            recent = ds.field("order_date") >= pa.scalar(pd.Timestamp(since), pa.timestamp("ns"))
            condition = recent if condition is None else condition & recent
        read = wanted if exclude_ids is None else list(dict.fromkeys([*wanted, "transaction_id"]))
        frame = dataset.to_table(columns=read, filter=condition).to_pandas()
        if exclude_ids is not None and len(frame):
            frame = frame[~frame["transaction_id"].isin(exclude_ids)]
        return frame.reset_index(drop=True)[wanted]
