"""Giving memory back between the stages of a long run.

A stage's working set (an ingest chunk, a partition's frames) is freed when the stage
ends, but the allocators keep the pages for reuse: Python's own, the C library's and
Arrow's pool. Between stages the run asks all three to return what is unused, so that
the resident memory of the run follows the stage at hand rather than its largest stage.

A stage that makes and drops many short-lived arrays of a few megabytes (the network's
frames and index over a day's million links) asks for the base pages instead of
transparent huge pages while it runs (`small_pages`). NumPy asks the kernel for huge
pages for every large array (and the kernel gives them where THP is `always` or
`madvise`), and each fresh array is memory the kernel faults in and zeroes: a huge page
is zeroed whole, two megabytes at a time, for an array that may touch part of it and is
freed a moment later. On a 1M-row next day that zeroing was a quarter of the network
stage's CPU time (system time).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import sys
from collections.abc import Callable

import pyarrow as pa

from flows.runtime.bulk import CountedSwitch

# prctl(2) options: a process's transparent huge pages turned off (1) or on (0), and read
PR_SET_THP_DISABLE = 41
PR_GET_THP_DISABLE = 42


def release_memory() -> None:
    gc.collect()
    pa.default_memory_pool().release_unused()
    libc_name = ctypes.util.find_library("c")
    if libc_name and "libc" in libc_name:
        with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
            ctypes.CDLL(libc_name).malloc_trim(0)


def settle_long_lived() -> None:
    """Move the objects alive now (a matcher's entries and names, loaded once for the
    run) out of the garbage collector's sight. A full collection walks every tracked
    object; with a million-name snapshot each walk cost a fifth of a second and screening
    set one off every few chunks. Frozen objects are still freed when no longer referred
    to, and forked screening workers no longer copy the pages a collection would touch."""
    gc.collect()
    gc.freeze()


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def huge_pages_off() -> bool | None:
    """Whether this process has transparent huge pages turned off (None when not Linux)."""
    libc = _libc()
    if libc is None:
        return None
    state = int(libc.prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0))
    return None if state < 0 else state == 1


def _base_pages() -> Callable[[], object] | None:
    if huge_pages_off() is not False:
        return None  # not Linux, or off already
    libc = _libc()
    if libc is None or libc.prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) != 0:
        return None
    return lambda: libc.prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0)


# Memory first touched in the block is backed by base pages, not transparent huge pages
# (Linux; elsewhere, or where the kernel refuses, nothing changes). Pages had before keep
# their size, and the process's setting is restored when the last block ends. The block
# must not fork: a child forked inside would keep the setting.
small_pages = CountedSwitch(_base_pages)
