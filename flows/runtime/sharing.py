"""Numbered jobs shared by this process and forked helpers.

A large screening is cut into chunks of names. This process forks helpers (they inherit
the built index without copying it) and then works on chunks itself rather than wait:
each process takes the next chunk nobody has taken. Forking a process of a
million-name snapshot takes a noticeable fraction of a second, so one process fewer is
forked than a pool of workers would need, and no one waits for a helper to be taken
down at the end.
A helper's results come back through a queue whose writing thread never holds the
helper up while this process is busy with a chunk of its own.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import queue
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from flows.runtime.forking import failure

T = TypeVar("T")
PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h): a signal for when the parent dies
POLL_SECONDS = 0.2  # how often a wait for a helper's result checks the helper is alive
_REAPERS: list[threading.Thread] = []  # threads waiting for helpers to end


def share_out(work: Callable[[int], T], count: int, helpers: int) -> Iterator[T]:
    """`work(0)`, ..., `work(count - 1)`, yielded in that order, worked out by this
    process and by `helpers` forked processes. A job that fails in a helper raises
    here, with the helper's traceback."""
    context = multiprocessing.get_context("fork")
    taken = context.Value("q", 0)  # the next job not taken yet (shared memory, locked)

    def take() -> int | None:
        with taken.get_lock():
            job = taken.value
            if job >= count:
                return None
            taken.value = job + 1
        return int(job)

    results: multiprocessing.Queue[tuple[int, str, Any]] = context.Queue()
    processes = [
        context.Process(target=_help, args=(work, take, results, os.getpid()), daemon=True)
        for _ in range(min(helpers, count - 1))
    ]
    for process in processes:
        process.start()
    done: dict[int, T] = {}
    finished = False
    try:
        for wanted in range(count):
            while wanted not in done:
                job = take()
                if job is not None:
                    done[job] = work(job)
                else:  # every job is taken: the missing one is a helper's
                    job, value = _next_result(results, processes)
                    done[job] = value
                while True:  # whatever the helpers finished meanwhile
                    try:
                        job, value = _unpacked(results.get_nowait())
                    except queue.Empty:
                        break
                    done[job] = value
            yield done.pop(wanted)
        finished = True
    finally:
        if finished and processes:  # every result is in: the helpers are ending on their own
            reaper = threading.Thread(target=_reap, args=(processes, taken), daemon=True)
            reaper.start()
            _REAPERS[:] = [r for r in _REAPERS if r.is_alive()] + [reaper]
        else:  # stopped early: a job failed, or the caller gave up
            for process in processes:
                if process.is_alive():
                    process.kill()
            _reap(processes, taken)
        results.close()


def wait_for_helpers() -> None:
    """Wait until the helpers of every earlier `share_out` have ended (a benchmark does,
    so that their CPU time counts among this process's children's)."""
    while _REAPERS:
        _REAPERS.pop().join()


def _reap(processes: Sequence[multiprocessing.process.BaseProcess], taken: object) -> None:
    """Wait for the helpers' ends. Ending a fork of a large process takes a while (its
    memory map is taken down), and nothing waits on it once every result is in, so
    that wait is left to a background thread.

    `taken`, the shared counter of jobs taken, is held until then: freed while a helper
    still looks for its next job, its memory would go to the next sharing's counter,
    and the helper would take that sharing's jobs (their results lost on its queue)."""
    for process in processes:
        process.join()
    del taken


def _help(
    work: Callable[[int], Any], take: Callable[[], int | None], results: Any, parent: int
) -> None:
    _end_with(parent)
    while (job := take()) is not None:
        try:
            results.put((job, "ok", work(job)))
        except BaseException:  # reported to the process that shares the jobs out
            results.put((job, "error", traceback.format_exc()))
            break
    results.close()
    results.join_thread()  # every result written before the helper ends


def _end_with(parent: int) -> None:
    """On Linux, have the kernel kill this helper when the process that forked it dies
    (killed in the middle of a screening, say by the out-of-memory killer). Left alone,
    a helper would screen its chunk for nobody, or wait for ever on the lock that hands
    the chunks out if its parent died holding it."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # no prctl to call: the helper ends on its own
        return
    if os.getppid() != parent:  # the parent died before the setting took hold
        os._exit(1)


def _next_result(
    results: Any, processes: Sequence[multiprocessing.process.BaseProcess]
) -> tuple[int, Any]:
    """The next result a helper sends; an error if every helper ended without it."""
    while True:
        try:
            return _unpacked(results.get(timeout=POLL_SECONDS))
        except queue.Empty:
            if any(p.is_alive() for p in processes):
                continue
            try:  # a helper may have ended just after writing
                return _unpacked(results.get(timeout=POLL_SECONDS))
            except queue.Empty:
                codes = ", ".join(str(p.exitcode) for p in processes)
                raise RuntimeError(
                    f"a screening worker process ended without its result (exit code {codes})"
                ) from None


def _unpacked(message: tuple[int, str, Any]) -> tuple[int, Any]:
    job, status, value = message
    if status != "ok":
        raise failure("screening worker", value)
    return job, value
