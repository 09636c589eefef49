"""Which customers must be screened together, and in which partition.

Most red flags look at one customer's own orders, but some compare customers with each
other: orders split across customers that share an address or a payer (B4), an address
used by many customers (P2), and the ML features that count customers per address and
per payer. A partitioned run therefore keeps *related* customers together: customers are
linked when they share a customer address or a payer name (compared both by the rules'
`name_key` and the ML features' normalisation, so either grouping is kept whole), and
every connected group of customers goes to one partition; groups are packed by their
number of order lines so that partitions come out even. The same input gives the same
partitions on any machine, and each partition sees everything its history rules and
features need.

Keys are kept as 64-bit hashes of their text, so the links of millions of orders stay
small. Two different keys sharing a hash would only put two unrelated customers in the
same partition, which changes no result.
"""

from __future__ import annotations

import heapq

import numpy as np
import pandas as pd

from detectors.ml.order_columns import normalised
from detectors.network.graph import groups
from detectors.rules.policy import name_key

LINK_COLUMNS: tuple[str, ...] = ("customer_address", "payer_name")


def customer_links(frame: pd.DataFrame) -> pd.DataFrame:
    """Distinct (customer_id, key) pairs of the values that relate customers to each other
    (`key`: a 64-bit hash of the value's text); `frame` needs `customer_id` and the
    LINK_COLUMNS present in it."""
    ids = frame["customer_id"]
    parts = [_keyed(ids, "customer:" + ids.astype("str"))]
    for column in LINK_COLUMNS:
        if column not in frame:
            continue
        values = frame[column].astype("str")
        for label, keyed in (("rule", name_key(values)), ("ml", normalised(values))):
            parts.append(_keyed(ids, f"{column}:{label}:" + keyed.astype("str")))
    return distinct_links(parts)


def distinct_links(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The distinct (customer_id, key) pairs of several links frames."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(
            {"customer_id": pd.Series(dtype="str"), "key": pd.Series(dtype="uint64")}
        )
    return pd.concat(frames, ignore_index=True).drop_duplicates(ignore_index=True)


def _keyed(ids: pd.Series, keys: pd.Series) -> pd.DataFrame:
    present = keys.notna().to_numpy()
    hashed = pd.util.hash_pandas_object(keys[present], index=False).to_numpy()
    return pd.DataFrame({"customer_id": ids[present].to_numpy(), "key": hashed})


def related_customer_groups(links: pd.DataFrame) -> pd.Series:
    """For each customer of `links`: the first (smallest) customer id of its group of
    customers connected through shared keys."""
    found = groups(links.rename(columns={"customer_id": "party"}))
    return found.rename_axis("customer_id")


def partition_numbers(
    groups: pd.Series, partitions: int, rows: pd.Series | None = None
) -> pd.Series:
    """Partition (0 .. partitions-1) per customer. With `rows` (order lines per customer),
    groups are packed largest first into the partition with the fewest rows so far (ties
    by group id), so partitions come out even; without, by a stable hash of the group's
    first id. Either way a group is never split."""
    if partitions <= 1 or groups.empty:
        return pd.Series(0, index=groups.index, dtype="int64", name="partition")
    if rows is None:
        hashed = pd.util.hash_pandas_object(groups.astype("str"), index=False).to_numpy()
        numbers = (hashed % np.uint64(partitions)).astype(np.int64)
        return pd.Series(numbers, index=groups.index, name="partition")
    weight = rows.reindex(groups.index).fillna(0).groupby(groups.to_numpy()).sum()
    order = pd.DataFrame({"group": weight.index, "rows": weight.to_numpy()})
    order = order.sort_values(["rows", "group"], ascending=[False, True], kind="stable")
    load = [(0.0, p) for p in range(partitions)]
    assigned: dict[str, int] = {}
    for group, size in zip(order["group"], order["rows"], strict=True):
        total, p = heapq.heappop(load)
        assigned[group] = p
        heapq.heappush(load, (total + float(size), p))
    numbers = groups.map(assigned).to_numpy(dtype=np.int64)
    return pd.Series(numbers, index=groups.index, name="partition")
