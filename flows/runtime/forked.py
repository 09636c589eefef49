"""A call run in a forked process of the run; its outcome comes back pickled in a file.

The child inherits the parent's memory (the orders, the matcher's index) without copying
or pickling it; only the call's result travels back, through a file beside the run's
other work files, so that a large result never blocks a pipe.
"""

from __future__ import annotations

import multiprocessing
import pickle
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flows.runtime.forking import failure


class ForkedCall:
    """`fn(*args)` started in a forked process; `outcome()` waits for it and returns its
    result, or raises with the child's traceback. A daemon child ends with the run; a
    child that forks workers of its own cannot be a daemon."""

    def __init__(
        self, fn: Callable[..., Any], args: tuple[Any, ...], result: Path, daemon: bool = True
    ) -> None:
        self.result = result
        self.process = multiprocessing.get_context("fork").Process(
            target=_call_and_keep, args=(fn, args, result), daemon=daemon
        )
        self.process.start()

    def outcome(self, what: str) -> Any:
        """The call's result; RuntimeError naming `what` if it failed or its process died."""
        self.process.join()
        try:
            with self.result.open("rb") as handle:
                status, value = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError):
            status = "error"
            value = f"the worker process ended with code {self.process.exitcode}"
        self.result.unlink(missing_ok=True)
        if status != "ok":
            raise failure(what, value)
        return value

    def stop(self) -> None:
        """After a failure elsewhere: end the call and drop what it wrote."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.result.unlink(missing_ok=True)


def _call_and_keep(fn: Callable[..., Any], args: tuple[Any, ...], result: Path) -> None:
    try:
        outcome: tuple[str, Any] = ("ok", fn(*args))
    except BaseException:  # reported to the run, which raises it
        outcome = ("error", traceback.format_exc())
    with Path(result).open("wb") as handle:
        pickle.dump(outcome, handle, protocol=pickle.HIGHEST_PROTOCOL)
