"""Ranking within groups on whole arrays: where runs of equal keys start, and each
element's place among the earlier ones with its key (the candidate pairs' order per
query and per entry)."""

from __future__ import annotations

import numpy as np


def group_starts(keys: np.ndarray) -> np.ndarray:
    """Where each run of equal values of a sorted array starts."""
    return np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])


def rank_within(first: np.ndarray, second: np.ndarray | None = None) -> np.ndarray:
    """Position of each element among the earlier elements with its key (`first`, or
    the pair `first`, `second`), as pandas' groupby cumcount."""
    if not len(first):
        return np.empty(0, dtype=np.int64)
    keys = (first,) if second is None else (second, first)
    by_key = np.lexsort((np.arange(len(first)), *keys))
    same = np.ones(len(first), dtype=bool)
    for key in keys:
        same[1:] &= key[by_key][1:] == key[by_key][:-1]
    same[0] = False
    run_start = np.maximum.accumulate(np.where(same, 0, np.arange(len(first))))
    rank = np.empty(len(first), dtype=np.int64)
    rank[by_key] = np.arange(len(first)) - run_start
    return rank
