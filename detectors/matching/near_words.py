"""Listed words within one or two typos of a word, found without scanning the vocabulary.

Symmetric deletion (as in SymSpell): every listed word is stored under each string that
one or two deleted letters make of it; a queried word's own deletions meet those of every
listed word within that many edits (insertions, deletions, substitutions, swaps). Two
typos are looked for in words of 6+ letters ("Maidanjen"/"Zaidanfen"), one in shorter
ones. The deletion strings are kept as 64-bit hashes in one sorted array, so a list of a
million names costs tens of megabytes, and every candidate is checked by edit distance.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from detectors.matching.packed import PackedText

HASHED_BYTES = 32  # longer words are hashed on their first 32 letters (then checked)
_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)
_HASH_BATCH = 1 << 18
TEMPLATE_LETTERS = 48  # longer words (a template grows with the cube) are hashed as strings


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
        out[start : start + len(part)] = _fnv(part.view(np.uint8).reshape(len(part), -1))
    return out


def _fnv(codes: np.ndarray) -> np.ndarray:
    """64-bit FNV-1a along the last axis of `HASHED_BYTES` bytes (zero-padded words)."""
    h = np.full(codes.shape[:-1], _FNV_OFFSET, dtype=np.uint64)
    for col in range(HASHED_BYTES):
        h = (h ^ codes[..., col]) * _FNV_PRIME
    return h


class Closest(NamedTuple):
    """Listed words close to each of a list of queried words, queried word after word."""

    positions: np.ndarray  # the queried word's position
    word_ids: np.ndarray  # the listed word
    edits: np.ndarray  # edits between them (1 or 2)
    counts: np.ndarray  # (queried words x 3): listed words at 0, 1, 2 edits, before `limit`
    bounds: np.ndarray  # queried word i's part lies between bounds[i] and bounds[i + 1]


@functools.cache
def _deletion_template(length: int, depth: int) -> np.ndarray:
    """For a word of `length` letters: per deletion variant (the word itself, then each
    position deleted, then each pair), the positions of its first `HASHED_BYTES` letters;
    `length` stands for a padding byte."""
    kept = [list(range(length))]
    if depth:
        kept += [[k for k in range(length) if k != i] for i in range(length)]
    if depth == 2:
        kept += [
            [k for k in range(length) if k not in (i, j)]
            for i in range(length)
            for j in range(i + 1, length)
        ]
    template = np.full((len(kept), HASHED_BYTES), length, dtype=np.intp)
    for row, positions in enumerate(kept):
        positions = positions[:HASHED_BYTES]
        template[row, : len(positions)] = positions
    return template


def variant_hashes(words: Sequence[str], depths: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """(hash, position of the word) of each deletion variant of each word, as
    `stable_hashes(deletion_variants(word, depth))` gives them but worked out in arrays
    for all words of a length at once (a variant made twice, as by deleting either of two
    equal letters, comes twice)."""
    hashes: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    groups: dict[tuple[int, int], list[int]] = {}
    for position, (word, depth) in enumerate(zip(words, depths, strict=True)):
        if word.isascii() and len(word) <= TEMPLATE_LETTERS:
            groups.setdefault((len(word), depth), []).append(position)
        else:  # hashed as the strings are (which refuses what is not ASCII)
            found = list(deletion_variants(word, depth))
            hashes.append(stable_hashes(found))
            owners.append(np.full(len(found), position, dtype=np.int64))
    for (length, depth), group in groups.items():
        template = _deletion_template(length, depth)
        step = max(1, _HASH_BATCH // len(template))  # words per pass: bounded memory
        for start in range(0, len(group), step):
            positions = group[start : start + step]
            letters = np.zeros((len(positions), length + 1), dtype=np.uint8)  # last: padding
            text = "".join(words[p] for p in positions).encode("ascii")
            letters[:, :length] = np.frombuffer(text, dtype=np.uint8).reshape(-1, length)
            hashes.append(_fnv(letters[:, template]).ravel())  # words x variants x bytes
            owners.append(np.repeat(np.asarray(positions, dtype=np.int64), len(template)))
    if not hashes:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    return np.concatenate(hashes), np.concatenate(owners)


@dataclass
class NearWords:
    """Hashes of the deletion variants of every listed word, sorted, with the word id."""

    keys: np.ndarray  # uint64, sorted
    word_ids: np.ndarray  # int32, aligned with keys
    allowed: np.ndarray  # int8 per listed word: `typos_allowed`
    lengths: np.ndarray  # int16 per listed word

    @classmethod
    def build(cls, words: Sequence[str]) -> NearWords:
        allowed = np.asarray([typos_allowed(w) for w in words], dtype=np.int8)
        looked = np.flatnonzero(allowed)
        keys, owners = variant_hashes([words[i] for i in looked.tolist()], allowed[looked].tolist())
        # by key, then word; a variant a word makes twice is kept once
        order = np.lexsort((owners, keys))
        keys, owners = keys[order], looked[owners[order]]
        once = np.ones(len(keys), dtype=bool)
        once[1:] = (keys[1:] != keys[:-1]) | (owners[1:] != owners[:-1])
        return cls(
            keys=keys[once],
            word_ids=owners[once].astype(np.int32),
            allowed=allowed,
            lengths=np.asarray([len(w) for w in words], dtype=np.int16),
        )

    def lookup(
        self, queried: Iterable[str], words: Sequence[str]
    ) -> dict[str, list[tuple[str, int]]]:
        """For each queried word, the listed words (other than itself) within its allowed
        number of edits, fewest edits first, with that number."""
        queried = list(dict.fromkeys(queried))
        found = self.closest_arrays(queried, words)
        pairs = list(zip(found.word_ids.tolist(), found.edits.tolist(), strict=True))
        spans = found.bounds.tolist()
        return {
            word: [(words[i], d) for i, d in pairs[spans[at] : spans[at + 1]]]
            for at, word in enumerate(queried)
        }

    def closest_arrays(
        self, queried: Sequence[str], words: Sequence[str] | PackedText, limit: int | None = None
    ) -> Closest:
        """For each of the (distinct) queried words, at most `limit` listed words (other
        than itself) within its allowed number of edits, fewest edits first, as arrays
        ordered by the queried word's position."""
        depths = {w: d for w in queried if (d := typos_allowed(w))}
        places = [i for i, w in enumerate(queried) if w in depths]
        positions, word_ids = self._meetings(depths, len(words))
        positions = np.asarray(places, dtype=np.int64)[positions]
        lengths = np.asarray([len(w) for w in queried], dtype=np.int16)[positions]
        allowed = np.maximum(
            np.asarray([depths.get(w, 0) for w in queried], dtype=np.int8)[positions],
            self.allowed[word_ids],
        )
        close = np.abs(self.lengths[word_ids] - lengths) <= allowed
        positions, word_ids, allowed = positions[close], word_ids[close], allowed[close]
        if isinstance(words, PackedText):  # the index's: read without touching string objects
            listed = words.take(word_ids)
        else:
            listed = [words[i] for i in word_ids.tolist()]
        distance = process.cpdist(
            np.asarray(queried, dtype=object)[positions], listed, scorer=OSA.distance, workers=1
        ).astype(np.int64)
        keep = (distance > 0) & (distance <= allowed)
        positions, word_ids, distance = positions[keep], word_ids[keep], distance[keep]
        # the pairs come by queried word (then listed word): fewest edits first within each
        slot = positions * 3 + distance
        order = np.argsort(slot, kind="stable")
        positions, word_ids, distance = positions[order], word_ids[order], distance[order]
        counts = np.bincount(slot, minlength=3 * len(queried)).reshape(-1, 3)
        index = np.arange(len(positions))
        first = np.r_[True, positions[1:] != positions[:-1]] if len(positions) else index > 0
        rank = index - np.maximum.accumulate(np.where(first, index, 0))
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
        empty = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32)
        if not depths or not len(self.keys):
            return empty
        hashes, owners = variant_hashes(list(depths), list(depths.values()))
        order = np.argsort(hashes)  # sorted needles walk the keys in order: fewer cache misses
        hashes, owners = hashes[order], owners[order]
        lo = np.searchsorted(self.keys, hashes, side="left")
        met = self.keys[lo.clip(max=len(self.keys) - 1)] == hashes  # the rest meet no listed word
        hashes, owners, lo = hashes[met], owners[met], lo[met]
        counts = np.searchsorted(self.keys, hashes, side="right") - lo
        if not counts.sum():
            return empty
        starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
        word_ids = self.word_ids[starts + np.arange(counts.sum())]
        positions = np.repeat(owners, counts)
        # as one number per pair, sorted: duplicates side by side (sorting beats np.unique's
        # hashing, and 32-bit numbers, when they do, sort faster)
        small = np.int32 if len(depths) * vocabulary < np.iinfo(np.int32).max else np.int64
        pairs = np.sort(
            np.add(np.multiply(positions, vocabulary, dtype=small), word_ids, dtype=small)
        )
        pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]]
        return pairs // vocabulary, (pairs % vocabulary).astype(np.int32)

    @property
    def nbytes(self) -> int:
        return self.keys.nbytes + self.word_ids.nbytes + self.allowed.nbytes + self.lengths.nbytes
