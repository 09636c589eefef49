"""The transaction ids already read in a run, kept as 128-bit hashes in sorted arrays.

A Python set of five million id strings costs about half a gigabyte and holds one object
per row; two 64-bit hashes per id cost 16 bytes, with no object per row. Two different ids
share both hashes with a probability of about n² / 2¹²⁹ (10⁻²⁵ for ten million ids), so
an id is never taken for another in practice. Each chunk's hashes form a sorted run;
runs are merged once there are several, so a lookup is a few binary searches.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_KEYS = ("redflag-seen-id1", "redflag-seen-id2")  # 16-byte siphash keys
MAX_RUNS = 8


def id_hashes(ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Two independent 64-bit hashes of each id (as text)."""
    text = ids.astype("str")
    first, second = (
        pd.util.hash_pandas_object(text, index=False, hash_key=key).to_numpy() for key in _KEYS
    )
    return first, second


class SeenIds:
    """Ids of the earlier chunks and files of a run."""

    def __init__(self) -> None:
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []  # (first, second) by first

    def __len__(self) -> int:
        return sum(len(first) for first, _ in self._runs)

    def among(self, ids: pd.Series) -> np.ndarray:
        """Which of `ids` (no missing values) were added before."""
        first, second = id_hashes(ids)
        found = np.zeros(len(ids), dtype=bool)
        for run_first, run_second in self._runs:
            low = np.searchsorted(run_first, first, side="left")
            high = np.searchsorted(run_first, first, side="right")
            single = high - low == 1
            found[single] |= run_second[low[single]] == second[single]
            for position in np.flatnonzero(high - low > 1):  # ids sharing a first hash
                span = run_second[low[position] : high[position]]
                found[position] |= bool((span == second[position]).any())
        return found

    def add(self, ids: pd.Series) -> None:
        first, second = id_hashes(ids)
        order = np.argsort(first, kind="stable")
        self._runs.append((first[order], second[order]))
        if len(self._runs) > MAX_RUNS:
            merged_first = np.concatenate([f for f, _ in self._runs])
            merged_second = np.concatenate([s for _, s in self._runs])
            order = np.argsort(merged_first, kind="stable")
            self._runs = [(merged_first[order], merged_second[order])]
