"""Snapshots in the workspace: add, identical add is a no-op, several lists in one,
entries read back, the active snapshot."""

from __future__ import annotations

import json
import shutil

import pytest

from watchlists import (
    SnapshotError,
    SnapshotStore,
    WatchlistFormatError,
    frame_to_entries,
    load_watchlist,
    sample_path,
)


@pytest.fixture
def store(tmp_path):
    return SnapshotStore(tmp_path / "workspace" / "watchlists")


def test_first_add_creates_an_active_snapshot_with_counts_hashes_and_entries(store):
    info, created = store.add([sample_path()])
    assert created and info.id == "wl-0001"
    assert store.active() == info and store.latest() == info
    assert info.format == "csl_csv"
    assert info.counts_by_list == {"DPL": 5, "EL": 13, "MEU": 5, "SDN": 12, "UVL": 5}
    assert info.entry_count == 40
    assert [sha for _, sha in info.files] == [load_watchlist(sample_path()).files[0][1]]
    assert info.loaded_at.endswith("+00:00")
    entries = frame_to_entries(store.entries(info.id))
    assert entries == load_watchlist(sample_path()).entries  # Parquet round trip is lossless
    assert (store.root / info.id / "source").is_dir()  # the source file is kept for the record


def test_adding_identical_files_again_is_a_no_op_that_says_so(store, tmp_path):
    first, _ = store.add(sample_path(), label="sample")
    copy = tmp_path / "elsewhere.csv"
    shutil.copy(sample_path(), copy)
    again, created = store.add([copy], label="same bytes, other name")
    assert not created and again.id == first.id
    assert [s.id for s in store.list()] == ["wl-0001"]


def test_a_changed_file_becomes_the_next_active_snapshot_and_older_can_be_reactivated(
    store, tmp_path
):
    first, _ = store.add(sample_path())
    changed = tmp_path / "sample-v2.csv"
    lines = sample_path().read_text(encoding="utf-8").splitlines(keepends=True)
    changed.write_text("".join(lines[:-1]), encoding="utf-8")  # one entry fewer
    second, created = store.add(changed, label="v2")
    assert created and second.id == "wl-0002" and second.label == "v2"
    assert second.entry_count == 39
    assert store.active().id == "wl-0002"
    store.activate("wl-0001")
    assert store.active().id == "wl-0001"
    reopened = SnapshotStore(store.root)
    assert [s.id for s in reopened.list()] == ["wl-0001", "wl-0002"]
    assert reopened.active().id == "wl-0001"
    assert json.loads((store.root / "index.json").read_text())["active"] == "wl-0001"


def test_several_lists_combine_into_one_snapshot(store, tmp_path, shared_watchlists):
    info, created = store.add(
        [sample_path(), shared_watchlists / "ofac-consolidated"], label="combined"
    )
    assert created
    assert info.format == "csl_csv+ofac_cons"
    assert info.entry_count == 40 + 442
    assert info.counts_by_list["NS-CMIC"] == 68 and info.counts_by_list["EL"] == 13
    assert len(info.files) == 5  # the sample + OFAC's four consolidated files


def test_unknown_snapshot_and_bad_file_are_reported_and_store_is_unchanged(store, tmp_path):
    store.add(sample_path())
    with pytest.raises(SnapshotError, match="no watchlist snapshot 'wl-0009'"):
        store.entries("wl-0009")
    orders = tmp_path / "orders.csv"
    orders.write_text("transaction_id,customer_name\nT-1,Acme\n", encoding="utf-8")
    with pytest.raises(WatchlistFormatError):
        store.add(orders)
    empty = tmp_path / "internal.csv"
    empty.write_text("id,name,aliases,country,address,list,notes\n", encoding="utf-8")
    with pytest.raises(WatchlistFormatError, match="internal.csv: no watchlist entries"):
        store.add(empty)  # an empty active snapshot would let every party through
    assert [s.id for s in store.list()] == ["wl-0001"]
    assert store.active().id == "wl-0001"
    assert sorted(p.name for p in store.root.iterdir()) == ["index.json", "wl-0001"]
