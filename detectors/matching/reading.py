"""How a candidate index reads the evidence of a batch of party names.

Each name's evidence is its own listed words and their sound keys, its rarest character
n-grams, and the listed words a typo away from each of its words; it is read rarest
first until a budget of postings, and what is left unread still ranks the candidates
found. A batch of names is worked out in whole arrays, not name by name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from detectors.matching.names import AnalyzedName
from detectors.matching.postings import Postings, char_ngrams

COVERED_WORDS = 31  # words of a party name whose evidence is told apart (`cover_bonus`)


class Readings(NamedTuple):
    """The evidence of a batch of party names, name after name: what is read, what only
    ranks, which word is whose. Name i's part of the first three arrays lies between
    `indptr[i]` and `indptr[i + 1]`, of the next three between `common_bounds[i]` and
    `common_bounds[i + 1]`."""

    rows: np.ndarray  # evidence matrix rows read
    weights: np.ndarray  # ...their weights
    words: np.ndarray  # ...the word of the name each stands for (-1: n-gram, sound key)
    indptr: np.ndarray
    common: np.ndarray  # listed words left unread (token ids), still ranking
    common_weights: np.ndarray
    common_words: np.ndarray
    common_bounds: list[int]
    required: list[int]  # per name: bit mask of the words with any evidence

    def owners(self) -> np.ndarray:
        """The name each read row belongs to."""
        return np.repeat(np.arange(len(self.indptr) - 1), np.diff(self.indptr))


@dataclass(frozen=True)
class WordEvidence:
    """What one word of a party name leads to, worked out once per screening run."""

    df: int  # names holding the word itself
    token: int  # its token id (-1 when not listed)
    idf: float
    near_df: np.ndarray  # listed words a typo away, rare enough to read: their names,
    near_token: np.ndarray  # ...token ids (their rows of the evidence matrix)
    near_weight: np.ndarray  # ...and what each is worth
    common_token: np.ndarray  # ...too common to read: token ids
    common_weight: np.ndarray  # ...and weights
    sound_row: int  # matrix row of its sound key (-1: none)
    sound_df: int


class Grams(NamedTuple):
    """The character n-grams read for a batch of party names, name after name."""

    df: np.ndarray  # names holding each
    rows: np.ndarray  # its evidence matrix row
    weights: np.ndarray
    owner: np.ndarray  # the party name it is of


NO_IDS = np.empty(0, dtype=np.int64)


class EvidenceReader:
    """The reading half of `CandidateIndex`: what follows reads the index's posting
    lists, the run's word evidence (`_words`), its document-frequency cap (`_cap`) and
    the n-gram tables `_prepare` sets up."""

    grams: Postings
    ngram: int
    _words: dict[str, WordEvidence]
    _cap: int
    _row_offset: np.ndarray
    _gram_dfs: np.ndarray
    _gram_order: np.ndarray
    _idf_of_df: Callable[[int], float]

    def _rarest_grams(self, queries: Sequence[AnalyzedName], per_query: int) -> Grams:
        """The `per_query` rarest listed character n-grams of each query's compact form
        (ties by the n-gram's text), looked up for all queries at once."""
        texts: list[str] = []
        counts = []
        for query in queries:
            found = char_ngrams(query.compact, self.ngram)
            texts.extend(found)
            counts.append(len(found))
        vocab = self.grams.vocab
        fid = np.fromiter((vocab.get(g, -1) for g in texts), dtype=np.int64, count=len(texts))
        owner = np.repeat(np.arange(len(queries)), counts)
        known = fid >= 0
        fid, owner = fid[known], owner[known]
        df = self._gram_dfs[fid]
        rare = df <= self._cap
        fid, owner, df = fid[rare], owner[rare], df[rare]
        order = np.lexsort((self._gram_order[fid], df, owner))
        fid, owner, df = fid[order], owner[order], df[order]
        starts = np.searchsorted(owner, np.arange(len(queries) + 1))
        taken = np.arange(len(owner)) - starts[owner] < per_query
        fid, owner, df = fid[taken], owner[taken], df[taken]
        idf = self._idf_of_df
        weights = np.asarray([0.3 * idf(d) for d in df.tolist()], dtype=np.float64)
        return Grams(df, fid + int(self._row_offset[1]), weights, owner)

    def _read(self, queries: Sequence[AnalyzedName], grams: Grams, budget: int) -> Readings:
        """The evidence of each query read rarest first until the budget, as matrix rows
        and weights; and its words (or listed words a typo away from them) left unread,
        as token ids and weights. A query's evidence is its own listed words and their
        sound keys, then its n-grams, then the listed words a typo away from each word;
        the rarest is read first, ties in that order."""
        cap, idf = self._cap, self._idf_of_df
        own: list[tuple[int, int, int, float, int, int]] = []  # df, row, token, weight, word, of
        unread: list[tuple[int, float, int, int]] = []  # token, weight, word, of
        near: list[WordEvidence] = []
        near_word: list[int] = []
        near_of: list[int] = []
        required = []
        for at, query in enumerate(queries):
            words = sorted((self._words[t].df, t) for t in set(query.tokens))
            sounds: set[int] = set()
            mask = 0
            for rank, (_, listed) in enumerate(words):
                e = self._words[listed]
                slot = rank if rank < COVERED_WORDS else -1
                if slot >= 0 and (e.df or len(e.near_df) or len(e.common_token)):
                    mask |= 1 << slot
                if e.df and (e.df <= cap or rank == 0):
                    own.append((e.df, e.token, e.token, e.idf, slot, at))
                elif e.df:
                    unread.append((e.token, e.idf, slot, at))
                if e.sound_row >= 0 and 0 < e.sound_df <= cap and e.sound_row not in sounds:
                    sounds.add(e.sound_row)
                    own.append((e.sound_df, e.sound_row, -1, 0.5 * idf(e.sound_df), -1, at))
                near.append(e)
                near_word.append(slot)
                near_of.append(at)
            required.append(mask)
        o_df, o_row, o_token, o_weight, o_word, o_of = (
            [np.asarray(c) for c in zip(*own, strict=True)] if own else [NO_IDS] * 6
        )
        sizes = [len(e.near_df) for e in near]
        no_word = np.full(len(grams.df), -1, dtype=np.int64)  # n-grams stand for no word
        df = np.concatenate([o_df, grams.df, *[e.near_df for e in near]]).astype(np.int64)
        row = np.concatenate([o_row, grams.rows, *[e.near_token for e in near]]).astype(np.int64)
        token = np.concatenate([o_token, no_word, *[e.near_token for e in near]]).astype(np.int64)
        weight = np.concatenate([o_weight, grams.weights, *[e.near_weight for e in near]])
        word = np.concatenate([o_word, no_word, np.repeat(near_word, sizes)]).astype(np.int64)
        owner = np.concatenate([o_of, grams.owner, np.repeat(near_of, sizes)]).astype(np.int64)
        order = np.lexsort((np.arange(len(df)), df, owner))
        df, row, token, weight = df[order], row[order], token[order], weight[order].astype(float)
        word, owner = word[order], owner[order]
        starts = np.searchsorted(owner, np.arange(len(queries) + 1))
        total = np.r_[0, np.cumsum(df)]
        within = total[1:] - total[starts[:-1]][owner]  # postings read up to each, per query
        affordable = np.bincount(owner[within <= budget], minlength=len(queries))
        read = np.minimum(np.maximum(1, affordable), np.diff(starts))
        is_read = np.arange(len(df)) - starts[:-1][owner] < read[owner]
        past = ~is_read & (token >= 0)  # past the budget, still ranks
        u_token, u_weight, u_word, u_of = (
            [np.asarray(c) for c in zip(*unread, strict=True)] if unread else [NO_IDS] * 4
        )
        commons = [len(e.common_token) for e in near]
        c_of = np.concatenate([u_of, owner[past], np.repeat(near_of, commons)]).astype(np.int64)
        c_order = np.lexsort((np.arange(len(c_of)), c_of))
        return Readings(
            rows=row[is_read],
            weights=weight[is_read],
            words=word[is_read],
            indptr=np.r_[0, np.cumsum(read)].astype(np.int64),
            common=np.concatenate([u_token, token[past], *[e.common_token for e in near]]).astype(
                np.int64
            )[c_order],
            common_weights=np.concatenate(
                [u_weight, weight[past], *[e.common_weight for e in near]]
            ).astype(float)[c_order],
            common_words=np.concatenate([u_word, word[past], np.repeat(near_word, commons)]).astype(
                np.int64
            )[c_order],
            common_bounds=np.searchsorted(c_of[c_order], np.arange(len(queries) + 1)).tolist(),
            required=required,
        )
