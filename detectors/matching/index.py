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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from detectors.matching.names import AnalyzedName, phonetic_key
from detectors.matching.near_words import Closest, NearWords
from detectors.matching.packed import PackedText
from detectors.matching.postings import Postings, best_names, char_ngrams
from detectors.matching.reading import (
    COVERED_WORDS,
    EvidenceReader,
    Readings,
    WordEvidence,
)

NEAR_WORD_FACTOR = {1: 0.8, 2: 0.6}  # evidence of a listed word one or two typos away
NEAR_WORDS = 60  # the closest listed words looked up per word of a party name
NEAR_WORD_SHARE = 5  # as many listed words as close as this share the evidence of one
WORD_CACHE = 200_000  # words whose evidence a screening run keeps
BITMAP_CACHE = 256  # common listed words whose names a screening run keeps as bitmaps


try:  # scipy's own sparse product kernel, called without its counting pass (`_product`)
    from scipy.sparse._sparsetools import csr_matmat as _csr_matmat
except ImportError:  # another scipy: its public product
    _csr_matmat = None

WORD_BITS = np.left_shift(np.uint32(1), np.arange(COVERED_WORDS, dtype=np.uint32))


def core_without_forms(name: AnalyzedName, forms: dict[tuple[str, ...], str]) -> str:
    """The name's core without the words that are a legal form of one word, where any
    other word is left ("LIMITED ELEMENTO": a form at the start stays a word of the name,
    while a list name's form, "ELEMENTO SOLUTIONS LIMITED", is set aside); else its core."""
    kept = [t for t in name.tokens if (t,) not in forms]
    return " ".join(kept) if kept else name.core


@dataclass
class CandidateIndex(EvidenceReader):
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

    def __getstate__(self) -> dict[str, object]:
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def __setstate__(self, state: dict[str, object]) -> None:
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
        self._bitmaps: dict[int, np.ndarray] = {}
        self._covered: np.ndarray | None = None  # scratch: words covered per name
        # the listed words read by typo search: gathered without touching their objects
        self._term_text = PackedText(self.terms)
        self._token_df = np.diff(self.tokens.indptr)
        self._gram_dfs = np.diff(self.grams.indptr)
        texts = list(self.grams.vocab)
        self._gram_order = np.empty(len(texts), dtype=np.int64)  # n-gram id -> rank of its text
        self._gram_order[sorted(range(len(texts)), key=texts.__getitem__)] = np.arange(len(texts))
        self._cap = 0

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
        cover_bonus: float = 0.0,
    ) -> np.ndarray:
        """Ids of the `limit` list names sharing the most rarity-weighted evidence."""
        return self.candidates_many(
            [query], limit, max_df, ngrams_per_query, budget, min_share, cover_bonus
        )[0]

    def candidates_many(
        self,
        queries: Sequence[AnalyzedName],
        limit: int = 100,
        max_df: float = 0.05,
        ngrams_per_query: int = 16,
        budget: int = 8000,
        min_share: float = 0.0,
        cover_bonus: float = 0.0,
    ) -> list[np.ndarray]:
        """For each query, the ids of the `limit` list names sharing the most
        rarity-weighted evidence, and at least `min_share` of the best one's; a name with
        evidence of every word of the query ranks `cover_bonus` higher and is kept whatever
        its share.

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
        readings = self._read(queries, self._rarest_grams(queries, ngrams_per_query), budget)
        weights = sparse.csr_matrix(
            (readings.weights.astype(np.float32), readings.rows, readings.indptr),
            shape=(len(queries), self._matrix.shape[0]),
        )
        scores = self._product(weights)
        cover = self._word_cover(readings) if cover_bonus else None
        return self._rank_by_common(scores, cover, readings, limit, min_share, cover_bonus)

    def _word_cover(self, readings: Readings) -> sparse.csr_matrix:
        """The names each word of each party name has evidence in: one row per (party
        name, word), `COVERED_WORDS` rows per name."""
        of_word = readings.words >= 0
        rows = readings.owners()[of_word] * COVERED_WORDS + readings.words[of_word]
        by_word = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, readings.rows[of_word])),
            shape=((len(readings.indptr) - 1) * COVERED_WORDS, self._matrix.shape[0]),
        )
        return self._product(by_word)

    def _product(self, rows: sparse.csr_matrix) -> sparse.csr_matrix:
        """`rows @` the evidence matrix. Its size is bounded by the postings the rows
        read, so it is worked out in one pass into arrays of that size, skipping the
        pass scipy's product makes first to count it (a fifth of the product's time)."""
        matrix = self._matrix
        read = rows.indices
        bound = int((matrix.indptr[read + 1] - matrix.indptr[read]).sum())
        index = matrix.indices.dtype
        if (
            _csr_matmat is None
            or rows.dtype != matrix.dtype  # the kernel adds in one type; scipy's product casts
            or rows.indptr.dtype != index
            or rows.indices.dtype != index
            or matrix.indptr.dtype != index
            or bound >= np.iinfo(index).max
        ):
            return (rows @ matrix).tocsr()
        indptr = np.empty(rows.shape[0] + 1, dtype=index)
        indices = np.empty(bound, dtype=index)
        data = np.empty(bound, dtype=matrix.dtype)
        _csr_matmat(
            rows.shape[0],
            matrix.shape[1],
            rows.indptr,
            rows.indices,
            rows.data,
            matrix.indptr,
            matrix.indices,
            matrix.data,
            indptr,
            indices,
            data,
        )
        nnz = int(indptr[-1])
        return sparse.csr_matrix(
            (data[:nnz], indices[:nnz], indptr), shape=(rows.shape[0], matrix.shape[1])
        )

    def _rank_by_common(
        self,
        scores: sparse.csr_matrix,
        cover: sparse.csr_matrix | None,
        readings: Readings,
        limit: int,
        min_share: float,
        cover_bonus: float,
    ) -> list[np.ndarray]:
        """Add the weight of every unread word a name found holds, raise the names with
        evidence of every word of the party name by `cover_bonus` (a misspelt distinctive
        word among many look-alikes still ranks its name), then keep the `limit` best names
        of each query (ties to the lowest id) that have `min_share` of its best name's
        evidence. An unread word and the bonus can only add, so a name that cannot reach
        the `limit`-th best with all of them is dropped before looking."""
        best = []
        bounds = readings.common_bounds
        for query, required in enumerate(readings.required):
            lo, hi = scores.indptr[query], scores.indptr[query + 1]
            ids, score = scores.indices[lo:hi], scores.data[lo:hi]
            clo, chi = bounds[query], bounds[query + 1]
            common_weights = readings.common_weights[clo:chi]
            bonus = 1.0 + cover_bonus if cover is not None and required else 1.0
            cut = None  # the `limit`-th best evidence found
            if len(ids) > limit:
                most = (score + common_weights.sum()) * bonus
                cut = np.sort(score)[-limit]
                reach = most >= cut
                ids, score = ids[reach], score[reach]
            score = score.astype(np.float64)
            covered = self._words_covered(cover, query, ids) if bonus > 1 else None
            for token, weight, word in zip(
                readings.common[clo:chi].tolist(),
                common_weights.tolist(),
                readings.common_words[clo:chi].tolist(),
                strict=True,
            ):
                held = (self._holders(token)[ids >> 3] >> (ids & 7).astype(np.uint8)) & 1
                score = score + held * weight
                if covered is not None and word >= 0:
                    covered |= held.astype(np.uint32) << word
            full = np.zeros(len(ids), dtype=bool)
            if covered is not None:
                full = (covered & required) == required
            final = np.where(full, score * bonus, score)
            if cut is None:
                keep = best_names(ids, final, limit)
            else:  # the names found at or above the cut already make `limit`: the best are there
                near = np.flatnonzero(final >= cut)
                keep = near[best_names(ids[near], final[near], limit)]
            if min_share and len(ids):
                share = score >= min_share * score.max()  # as found, before the bonus
                keep = keep[share[keep] | full[keep]]
            best.append(np.sort(ids[keep]))
        return best

    def _words_covered(self, cover: sparse.csr_matrix, query: int, ids: np.ndarray) -> np.ndarray:
        """Bit mask per name of `ids`: the words of the query with evidence in it. A name
        appears at most once in each word's row, so adding the words' bits sets them."""
        if self._covered is None:
            self._covered = np.zeros(self.size, dtype=np.uint32)
        mask = self._covered
        bounds = cover.indptr[query * COVERED_WORDS : (query + 1) * COVERED_WORDS + 1]
        names = cover.indices[bounds[0] : bounds[-1]]
        np.add.at(mask, names, np.repeat(WORD_BITS, np.diff(bounds)))
        found: np.ndarray = mask[ids]
        mask[names] = 0
        return found

    def _holders(self, token: int) -> np.ndarray:
        """The names holding a (common) listed word, one bit each, kept for the run."""
        found = self._bitmaps.get(token)
        if found is None:
            if len(self._bitmaps) >= BITMAP_CACHE:
                self._bitmaps.clear()
            holds = np.zeros(self.size, dtype=bool)
            holds[self.tokens.ids[self.tokens.indptr[token] : self.tokens.indptr[token + 1]]] = 1
            found = self._bitmaps[token] = np.packbits(holds, bitorder="little")
        return found

    def _learn_words(self, words: set[str], cap: int) -> None:
        """Evidence of each word not seen before in this run (the cache is kept while it
        is small), worked out for all of them at once: a word's own postings, and those of
        listed words a typo away from it. A listed word a typo away says no more than the
        party's own word would, and less when many listed words are as close (a dense
        vocabulary of syllables)."""
        if len(self._words) + len(words) > WORD_CACHE:
            self._words.clear()
        new = [w for w in words if w not in self._words]
        if not new:
            return
        near = self.near.closest_arrays(new, self._term_text, NEAR_WORDS)
        vocab = self.tokens.vocab
        token = [vocab.get(w, -1) for w in new]
        df = [int(self._token_df[t]) if t >= 0 else 0 for t in token]
        ceiling = np.asarray([self._idf_of_df(d) if d else math.inf for d in df])
        of, ids, edits = near.positions, near.word_ids, near.edits
        weight = (
            np.where(edits == 1, NEAR_WORD_FACTOR[1], NEAR_WORD_FACTOR[2])
            * np.minimum(1.0, NEAR_WORD_SHARE / np.maximum(near.counts[of, edits], 1))
            * np.minimum(ceiling[of], self._idf_of_dfs(self._token_df[ids]))
        )
        prefix_of, prefixes = self._new_prefixes(new, near)
        prefix_weight = NEAR_WORD_FACTOR[1] * np.minimum(
            ceiling[prefix_of], self._idf_of_dfs(self._token_df[prefixes])
        )
        # each word's typo neighbours, then the listed words it starts with
        order = np.argsort(np.concatenate([of, prefix_of]), kind="stable")
        of = np.concatenate([of, prefix_of])[order]
        ids = np.concatenate([ids, prefixes])[order]
        weight = np.concatenate([weight, prefix_weight])[order]
        near_df = self._token_df[ids]
        rare = (near_df > 0) & (near_df <= cap)
        common = near_df > cap
        r_bounds = np.searchsorted(of[rare], np.arange(len(new) + 1)).tolist()
        c_bounds = np.searchsorted(of[common], np.arange(len(new) + 1)).tolist()
        r_df, r_ids, r_weight = near_df[rare], ids[rare], weight[rare]
        c_ids, c_weight = ids[common], weight[common]
        sounds, sound_offset = self.sounds, int(self._row_offset[2])
        for i, word in enumerate(new):
            sound = sounds.vocab.get(phonetic_key(word), -1) if len(word) >= 4 else -1
            rlo, rhi, clo, chi = r_bounds[i], r_bounds[i + 1], c_bounds[i], c_bounds[i + 1]
            self._words[word] = WordEvidence(
                df=df[i],
                token=token[i],
                idf=self._idf_of_df(df[i]),
                near_df=r_df[rlo:rhi],
                near_token=r_ids[rlo:rhi],
                near_weight=r_weight[rlo:rhi],
                common_token=c_ids[clo:chi],
                common_weight=c_weight[clo:chi],
                sound_row=-1 if sound < 0 else sound_offset + sound,
                sound_df=0 if sound < 0 else int(sounds.indptr[sound + 1] - sounds.indptr[sound]),
            )

    def _new_prefixes(self, words: list[str], near: Closest) -> tuple[np.ndarray, np.ndarray]:
        """(word position, token id) of the listed words each word starts with that are
        not already among its typo neighbours."""
        of: list[int] = []
        found: list[int] = []
        for i, word in enumerate(words):
            prefixes = self._listed_prefixes(word)
            if prefixes:
                lo, hi = near.bounds[i], near.bounds[i + 1]
                listed = set(near.word_ids[lo:hi].tolist())  # a typo neighbour counts once
                fresh = [t for t in prefixes if t not in listed]
                of.extend([i] * len(fresh))
                found.extend(fresh)
        return np.asarray(of, dtype=np.int64), np.asarray(found, dtype=np.int64)

    def _listed_prefixes(self, token: str) -> list[int]:
        """Listed words the word starts with, at least half its length ("raijo" in
        "raijohen"): the scorer takes them for an abbreviation."""
        if token.isdigit():
            return []
        vocab = self.tokens.vocab
        shortest = max(3, (len(token) + 1) // 2)
        found = (vocab.get(token[:length]) for length in range(shortest, len(token)))
        return [token_id for token_id in found if token_id is not None]

    def _idf_of_df(self, df: int) -> float:
        return math.log((self.size + 1) / (df + 1)) + 1.0

    def _idf_of_dfs(self, df: np.ndarray) -> np.ndarray:
        return np.log((self.size + 1) / (df + 1)) + 1.0

    @property
    def nbytes(self) -> int:
        """Memory of the index: posting lists (their ids shared with the evidence
        matrix), the matrix's own arrays, the listed words, typo neighbours."""
        postings = self.tokens.nbytes + self.grams.nbytes + self.sounds.nbytes
        matrix: int = self._matrix.data.nbytes + self._matrix.indptr.nbytes
        packed = self._term_text.data.nbytes + self._term_text.bounds.nbytes
        terms = packed + sum(map(len, self.terms))
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
