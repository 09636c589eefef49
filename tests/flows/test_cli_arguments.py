"""Contract 2's argument forms: `--watchlist FILE…` and `--workspace DIR` after the command."""

from __future__ import annotations

import subprocess
import sys

from flows.cli import expand_multi_value_options, hoist_workspace


def test_several_values_after_one_flag_become_repeated_flags():
    argv = ["run", "--transactions", "a.csv", "b.csv", "--watchlist", "sdn", "un.xml", "--out", "o"]
    assert expand_multi_value_options(argv) == [
        "run", "--transactions", "a.csv", "--transactions", "b.csv",
        "--watchlist", "sdn", "--watchlist", "un.xml", "--out", "o",
    ]  # fmt: skip


def test_workspace_is_accepted_after_the_command():
    assert hoist_workspace(["cases", "list", "--workspace", "ws", "--status", "open"]) == [
        "--workspace", "ws", "cases", "list", "--status", "open",
    ]  # fmt: skip
    assert hoist_workspace(["watchlist", "list", "--workspace=ws"]) == [
        "--workspace=ws",
        "watchlist",
        "list",
    ]


def test_console_script_takes_workspace_after_a_subcommand(tmp_path):
    from watchlists import sample_path

    def redflag(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True, timeout=120
        )

    added = redflag("watchlist", "add", str(sample_path()), "--workspace", str(tmp_path / "ws"))
    assert added.returncode == 0, added.stderr
    assert (tmp_path / "ws" / "watchlists").is_dir()
    listed = redflag("watchlist", "list", "--workspace", str(tmp_path / "ws"))
    assert listed.returncode == 0 and "wl-0001" in listed.stdout


def test_python_m_flows_cli_runs_the_whole_command_line(tmp_path):
    """`python -m flows.cli` is the `redflag` console script: every command, the
    pipeline's and the model registry's included."""

    def module(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "flows.cli", *args], capture_output=True, text=True, timeout=120
        )

    shown = module("--help")
    assert shown.returncode == 0, shown.stderr
    listed = {line.split()[1] for line in shown.stdout.splitlines() if line.startswith("│ ")}
    for command in ("run", "demo", "rescreen", "screen-names", "train", "models", "cases"):
        assert command in listed, shown.stdout
    models = module("models", "list", "--workspace", str(tmp_path / "ws"))
    assert models.returncode == 0, models.stderr
    assert "no models in" in models.stdout
    unknown = module("models", "activate", "supervised-none", "--workspace", str(tmp_path))
    assert unknown.returncode == 2
    assert unknown.stderr.strip().splitlines() == [
        f"redflag: error: no model version 'supervised-none' in {tmp_path / 'models'}"
    ]
