"""Pipeline settings read late in a run are checked when the settings are loaded: a wrong
value is refused in one line naming the file and the key, before any order is read."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands.generate import generate_command
from flows.settings import RunSettings, load_pipeline_settings, watchlist_alongside


def test_the_alongside_setting_reads_auto_true_and_false():
    assert watchlist_alongside({"screening": {"watchlist_alongside": False}}) is False
    assert watchlist_alongside({"screening": {"watchlist_alongside": True}}) is True
    assert watchlist_alongside({}) == ((os.cpu_count() or 1) > 1)
    with pytest.raises(ValueError, match="screening.watchlist_alongside: expected auto"):
        watchlist_alongside({"screening": {"watchlist_alongside": "sometimes"}})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("outputs:\n  render_workers: many\n", "outputs.render_workers: expected a number"),
        ("ingest:\n  workers: lots\n", "ingest.workers: expected a number or auto"),
        ("screening:\n  watchlist_alongside: sometimes\n", "screening.watchlist_alongside"),
        ("screening: true\n", "screening: expected a mapping of settings"),
        ("outputs: 4\n", "outputs: expected a mapping of settings"),
    ],
)
def test_a_wrong_setting_is_refused_at_loading_naming_file_and_key(tmp_path, text, message):
    config = tmp_path / "site.yaml"
    config.write_text(text)
    with pytest.raises(ValueError, match="^" + re.escape(f"{config}: {message}")) as raised:
        load_pipeline_settings(config)
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("history:\n  lookback_days: -30\n", "history.lookback_days: expected a number of days"),
        ("history:\n  lookback_days: soon\n", "history.lookback_days: expected a number"),
        ("policy_pack: ''\n", "policy_pack: expected a name"),
        ("detectors:\n  ml: 'no'\n", "detectors.ml: expected true or false"),
        ("network:\n  enabled: 1\n", "network.enabled: expected true or false"),
        ("network:\n  hopz: 3\n", "network.hopz: unknown setting"),
        ("partitions: 0\n", "partitions: expected a number of at least 1 or auto"),
        ("partitions: some\n", "partitions: expected a number of at least 1 or auto"),
    ],
)
def test_typed_run_settings_refuse_a_bad_key_or_value_naming_file_and_key(tmp_path, text, message):
    config = tmp_path / "site.yaml"
    config.write_text(text)
    with pytest.raises(ValueError, match="^" + re.escape(f"{config}: {message}")) as raised:
        RunSettings.load(config)
    assert "\n" not in str(raised.value)


def test_typed_run_settings_read_the_bundled_file_and_an_override(tmp_path):
    default = RunSettings.load()
    assert default.lookback_days == 1825 and default.detectors.ml is True
    assert default.network_enabled is True and default.policy_layers is None
    assert default.partitions is None
    assert default.raw == load_pipeline_settings()
    config = tmp_path / "site.yaml"
    config.write_text("history:\n  lookback_days: 90\ndetectors:\n  ml: false\n")
    site = RunSettings.load(config)
    assert site.lookback_days == 90 and site.detectors.ml is False
    assert site.detectors.watchlist is True and site.raw["history"]["lookback_days"] == 90


def test_the_bundled_settings_load():
    settings = load_pipeline_settings()
    assert settings["screening"]["watchlist_alongside"] == "auto"


@pytest.mark.flow
def test_a_run_with_a_wrong_late_setting_stops_before_reading_the_orders(
    prefect_harness, tmp_path: Path
):
    orders, listed = tmp_path / "orders.csv", tmp_path / "list.csv"
    generate_command(rows=200, seed=5, out=orders, labels=tmp_path / "labels.csv",
                     watchlist_out=listed)  # fmt: skip
    config = tmp_path / "site.yaml"
    config.write_text("outputs:\n  render_workers: many\n")
    home = tmp_path / "ws"
    result = CliRunner().invoke(
        app,
        ["--workspace", str(home), "run", "-t", str(orders), "-w", str(listed),
         "--config", str(config), "--out", str(tmp_path / "out"), "--no-progress"],
    )  # fmt: skip
    assert result.exit_code != 0
    assert f"{config}: outputs.render_workers: expected a number or auto" in result.output
    assert not list(home.glob("history/*.parquet")), "no order may be kept in the history"
