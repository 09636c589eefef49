"""Building tens of thousands of case objects at once, without the collector's pauses.

A large run builds millions of small dicts and lists (drafts, case contents, rows to
write, case files) in a process that already holds a million-row frame. Python's cyclic
garbage collector walks every live container each time enough new ones pile up, and
here that walk took half the time of grouping and writing cases. These objects form no
reference cycles (they are freed by reference counting as usual), so the collector is
paused while they are built and resumed afterwards.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager


class CountedSwitch:
    """A setting of the whole process turned for the length of blocks: the first block
    to begin turns it, the last to end restores it (nested and threaded blocks counted).
    `turn` turns the setting and returns how to restore it, or None when there is
    nothing to restore (the setting was already so, or cannot be changed here)."""

    def __init__(self, turn: Callable[[], Callable[[], object] | None]) -> None:
        self._turn = turn
        self._lock = threading.Lock()
        self._depth = 0
        self._restore: Callable[[], object] | None = None

    @contextmanager
    def _block(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._restore = self._turn()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0 and self._restore is not None:
                    self._restore()
                    self._restore = None

    def __call__(self) -> AbstractContextManager[None]:
        return self._block()


def _pause_collector() -> Callable[[], object] | None:
    if not gc.isenabled():
        return None
    gc.disable()
    return gc.enable


# Pause the cyclic garbage collector for the block; it resumes, if it was on, when the
# last block ends.
collector_paused = CountedSwitch(_pause_collector)
