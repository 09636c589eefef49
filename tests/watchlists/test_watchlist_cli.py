"""`redflag watchlist add/list/diff/activate` as a user runs them."""

from __future__ import annotations

import csv
import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import sqlalchemy as sa
from typer.testing import CliRunner

from cases import tables as t
from cases.audit import verify_trail
from cases.store import CaseStore
from flows.commands.watchlist import app
from watchlists import sample_path

runner = CliRunner()


class QuietFileHandler(SimpleHTTPRequestHandler):
    """Serves a folder like a plain web server (Last-Modified, 304), without logging."""

    def log_message(self, *args) -> None:
        pass


def run(workspace, *args):
    return runner.invoke(
        app, list(map(str, args)), obj={"workspace": workspace}, env={"COLUMNS": "200"}
    )


def test_add_twice_then_list(tmp_path):
    first = run(tmp_path, "add", sample_path(), "--label", "demo list")
    assert first.exit_code == 0, first.output
    assert "Added snapshot wl-0001 (demo list, csl_csv): 40 entries" in first.output
    again = run(tmp_path, "add", sample_path())
    assert again.exit_code == 0
    assert "No change: these files are already snapshot wl-0001" in again.output
    listing = run(tmp_path, "list")
    assert listing.exit_code == 0
    assert (
        "wl-0001" in listing.output and "demo list" in listing.output and "EL 13" in listing.output
    )


def test_add_a_non_list_file_exits_2_with_one_line_on_stderr(tmp_path):
    orders = tmp_path / "orders.csv"
    orders.write_text("transaction_id,customer_name\nT-1,Acme\n", encoding="utf-8")
    result = run(tmp_path, "add", orders)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: orders.csv: not a watchlist file")
    assert not (tmp_path / "watchlists" / "index.json").exists()


def test_diff_two_snapshots_as_table_and_csv(tmp_path):
    run(tmp_path, "add", sample_path())
    edited = tmp_path / "v2.csv"
    lines = sample_path().read_text(encoding="utf-8").splitlines(keepends=True)
    edited.write_text("".join(lines[:-3]), encoding="utf-8")
    run(tmp_path, "add", edited, "--label", "v2")
    out = tmp_path / "changes.csv"
    result = run(tmp_path, "diff", "wl-0001", "wl-0002", "--csv", out)
    assert result.exit_code == 0, result.output
    assert "0 added, 3 removed, 0 changed" in result.output
    with out.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert [r["change"] for r in rows] == ["removed"] * 3
    assert rows[-1]["name"] == "SEA ORCHID"


def test_diff_accepts_a_file_and_rejects_an_unknown_snapshot(tmp_path):
    run(tmp_path, "add", sample_path())
    same = run(tmp_path, "diff", "wl-0001", sample_path())
    assert same.exit_code == 0 and "0 added, 0 removed, 0 changed" in same.output
    unknown = run(tmp_path, "diff", "wl-0001", "wl-0042")
    assert unknown.exit_code == 2
    assert "no watchlist snapshot 'wl-0042'" in unknown.stderr


def test_activate_an_earlier_snapshot(tmp_path):
    run(tmp_path, "add", sample_path())
    edited = tmp_path / "v2.csv"
    edited.write_text(sample_path().read_text(encoding="utf-8") + "\n", encoding="utf-8")
    run(tmp_path, "add", edited)
    result = run(tmp_path, "activate", "wl-0001")
    assert result.exit_code == 0 and "Active watchlist snapshot: wl-0001" in result.output
    listing = run(tmp_path, "list").output.splitlines()
    assert any("*" in line and "wl-0001" in line for line in listing)


def test_update_with_an_unknown_source_is_a_usage_error(tmp_path):
    result = run(tmp_path, "update", "--source", "nowhere")
    assert result.exit_code == 2
    assert "unknown source nowhere" in result.stderr


def test_update_from_a_local_mirror_uses_last_modified_and_reports_failures(tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "consolidated.csv").write_bytes(sample_path().read_bytes())
    handler = functools.partial(QuietFileHandler, directory=str(mirror))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    config = tmp_path / "watchlists.yaml"
    config.write_text(
        "sources:\n"
        "  csl:\n    format: csl_csv\n    label: mirror CSL\n"
        f"    files:\n      - url: {base}/consolidated.csv\n        min_bytes: 1000\n"
        "  un:\n    format: un_xml\n"
        f"    files:\n      - url: {base}/consolidated.xml\n",
        encoding="utf-8",
    )
    try:
        first = run(tmp_path, "update", "--config", config, "--source", "csl")
        assert first.exit_code == 0, first.output
        assert "csl: updated" in first.output and "wl-0001" in first.output
        second = run(tmp_path, "update", "--config", config, "--source", "csl")
        assert second.exit_code == 0 and "csl: not_modified" in second.output
        both = run(tmp_path, "update", "--config", config)
        assert both.exit_code == 1
        assert "un: failed" in both.output and "HTTP 404" in both.output
        assert both.stderr.startswith("error: 1 of 2 downloads failed")
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_sources_listed_with_their_active_snapshot_and_deactivated(tmp_path, shared_watchlists):
    assert run(tmp_path, "add", shared_watchlists / "un").exit_code == 0
    added = run(tmp_path, "add", shared_watchlists / "ofac-consolidated")
    assert "It is now the active ofac_consolidated version" in added.output
    assert "Active sources: ofac_consolidated wl-0002, un wl-0001." in added.output
    listing = run(tmp_path, "list")
    assert "Screened together (* above): ofac_consolidated wl-0002, un wl-0001." in listing.output
    dropped = run(tmp_path, "deactivate", "un")
    assert dropped.exit_code == 0 and "active sources: ofac_consolidated wl-0002" in dropped.output
    unknown = run(tmp_path, "deactivate", "un")
    assert unknown.exit_code == 2 and unknown.stderr.startswith("error: no active list source 'un'")


def test_an_sdn_without_its_aliases_file_is_refused_in_one_line(tmp_path, shared_watchlists):
    folder = tmp_path / "sdn"
    folder.mkdir()
    for name in ("sdn.csv", "add.csv"):
        (folder / name).write_bytes((shared_watchlists / "ofac-sdn" / name).read_bytes())
    refused = run(tmp_path / "ws", "add", folder)
    assert refused.exit_code == 2 and refused.stderr.count("\n") == 1
    assert refused.stderr.startswith("error: ofac_sdn: alt.csv (aliases) missing")
    assert run(tmp_path / "ws", "add", folder, "--partial").exit_code == 0


def test_diff_csv_cells_are_inert_in_a_spreadsheet(tmp_path):
    old = tmp_path / "own-v1.csv"
    new = tmp_path / "own-v2.csv"
    header = "id,name,aliases,country,address,list,notes\n"
    old.write_text(header + "A-1,Acme Trading,,CN,,Own list,\n", encoding="utf-8")
    new.write_text(
        header
        + 'A-1,Acme Trading,,CN,,Own list,\nA-2,"=HYPERLINK(""http://x.test"")",,CN,,Own list,\n',
        encoding="utf-8",
    )
    result = run(tmp_path / "ws", "diff", old, new, "--csv", tmp_path / "diff.csv")
    assert result.exit_code == 0, result.output
    with (tmp_path / "diff.csv").open(encoding="utf-8", newline="") as handle:
        [row] = list(csv.DictReader(handle))
    assert row["change"] == "added" and row["name"] == '\'=HYPERLINK("http://x.test")'


def test_switching_lists_needs_an_admin_and_is_audited(tmp_path):
    """`watchlist activate/deactivate` change what every later run screens with: the
    system's (with a warning) before the case store has an admin, an admin's after;
    each change is in the audit trail with who, what and why."""
    run(tmp_path, "add", sample_path())
    edited = tmp_path / "v2.csv"
    edited.write_text(sample_path().read_text(encoding="utf-8") + "\n", encoding="utf-8")
    run(tmp_path, "add", edited)
    early = run(tmp_path, "activate", "wl-0001", "--reason", "compare with the sample")
    assert early.exit_code == 0 and "no admin account yet" in early.stderr
    store = CaseStore.for_workspace(tmp_path)
    store.accounts.add("root", "admin", "maple-kettle-orbit-93")
    store.accounts.add("ann", "analyst", "river-candle-fjord-27")
    store.close()

    refused = runner.invoke(
        app, ["deactivate", "csl", "--user", "ann"], obj={"workspace": tmp_path},
        input="river-candle-fjord-27\n",
    )  # fmt: skip
    assert refused.exit_code == 2
    assert refused.stderr.strip().splitlines() == [
        "redflag: error: ann is analyst; deactivating a watchlist source needs admin"
    ]
    assert "csl wl-0002, sample wl-0001" in run(tmp_path, "list").output
    done = runner.invoke(
        app, ["deactivate", "csl", "--user", "root", "--reason", "screened elsewhere"],
        obj={"workspace": tmp_path}, input="maple-kettle-orbit-93\n",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    again = runner.invoke(
        app, ["activate", "wl-0002", "--user", "root"], obj={"workspace": tmp_path},
        input="maple-kettle-orbit-93\n",
    )  # fmt: skip
    assert again.exit_code == 0, again.output

    store = CaseStore.for_workspace(tmp_path)
    a = t.audit_log.c
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(a.actor, a.event, a.subject, a.details_json)
            .where(a.event.like("watchlist%"))
            .order_by(a.entry_id)
        ).all()
    assert verify_trail(store.engine).ok
    store.close()
    assert [(r.actor, r.event, r.subject) for r in rows] == [
        ("system", "watchlist_added", "wl-0001"),  # the two adds before there was an admin
        ("system", "watchlist_added", "wl-0002"),
        ("system", "watchlist_activated", "wl-0001"),
        ("root", "watchlist_deactivated", "csl"),
        ("root", "watchlist_activated", "wl-0002"),
    ]
    details = [json.loads(r.details_json) for r in rows[2:]]
    assert details[0]["previous"] is None and details[0]["reason"] == "compare with the sample"
    assert details[1] == {"snapshot": "wl-0002", "reason": "screened elsewhere"}
    assert details[2]["retired"] == ["sample"] and details[2]["reason"] is None
