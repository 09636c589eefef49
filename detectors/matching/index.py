"""Candidate index over every name and alias of a watchlist snapshot.

Three posting lists (compressed sparse rows of name ids) find the few hundred list names
worth scoring for a party name without looking at the rest: whole tokens weighted by
rarity (IDF), the rarest character n-grams of the name's compact form (typos, word
splits, transliteration), and a phonetic key per token (sound-alike spellings); a
fourth maps one-letter deletions to the listed tokens, so a typo in a party's word still
reaches the listed word's postings.
Built once per snapshot; `save`/`load` keep it in the workspace.
"""

from __future__ import annotations

import math
import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from detectors.matching.names import AnalyzedName, phonetic_key


def deletions(token: str) -> set[str]:
    """The token and its one-letter deletions (tokens of 4+ letters, no digits): two
    tokens one typo apart share one of these."""
    if len(token) < 4 or any(ch.isdigit() for ch in token):
        return set()
    return {token} | {token[:i] + token[i + 1 :] for i in range(len(token))}


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


@dataclass
class CandidateIndex:
    """Sub-linear lookup of list names similar to a party name."""

    size: int  # number of indexed names
    tokens: Postings
    grams: Postings
    sounds: Postings
    neighbours: Postings  # one-letter deletions of a token -> ids of the tokens
    terms: list[str]  # token id -> token
    ngram: int = 3

    @classmethod
    def build(cls, names: Sequence[AnalyzedName], ngram: int = 3) -> CandidateIndex:
        tokens = Postings.build(set(a.tokens) for a in names)
        terms = list(tokens.vocab)
        return cls(
            size=len(names),
            tokens=tokens,
            grams=Postings.build(char_ngrams(a.compact, ngram) for a in names),
            sounds=Postings.build({phonetic_key(t) for t in a.tokens} for a in names),
            neighbours=Postings.build(deletions(t) for t in terms),
            terms=terms,
            ngram=ngram,
        )

    def similar_tokens(self, token: str) -> set[str]:
        """Listed tokens one typo away (deletion, insertion, substitution, most swaps)."""
        found: set[str] = set()
        for variant in deletions(token):
            found.update(self.terms[i] for i in self.neighbours.get(variant))
        found.discard(token)
        return found

    def idf(self, token: str) -> float:
        return math.log((self.size + 1) / (self.tokens.df(token) + 1)) + 1.0

    @property
    def max_idf(self) -> float:
        return math.log(self.size + 1) + 1.0

    def idf_table(self) -> dict[str, float]:
        counts = np.diff(self.tokens.indptr)
        idf = np.log((self.size + 1) / (counts + 1)) + 1.0
        return dict(zip(self.tokens.vocab, idf.tolist(), strict=True))

    def candidates(
        self,
        query: AnalyzedName,
        limit: int = 100,
        max_df: float = 0.05,
        ngrams_per_query: int = 16,
        budget: int = 8000,
    ) -> np.ndarray:
        """Ids of the `limit` list names sharing the most rarity-weighted evidence.

        Evidence is read rarest first (whole tokens, sound keys, character n-grams) until
        `budget` postings are read, so the cost of a query does not grow with the list."""
        cap = max(50, int(max_df * self.size))
        lookups: list[tuple[int, Postings, str, float]] = []  # (df, postings, feature, factor)
        for rank, (df, token) in enumerate(
            sorted((self.tokens.df(t), t) for t in set(query.tokens))
        ):
            if df and (df <= cap or rank == 0):
                lookups.append((df, self.tokens, token, 1.0))
        for token in set(query.tokens):
            for near in self.similar_tokens(token):
                if 0 < (df := self.tokens.df(near)) <= cap:
                    lookups.append((df, self.tokens, near, 0.8))
        for sound in {phonetic_key(t) for t in query.tokens if len(t) >= 4}:
            if 0 < (df := self.sounds.df(sound)) <= cap:
                lookups.append((df, self.sounds, sound, 0.5))
        grams = sorted(
            (df, g)
            for g in char_ngrams(query.compact, self.ngram)
            if 0 < (df := self.grams.df(g)) <= cap
        )[:ngrams_per_query]
        lookups.extend((df, self.grams, gram, 0.3) for df, gram in grams)
        parts: list[np.ndarray] = []
        weights: list[float] = []
        read = 0
        for df, postings, feature, factor in sorted(lookups, key=lambda item: item[0]):
            if parts and read + df > budget:
                break
            parts.append(postings.get(feature))
            weights.append(factor * (math.log((self.size + 1) / (df + 1)) + 1.0))
            read += df
        if not parts:
            return np.empty(0, dtype=np.int32)
        ids = np.concatenate(parts)
        w = np.repeat(np.asarray(weights), [len(p) for p in parts])
        uniq, inverse = np.unique(ids, return_inverse=True)
        score = np.bincount(inverse, weights=w)
        if len(uniq) > limit:
            return uniq[np.argpartition(-score, limit)[:limit]]
        return uniq

    @property
    def nbytes(self) -> int:
        return self.tokens.nbytes + self.grams.nbytes + self.sounds.nbytes + self.neighbours.nbytes

    def save(self, path: Path) -> None:
        with Path(path).open("wb") as fh:
            pickle.dump(self, fh, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def load(cls, path: Path) -> CandidateIndex:
        with Path(path).open("rb") as fh:
            index = pickle.load(fh)
        if not isinstance(index, cls):
            raise TypeError(f"{path} does not hold a candidate index")
        return index
