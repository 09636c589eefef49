"""Listed words within one or two typos of a word, found without scanning the vocabulary.

Symmetric deletion (as in SymSpell): every listed word is stored under each string that
one or two deleted letters make of it; a queried word's own deletions meet those of every
listed word within that many edits (insertions, deletions, substitutions, swaps). Two
typos are looked for in words of 6+ letters ("Maidanjen"/"Zaidanfen"), one in shorter
ones. The deletion strings are kept as 64-bit hashes in one sorted array, so a list of a
million names costs tens of megabytes, and every candidate is checked by edit distance.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

HASHED_BYTES = 32  # longer words are hashed on their first 32 letters (then checked)
_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)
_HASH_BATCH = 1 << 18


def typos_allowed(word: str) -> int:
    """Edits looked for: none under 4 letters or with digits, one under 6 letters, two
    from 6 letters on."""
    if len(word) < 4 or any(ch.isdigit() for ch in word):
        return 0
    return 1 if len(word) < 6 else 2


def deletion_variants(word: str, depth: int) -> set[str]:
    """The word and the strings one or two (`depth`) deleted letters make of it; each
    pair of positions is deleted once (`typos_allowed` never asks for more than two)."""
    if not 0 <= depth <= 2:
        raise ValueError(f"deletion depth must be 0, 1 or 2 (got {depth})")
    n = len(word)
    found = {word}
    if depth:
        found.update(word[:i] + word[i + 1 :] for i in range(n))
    if depth == 2:
        found.update(
            word[:i] + word[i + 1 : j] + word[j + 1 :] for i in range(n) for j in range(i + 1, n)
        )
    return found


def stable_hashes(words: Sequence[str]) -> np.ndarray:
    """64-bit FNV-1a of each (ASCII) word, the same in every process."""
    out = np.empty(len(words), dtype=np.uint64)
    for start in range(0, len(words), _HASH_BATCH):
        part = np.asarray(words[start : start + _HASH_BATCH], dtype=f"S{HASHED_BYTES}")
        codes = part.view(np.uint8).reshape(len(part), HASHED_BYTES)
        h = np.full(len(part), _FNV_OFFSET, dtype=np.uint64)
        for col in range(HASHED_BYTES):
            h = (h ^ codes[:, col]) * _FNV_PRIME
        out[start : start + len(part)] = h
    return out


class Closest(NamedTuple):
    """Listed words close to each of a list of queried words, queried word after word."""

    positions: np.ndarray  # the queried word's position
    word_ids: np.ndarray  # the listed word
    edits: np.ndarray  # edits between them (1 or 2)
    counts: np.ndarray  # (queried words x 3): listed words at 0, 1, 2 edits, before `limit`
    bounds: np.ndarray  # queried word i's part lies between bounds[i] and bounds[i + 1]
    met: bool = True  # whether any listed word shares a deletion string with any queried one


@dataclass
class NearWords:
    """Hashes of the deletion variants of every listed word, sorted, with the word id."""

    keys: np.ndarray  # uint64, sorted
    word_ids: np.ndarray  # int32, aligned with keys
    allowed: np.ndarray  # int8 per listed word: `typos_allowed`
    lengths: np.ndarray  # int16 per listed word

    @classmethod
    def build(cls, words: Sequence[str]) -> NearWords:
        variants: list[str] = []
        owners: list[int] = []
        allowed = np.zeros(len(words), dtype=np.int8)
        for word_id, word in enumerate(words):
            depth = allowed[word_id] = typos_allowed(word)
            if depth:
                found = deletion_variants(word, depth)
                variants.extend(found)
                owners.extend([word_id] * len(found))
        keys = stable_hashes(variants)
        order = np.argsort(keys, kind="stable")
        return cls(
            keys=keys[order],
            word_ids=np.asarray(owners, dtype=np.int32)[order],
            allowed=allowed,
            lengths=np.asarray([len(w) for w in words], dtype=np.int16),
        )

    def lookup(
        self, queried: Iterable[str], words: Sequence[str]
    ) -> dict[str, list[tuple[str, int]]]:
        """For each queried word, the listed words (other than itself) within its allowed
        number of edits, with that number."""
        return {word: found for word, (found, _) in self.closest(queried, words).items()}

    def closest(
        self, queried: Iterable[str], words: Sequence[str], limit: int | None = None
    ) -> dict[str, tuple[list[tuple[str, int]], dict[int, int]]]:
        """For each queried word, at most `limit` listed words (other than itself) within
        its allowed number of edits, fewest edits first, with that number; and how many
        listed words there are at each number of edits."""
        found = self.closest_ids(queried, words, limit)
        return {
            word: (
                [(words[i], d) for i, d in zip(ids.tolist(), edits.tolist(), strict=True)],
                counts,
            )
            for word, (ids, edits, counts) in found.items()
        }

    def closest_ids(
        self, queried: Iterable[str], words: Sequence[str], limit: int | None = None
    ) -> dict[str, tuple[np.ndarray, np.ndarray, dict[int, int]]]:
        """As `closest`, with listed words as ids: (word ids, edits, count by edits)."""
        queried = list(dict.fromkeys(queried))
        found = self.closest_arrays(queried, words, limit)
        place = {w: i for i, w in enumerate(queried)}
        nothing = np.empty(0, dtype=np.int64)
        result = {w: (nothing, nothing, {}) for w in queried if typos_allowed(w)}
        if found.met:
            for word in result:
                position = place[word]
                lo, hi = found.bounds[position], found.bounds[position + 1]
                result[word] = (
                    found.word_ids[lo:hi],
                    found.edits[lo:hi],
                    {d: int(found.counts[position, d]) for d in (1, 2)},
                )
        return result

    def closest_arrays(
        self, queried: Sequence[str], words: Sequence[str], limit: int | None = None
    ) -> Closest:
        """For each of the (distinct) queried words, at most `limit` listed words (other
        than itself) within its allowed number of edits, fewest edits first, as arrays
        ordered by the queried word's position."""
        depths = {w: d for w in queried if (d := typos_allowed(w))}
        places = [i for i, w in enumerate(queried) if w in depths]
        positions, word_ids = self._meetings(depths, len(words))
        if not len(positions):
            nothing = np.empty(0, dtype=np.int64)
            return Closest(
                nothing,
                nothing,
                nothing,
                np.zeros((len(queried), 3), dtype=np.int64),
                np.zeros(len(queried) + 1, dtype=np.int64),
                met=False,
            )
        positions = np.asarray(places, dtype=np.int64)[positions]
        lengths = np.asarray([len(w) for w in queried], dtype=np.int16)[positions]
        allowed = np.maximum(
            np.asarray([depths.get(w, 0) for w in queried], dtype=np.int8)[positions],
            self.allowed[word_ids],
        )
        close = np.abs(self.lengths[word_ids] - lengths) <= allowed
        positions, word_ids, allowed = positions[close], word_ids[close], allowed[close]
        if isinstance(words, np.ndarray):
            listed = words[word_ids]
        else:
            listed = [words[i] for i in word_ids.tolist()]
        distance = process.cpdist(
            np.asarray(queried, dtype=object)[positions], listed, scorer=OSA.distance, workers=1
        ).astype(np.int64)
        keep = (distance > 0) & (distance <= allowed)
        positions, word_ids, distance = positions[keep], word_ids[keep], distance[keep]
        order = np.lexsort((distance, positions))
        positions, word_ids, distance = positions[order], word_ids[order], distance[order]
        counts = np.bincount(positions * 3 + distance, minlength=3 * len(queried)).reshape(-1, 3)
        starts = np.searchsorted(positions, positions, side="left")
        rank = np.arange(len(positions)) - starts
        chosen = rank < (limit if limit is not None else len(positions) + 1)
        positions, word_ids, distance = positions[chosen], word_ids[chosen], distance[chosen]
        return Closest(
            positions=positions,
            word_ids=word_ids.astype(np.int64),
            edits=distance,
            counts=counts,
            bounds=np.searchsorted(positions, np.arange(len(queried) + 1)),
        )

    def _meetings(self, depths: dict[str, int], vocabulary: int) -> tuple[np.ndarray, np.ndarray]:
        """(position of the queried word, listed word id) of every pair sharing a
        deletion variant, once each; `depths`: the typos looked for in each queried word."""
        variants: list[str] = []
        owners: list[int] = []
        for position, (word, depth) in enumerate(depths.items()):
            found = deletion_variants(word, depth)
            variants.extend(found)
            owners.extend([position] * len(found))
        empty = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32)
        if not variants or not len(self.keys):
            return empty
        hashes = stable_hashes(variants)
        order = np.argsort(hashes)  # sorted needles walk the keys in order: fewer cache misses
        hashes, owners = hashes[order], np.asarray(owners, dtype=np.int64)[order]
        lo = np.searchsorted(self.keys, hashes, side="left")
        met = self.keys[lo.clip(max=len(self.keys) - 1)] == hashes  # the rest meet no listed word
        hashes, owners, lo = hashes[met], owners[met], lo[met]
        counts = np.searchsorted(self.keys, hashes, side="right") - lo
        if not counts.sum():
            return empty
        starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
        word_ids = self.word_ids[starts + np.arange(counts.sum())]
        positions = np.repeat(owners, counts)
        pairs = np.sort(positions * vocabulary + word_ids)  # sorting beats np.unique's hashing
        pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]]
        return pairs // vocabulary, (pairs % vocabulary).astype(np.int32)

    @property
    def nbytes(self) -> int:
        return self.keys.nbytes + self.word_ids.nbytes + self.allowed.nbytes + self.lengths.nbytes
