"""Candidate index over every name and alias of a watchlist snapshot.

Three posting lists (compressed sparse rows of name ids) find the few hundred list names
worth scoring for a party name without looking at the rest: whole tokens weighted by
rarity (IDF), the rarest character n-grams of the name's compact form (typos, word
splits, transliteration), and a phonetic key per token (sound-alike spellings). The
listed words within one or two typos of a party's word (`NearWords`) lead to their
postings too, so a misspelt distinctive word still reaches its listed names. Words too
common to give candidates alone (generic words, places) still rank the candidates found:
a candidate holding them ranks above one that does not. A listed word a party's word
starts with ("Raijo" in "Raijohen") leads to its names as a typo would.

A batch of party names is looked up at once: the evidence each name reads becomes a row
of a sparse (names x evidence) weight matrix, and its product with the evidence matrix
(evidence x list names) scores every candidate of the batch in one pass. The evidence of
each word (typo neighbours, rarity) is worked out once per screening run.
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
from scipy import sparse

from detectors.matching.names import AnalyzedName, phonetic_key
from detectors.matching.near_words import NearWords

NEAR_WORD_FACTOR = {1: 0.8, 2: 0.6}  # evidence of a listed word one or two typos away
NEAR_WORDS = 60  # the closest listed words looked up per word of a party name
NEAR_WORD_SHARE = 5  # as many listed words as close as this share the evidence of one
WORD_CACHE = 200_000  # words whose evidence a screening run keeps


NearIds = tuple[np.ndarray, np.ndarray, dict[int, int]]  # word ids, edits, count by edits


class Lookup(NamedTuple):
    """One piece of a query's evidence: a row of the evidence matrix and what it is worth."""

    df: int
    row: int
    token: int  # token id when the evidence is a whole listed word (else -1)
    weight: float


@dataclass(frozen=True)
class WordEvidence:
    """What one word of a party name leads to, worked out once per screening run."""

    df: int  # names holding the word itself
    token: int  # its token id (-1 when not listed)
    idf: float
    near: tuple[Lookup, ...]  # listed words a typo or two away, rare enough to read
    near_common: tuple[tuple[int, float], ...]  # ...too common to read: (token id, weight)
    sound_row: int  # matrix row of its sound key (-1: none)
    sound_df: int


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

    def __post_init__(self) -> None:
        self._prepare()

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._prepare()

    def _prepare(self) -> None:
        """The evidence matrix (every token, n-gram and sound key x name, in that order of
        rows) whose ids the three posting lists share, and the caches of a screening run."""
        parts = (self.tokens, self.grams, self.sounds)
        self._row_offset = np.cumsum([0] + [len(p.vocab) for p in parts])
        ids = np.concatenate([p.ids for p in parts])
        indptr = np.concatenate(
            [parts[0].indptr[:1]]
            + [p.indptr[1:] + sum(len(q.ids) for q in parts[:i]) for i, p in enumerate(parts)]
        )
        for i, p in enumerate(parts):  # the posting lists become views of the matrix
            p.ids = ids[indptr[self._row_offset[i]] : indptr[self._row_offset[i + 1]]]
        small = np.int32 if len(ids) < np.iinfo(np.int32).max else np.int64
        self._matrix = sparse.csr_matrix(
            (np.ones(len(ids), dtype=np.float32), ids, indptr.astype(small)),
            shape=(int(self._row_offset[-1]), self.size),
        )
        self._words: dict[str, WordEvidence] = {}
        self._term_array = np.asarray(self.terms, dtype=object)  # few, read often
        self._token_df = np.diff(self.tokens.indptr)
        self._cap = 0

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
        min_share: float = 0.0,
    ) -> np.ndarray:
        """Ids of the `limit` list names sharing the most rarity-weighted evidence."""
        return self.candidates_many([query], limit, max_df, ngrams_per_query, budget, min_share)[0]

    def candidates_many(
        self,
        queries: Sequence[AnalyzedName],
        limit: int = 100,
        max_df: float = 0.05,
        ngrams_per_query: int = 16,
        budget: int = 8000,
        min_share: float = 0.0,
    ) -> list[np.ndarray]:
        """For each query, the ids of the `limit` list names sharing the most
        rarity-weighted evidence, and at least `min_share` of the best one's.

        Evidence is read rarest first (whole tokens, listed words a typo or two away,
        sound keys, character n-grams) until `budget` postings are read, so the cost of a
        query does not grow with the list. Words left unread (too common, or past the
        budget) still rank the candidates found. All queries are scored at once: their
        evidence, a sparse (queries x evidence) weight matrix, times the evidence matrix."""
        cap = max(50, int(max_df * self.size))
        if cap != self._cap:
            self._words.clear()
            self._cap = cap
        self._learn_words({t for q in queries for t in q.tokens}, cap)
        rows, cols, vals, common = [], [], [], []
        for position, query in enumerate(queries):
            read, unread = self._reading(query, ngrams_per_query, budget)
            rows.extend([position] * len(read))
            cols.extend(row for row, _ in read)
            vals.extend(weight for _, weight in read)
            common.extend((position, token, weight) for token, weight in unread)
        weights = sparse.csr_matrix(
            (
                np.asarray(vals, dtype=np.float32),
                (np.asarray(rows, dtype=np.int32), np.asarray(cols, dtype=np.int32)),
            ),
            shape=(len(queries), self._matrix.shape[0]),
        )
        scores = (weights @ self._matrix).tocsr()
        scores.sort_indices()  # name ids in order: unread words are looked up by bisection
        return self._rank_by_common(scores, common, limit, min_share)

    def _rank_by_common(
        self,
        scores: sparse.csr_matrix,
        common: list[tuple[int, int, float]],
        limit: int,
        min_share: float,
    ) -> list[np.ndarray]:
        """Add the weight of every unread word a name found holds, then keep the `limit`
        best names of each query that have `min_share` of its best name's evidence."""
        unread: dict[int, list[tuple[int, float]]] = {}
        for query, token, weight in common:
            unread.setdefault(query, []).append((token, weight))
        tokens = self.tokens
        best = []
        for query in range(scores.shape[0]):
            lo, hi = scores.indptr[query], scores.indptr[query + 1]
            ids, score = scores.indices[lo:hi], scores.data[lo:hi].astype(np.float64)
            for token, weight in unread.get(query, ()) if len(ids) else ():
                postings = tokens.ids[tokens.indptr[token] : tokens.indptr[token + 1]]
                at = np.searchsorted(postings, ids).clip(max=len(postings) - 1)
                score = score + (postings[at] == ids) * weight
            if len(ids) > limit:
                keep = np.argpartition(-score, limit)[:limit]
                ids, score = ids[keep], score[keep]
            if min_share and len(ids):
                ids = ids[score >= min_share * score.max()]
            best.append(ids)
        return best

    def _learn_words(self, words: set[str], cap: int) -> None:
        """Evidence of each word not seen before in this run (the cache is kept while it
        is small)."""
        if len(self._words) + len(words) > WORD_CACHE:
            self._words.clear()
        new = [w for w in words if w not in self._words]
        if not new:
            return
        near = self.near.closest_ids(new, self._term_array, NEAR_WORDS)
        for word in new:
            self._words[word] = self._word_evidence(word, near.get(word), cap)

    def _word_evidence(self, token: str, near: NearIds | None, cap: int) -> WordEvidence:
        """A query word's own postings, and those of listed words a typo away from it: a
        listed word a typo away says no more than the party's own word would, and less
        when many listed words are as close (a dense vocabulary of syllables)."""
        df = self.tokens.df(token)
        ceiling = self._idf_of_df(df) if df else math.inf
        lookups: list[Lookup] = []
        common: list[tuple[int, float]] = []
        if near is not None and len(near[0]):
            ids, edits, at_distance = near
            near_df = self._token_df[ids]
            crowd = np.asarray([at_distance.get(int(d), 1) for d in range(3)])[edits]
            weight = (
                np.where(edits == 1, NEAR_WORD_FACTOR[1], NEAR_WORD_FACTOR[2])
                * np.minimum(1.0, NEAR_WORD_SHARE / np.maximum(crowd, 1))
                * np.minimum(ceiling, np.log((self.size + 1) / (near_df + 1)) + 1.0)
            )
            for token_id, d, w in zip(ids.tolist(), near_df.tolist(), weight.tolist(), strict=True):
                if 0 < d <= cap:
                    lookups.append(Lookup(d, token_id, token_id, w))
                elif d:
                    common.append((token_id, w))
        near_ids = set() if near is None else set(near[0].tolist())
        for token_id in self._listed_prefixes(token):
            if token_id in near_ids:
                continue
            d = int(self._token_df[token_id])
            w = NEAR_WORD_FACTOR[1] * min(ceiling, self._idf_of_df(d))
            if d <= cap:
                lookups.append(Lookup(d, token_id, token_id, w))
            else:
                common.append((token_id, w))
        sound = self.sounds.vocab.get(phonetic_key(token), -1) if len(token) >= 4 else -1
        return WordEvidence(
            df=df,
            token=self.tokens.vocab.get(token, -1),
            idf=self._idf_of_df(df),
            near=tuple(lookups),
            near_common=tuple(common),
            sound_row=-1 if sound < 0 else int(self._row_offset[2]) + sound,
            sound_df=0
            if sound < 0
            else int(self.sounds.indptr[sound + 1] - self.sounds.indptr[sound]),
        )

    def _listed_prefixes(self, token: str) -> list[int]:
        """Listed words the word starts with, at least half its length ("raijo" in
        "raijohen"): the scorer takes them for an abbreviation."""
        if token.isdigit():
            return []
        vocab = self.tokens.vocab
        shortest = max(3, (len(token) + 1) // 2)
        found = (vocab.get(token[:length]) for length in range(shortest, len(token)))
        return [token_id for token_id in found if token_id is not None]

    def _reading(
        self, query: AnalyzedName, ngrams_per_query: int, budget: int
    ) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
        """The evidence of one query read rarest first until the budget, as (matrix row,
        weight); and its words (or listed words a typo away from them) left unread, as
        (token id, weight)."""
        words = {t: self._words[t] for t in set(query.tokens)}
        lookups: list[Lookup] = []
        common: list[tuple[int, float]] = []
        order = sorted((e.df, t) for t, e in words.items())
        for rank, (df, token) in enumerate(order):
            e = words[token]
            if df and (df <= self._cap or rank == 0):
                lookups.append(Lookup(df, e.token, e.token, e.idf))
            elif df:
                common.append((e.token, e.idf))
        sounds: set[int] = set()
        for e in words.values():
            lookups.extend(e.near)
            common.extend(e.near_common)
            if e.sound_row >= 0 and 0 < e.sound_df <= self._cap and e.sound_row not in sounds:
                sounds.add(e.sound_row)
                lookups.append(
                    Lookup(e.sound_df, e.sound_row, -1, 0.5 * self._idf_of_df(e.sound_df))
                )
        grams = self.grams
        offset = int(self._row_offset[1])
        found = []
        for g in char_ngrams(query.compact, self.ngram):
            fid = grams.vocab.get(g)
            if fid is not None:
                df = int(grams.indptr[fid + 1] - grams.indptr[fid])
                if df <= self._cap:
                    found.append((df, g, fid))
        found.sort()
        lookups.extend(
            Lookup(df, offset + fid, -1, 0.3 * self._idf_of_df(df))
            for df, _, fid in found[:ngrams_per_query]
        )
        lookups.sort(key=lambda item: item.df)
        read: list[tuple[int, float]] = []
        total = 0
        for lookup in lookups:
            if read and total + lookup.df > budget:
                if lookup.token >= 0:
                    common.append((lookup.token, lookup.weight))  # still ranks
                continue
            read.append((lookup.row, lookup.weight))
            total += lookup.df
        return read, common

    def _idf_of_df(self, df: int) -> float:
        return math.log((self.size + 1) / (df + 1)) + 1.0

    @property
    def nbytes(self) -> int:
        """Memory of the index: posting lists (their ids shared with the evidence
        matrix), the matrix's own arrays, the listed words, typo neighbours."""
        postings = self.tokens.nbytes + self.grams.nbytes + self.sounds.nbytes
        matrix = self._matrix.data.nbytes + self._matrix.indptr.nbytes
        terms = self._term_array.nbytes + sum(map(len, self.terms))
        return postings + matrix + terms + self.near.nbytes

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
