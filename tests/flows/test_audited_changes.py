"""Every command that changes what screening uses is in the audit trail (who, when, what,
why), and a change whose entry cannot be written does not stay.

`watchlist add/update/activate/deactivate`, `rescreen`, `train` and `models activate` are
run as a user runs them; the account log is read back from the case store. An entry that
cannot be written is a real database failure: a trigger that refuses inserts into the log.
"""

from __future__ import annotations

import functools
import json
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from cases import tables as t
from cases.audit import verify_trail
from cases.store import CaseStore
from detectors.ml.registry import ModelRegistry
from flows.cli import app
from flows.history import TransactionHistory
from flows.settings import Workspace
from watchlists import SnapshotStore, sample_path

ROOT, ROOT_PASSWORD = "root", "maple-kettle-orbit-93"
ANN, ANN_PASSWORD = "ann", "river-candle-fjord-27"


def redflag(home: Path, *args: object, secret: str | None = None):
    line = None if secret is None else secret + "\n"
    argv = ["--workspace", str(home), *map(str, args)]
    return CliRunner().invoke(app, argv, input=line, env={"COLUMNS": "200"})


def account_log(home: Path, prefix: str) -> list[tuple[str, str, str, dict]]:
    """(actor, event, subject, details) of the log entries whose event starts with `prefix`."""
    store = CaseStore.for_workspace(home)
    try:
        a = t.audit_log.c
        with store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(a.actor, a.event, a.subject, a.details_json)
                .where(a.event.like(f"{prefix}%"))
                .order_by(a.entry_id)
            ).all()
        assert verify_trail(store.engine).ok
    finally:
        store.close()
    return [(r.actor, r.event, r.subject, json.loads(r.details_json or "{}")) for r in rows]


def add_accounts(home: Path) -> None:
    store = CaseStore.for_workspace(home)
    store.accounts.add(ROOT, "admin", ROOT_PASSWORD)
    store.accounts.add(ANN, "analyst", ANN_PASSWORD)
    store.close()


def refuse_log_entries(home: Path) -> None:
    """Make the account log refuse every new entry, as a full or read-only disk would."""
    store = CaseStore.for_workspace(home)
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TRIGGER refuse_log BEFORE INSERT ON audit_log "
            "BEGIN SELECT RAISE(ABORT, 'the audit log cannot be written'); END"
        )
    store.close()


def active_lists(home: Path) -> dict[str, str]:
    return {i.source: i.id for i in SnapshotStore(Workspace(home).watchlists).active_snapshots()}


def edited_sample(tmp_path: Path) -> Path:
    edited = tmp_path / "v2.csv"
    edited.write_text(sample_path().read_text(encoding="utf-8") + "\n", encoding="utf-8")
    return edited


def test_adding_a_list_version_is_audited_as_whoever_logged_in(tmp_path):
    # Contract 2's `watchlist add` stays open to any operator; the entry says who it was
    home = tmp_path / "ws"
    first = redflag(home, "watchlist", "add", sample_path(), "--reason", "first list")
    assert first.exit_code == 0, first.output
    add_accounts(home)
    wrong = redflag(home, "watchlist", "add", edited_sample(tmp_path), "--user", ANN,
                    secret="not her password")  # fmt: skip
    assert wrong.exit_code == 2 and "cannot authenticate 'ann'" in wrong.stderr
    assert active_lists(home) == {"sample": "wl-0001"}
    done = redflag(home, "watchlist", "add", edited_sample(tmp_path), "--user", ANN,
                   "--reason", "October release", secret=ANN_PASSWORD)  # fmt: skip
    assert done.exit_code == 0, done.output
    assert active_lists(home) == {"csl": "wl-0002"}

    entries = account_log(home, "watchlist_")
    assert [(actor, event, subject) for actor, event, subject, _ in entries] == [
        ("system", "watchlist_added", "wl-0001"),
        ("ann", "watchlist_added", "wl-0002"),
    ]
    first_details, second_details = entries[0][3], entries[1][3]
    assert first_details["reason"] == "first list" and first_details["previous"] is None
    assert second_details["source"] == "csl" and second_details["created"] is True
    assert second_details["files"][0][0] == "v2.csv" and len(second_details["files"][0][1]) == 64
    shown = redflag(home, "audit", "log", "--event", "watchlist_added").stdout.splitlines()
    assert [line.split()[3:6] for line in shown] == [
        ["system", "watchlist_added", "wl-0001"],
        ["ann", "watchlist_added", "wl-0002"],
    ]


def test_a_list_change_whose_entry_cannot_be_written_does_not_stay(tmp_path):
    home = tmp_path / "ws"
    assert redflag(home, "watchlist", "add", sample_path()).exit_code == 0
    assert redflag(home, "watchlist", "add", edited_sample(tmp_path)).exit_code == 0
    refuse_log_entries(home)

    switched = redflag(home, "watchlist", "activate", "wl-0001", "--reason", "roll back")
    assert switched.exit_code != 0
    assert active_lists(home) == {"csl": "wl-0002"}
    stopped = redflag(home, "watchlist", "deactivate", "csl")
    assert stopped.exit_code != 0
    assert active_lists(home) == {"csl": "wl-0002"}

    third = tmp_path / "v3.csv"
    third.write_text(edited_sample(tmp_path).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    added = redflag(home, "watchlist", "add", third)
    assert added.exit_code != 0
    assert active_lists(home) == {"csl": "wl-0002"}
    store = SnapshotStore(Workspace(home).watchlists)
    assert [i.id for i in store.list()] == ["wl-0001", "wl-0002"]
    assert not (store.root / "wl-0003").exists()  # its files went with it
    assert [actor for actor, *_ in account_log(home, "watchlist_")] == ["system", "system"]


def test_an_update_from_the_official_sources_is_audited(tmp_path):
    from http.server import SimpleHTTPRequestHandler

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "consolidated.csv").write_bytes(sample_path().read_bytes())
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(mirror)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/consolidated.csv"
    config = tmp_path / "watchlists.yaml"
    config.write_text(
        "sources:\n  csl:\n    format: csl_csv\n    label: mirror CSL\n"
        f"    files:\n      - url: {url}\n        min_bytes: 1000\n",
        encoding="utf-8",
    )
    home = tmp_path / "ws"
    try:
        done = redflag(home, "watchlist", "update", "--config", config, "--reason", "weekly")
        assert done.exit_code == 0, done.output
        again = redflag(home, "watchlist", "update", "--config", config)
        assert again.exit_code == 0 and "not_modified" in again.output
    finally:
        httpd.shutdown()
        httpd.server_close()
    [(actor, event, subject, details)] = account_log(home, "watchlist_")
    assert (actor, event, subject) == ("system", "watchlist_updated", "wl-0001")
    assert details["urls"] == [url] and details["reason"] == "weekly"
    assert details["status"] == "updated" and details["previous"] is None


@pytest.fixture
def history_home(tmp_path: Path) -> Path:
    """A workspace whose transaction history holds a regular order book."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "ml"))
    from canonical_frames import labelled_book

    orders, _ = labelled_book(300, 40, seed=43)
    home = tmp_path / "ws"
    TransactionHistory(Workspace(home).ensure().history).append(orders, "R-1")
    return home


def test_training_is_audited_and_undone_when_its_entry_cannot_be_written(history_home):
    home = history_home
    trained = redflag(home, "train", "--kind", "anomaly", "--reason", "first fit")
    assert trained.exit_code == 0, trained.output
    registry = ModelRegistry(Workspace(home).models)
    [model] = registry.list()
    [(actor, event, subject, details)] = account_log(home, "model_")
    assert (actor, event, subject) == ("system", "model_trained", model.version)
    assert details["activated"] == {"anomaly": model.version}
    assert details["previous"] == {"anomaly": None}
    assert details["kind"] == "anomaly" and details["reason"] == "first fit"

    refuse_log_entries(home)
    failed = redflag(home, "train", "--kind", "anomaly")
    assert failed.exit_code == 1
    assert [m.version for m in registry.list()] == [model.version]  # the new one went
    assert registry.active("anomaly").version == model.version


def test_training_is_recorded_as_whoever_logged_in(history_home):
    # Contract 2's `train` stays open to any operator once accounts exist
    add_accounts(history_home)
    wrong = redflag(history_home, "train", "--kind", "anomaly", "--user", ANN,
                    secret="not her password")  # fmt: skip
    assert wrong.exit_code == 2
    assert ModelRegistry(Workspace(history_home).models).list() == []
    by_ann = redflag(history_home, "train", "--kind", "anomaly", "--user", ANN,
                     secret=ANN_PASSWORD)  # fmt: skip
    assert by_ann.exit_code == 0, by_ann.output
    anonymous = redflag(history_home, "train", "--kind", "anomaly")
    assert anonymous.exit_code == 0, anonymous.output
    entries = account_log(history_home, "model_trained")
    assert [actor for actor, *_ in entries] == ["ann", "system"]


def test_a_model_activation_whose_entry_cannot_be_written_does_not_stay(history_home):
    home = history_home
    assert redflag(home, "train", "--kind", "anomaly").exit_code == 0
    assert redflag(home, "train", "--kind", "anomaly").exit_code == 0
    registry = ModelRegistry(Workspace(home).models)
    newer, older = (m.version for m in registry.list())
    refuse_log_entries(home)
    switched = redflag(home, "models", "activate", older, "--reason", "roll back")
    assert switched.exit_code == 1
    assert registry.active("anomaly").version == newer


@pytest.mark.flow
def test_a_rescreen_is_audited(prefect_harness, tmp_path):
    from test_rescreen_flow import LIST_A, NEW_ENTRY, clean_orders

    home = tmp_path / "ws"
    orders, version_a, version_b = tmp_path / "orders.csv", tmp_path / "a.csv", tmp_path / "b.csv"
    clean_orders().to_csv(orders, index=False)
    pd.DataFrame(LIST_A).to_csv(version_a, index=False)
    pd.DataFrame(LIST_A + [NEW_ENTRY]).to_csv(version_b, index=False)
    day = redflag(home, "run", "-t", orders, "-w", version_a, "--out", tmp_path / "day")
    assert day.exit_code == 0, day.output
    add_accounts(home)
    wrong = redflag(home, "rescreen", "-w", version_b, "--user", ANN, secret="not hers")
    assert wrong.exit_code == 2 and "cannot authenticate 'ann'" in wrong.stderr
    done = redflag(home, "rescreen", "-w", version_b, "--since", "2021-01-01", "--user", ROOT,
                   "--reason", "new internal list", "--out", tmp_path / "r1",
                   secret=ROOT_PASSWORD)  # fmt: skip
    assert done.exit_code == 0, done.output
    summary = json.loads((tmp_path / "r1" / "run_summary.json").read_text(encoding="utf-8"))
    [(actor, event, subject, details)] = account_log(home, "rescreen")
    assert (actor, event, subject) == ("root", "rescreen", summary["run_id"])
    assert details["reason"] == "new internal list" and details["since"] == "2021-01-01"
    assert details["cases_opened"] == 1
    [source] = details["watchlist_sources"]
    assert source["id"] == active_lists(home)[source["source"]]
