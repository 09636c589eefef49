"""Posting lists of the candidate index: feature -> sorted ids of the list names that
hold it (compressed sparse rows), the character n-grams of a name, and the cut of the best
scored names."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np


def best_names(ids: np.ndarray, score: np.ndarray, limit: int) -> np.ndarray:
    """Positions of the `limit` best scored names, ties at the cut to the lowest ids
    (whatever the order the names come in)."""
    if len(ids) <= limit:
        return np.arange(len(ids))
    cut = np.sort(score)[-limit]  # (partitioning is slow on the many tied scores)
    above = np.flatnonzero(score > cut)
    tied = np.flatnonzero(score == cut)
    tied = tied[np.argsort(ids[tied], kind="stable")[: limit - len(above)]]
    return np.concatenate([above, tied])


def char_ngrams(compact: str, n: int) -> set[str]:
    padded = f"^{compact}$"
    if len(padded) <= n:
        return {padded}
    return {padded[i : i + n] for i in range(len(padded) - n + 1)}


@dataclass
class Postings:
    """Feature -> sorted name ids, as compressed sparse rows."""

    vocab: dict[str, int]
    indptr: np.ndarray  # int64, len(vocab) + 1
    ids: np.ndarray  # int32

    @classmethod
    def build(cls, features_per_name: Iterable[Iterable[str]]) -> Postings:
        vocab: dict[str, int] = {}
        feat_ids: list[int] = []
        name_ids: list[int] = []
        for name_id, features in enumerate(features_per_name):
            for feature in features:
                fid = vocab.setdefault(feature, len(vocab))
                feat_ids.append(fid)
                name_ids.append(name_id)
        f = np.asarray(feat_ids, dtype=np.int32)
        n = np.asarray(name_ids, dtype=np.int32)
        order = np.argsort(f, kind="stable")
        counts = np.bincount(f, minlength=len(vocab))
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        return cls(vocab=vocab, indptr=indptr, ids=n[order])

    def df(self, feature: str) -> int:
        fid = self.vocab.get(feature)
        return 0 if fid is None else int(self.indptr[fid + 1] - self.indptr[fid])

    def get(self, feature: str) -> np.ndarray:
        fid = self.vocab.get(feature)
        if fid is None:
            return self.ids[:0]
        return self.ids[self.indptr[fid] : self.indptr[fid + 1]]

    @property
    def nbytes(self) -> int:
        return self.indptr.nbytes + self.ids.nbytes
