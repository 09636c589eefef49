"""Many short texts in one buffer, read back without touching a string object (the
list names, the listed words)."""

from __future__ import annotations

import numpy as np

TAKE_BLOCK = 1 << 14  # texts gathered at a time by `PackedText.take`


class PackedText:
    """Many short strings in one buffer. Taking some of them touches no object of the
    others, so a forked screening worker keeps sharing the list's pages with its parent
    (a Python string touched is a page copied), and is one vectorised gather."""

    def __init__(self, texts: list[str]) -> None:
        encoded = [t.encode("utf-8") for t in texts]
        self.data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        self.bounds = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=self.bounds[1:])
        # `take` joins the texts it gathers with line breaks, then splits them apart
        self.one_line = not (self.data == ord("\n")).any()

    def __len__(self) -> int:
        return len(self.bounds) - 1

    def __getitem__(self, i: int) -> str:
        return self.data[self.bounds[i] : self.bounds[i + 1]].tobytes().decode("utf-8")

    def take(self, ids: np.ndarray) -> list[str]:
        ids = np.asarray(ids, dtype=np.int64)
        if not len(ids):
            return []
        if not self.one_line:
            return [self[i] for i in ids.tolist()]
        if len(ids) <= TAKE_BLOCK:
            return self._gather(ids)
        texts: list[str] = []
        for lo in range(0, len(ids), TAKE_BLOCK):
            texts.extend(self._gather(ids[lo : lo + TAKE_BLOCK]))
        return texts

    def _gather(self, ids: np.ndarray) -> list[str]:
        """The texts of `ids`, each followed by a line break, gathered at once, then split
        (one index per byte gathered: a block of texts at a time keeps those arrays small,
        and a forked screening worker writes fewer fresh pages)."""
        starts = self.bounds[ids]
        lengths = self.bounds[ids + 1] - starts
        placed = np.cumsum(lengths + 1) - (lengths + 1)
        out = np.full(int(placed[-1] + lengths[-1] + 1), ord("\n"), dtype=np.uint8)
        first = np.repeat(placed - starts, lengths)
        source = np.arange(int(lengths.sum())) + np.repeat(
            starts - np.cumsum(lengths) + lengths, lengths
        )
        out[source + first] = self.data[source]
        return out[:-1].tobytes().decode("utf-8").split("\n")
