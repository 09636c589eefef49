"""`redflag serve`: the daily screening flow as a Prefect deployment on a cron schedule.

`flow.serve()` needs a real Prefect API (a `prefect server start` on this machine, a shared
server, or Prefect Cloud). When none answers we say how to get one instead of failing
obscurely.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from pathlib import Path

from flows.errors import InputError

LOCAL_API = "http://127.0.0.1:4200/api"


def prefect_api_url() -> str | None:
    from prefect.settings import PREFECT_API_URL

    return os.environ.get("PREFECT_API_URL") or PREFECT_API_URL.value()


def server_is_reachable(api_url: str, timeout: float = 3.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=timeout) as response:
            reachable: bool = response.status == 200
            return reachable
    except (urllib.error.URLError, OSError, ValueError):
        return False


def serve_daily(
    transactions: list[str],
    workspace: Path,
    cron: str,
    timezone: str,
    watchlist: list[str] | None,
    config: str | None,
    name: str,
) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"--timezone {timezone!r}: not an IANA time zone (e.g. Europe/Berlin, Asia/Singapore)"
        ) from None
    from prefect.schedules import Cron

    try:
        schedule = Cron(cron, timezone=timezone)
    except ValueError:
        raise InputError(
            f"--cron {cron!r}: not a valid cron expression (e.g. '0 6 * * *')"
        ) from None
    api = prefect_api_url()
    if not api or not server_is_reachable(api):
        where = api or "(PREFECT_API_URL is not set)"
        raise InputError(
            f"no Prefect server reachable at {where}: start one with `prefect server start` "
            f"and `export PREFECT_API_URL={LOCAL_API}`, then run redflag serve again"
        )
    from flows.daily import daily_screening
    from flows.runtime.runners import task_runner
    from flows.settings import load_pipeline_settings

    try:  # the `runner` settings choose the task runner of the scheduled runs
        runner = task_runner(None, None, load_pipeline_settings(Path(config) if config else None))
    except ValueError as error:
        raise InputError(str(error)) from None
    flow = daily_screening.with_options(task_runner=runner) if runner else daily_screening
    flow.serve(
        name=name,
        schedules=[schedule],
        parameters={
            "transactions": transactions,
            "workspace": str(workspace.resolve()),
            "watchlist": watchlist,
            "config": config,
        },
    )
