"""The transaction history in the workspace: every accepted transaction, stored once.

One Parquet part per run under `<workspace>/history/`; a transaction id already stored is
not stored again, so feeding the same file twice keeps one copy. History rules read a
customer's past orders from here, and rescreening reads past parties.
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

    def _parts(self) -> list[Path]:
        return sorted(self.root.glob("part-*.parquet"))

    def _dataset(self) -> ds.Dataset | None:
        parts = self._parts()
        return ds.dataset([str(p) for p in parts], format="parquet") if parts else None

    def stored_ids(self) -> set[str]:
        dataset = self._dataset()
        if dataset is None:
            return set()
        return set(dataset.to_table(columns=["transaction_id"]).column(0).to_pylist())

    def stored_among(self, transaction_ids: pd.Series) -> set[str]:
        """The ids of `transaction_ids` that are stored already."""
        dataset = self._dataset()
        if dataset is None or transaction_ids.empty:
            return set()
        wanted = pa.array(transaction_ids.astype("str").tolist(), pa.string())
        found = dataset.to_table(
            columns=["transaction_id"], filter=ds.field("transaction_id").isin(wanted)
        )
        return set(found.column(0).to_pylist())

    def append(self, transactions: pd.DataFrame, run_id: str, part: str = "") -> int:
        """Store the transactions not stored yet; returns how many were new. `part` names
        one of several files a run writes (a partition)."""
        new = transactions[
            ~transactions["transaction_id"].isin(self.stored_among(transactions["transaction_id"]))
        ]
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
    ) -> pd.DataFrame:
        """Stored transactions, optionally for some customers and since a date.

        `exclude_ids` drops transactions being screened now, so a rerun of the same file
        does not count its own orders as their history.
        """
        dataset = self._dataset()
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
