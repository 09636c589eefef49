"""Candidate index over every name and alias of a watchlist snapshot.

Three posting lists (compressed sparse rows of name ids) find the few hundred list names
worth scoring for a party name without looking at the rest: whole tokens weighted by
rarity (IDF), the rarest character n-grams of the name's compact form (typos, word
splits, transliteration), and a phonetic key per token (sound-alike spellings). The
listed words within one or two typos of a party's word (`NearWords`) lead to their
postings too, so a misspelt distinctive word still reaches its listed names. Words too
common to give candidates alone (generic words, places) still rank the candidates found:
a candidate holding them ranks above one that does not.
Built once per snapshot; `save`/`load` keep it in the workspace.
"""

from __future__ import annotations

import math
import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from detectors.matching.names import AnalyzedName, phonetic_key
from detectors.matching.near_words import NearWords

NEAR_WORD_FACTOR = {1: 0.8, 2: 0.6}  # evidence of a listed word one or two typos away
NEAR_WORDS = 60  # the closest listed words looked up per word of a party name
NEAR_WORD_SHARE = 5  # as many listed words as close as this share the evidence of one
SHORTLIST = 10  # common words rank this many times `limit` candidates before the cut


NearMatches = tuple[list[tuple[str, int]], dict[int, int]]  # (word, edits), count by edits


class Lookup(NamedTuple):
    """One piece of a query's evidence: a posting list entry and what it is worth."""

    df: int
    postings: Postings
    feature: str
    weight: float


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
    near: NearWords  # listed words within one or two typos of a word
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
            near=NearWords.build(terms),
            terms=terms,
            ngram=ngram,
        )

    def similar_tokens(self, token: str) -> set[str]:
        """Listed tokens one typo away (two in long words)."""
        return {word for word, _ in self.near.lookup([token], self.terms)[token]}

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
        """Ids of the `limit` list names sharing the most rarity-weighted evidence."""
        return self.candidates_many([query], limit, max_df, ngrams_per_query, budget)[0]

    def candidates_many(
        self,
        queries: Sequence[AnalyzedName],
        limit: int = 100,
        max_df: float = 0.05,
        ngrams_per_query: int = 16,
        budget: int = 8000,
    ) -> list[np.ndarray]:
        """For each query, the ids of the `limit` list names sharing the most
        rarity-weighted evidence.

        Evidence is read rarest first (whole tokens, listed words a typo or two away,
        sound keys, character n-grams) until `budget` postings are read, so the cost of a
        query does not grow with the list."""
        cap = max(50, int(max_df * self.size))
        near = self.near.closest((t for q in queries for t in q.tokens), self.terms, NEAR_WORDS)
        return [self._candidates(q, near, cap, limit, ngrams_per_query, budget) for q in queries]

    def _lookups(
        self,
        query: AnalyzedName,
        near: dict[str, NearMatches],
        cap: int,
        ngrams_per_query: int,
    ) -> tuple[list[Lookup], list[tuple[str, float]]]:
        """The query's evidence in reading order, and its words (or listed words a typo
        away from them) too common to read, with their weight."""
        lookups: list[Lookup] = []
        common: list[tuple[str, float]] = []
        token_df = {t: self.tokens.df(t) for t in set(query.tokens)}
        for rank, (df, token) in enumerate(sorted((df, t) for t, df in token_df.items())):
            if df and (df <= cap or rank == 0):
                lookups.append(Lookup(df, self.tokens, token, self._idf_of_df(df)))
            elif df:
                common.append((token, self._idf_of_df(df)))
        for token, df in token_df.items():
            # a listed word a typo away says no more than the party's own word would, and
            # less when many listed words are as close (a dense vocabulary of syllables)
            ceiling = self._idf_of_df(df) if df else math.inf
            found, at_distance = near.get(token, ([], {}))
            for word, distance in found:
                near_df = self.tokens.df(word)
                share = min(1.0, NEAR_WORD_SHARE / at_distance[distance])
                weight = NEAR_WORD_FACTOR[distance] * share * min(ceiling, self._idf_of_df(near_df))
                if 0 < near_df <= cap:
                    lookups.append(Lookup(near_df, self.tokens, word, weight))
                elif near_df:
                    common.append((word, weight))
        for sound in {phonetic_key(t) for t in query.tokens if len(t) >= 4}:
            if 0 < (df := self.sounds.df(sound)) <= cap:
                lookups.append(Lookup(df, self.sounds, sound, 0.5 * self._idf_of_df(df)))
        grams = sorted(
            (df, g)
            for g in char_ngrams(query.compact, self.ngram)
            if 0 < (df := self.grams.df(g)) <= cap
        )[:ngrams_per_query]
        lookups.extend(Lookup(df, self.grams, g, 0.3 * self._idf_of_df(df)) for df, g in grams)
        lookups.sort(key=lambda item: item.df)
        return lookups, common

    def _candidates(
        self,
        query: AnalyzedName,
        near: dict[str, NearMatches],
        cap: int,
        limit: int,
        ngrams_per_query: int,
        budget: int,
    ) -> np.ndarray:
        """Evidence is read rarest first until the budget; words left unread still rank
        the candidates found."""
        lookups, common = self._lookups(query, near, cap, ngrams_per_query)
        parts: list[np.ndarray] = []
        weights: list[float] = []
        read = 0
        for lookup in lookups:
            if parts and read + lookup.df > budget:
                if lookup.postings is self.tokens:
                    common.append((lookup.feature, lookup.weight))  # still ranks
                continue
            parts.append(lookup.postings.get(lookup.feature))
            weights.append(lookup.weight)
            read += lookup.df
        if not parts:
            return np.empty(0, dtype=np.int32)
        ids = np.concatenate(parts)
        w = np.repeat(np.asarray(weights), [len(p) for p in parts])
        uniq, inverse = np.unique(ids, return_inverse=True)
        score = np.bincount(inverse, weights=w)
        if len(uniq) > limit * SHORTLIST:
            keep = np.argpartition(-score, limit * SHORTLIST)[: limit * SHORTLIST]
            uniq, score = uniq[keep], score[keep]
        for token, weight in common:
            postings = self.tokens.get(token)
            at = np.searchsorted(postings, uniq).clip(max=len(postings) - 1)
            score = score + (postings[at] == uniq) * weight
        if len(uniq) > limit:
            return uniq[np.argpartition(-score, limit)[:limit]]
        return uniq

    def _idf_of_df(self, df: int) -> float:
        return math.log((self.size + 1) / (df + 1)) + 1.0

    @property
    def nbytes(self) -> int:
        return self.tokens.nbytes + self.grams.nbytes + self.sounds.nbytes + self.near.nbytes

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
