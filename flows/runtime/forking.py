"""Forked processes: whether this process may start them, and how a failure in one is
told. The matcher's screening helpers and the run's forked calls (a chunk of the orders
normalized, a partition's watchlist screened) share both."""

from __future__ import annotations

import multiprocessing


def can_fork() -> bool:
    """Whether this process may fork workers: the platform forks, and this process is not
    a daemon (a Dask worker is one, and may not start processes)."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and not multiprocessing.current_process().daemon
    )


def failure(what: str, report: str) -> RuntimeError:
    """The error a forked process reported (`report`: its traceback, or a line saying how
    it ended), raised where its result was awaited: `<what> failed: <the error's own
    line>`, then the traceback."""
    last = report.strip().splitlines()[-1] if report.strip() else report
    return RuntimeError(f"{what} failed: {last}" + ("" if last == report else f"\n{report}"))
