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
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (nested and threaded uses are
    counted: it resumes, if it was on, when the last block ends)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
