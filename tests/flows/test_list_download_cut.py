"""Chaos: a list download cut off. A real HTTP server process serves the real OFAC SDN
and UN files; `redflag watchlist update` and `redflag run -w URL`, each its own process,
fetch a new version that arrives cut short in the ways servers cut it. Each is refused
in one line, and the previous snapshots stay active with their cached files."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.commands.generate import generate_command
from watchlists import SnapshotStore

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.flow

OFAC_FILES = ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")


def environment() -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    }


def redflag(home: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", "from flows.cli import main; main()", "--workspace", str(home)]
    return subprocess.run([*command, *args], env=environment(), capture_output=True, text=True,
                          timeout=600)  # fmt: skip


@pytest.fixture
def served(tmp_path, shared_watchlists):
    """(root, base URL, sources file) of a list server process on a free port."""
    root = tmp_path / "served"
    (root / "ofac").mkdir(parents=True)
    (root / "un").mkdir()
    for name in OFAC_FILES:
        shutil.copy(shared_watchlists / "ofac-sdn" / name, root / "ofac" / name)
    shutil.copy(shared_watchlists / "un" / "consolidated.xml", root / "un")
    port_file = tmp_path / "port"
    server = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("list_server.py")), str(root), str(port_file)]
    )
    try:
        for _ in range(100):
            if port_file.exists() and port_file.read_text():
                break
            time.sleep(0.1)
        base = f"http://127.0.0.1:{port_file.read_text()}"
        sources = {
            "sources": {
                "ofac_sdn": {
                    "format": "ofac_sdn",
                    "files": [{"url": f"{base}/ofac/{n}", "filename": n} for n in OFAC_FILES],
                },
                "un": {
                    "format": "un_xml",
                    "files": [
                        {"url": f"{base}/un/consolidated.xml", "filename": "consolidated.xml"}
                    ],
                },
            }
        }
        config = tmp_path / "sources.yaml"
        config.write_text(json.dumps(sources))  # JSON is YAML
        yield root, base, config
    finally:
        server.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=10)


def state(home: Path) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """Snapshot ids, active snapshot per source, and sha256 of every cached download."""
    store = SnapshotStore(home / "watchlists")
    downloads = home / "watchlists" / "downloads"
    cached = {
        str(p.relative_to(downloads)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(downloads.rglob("*"))
        if p.is_file()
    }
    active = {s.source: s.id for s in store.active_snapshots()}
    return [s.id for s in store.list()], active, cached


CUTS = [
    ({"/ofac/sdn.csv": 0.9}, "partial download"),  # fewer bytes than Content-Length said
    ({"/ofac/alt.csv": [0.6, "lines"]}, "alt.csv ends without OFAC's end-of-file mark"),
    ({"/ofac/sdn.csv": [0.9, "lines"]}, "sdn.csv ends without OFAC's end-of-file mark"),
    ({"/ofac/add.csv": [0.5, "no-length"]}, "add.csv"),
    ({"/un/consolidated.xml": [0.9, "no-length"]}, "not well-formed XML"),
]


def test_a_cut_off_download_is_refused_and_the_last_good_snapshot_stays(served, tmp_path):
    root, _base, config = served
    home = tmp_path / "ws"
    first = redflag(home, "watchlist", "update", "--config", str(config))
    assert first.returncode == 0, first.stderr + first.stdout
    before = state(home)
    assert len(before[0]) == 2 and set(before[1]) == {"ofac_sdn", "un"}

    for cut, reason in CUTS:
        (root / "cut.json").write_text(json.dumps(cut))
        done = redflag(home, "watchlist", "update", "--config", str(config))
        assert done.returncode == 1, (cut, done.stdout, done.stderr)
        assert reason in done.stdout and "last good snapshot kept" in done.stdout, (
            cut,
            done.stdout,
        )
        assert state(home) == before, cut
        assert not list((home / "watchlists" / "downloads").rglob(".staging-*"))

    (root / "cut.json").unlink()  # the server recovers: the same files, nothing new
    again = redflag(home, "watchlist", "update", "--config", str(config))
    assert again.returncode == 0 and state(home) == before


def test_a_run_given_a_cut_off_list_url_is_refused_and_screens_nothing(
    prefect_harness, served, tmp_path
):
    root, base, config = served
    home = tmp_path / "ws"
    assert redflag(home, "watchlist", "update", "--config", str(config)).returncode == 0
    before = state(home)
    orders = tmp_path / "orders.csv"
    generate_command(rows=20, seed=5, out=orders, labels=tmp_path / "labels.csv")

    (root / "cut.json").write_text(json.dumps({"/un/consolidated.xml": [0.9, "no-length"]}))
    done = redflag(home, "run", "-t", str(orders), "-w", f"{base}/un/consolidated.xml")
    assert done.returncode == 2, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert "consolidated.xml" in last and "not well-formed XML" in last and len(last) < 400
    assert state(home) == before
    assert not list((home / "runs").glob("*/scored_transactions.csv"))
