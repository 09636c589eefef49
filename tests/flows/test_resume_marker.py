"""The pending marker of a run: taken over by the rerun of a stopped run, not by a run
of the same inputs while the first is still going, and gone once the run is finished."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

from flows.resume import claim_run, finish_run, marker_path, run_key


def ids():
    counter = itertools.count(1)
    return lambda: f"20261205T060000-{next(counter):04x}"


def test_a_stopped_run_is_taken_over_and_a_running_one_is_not(tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text("transaction_id\nT1\n")
    key = run_key([str(orders)], None, None, None, None, None)
    runs, work = tmp_path / "runs", tmp_path / "work"
    new_id = ids()
    first = claim_run(runs, work, key, None, "", new_id)
    assert not first.resumed
    (work / first.run_id).mkdir(parents=True)

    # the run that wrote the marker has ended without its summary: the rerun takes it over
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    marker = marker_path(runs, key)
    marker.write_text(json.dumps(json.loads(marker.read_text()) | {"pid": int(ended.stdout)}))
    again = claim_run(runs, work, key, None, "", new_id)
    assert again.resumed and again.run_id == first.run_id and again.out == first.out
    assert not (work / first.run_id).exists(), "the stopped run's work folder is removed"

    # a run of the same inputs still going in another process is left alone
    going = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        marker.write_text(json.dumps(json.loads(marker.read_text()) | {"pid": going.pid}))
        other = claim_run(runs, work, key, None, "", new_id)
        assert not other.resumed and other.run_id != first.run_id
    finally:
        going.kill()
        going.wait()

    finish_run(runs, key)
    assert not marker.exists()
    assert not claim_run(runs, work, key, None, "", new_id).resumed


def test_other_inputs_are_another_run(tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text("transaction_id\nT1\n")
    before = run_key([str(orders)], None, None, None, None, None)
    orders.write_text("transaction_id\nT2\n")
    assert run_key([str(orders)], None, None, None, None, None) != before
    assert run_key([str(orders)], None, None, None, 2, None) != run_key(
        [str(orders)], None, None, None, None, None
    )
