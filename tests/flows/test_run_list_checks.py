"""`redflag run -w LIST` checks a new list version as `watchlist add` does, and takes the
same `--partial` / `--accept-shrink` to let a partial or shrunk version through."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.commands.generate import generate_command
from watchlists import SnapshotStore

pytestmark = pytest.mark.flow


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stderr + result.stdout


@pytest.fixture(scope="module")
def orders(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("orders")
    path = folder / "orders.csv"
    generate_command(rows=40, seed=7, out=path, labels=folder / "labels.csv")
    return path


def sdn_folder(tmp_path: Path, shared: Path, rows: int | None, only_main: bool) -> Path:
    """The real OFAC SDN folder, its sdn.csv cut to `rows` lines, without alt/add if asked."""
    folder = tmp_path / f"sdn-{rows}-{only_main}"
    if only_main:
        folder.mkdir()
        shutil.copy(shared / "ofac-sdn" / "sdn.csv", folder)
    else:
        shutil.copytree(shared / "ofac-sdn", folder)
    main = folder / "sdn.csv"
    main.chmod(0o644)
    if rows is not None:
        kept = main.read_bytes().splitlines(keepends=True)[:rows]
        main.write_bytes(b"".join(kept) + b"\x1a")  # a shorter list, as OFAC ends one
    return folder


def run_with(home: Path, orders: Path, listed: Path, *extra: str) -> tuple[int, str]:
    return invoke("--workspace", str(home), "run", "-t", str(orders), "-w", str(listed), *extra)


def test_run_refuses_a_partial_list_unless_partial(
    prefect_harness, orders, tmp_path, shared_watchlists
):
    home = tmp_path / "ws"
    partial = sdn_folder(tmp_path, shared_watchlists, 60, only_main=True)
    code, output = run_with(home, orders, partial)
    assert code == 2, output
    assert "alt.csv (aliases), add.csv (addresses) missing" in output
    assert "--partial on `watchlist add`, `run` or `rescreen`" in output
    assert SnapshotStore(home / "watchlists").list() == []

    code, output = run_with(home, orders, partial, "--partial")
    assert code == 0, output
    [snapshot] = SnapshotStore(home / "watchlists").list()
    assert snapshot.entry_count == 60  # sdn.csv has no header line
    summary = json.loads(next((home / "runs").glob("*/run_summary.json")).read_text())
    assert summary["versions"]["watchlist_snapshot"]["id"] == snapshot.id


def test_run_refuses_a_shrunk_list_unless_accept_shrink(
    prefect_harness, orders, tmp_path, shared_watchlists
):
    home = tmp_path / "ws"
    store = SnapshotStore(home / "watchlists")
    [(full, _)] = store.add_sources(shared_watchlists / "ofac-sdn")
    cut = sdn_folder(tmp_path, shared_watchlists, 500, only_main=False)
    code, output = run_with(home, orders, cut)
    assert code == 2, output
    assert "ofac_sdn: 500 entries, 94% fewer than wl-0001 (8,976)" in output
    assert SnapshotStore(home / "watchlists").active().id == full.id

    code, output = run_with(home, orders, cut, "--accept-shrink")
    assert code == 0, output
    active = SnapshotStore(home / "watchlists").active()
    assert active.id != full.id and active.entry_count == 500
