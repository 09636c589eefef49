"""Chaos: a run killed at each stage, or stopped by a full disk while writing its case
files, then run again on the same input and workspace, gives what a clean run gives:
the same counts, scored transactions and case files, and no work folder, pending marker
or run folder without its summary is left."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from flows.commands.generate import generate_command

REPO = Path(__file__).resolve().parents[2]
VOLATILE = [
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?"), "<time>"),
    (re.compile(r"\d{8}T\d{6}(-[0-9a-f]{4})?"), "<id>"),
]
pytestmark = [
    pytest.mark.flow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="kills process groups"),
]


def normalized(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def command(orders: Path, listed: Path, home: Path, *extra: str) -> list[str]:
    return [sys.executable, "-c", "from flows.cli import main; main()", "run", "-t", str(orders),
            "-w", str(listed), "--workspace", str(home), "--progress", *extra]  # fmt: skip


def environment() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    }


def run_to_end(args: list[str]) -> subprocess.CompletedProcess:
    done = subprocess.run(args, env=environment(), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def kill_at(args: list[str], trigger: str) -> str:
    """Runs until a progress line containing `trigger`, then SIGKILLs the run and every
    process it started (its process group); returns the line."""
    process = subprocess.Popen(
        args, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    seen = ""
    try:
        for line in process.stderr:
            if trigger in line:
                seen = line
                os.killpg(process.pid, signal.SIGKILL)
                break
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
    assert seen, f"the run ended before {trigger!r}"
    return seen


def outputs(home: Path) -> dict:
    """What a run leaves for people and other systems, without run ids and times."""
    runs = [p for p in (home / "runs").iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert len(runs) == 1, runs
    run = runs[0]
    summary = json.loads((run / "run_summary.json").read_text())
    return {
        "counts": summary["counts"],
        "scored": (run / "scored_transactions.csv").read_text(),
        "cases": {
            p.name: normalized(p.read_text()) for p in sorted((run / "cases").glob("*.json"))
        },
        "case_pages": sorted(p.name for p in (run / "cases").glob("*.html")),
    }


def nothing_left_behind(home: Path) -> None:
    assert not [p for p in (home / "work").glob("*")], "a work folder was left"
    assert not list((home / "runs" / ".pending").glob("*.json")), "a run is still pending"
    for run in (home / "runs").iterdir():
        if run.is_dir() and not run.name.startswith("."):
            assert (run / "run_summary.json").is_file(), f"{run} has no run_summary.json"


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    folder = tmp_path_factory.mktemp("day")
    orders, listed = folder / "orders.csv", folder / "list.csv"
    generate_command(rows=800, seed=11, out=orders, labels=folder / "labels.csv",
                     watchlist_out=listed)  # fmt: skip
    clean = folder / "clean"
    run_to_end(command(orders, listed, clean))
    return orders, listed, outputs(clean)


@pytest.mark.parametrize(
    "trigger",
    ["ingest:", "partitions:", "screening: partition", "cases: "],
)
def test_a_run_killed_at_a_stage_and_rerun_gives_the_clean_runs_outputs(tmp_path, day, trigger):
    orders, listed, clean = day
    home = tmp_path / "ws"
    kill_at(command(orders, listed, home), trigger)
    if trigger == "cases: ":
        # killed once its cases were stored: the files of some not yet written
        run = next(p for p in (home / "runs").iterdir() if not p.name.startswith("."))
        for page in sorted((run / "cases").glob("*"))[::3]:
            page.unlink()
        assert not (run / "run_summary.json").exists()
    rerun = run_to_end(command(orders, listed, home))
    assert outputs(home) == clean
    assert clean["counts"]["cases_opened"] > 0
    nothing_left_behind(home)
    if trigger in ("screening: partition", "cases: "):
        assert "stopped before its end" in rerun.stderr


def test_a_second_run_on_the_same_day_after_a_finished_one_is_a_new_run(tmp_path, day):
    """The marker is finished with the run: the same file again is a new run, whose
    cases are unchanged (none opened, none rewritten)."""
    orders, listed, _clean = day
    home = tmp_path / "ws"
    run_to_end(command(orders, listed, home))
    run_to_end(command(orders, listed, home))
    runs = sorted(p for p in (home / "runs").iterdir() if not p.name.startswith("."))
    assert len(runs) == 2
    second = json.loads((runs[1] / "run_summary.json").read_text())["counts"]
    assert second["cases_opened"] == 0 and second["cases_updated"] == 0
    nothing_left_behind(home)


def mount_tmpfs(target: Path, size: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)],
                          capture_output=True)  # fmt: skip
    return done.returncode == 0


def test_a_disk_full_while_writing_case_files_loses_nothing_on_rerun(tmp_path, day):
    orders, listed, clean = day
    disk = tmp_path / "disk"
    if not mount_tmpfs(disk, "96k"):
        pytest.skip("a tiny tmpfs cannot be mounted here (needs root and mount)")
    try:
        home, out = tmp_path / "ws", disk / "run"
        args = command(orders, listed, home, "--out", str(out))
        failed = subprocess.run(args, env=environment(), capture_output=True, text=True,
                                timeout=600)  # fmt: skip
        assert failed.returncode != 0
        assert "No space left on device" in failed.stderr
        assert len(failed.stderr.strip().splitlines()[-1]) < 400
        assert not (out / "run_summary.json").exists()
        subprocess.run(["mount", "-o", "remount,size=8m", str(disk)], check=True)  # space freed
        run_to_end(args)
        run = json.loads((out / "run_summary.json").read_text())
        assert run["counts"] == clean["counts"]
        cases = {p.name: normalized(p.read_text()) for p in sorted((out / "cases").glob("*.json"))}
        assert cases == clean["cases"]
        assert sorted(p.name for p in (out / "cases").glob("*.html")) == clean["case_pages"]
        assert (out / "scored_transactions.csv").read_text() == clean["scored"]
        assert not list((home / "runs" / ".pending").glob("*.json"))
        assert not [p for p in (home / "work").glob("*")]
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
