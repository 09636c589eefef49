"""The Prefect task runner of a run: the default one (partitions one after another in
this process), or `prefect-dask`'s runner on a local Dask cluster it starts or on an
existing cluster at an address."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from flows.errors import ConfigError, InputError

RUNNERS = ("default", "dask")


def task_runner(name: str | None, address: str | None, settings: Mapping[str, Any]) -> Any:
    """The task runner for `--runner` / `--dask-address`, else the `runner` settings of
    configs/pipeline.yaml; None means Prefect's default."""
    config = dict(settings.get("runner") or {})
    name = name or config.get("kind", "default")
    address = address or config.get("dask_address") or None
    if name not in RUNNERS:
        raise ConfigError(f"runner: expected one of {', '.join(RUNNERS)} (got {name!r})")
    if name == "default":
        if address:
            raise InputError("--dask-address needs --runner dask")
        return None
    from prefect_dask.task_runners import DaskTaskRunner

    if address:
        if not scheduler_reachable(address):
            raise InputError(
                f"--dask-address {address}: no Dask scheduler answers there; start one "
                "(`dask scheduler`, then `dask worker ADDRESS` on each machine) or leave "
                "out --dask-address for a local cluster"
            )
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


def scheduler_reachable(address: str, timeout: float = 5.0) -> bool:
    """Whether something listens at a Dask scheduler address (tcp://host:port)."""
    host_port = address.split("://", 1)[-1].rstrip("/")
    host, _, port = host_port.rpartition(":")
    try:
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False


def run_each(
    task_fn: Any,
    items: list[Any],
    argument: str,
    report: Callable[[str], None],
    describe: Callable[[Any], str],
    **arguments: Any,
) -> list[Any]:
    """Runs `task_fn` once per item (passed as `argument`): one after another on the
    default runner (memory stays at one item), all submitted at once on Dask (the cluster
    spreads them). `report(describe(item))` as each ends; results in the items' order."""
    from prefect.futures import as_completed
    from prefect.utilities.annotations import quote

    if dask_client() is None:
        # large arguments are quoted: Prefect then does not walk them for futures
        quoted = {name: quote(value) for name, value in arguments.items()}
        results = []
        for item in items:
            results.append(task_fn(**{argument: item}, **quoted))
            report(describe(item))
        return results
    futures = {task_fn.submit(**{argument: item}, **arguments): i for i, item in enumerate(items)}
    done: dict[int, Any] = {}
    for future in as_completed(list(futures)):
        position = futures[future]
        done[position] = future.result()
        report(describe(items[position]))
    return [done[i] for i in range(len(items))]


def runner_workers() -> tuple[int, bool]:
    """How many tasks the running flow's task runner works on at once, and whether they
    share this machine (a local cluster): (1, True) on the default runner."""
    client = dask_client()
    if client is None:
        return 1, True
    workers = len(client.scheduler_info().get("workers", {})) or 1
    return workers, getattr(client, "cluster", None) is not None


def retire_local_workers(client: Any, timeout: float = 30.0) -> None:
    """After a run's last partition task, on a local cluster the run started: its workers
    keep the memory of the partitions they screened, so they are retired before the run
    goes on in this process (storing and writing the cases). An existing cluster at an
    address is left as it is."""
    cluster = getattr(client, "cluster", None) if client is not None else None
    if cluster is None:
        return
    cluster.scale(0)
    deadline = time.monotonic() + timeout
    while client.scheduler_info().get("workers") and time.monotonic() < deadline:
        time.sleep(0.2)


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
