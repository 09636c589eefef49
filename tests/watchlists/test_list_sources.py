"""Each list source has its own series of snapshots; all active sources are screened
together; a new version that looks cut short is refused."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from watchlists import SnapshotStore, WatchlistSanityError, sample_path
from watchlists.snapshots import SnapshotError


@pytest.fixture
def store(tmp_path):
    return SnapshotStore(tmp_path / "watchlists")


def test_two_sources_stay_active_together_and_readding_one_changes_nothing(
    store, shared_watchlists
):
    [(sdn, _)] = store.add_sources(shared_watchlists / "ofac-sdn")
    [(un, _)] = store.add_sources(shared_watchlists / "un")
    assert (sdn.source, un.source) == ("ofac_sdn", "un")
    assert [s.id for s in store.active_snapshots()] == [sdn.id, un.id]
    [(again, created)] = store.add_sources(shared_watchlists / "ofac-sdn")
    assert not created and again.id == sdn.id
    assert [s.id for s in store.active_snapshots()] == [sdn.id, un.id]
    screened = store.screened()
    assert screened.id == f"{sdn.id}+{un.id}"
    entries = store.entries(screened.id)
    assert len(entries) == sdn.entry_count + un.entry_count == 8976 + 1003
    assert {"ofac-sdn", "un"} <= {e.split(":")[0] for e in entries["entry_id"]}


def test_a_folder_of_several_lists_gives_one_snapshot_per_source(
    store, tmp_path, shared_watchlists
):
    folder = tmp_path / "lists"
    shutil.copytree(shared_watchlists / "ofac-consolidated", folder)
    shutil.copy(shared_watchlists / "csl" / "consolidated-sample.csv", folder)
    added = store.add_sources(folder)
    assert sorted(info.source for info, _ in added) == ["csl", "ofac_consolidated"]
    assert len(store.active_snapshots()) == 2


def test_deactivate_a_source_and_the_sample_retires_when_a_real_list_arrives(
    store, shared_watchlists
):
    store.add(sample_path(), label="bundled sample")
    [(un, _)] = store.add_sources(shared_watchlists / "un")
    assert [s.source for s in store.active_snapshots()] == ["un"]  # no fictional hits beside it
    [(cons, _)] = store.add_sources(shared_watchlists / "ofac-consolidated")
    assert store.deactivate("un").id == un.id
    assert [s.id for s in store.active_snapshots()] == [cons.id]
    assert store.screened().id == cons.id
    with pytest.raises(SnapshotError, match="no active list source 'un'"):
        store.deactivate("un")
    assert [s.id for s in SnapshotStore(store.root).active_snapshots()] == [cons.id]


def test_a_workspace_from_before_list_sources_still_opens(store, shared_watchlists):
    first, _ = store.add(sample_path())
    second, _ = store.add(shared_watchlists / "un")
    index = json.loads((store.root / "index.json").read_text())
    old = {
        "active": first.id,
        "snapshots": [{k: v for k, v in s.items() if k != "source"} for s in index["snapshots"]],
    }
    (store.root / "index.json").write_text(json.dumps(old))
    reopened = SnapshotStore(store.root)
    assert [s.source for s in reopened.list()] == ["sample", "un"]
    assert [s.id for s in reopened.active_snapshots()] == [first.id]
    reopened.activate(second.id)  # the un list replaces the sample, as a real list does
    assert [s.id for s in reopened.active_snapshots()] == [second.id]


def sdn_cut_to(tmp_path, shared_watchlists, rows: int):
    folder = tmp_path / f"sdn-{rows}"
    shutil.copytree(shared_watchlists / "ofac-sdn", folder)
    lines = (folder / "sdn.csv").read_bytes().splitlines(keepends=True)
    (folder / "sdn.csv").chmod(0o644)
    (folder / "sdn.csv").write_bytes(b"".join(lines[:rows]) + b"\x1a")  # OFAC's end mark
    return folder


def test_a_version_that_lost_most_entries_is_refused_unless_accepted(
    store, tmp_path, shared_watchlists
):
    [(full, _)] = store.add_sources(shared_watchlists / "ofac-sdn")
    cut = sdn_cut_to(tmp_path, shared_watchlists, 500)
    with pytest.raises(WatchlistSanityError) as refused:
        store.add_sources(cut)
    message = str(refused.value)
    assert "ofac_sdn: 500 entries, 94% fewer than wl-0001 (8,976)" in message
    assert "--accept-shrink" in message and "\n" not in message
    assert [s.id for s in store.list()] == [full.id]
    assert store.active().id == full.id
    [(accepted, created)] = store.add_sources(cut, accept_shrink=True)
    assert created and accepted.entry_count == 500 and store.active().id == accepted.id


def test_an_ofac_folder_without_aliases_and_addresses_is_refused_unless_partial(
    store, tmp_path, shared_watchlists
):
    folder = tmp_path / "sdn-main-only"
    folder.mkdir()
    shutil.copy(shared_watchlists / "ofac-sdn" / "sdn.csv", folder)
    with pytest.raises(
        WatchlistSanityError, match=r"alt.csv \(aliases\), add.csv \(addresses\) missing"
    ):
        store.add_sources(folder)
    assert store.list() == []
    [(info, created)] = store.add_sources(folder, partial=True)
    assert created and info.entry_count == 8976


def test_an_own_list_keeps_its_series_across_file_names(store, tmp_path):
    rows = [
        {
            "id": "INT-1",
            "name": "Borealis Precision Tooling GmbH",
            "aliases": "",
            "country": "DE",
            "address": "",
            "list": "Internal denied parties",
            "notes": "",
        },
    ]
    first = tmp_path / "denied-2026-05.csv"
    second = tmp_path / "denied-2026-06.csv"
    pd.DataFrame(rows).to_csv(first, index=False)
    pd.DataFrame(rows + [rows[0] | {"id": "INT-2", "name": "Crimson Harbor Shipping Ltd"}]).to_csv(
        second, index=False
    )
    [(one, _)] = store.add_sources(first)
    [(two, _)] = store.add_sources(second)
    assert one.source == two.source == "own:internal-denied-parties"
    assert [s.id for s in store.active_snapshots()] == [two.id]
    assert store.rescreen_baseline(two).id == one.id


def test_an_ofac_file_cut_on_a_line_boundary_is_refused_unless_partial(
    store, tmp_path, shared_watchlists
):
    """Cut after a whole line, the aliases file still parses and the entry count does not
    move: only the missing end-of-file mark shows that 40 % of the aliases are gone."""
    [(full, _)] = store.add_sources(shared_watchlists / "ofac-sdn")
    folder = tmp_path / "sdn-cut-aliases"
    shutil.copytree(shared_watchlists / "ofac-sdn", folder)
    aliases = folder / "alt.csv"
    aliases.chmod(0o644)
    body = aliases.read_bytes()[: int(aliases.stat().st_size * 0.6)]
    aliases.write_bytes(body[: body.rfind(b"\n") + 1])
    with pytest.raises(WatchlistSanityError) as refused:
        store.add_sources(folder)
    assert "alt.csv ends without OFAC's end-of-file mark (Ctrl-Z)" in str(refused.value)
    assert [s.id for s in store.list()] == [full.id] and store.active().id == full.id
    [(accepted, created)] = store.add_sources(folder, partial=True)
    assert created and accepted.entry_count == full.entry_count
