"""The network stage's memory is faulted in as base pages (`flows.runtime.memory.small_pages`):
the setting holds inside the block, nested blocks keep it until the outermost ends, the
process's own setting comes back after, and memory first touched inside gets no huge page."""

from __future__ import annotations

import re
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from flows.runtime import memory
from flows.runtime.memory import huge_pages_off, small_pages

linux = pytest.mark.skipif(
    not sys.platform.startswith("linux") or huge_pages_off() is None,
    reason="prctl(PR_GET_THP_DISABLE) is Linux only",
)


@linux
def test_the_setting_holds_inside_nested_blocks_and_is_restored_after() -> None:
    assert huge_pages_off() is False
    with small_pages():
        assert huge_pages_off() is True
        with small_pages():
            assert huge_pages_off() is True
        assert huge_pages_off() is True  # the inner block's end keeps the outer's setting
    assert huge_pages_off() is False


@linux
def test_a_process_that_had_huge_pages_off_keeps_them_off() -> None:
    libc = memory._libc()
    assert libc is not None
    libc.prctl(memory.PR_SET_THP_DISABLE, 1, 0, 0, 0)
    try:
        with small_pages():
            assert huge_pages_off() is True
        assert huge_pages_off() is True
    finally:
        libc.prctl(memory.PR_SET_THP_DISABLE, 0, 0, 0, 0)


@linux
def test_threads_blocks_are_counted() -> None:
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with small_pages():
            inside.set()
            leave.wait(10)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(10)
    with small_pages():
        pass
    assert huge_pages_off() is True  # the other thread's block still runs
    leave.set()
    thread.join()
    assert huge_pages_off() is False


def _anon_huge_kb() -> int:
    text = Path("/proc/self/smaps_rollup").read_text()
    found = re.search(r"^AnonHugePages:\s+(\d+) kB", text, re.MULTILINE)
    return int(found.group(1)) if found else 0


@linux
def test_memory_touched_inside_gets_no_huge_page() -> None:
    mode = Path("/sys/kernel/mm/transparent_hugepage/enabled")
    if not mode.exists() or "[never]" in mode.read_text():
        pytest.skip("transparent huge pages are off here: nothing to turn off")
    size = 64 << 20
    before = _anon_huge_kb()
    with small_pages():
        block = np.ones(size // 8)  # written whole: every page faulted in
        grown = _anon_huge_kb() - before
    del block
    assert grown < 4096  # well under the 64 MB touched (a huge page elsewhere may come)
    outside = np.ones(size // 8)
    # the control: outside, huge pages back it (NumPy asks for them on large arrays)
    assert _anon_huge_kb() - before > 8192
    del outside
