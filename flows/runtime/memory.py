"""Giving memory back between the stages of a long run.

A stage's working set (an ingest chunk, a partition's frames) is freed when the stage
ends, but the allocators keep the pages for reuse: Python's own, the C library's and
Arrow's pool. Between stages the run asks all three to return what is unused, so that
the resident memory of the run follows the stage at hand rather than its largest stage.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc

import pyarrow as pa


def release_memory() -> None:
    gc.collect()
    pa.default_memory_pool().release_unused()
    libc_name = ctypes.util.find_library("c")
    if libc_name and "libc" in libc_name:
        with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
            ctypes.CDLL(libc_name).malloc_trim(0)
