"""A run's orchestration on a busy machine, on bad input and when it is killed: the
temporary Prefect server waits long enough (one retry, then one clear line), bad input is
refused before Prefect is contacted, and the server ends with the run."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.commands.generate import generate_command
from flows.run_guard import (
    DEFAULT_STARTUP_SECONDS,
    STARTUP_ENV,
    OrchestrationFailure,
    server_class,
    start_with_retry,
    startup_seconds,
)

REPO = Path(__file__).resolve().parents[2]
LINUX = sys.platform.startswith("linux")


def test_the_start_up_wait_is_a_setting_and_the_users_variable_wins():
    assert startup_seconds({}, environ={}) == DEFAULT_STARTUP_SECONDS == 120
    assert startup_seconds({"prefect": {"server_startup_seconds": 300}}, environ={}) == 300
    chosen = {"prefect": {"server_startup_seconds": 300}}
    assert startup_seconds(chosen, environ={STARTUP_ENV: "45"}) == 45
    with pytest.raises(ValueError, match=f"^{STARTUP_ENV}: expected a number"):
        startup_seconds({}, environ={STARTUP_ENV: "soon"})
    with pytest.raises(ValueError, match="^prefect.server_startup_seconds: expected a number"):
        startup_seconds({"prefect": {"server_startup_seconds": 0}}, environ={})


def server_children(pid: int) -> list[int]:
    """Processes whose parent is `pid` and that run Prefect's server app."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == pid and b"prefect.server.api.server:create_app" in cmdline:
            found.append(int(entry.name))
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not LINUX, reason="reads /proc")
def test_a_server_that_does_not_answer_in_time_is_retried_once_then_one_line():
    before = set(server_children(os.getpid()))  # a test harness's server, say
    said: list[str] = []
    ports = iter([free_port(), free_port()])
    made: list = []

    def make():  # a server of its own port: not the one other tests share
        made.append(server_class()(next(ports)))
        return made[-1]

    with pytest.raises(OrchestrationFailure) as raised:
        start_with_retry(make, 0.05, say=said.append)  # no server answers in 50 ms
    assert len(made) == 2
    message = str(raised.value)
    assert "\n" not in message
    assert "did not start within 0.05 s, twice" in message
    assert STARTUP_ENV in message and "prefect.server_startup_seconds" in message
    assert len(said) == 1 and "retrying once" in said[0]
    deadline = time.monotonic() + 10
    while set(server_children(os.getpid())) - before and time.monotonic() < deadline:
        time.sleep(0.2)
    left = set(server_children(os.getpid())) - before
    assert not left, "a server that timed out must be stopped"


def redflag(*args: str, env: dict[str, str] | None = None, **kwargs) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-c", "from flows.cli import main; main()", *args],
        cwd=REPO,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("missing_column", "missing required column(s): customer_name"),
        ("bad_config", "cases.open_threshold: expected a number"),
        ("bad_map", "no such configuration file"),
    ],
)
def test_bad_input_is_refused_before_prefect_is_contacted(tmp_path, setup, expected):
    """A Prefect API where nothing listens: the old code reached for it before reading
    the orders; now the input is refused first, with exit 2 and one line."""
    orders = tmp_path / "orders.csv"
    generate_command(rows=30, seed=3, out=orders, labels=tmp_path / "labels.csv")
    args = ["run", "-t", str(orders), "--workspace", str(tmp_path / "ws"), "--no-progress"]
    if setup == "missing_column":
        lines = orders.read_text().splitlines()
        header = lines[0].split(",")
        drop = header.index('"customer_name"') if '"customer_name"' in header else None
        assert drop is not None, header
        orders.write_text(
            "\n".join(",".join(f for i, f in enumerate(line.split(",")) if i != drop)
                      for line in lines[:1]) + "\n"
            + "\n".join(lines[1:]) + "\n"
        )  # fmt: skip
    elif setup == "bad_config":
        config = tmp_path / "site.yaml"
        config.write_text('cases:\n  open_threshold: "fifty"\n')
        args += ["--config", str(config)]
    else:
        args += ["--column-map", str(tmp_path / "absent.yaml")]
    started = time.monotonic()
    process = redflag(*args, env={"PREFECT_API_URL": "http://127.0.0.1:9/api"})
    out, err = process.communicate(timeout=120)
    elapsed = time.monotonic() - started
    assert process.returncode == 2, err
    assert expected in err
    assert len(err.strip().splitlines()) == 1, err
    assert elapsed < 60


def wait_for(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    return None


@pytest.mark.flow
@pytest.mark.skipif(not LINUX, reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL])
def test_the_temporary_server_ends_with_a_killed_run(tmp_path, how):
    orders, listed = tmp_path / "orders.csv", tmp_path / "list.csv"
    generate_command(rows=300, seed=4, out=orders, labels=tmp_path / "labels.csv",
                     watchlist_out=listed)  # fmt: skip
    env = {STARTUP_ENV: "180"}
    env_without_api = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    process = subprocess.Popen(
        [sys.executable, "-c", "from flows.cli import main; main()", "run", "-t", str(orders),
         "-w", str(listed), "--workspace", str(tmp_path / "ws"), "--no-progress"],
        cwd=REPO, env={**env_without_api, "PYTHONPATH": str(REPO), **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        servers = wait_for(lambda: server_children(process.pid), 180)
        assert servers, "the run started no temporary server"
        process.send_signal(how)
        process.wait(timeout=60)
        assert wait_for(lambda: not any(alive(pid) for pid in servers), 30), (
            f"the server outlived the run killed with {how.name}"
        )
        if how == signal.SIGTERM:
            assert process.returncode == 128 + signal.SIGTERM
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
