"""Jobs shared by this process and forked helpers (`share_out`), as a large screening
shares its chunks of names."""

from __future__ import annotations

import os
import signal
import sys
import time

import pytest

from flows.runtime.forking import can_fork
from flows.runtime.sharing import share_out, wait_for_helpers

pytestmark = pytest.mark.skipif(not can_fork(), reason="this platform cannot fork")


def slow_square(job: int) -> tuple[int, int]:
    time.sleep(0.01 * (job % 3))  # jobs of uneven length finish out of order
    return job * job, os.getpid()


def test_results_come_in_job_order_and_helpers_take_a_share():
    found = list(share_out(slow_square, 12, helpers=2))
    assert [square for square, _ in found] == [job * job for job in range(12)]
    workers = {pid for _, pid in found}
    assert os.getpid() in workers  # this process works too
    assert len(workers) > 1  # ...and so does at least one helper


def test_without_helpers_this_process_does_every_job():
    found = list(share_out(slow_square, 3, helpers=0))
    assert found == [(0, os.getpid()), (1, os.getpid()), (4, os.getpid())]


def square(job: int) -> int:
    return job * job


def test_sharings_one_after_another_each_get_every_result():
    # a helper of one sharing may still look for a job when the next sharing starts:
    # it must not take the next sharing's jobs
    for _ in range(200):
        assert list(share_out(square, 4, helpers=1)) == [0, 1, 4, 9]
        assert list(share_out(square, 3, helpers=0)) == [0, 1, 4]


def test_no_job_gives_nothing():
    assert list(share_out(slow_square, 0, helpers=2)) == []


def fails_in_a_helper(parent: int):
    def work(job: int) -> int:
        if os.getpid() != parent:
            raise ValueError(f"job {job} cannot be screened")
        time.sleep(0.05)  # leaves the helper time to take a job
        return job

    return work


def test_a_job_failing_in_a_helper_raises_here_with_its_traceback():
    with pytest.raises(RuntimeError) as raised:
        list(share_out(fails_in_a_helper(os.getpid()), 6, helpers=1))
    message = str(raised.value)
    assert message.startswith("screening worker failed: ValueError: job ")
    assert "cannot be screened" in message
    assert "Traceback" in message


def dies_in_a_helper(parent: int):
    def work(job: int) -> int:
        if os.getpid() != parent:
            os._exit(3)  # killed, say by the out-of-memory killer: no result, no error
        time.sleep(0.05)
        return job

    return work


def test_a_helper_that_dies_is_reported_with_its_exit_code():
    with pytest.raises(RuntimeError, match=r"ended without its result \(exit code 3\)"):
        list(share_out(dies_in_a_helper(os.getpid()), 6, helpers=1))


def slow_job(job: int) -> int:
    time.sleep(0.2)
    return job


def test_giving_up_early_stops_the_helpers():
    """Closing the results (a failure in the caller) ends the helpers at once, rather
    than after the 50 jobs of 0.2 s they would otherwise go on with."""
    jobs = share_out(slow_job, 50, helpers=1)
    assert next(jobs) == 0
    started = time.monotonic()
    jobs.close()
    assert time.monotonic() - started < 2


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads the process table in /proc")
def test_helpers_are_reaped_once_every_result_is_in():
    """The results come back without waiting for the helpers to be taken down, but they
    are still waited for (in the background): no helper is left behind as a zombie."""
    found = list(share_out(slow_square, 12, helpers=2))
    helpers = {pid for _, pid in found} - {os.getpid()}
    assert helpers
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(os.path.exists(f"/proc/{p}") for p in helpers):
        time.sleep(0.05)
    assert not any(os.path.exists(f"/proc/{p}") for p in helpers)


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads the process table in /proc")
def test_waiting_for_the_helpers_returns_once_they_have_ended():
    """A benchmark waits for them, so that their CPU time is counted."""
    found = list(share_out(slow_square, 12, helpers=2))
    wait_for_helpers()
    helpers = {pid for _, pid in found} - {os.getpid()}
    assert helpers
    assert not any(os.path.exists(f"/proc/{p}") for p in helpers)


def sleeps_in_the_helper(parent: int, marks: str):
    def work(job: int) -> int:
        if os.getpid() != parent:
            with open(marks, "a") as handle:
                handle.write(f"{os.getpid()}\n")
        time.sleep(30)  # a chunk that outlasts the test by far
        return job

    return work


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the kernel's parent-death signal")
def test_a_helper_ends_with_a_screening_process_killed_mid_way(tmp_path):
    """Killed by the out-of-memory killer in the middle of a screening, a process takes
    its helper with it, instead of leaving it to screen for nobody."""
    marks = tmp_path / "helpers"
    pid = os.fork()
    if pid == 0:  # the screening process
        try:
            list(share_out(sleeps_in_the_helper(os.getpid(), str(marks)), 4, helpers=1))
        finally:
            os._exit(0)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not (marks.exists() and marks.read_text().strip()):
        time.sleep(0.05)
    helper = int(marks.read_text().split()[0])
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and running(helper):
        time.sleep(0.05)
    assert not running(helper)


def running(pid: int) -> bool:
    """Whether a process is there and not yet ended (an ended one waits as a zombie until
    whoever adopted it collects it)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
