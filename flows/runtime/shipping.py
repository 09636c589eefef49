"""What a run ships to the processes that run its partition tasks, once per run.

The run's setup (settings, policy pack, catalog, the matcher with its candidate index,
the ML models) is large next to a task's own arguments. It is published under the run id
before the partition tasks start: in this process for the default task runner, and to
every Dask worker through a worker plugin (sent once per worker, also to workers that
join later). Tasks then receive only the run id and look the setup up.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import pickle
from typing import Any

_PUBLISHED: dict[str, Any] = {}


def publish(key: str, value: Any, client: Any = None) -> None:
    """Makes `value` available as `published(key)` here and on the client's workers."""
    _PUBLISHED[key] = value
    if client is not None:
        client.register_plugin(SetupPlugin(key, pickle.dumps(value)), name=f"redflag-{key}")


def withdraw(key: str, client: Any = None) -> None:
    if _PUBLISHED.pop(key, None) is not None and client is not None:
        with contextlib.suppress(ValueError, KeyError, OSError):  # workers already gone
            client.unregister_worker_plugin(f"redflag-{key}")


def published(key: str) -> Any:
    try:
        return _PUBLISHED[key]
    except KeyError:
        raise RuntimeError(f"the setup of run {key} was not shipped to this process") from None


def _single_process(value: Any) -> Any:
    """A setup inside a Dask worker: the matcher screens in the worker's own process (a
    worker is a daemon process, which may not fork screening workers of its own), and the
    ML models score in one thread (the other cores run the other workers)."""
    if not multiprocessing.current_process().daemon:
        return value
    settings = getattr(value, "settings", None)
    matcher = value if hasattr(settings, "screen_workers") else getattr(value, "matcher", None)
    if matcher is not None:
        matcher.settings = dataclasses.replace(matcher.settings, screen_workers=1)
    for detector in (getattr(value, "detectors", None) or {}).values():
        if hasattr(detector, "threads"):
            detector.threads = 1
    return value


try:  # Dask is optional: without it only the default runner is offered
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # pragma: no cover - distributed is a declared dependency
    WorkerPlugin = object  # type: ignore[assignment,misc]


class SetupPlugin(WorkerPlugin):
    """Unpacks a run's setup on each Dask worker when it joins the cluster."""

    def __init__(self, key: str, payload: bytes) -> None:
        self.key = key
        self.payload = payload

    def setup(self, worker: Any) -> None:
        _PUBLISHED[self.key] = _single_process(pickle.loads(self.payload))

    def teardown(self, worker: Any) -> None:
        _PUBLISHED.pop(self.key, None)
