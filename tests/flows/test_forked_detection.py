"""The watchlist family screening in a forked process while the other families run in
the run's own process: the same results, in the same order, as one after another; and
the forked call that carries it (result, failure, a dead process)."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pandas as pd
import pytest

from detectors.base import DetectorResult, empty_flags
from flows.partition_tasks import detect_all
from flows.runtime.forked import ForkedCall
from flows.runtime.forking import can_fork

needs_fork = pytest.mark.skipif(not can_fork(), reason="this platform cannot fork")


def double(x: int) -> int:
    return 2 * x


def fail(message: str) -> None:
    raise ValueError(message)


@needs_fork
def test_a_forked_call_returns_its_result(tmp_path):
    call = ForkedCall(double, (21,), tmp_path / "call.result")
    assert call.outcome("doubling") == 42
    assert not (tmp_path / "call.result").exists()


@needs_fork
def test_a_forked_call_that_fails_raises_with_its_traceback(tmp_path):
    call = ForkedCall(fail, ("no such list",), tmp_path / "call.result")
    with pytest.raises(RuntimeError, match=r"doubling failed: .*ValueError: no such list"):
        call.outcome("doubling")


@needs_fork
def test_a_forked_call_whose_process_dies_names_its_exit_code(tmp_path):
    call = ForkedCall(os._exit, (3,), tmp_path / "call.result")
    with pytest.raises(RuntimeError, match="doubling failed: the worker process ended with code 3"):
        call.outcome("doubling")


class Reporting:
    """A detector family that flags every order with its code and the process it ran in."""

    def __init__(self, code: str) -> None:
        self.code = code

    def detect(self, transactions: pd.DataFrame, context: object) -> DetectorResult:
        flags = empty_flags().reindex(range(len(transactions)))
        flags["transaction_id"] = transactions["transaction_id"].to_numpy()
        flags["code"] = self.code
        return DetectorResult(flags, [], {"pid": os.getpid()})


def families(alongside: bool) -> SimpleNamespace:
    detectors = {"watchlist": Reporting("P1"), "rules": Reporting("F1"), "ml": Reporting("ML")}
    return SimpleNamespace(detectors=detectors, watchlist_alongside=alongside)


@needs_fork
@pytest.mark.parametrize("alongside", [True, False])
def test_detectors_give_the_same_results_in_their_order_either_way(tmp_path, alongside):
    orders = pd.DataFrame({"transaction_id": ["t1", "t2", "t3"]})
    results, seconds = detect_all(families(alongside), orders, None, tmp_path)
    assert list(results) == ["watchlist", "rules", "ml"]
    assert [r.flags["code"].tolist() for r in results.values()] == [
        ["P1"] * 3,
        ["F1"] * 3,
        ["ML"] * 3,
    ]
    assert list(seconds) == ["watchlist", "rules", "ml"]  # the families' order either way
    apart = results["watchlist"].details["pid"] != os.getpid()
    assert apart == alongside
    assert all(results[f].details["pid"] == os.getpid() for f in ("rules", "ml"))
    assert list(tmp_path.iterdir()) == []  # the result file is gone


@needs_fork
def test_a_failing_watchlist_screen_fails_the_partition(tmp_path):
    class Broken:
        def detect(self, transactions: pd.DataFrame, context: object) -> DetectorResult:
            raise KeyError("entry_id")

    setup = families(True)
    setup.detectors["watchlist"] = Broken()
    with pytest.raises(RuntimeError, match="the watchlist detector failed: .*KeyError"):
        detect_all(setup, pd.DataFrame({"transaction_id": ["t1"]}), None, tmp_path)
