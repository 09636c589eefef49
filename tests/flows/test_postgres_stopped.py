"""Chaos: the PostgreSQL case store stops in the middle of a run. The run fails in one
line; once the database is back, the same run again gives what a clean run gives (counts,
scored transactions, every case file) and leaves no work folder, pending marker or run
folder without its summary.

The database is a throwaway cluster this module creates (`initdb` as the `postgres`
user, on a free port) and stops at will, never a shared server.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from test_kill_and_rerun import command, environment, nothing_left_behind, outputs

from flows.commands.generate import generate_command

pytestmark = [
    pytest.mark.flow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="runs a PostgreSQL cluster"),
]


class Cluster:
    """A PostgreSQL cluster in a temporary folder, run as the `postgres` user."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder, self.port = folder, port
        self.data = folder / "data"

    def pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        subprocess.run(
            ["runuser", "-u", "postgres", "--", "pg_ctl", "-D", str(self.data), "-o", options,
             "-l", str(self.folder / "log"), "-w", *args],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    def start(self) -> None:
        self.pg_ctl("start")

    def stop(self) -> None:
        self.pg_ctl("-m", "immediate", "stop")  # as a crash: no clean shutdown

    def create_database(self, name: str) -> str:
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-q", "-c",
             f"CREATE DATABASE {name}"],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def cluster():
    missing = [tool for tool in ("initdb", "pg_ctl", "psql", "runuser") if not shutil.which(tool)]
    if missing or os.geteuid() != 0:
        pytest.skip(f"a throwaway PostgreSQL cluster needs root and {', '.join(missing) or 'them'}")
    try:
        owner = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("a throwaway PostgreSQL cluster needs a `postgres` user to run it")
    folder = Path(tempfile.mkdtemp(prefix="redflag-pg-"))
    os.chown(folder, owner.pw_uid, owner.pw_gid)
    made = subprocess.run(
        ["runuser", "-u", "postgres", "--", "initdb", "-D", str(folder / "data"), "-A", "trust",
         "-U", "postgres"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if made.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"initdb failed: {made.stderr.strip()[-300:]}")
    running = Cluster(folder, free_port())
    running.start()
    try:
        yield running
    finally:
        with contextlib.suppress(subprocess.SubprocessError):
            running.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def day(tmp_path_factory, cluster):
    folder = tmp_path_factory.mktemp("day")
    orders, listed = folder / "orders.csv", folder / "list.csv"
    generate_command(rows=600, seed=23, out=orders, labels=folder / "labels.csv",
                     watchlist_out=listed)  # fmt: skip
    clean = folder / "clean"
    url = cluster.create_database("clean")
    done = subprocess.run(command(orders, listed, clean), env=with_store(url), capture_output=True,
                          text=True, timeout=900)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return orders, listed, outputs(clean)


def with_store(url: str) -> dict[str, str]:
    return {**environment(), "REDFLAG_CASE_STORE_URL": url}


def stop_database_at(args: list[str], env: dict[str, str], cluster: Cluster, trigger: str):
    """Runs until a progress line holding `trigger`, stops the database there, and lets
    the run go on to its end; returns (exit code, stderr)."""
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)  # fmt: skip
    lines, stopped = [], False
    try:
        for line in process.stderr:
            lines.append(line)
            if not stopped and trigger in line:
                cluster.stop()
                stopped = True
        code = process.wait(timeout=600)
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        if not stopped:
            cluster.start()
    assert stopped, f"the run ended before {trigger!r}"
    return code, "".join(lines)


@pytest.mark.parametrize(
    ("trigger", "database"),
    [("screening: partition", "before_cases"), ("cases: ", "after_cases")],
)
def test_the_database_stopped_mid_run_then_a_rerun_loses_nothing(
    tmp_path, cluster, day, trigger, database
):
    orders, listed, clean = day
    home = tmp_path / "ws"
    env = with_store(cluster.create_database(database))
    args = command(orders, listed, home)
    code, stderr = stop_database_at(args, env, cluster, trigger)
    cluster.start()
    last = stderr.strip().splitlines()[-1]
    print(f"stopped at {trigger!r}: exit {code}; {last}")
    assert code != 0, "a run whose database went away must not report success"
    assert len(last) < 400 and "Traceback" not in stderr
    assert "the case store's database failed" in last and "run the same command again" in last

    rerun = subprocess.run(args, env=env, capture_output=True, text=True, timeout=900)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert outputs(home) == clean
    assert clean["counts"]["cases_opened"] > 0
    nothing_left_behind(home)
