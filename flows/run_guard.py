"""What keeps a command-line run's orchestration from failing for the wrong reasons.

- **Inputs first**: the settings, the column map and each local order file's columns are
  checked before Prefect starts, so bad input fails in a second with one line.
- **The temporary Prefect server** (used when no PREFECT_API_URL is set) is started here,
  before the flow, with a start-up wait long enough for a busy machine: the
  `prefect.server_startup_seconds` setting (120 s), or the
  PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS the user set. A start that times out is
  retried once; a second time-out is one clear line.
- **It ends with the run**: the server process is told by the kernel to stop when the run's
  process dies (even killed with SIGKILL), and SIGTERM/SIGHUP of the run end it at once.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from flows.errors import ConfigError, RunFailure

STARTUP_ENV = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
DEFAULT_STARTUP_SECONDS = 120
ATTEMPTS = 2  # one retry
PR_SET_PDEATHSIG = 1


class OrchestrationFailure(RunFailure):
    """The run could not be orchestrated (the temporary server did not start): one line,
    exit 1."""


def startup_seconds(settings: Mapping[str, Any], environ: Mapping[str, str] = os.environ) -> float:
    """The temporary server's start-up wait: the environment variable when the user set it,
    else the `prefect.server_startup_seconds` setting, else 120 s."""
    given = environ.get(STARTUP_ENV)
    source = STARTUP_ENV
    if given is None or not given.strip():
        given = (settings.get("prefect") or {}).get(
            "server_startup_seconds", DEFAULT_STARTUP_SECONDS
        )
        source = "prefect.server_startup_seconds"
    try:
        seconds = float(given)
    except (TypeError, ValueError):
        raise ConfigError(f"{source}: expected a number of seconds (got {given!r})") from None
    if seconds <= 0:
        raise ConfigError(f"{source}: expected a number of seconds above 0 (got {given!r})")
    return seconds


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """In the server's process: SIGTERM when the process that started it dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def server_class() -> type:
    from prefect.server.api.server import SubprocessASGIServer

    class RunServer(SubprocessASGIServer):
        """Prefect's temporary server, bound to the life of the run's process and started
        with a wall-clock wait (Prefect's own counts only its sleeps)."""

        def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
            import prefect
            from prefect.settings import get_current_settings

            return subprocess.Popen(
                args=[
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "--app-dir",
                    str(prefect.__module_path__.parent),
                    "--factory",
                    "prefect.server.api.server:create_app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--log-level",
                    "error",
                    "--lifespan",
                    "on",
                ],  # fmt: skip
                env={
                    **os.environ,
                    "PREFECT_UI_ENABLED": "0",
                    "PREFECT__SERVER_EPHEMERAL": "1",
                    "PREFECT__SERVER_FINAL": "1",
                    **get_current_settings().to_environment_variables(exclude_unset=True),
                },
                preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
            )

        def start(self, timeout: float | None = None) -> None:
            if self.running:
                return
            import atexit

            if self.port is None:
                self.port = self.find_available_port()
            self.running = True
            self.server_process = self._run_uvicorn_command()
            atexit.register(self.stop)
            deadline = time.monotonic() + float(timeout or DEFAULT_STARTUP_SECONDS)
            with httpx.Client(timeout=5.0) as client:
                while time.monotonic() < deadline:
                    if self.server_process.poll() == 3:  # the port was taken meanwhile
                        self.port = self.find_available_port()
                        self.server_process = self._run_uvicorn_command()
                        continue
                    if self.server_process.poll() is not None:
                        break
                    try:
                        if client.get(f"{self.api_url}/health").status_code == 200:
                            return
                    except httpx.HTTPError:
                        pass
                    time.sleep(0.2)
            code = self.server_process.poll()
            self.stop()
            raise TimeoutError(f"exited with code {code}" if code is not None else "no answer")

    return RunServer


def start_temporary_server(seconds: float, say: Any = None) -> Any:
    """Starts Prefect's temporary server (the one every Prefect client of this process then
    uses), waiting up to `seconds`; one retry. None when a Prefect API is configured."""
    from prefect.settings import PREFECT_API_URL

    if os.environ.get("PREFECT_API_URL") or PREFECT_API_URL.value():
        return None
    from prefect.server.api.server import SubprocessASGIServer

    existing = SubprocessASGIServer._instances.get(None)
    if existing is not None and existing.running:
        return existing
    return start_with_retry(server_class(), seconds, say)


def start_with_retry(make_server: Any, seconds: float, say: Any = None) -> Any:
    """`make_server().start(seconds)`, once more if it times out; OrchestrationFailure
    (one line) if it times out again."""
    for attempt in range(1, ATTEMPTS + 1):
        server = make_server()
        try:
            server.start(timeout=seconds)
            return server
        except TimeoutError as error:
            if attempt < ATTEMPTS:
                if say:
                    say(
                        f"the temporary Prefect server did not start within {seconds:g} s "
                        f"({error}); retrying once"
                    )
                continue
            raise OrchestrationFailure(
                f"the temporary Prefect server did not start within {seconds:g} s, twice "
                f"({error}); the machine may be busy: set prefect.server_startup_seconds in "
                f"--config or {STARTUP_ENV} higher, or run against a persistent Prefect "
                "server (PREFECT_API_URL, see `redflag serve`)"
            ) from None
    return None  # pragma: no cover


class Terminated(SystemExit):
    """The run was asked to stop (SIGTERM/SIGHUP): unwinds like Ctrl-C, exit 128 + signal."""


@contextmanager
def ended_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP unwind the run (its `finally` blocks run, its temporary server is
    stopped) instead of killing the process where it stands."""
    if sys.platform == "win32" or not _in_main_thread():
        yield
        return

    def stop(signum: int, _frame: Any) -> None:
        stop_temporary_server()
        raise Terminated(128 + signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def stop_temporary_server() -> None:
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer._instances.get(None)
    if server is not None and server.server_process is not None:
        server.stop()


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


# ---- inputs checked before Prefect starts ------------------------------------------------


def check_run_inputs(
    transactions: list[str],
    config: Path | str | None,
    column_map: str | None,
    watchlist: list[str] | None = None,
) -> dict[str, Any]:
    """The settings, the column map and every local order file's header, checked in a
    second; returns the settings. InputError / ValueError with one line on bad input."""
    from flows.assembly import load_column_map
    from flows.errors import InputError
    from flows.ingest.normalize import MissingColumnsError, apply_column_map, check_required_columns
    from flows.ingest.sources import expand_sources, is_url, raw_chunks
    from flows.settings import RunSettings

    settings = RunSettings.load(Path(config) if config else None).raw  # every value checked
    startup_seconds(settings)
    mapping = load_column_map(column_map)
    for item in watchlist or []:
        if not is_url(item) and not Path(item).exists():
            raise InputError(f"{item}: no such file or folder")
    local = [t for t in map(str, transactions) if not is_url(t) or t.startswith("file://")]
    for label, path in expand_sources(local):
        first = next(raw_chunks(path, 20, []), None)
        if first is None:
            continue  # a header without order lines is reported by the run
        if mapping:
            first = apply_column_map(first, mapping)
        try:
            check_required_columns(first, label)
        except MissingColumnsError as error:
            raise InputError(str(error)) from None
    return settings


# ---- said, not hidden ------------------------------------------------------------------

SAMPLE_LABEL = "bundled sample"  # the label flows/screening.py gives the sample's snapshot


def sample_list_warning(snapshot: dict[str, Any]) -> str | None:
    """The line a run screened against the bundled sample list prints, every time."""
    if (snapshot or {}).get("label") != SAMPLE_LABEL:
        return None
    return (
        "screened against the bundled sample list (40 fictional parties), not a real "
        "restricted-party list: give --watchlist FILE (CSL, OFAC, UN …) or `redflag "
        "watchlist add FILE` to screen for real"
    )


# ---- the case store gone away ----------------------------------------------------------


def store_outage(error: BaseException) -> str | None:
    """The line for a failure to reach the case store's database (a stopped PostgreSQL
    server, a lost connection), else None. The run stays pending, so its rerun finishes it."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    if not isinstance(error, (OperationalError, InterfaceError)):
        return None
    cause = error.orig if getattr(error, "orig", None) is not None else error
    first = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
    return (
        f"the case store's database failed ({type(cause).__name__}: {first[:240]}); "
        "run the same command again once it is back: an unfinished run is taken over"
    )
