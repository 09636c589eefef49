"""The project's log lines. Every module logs through `logging.getLogger(__name__)`, so a
line names the module it came from; the command line gives the project's loggers one
format on stderr. `REDFLAG_LOG_LEVEL` (default WARNING) chooses how much is shown.

A run's stage lines go to Prefect's run logger (`flows.progress`), which Prefect formats.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TextIO

PACKAGES: tuple[str, ...] = ("flows", "detectors", "watchlists", "cases")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LEVEL_ENV = "REDFLAG_LOG_LEVEL"


def configure_logging(stream: TextIO | None = None, level: str | None = None) -> logging.Handler:
    """One handler in the one format for the loggers of every package of ours (set once;
    a second call changes nothing). The records do not also go to the root logger, so a
    library that configures the root does not print them twice."""
    chosen = (level or os.environ.get(LEVEL_ENV) or "WARNING").upper()
    if chosen not in logging.getLevelNamesMapping():
        chosen = "WARNING"
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.set_name("redflag")
    for name in PACKAGES:
        logger = logging.getLogger(name)
        if any(h.get_name() == "redflag" for h in logger.handlers):
            continue
        logger.addHandler(handler)
        logger.setLevel(chosen)
        logger.propagate = False
    return handler
