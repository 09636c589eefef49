"""The Prefect task runner of a run: the default one (partitions one after another in
this process), or `prefect-dask`'s runner on a local Dask cluster it starts or on an
existing cluster at an address."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

RUNNERS = ("default", "dask")


def task_runner(name: str | None, address: str | None, settings: Mapping[str, Any]) -> Any:
    """The task runner for `--runner` / `--dask-address`, else the `runner` settings of
    configs/pipeline.yaml; None means Prefect's default."""
    config = dict(settings.get("runner") or {})
    name = name or config.get("kind", "default")
    address = address or config.get("dask_address") or None
    if name not in RUNNERS:
        raise ValueError(f"runner: expected one of {', '.join(RUNNERS)} (got {name!r})")
    if name == "default":
        if address:
            raise ValueError("--dask-address needs --runner dask")
        return None
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=address)
    workers = config.get("dask_workers", "auto")
    n_workers = (os.cpu_count() or 1) if workers in (None, "auto") else int(workers)
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": n_workers,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": None,
        }
    )


def dask_client() -> Any:
    """The Dask client of the running flow's task runner, or None for other runners."""
    from prefect.context import FlowRunContext

    context = FlowRunContext.get()
    runner = getattr(context, "task_runner", None) if context else None
    if runner is None or type(runner).__name__ != "DaskTaskRunner":
        return None
    return runner.client


@contextmanager
def shared_prefect_api() -> Iterator[None]:
    """Dask workers are processes of their own: they must report to the same Prefect API as
    the flow. Without PREFECT_API_URL, the temporary local server that Prefect would start
    for the flow is started here, and the flow and the workers are pointed at it."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    url = PREFECT_API_URL.value()
    if not url:
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer()
        server.start()
        url = server.api_url
    previous = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = url
    try:
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield
    finally:
        if previous is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = previous
