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
