"""Progress of a run, stage by stage: in the run's log (and so the Prefect UI, where each
partition is also its own task run) and, when asked, as lines on the terminal."""

from __future__ import annotations

import resource
import sys
import time
from typing import Any


class Progress:
    def __init__(self, logger: Any, terminal: bool) -> None:
        self.logger = logger
        self.terminal = terminal
        self.started = time.perf_counter()

    def __call__(self, message: str) -> None:
        self.logger.info(message)
        if self.terminal:
            elapsed = time.perf_counter() - self.started
            peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
            sys.stderr.write(f"[{elapsed:7.1f}s, peak {peak_gb:4.1f} GB] {message}\n")
            sys.stderr.flush()
