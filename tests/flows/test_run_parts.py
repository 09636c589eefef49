"""What every run has around its stages: the resources given back however the stages end,
and the summary's keys in run_summary.json's order."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows.run import RunResources
from flows.run_summary import RunSummary, input_files
from flows.runtime.shipping import published


def test_run_resources_withdraw_and_remove_the_work_folder_when_a_stage_fails(tmp_path):
    work = tmp_path / "work" / "run-1"
    with pytest.raises(RuntimeError, match="stage failed"), RunResources(work) as resources:
        (work / "orders").mkdir(parents=True)
        resources.publish("run-1", {"setup": True})
        assert published("run-1") == {"setup": True}
        assert resources.runner == "default"
        raise RuntimeError("stage failed")
    assert not work.exists()
    with pytest.raises(RuntimeError, match="not shipped"):
        published("run-1")


def test_a_daily_summary_has_its_keys_in_order_and_no_rescreen_keys(tmp_path):
    summary = RunSummary(
        run_id="r", started_at="t0", inputs=[], counts={"rows_read": 1}, not_evaluable=[],
        partitions={"count": 1}, network={"enabled": False}, skipped_detectors=[],
        versions={"code": "x"}, drift={"drifted": False},
    )  # fmt: skip
    assert list(summary.to_dict()) == [
        "run_id", "started_at", "finished_at", "inputs", "counts", "not_evaluable",
        "partitions", "network", "skipped_detectors", "versions", "drift",
    ]  # fmt: skip
    assert summary.to_dict()["finished_at"] is None  # written as null until the end
    summary.finish(datetime(2026, 12, 6, tzinfo=UTC), {"setup": 1.0}, tmp_path / "out")
    keys = list(summary.to_dict())
    assert keys[-2:] == ["timings_seconds", "outputs"] and keys[2] == "finished_at"
    with_owners = RunSummary(run_id="r", versions={}, ownership={"owners": 1}, drift={})
    assert list(with_owners.to_dict())[-2:] == ["ownership", "drift"]


def test_a_rescreen_summary_has_its_keys_in_order(tmp_path: Path):
    listed = tmp_path / "list.csv"
    listed.write_text("name\n")
    summary = RunSummary(
        run_id="r", kind="rescreen", trigger="watchlist change", started_at="t0",
        inputs=input_files([("url://list", listed), ("gone", tmp_path / "gone.csv")]),
        since="2021-01-01", counts={}, versions={},
    )  # fmt: skip
    summary.finish(datetime(2026, 12, 6, tzinfo=UTC), {}, tmp_path)
    assert list(summary.to_dict()) == [
        "run_id", "kind", "trigger", "started_at", "finished_at", "inputs", "since", "counts",
        "versions", "timings_seconds", "outputs",
    ]  # fmt: skip
    assert [i["sha256"] is None for i in summary.inputs] == [False, True]
