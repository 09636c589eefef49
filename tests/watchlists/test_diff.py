"""Diff of two list versions: the second built from the first with known changes."""

from __future__ import annotations

import pandas as pd
import pytest

from watchlists import SnapshotStore, diff_entries, entries_to_frame, load_watchlist, sample_path


@pytest.fixture(scope="module")
def sdn_frame(shared_watchlists):
    return entries_to_frame(load_watchlist(shared_watchlists / "ofac-sdn").entries)


def next_version(old: pd.DataFrame) -> pd.DataFrame:
    """Remove 7 entries, add 4, change 5 (name, aliases, addresses, programs, license)."""
    new = old.iloc[7:].reset_index(drop=True)
    added = old.iloc[:4].assign(entry_id=[f"ofac-sdn:99000{i}" for i in range(4)])
    new = pd.concat([new, added], ignore_index=True)
    position = {entry_id: i for i, entry_id in enumerate(new["entry_id"])}
    ids = list(new["entry_id"].iloc[100:105])
    new.at[position[ids[0]], "name"] = new.at[position[ids[0]], "name"] + " HOLDING"
    new.at[position[ids[1]], "aliases"] = [{"name": "NEW ALIAS LTD", "strength": "strong"}]
    new.at[position[ids[2]], "addresses"] = [{"text": "1 New Road, Dubai, AE", "country": "AE"}]
    new.at[position[ids[3]], "programs"] = ["SDGT", "IFSR"]
    new.at[position[ids[4]], "license_requirement"] = "For all items subject to the EAR."
    # a remark-only edit is not a change the screening cares about
    new.at[position[new["entry_id"].iloc[200]], "remarks"] = "edited remark"
    return new


def test_diff_counts_added_removed_and_changed_exactly(sdn_frame):
    diff = diff_entries(sdn_frame, next_version(sdn_frame))
    assert diff.counts() == {"added": 4, "removed": 7, "changed": 5}
    assert list(diff.removed["entry_id"]) == list(sdn_frame["entry_id"].iloc[:7])
    assert sorted(diff.changed["changed_fields"]) == sorted(
        ["name", "aliases", "addresses", "programs", "license_requirement"]
    )
    assert len(diff.screening_entries()) == 9  # added + changed, for a rescreen


def test_a_new_country_or_type_is_a_change_a_rescreen_must_see(sdn_frame):
    # the matcher's country and entity-type features can lift a pair over the threshold
    new = sdn_frame.copy()
    new.at[10, "countries"] = [*new.at[10, "countries"], "CN"]
    new.at[11, "type"] = "person" if new.at[11, "type"] != "person" else "entity"
    diff = diff_entries(sdn_frame, new)
    assert diff.counts() == {"added": 0, "removed": 0, "changed": 2}
    assert sorted(diff.changed["changed_fields"]) == ["countries", "type"]


def test_identical_versions_and_reordered_lists_show_no_change(sdn_frame):
    shuffled = sdn_frame.sample(frac=1.0, random_state=7).reset_index(drop=True)
    assert diff_entries(sdn_frame, shuffled).counts() == {"added": 0, "removed": 0, "changed": 0}


def test_diff_of_snapshots_read_back_from_parquet_and_its_csv(tmp_path):
    store = SnapshotStore(tmp_path / "watchlists")
    old_info, _ = store.add(sample_path())
    text = sample_path().read_text(encoding="utf-8")
    edited = tmp_path / "sample-v2.csv"
    edited.write_text(
        text.replace("Jade Harbour Trading Limited;", "Jade Harbour Trading Company;"),
        encoding="utf-8",
    )
    new_info, _ = store.add(edited)
    diff = diff_entries(store.entries(old_info.id), store.entries(new_info.id))
    assert diff.counts() == {"added": 0, "removed": 0, "changed": 1}
    assert diff.changed.iloc[0]["name"] == "Jade Harbour Trading Company"
    assert diff.changed.iloc[0]["changed_fields"] == "name"
    written = pd.read_csv(diff.to_csv(tmp_path / "diff.csv"), dtype=str, keep_default_na=False)
    assert list(written.columns[:6]) == [
        "change",
        "entry_id",
        "list_code",
        "type",
        "name",
        "changed_fields",
    ]
    assert written.to_dict("records")[0]["change"] == "changed"
    assert "JHT Limited" in written.to_dict("records")[0]["aliases"]


def test_two_lists_without_a_shared_entry_diff_as_all_added_and_removed(
    sdn_frame, shared_watchlists
):
    # nothing in common: no entry is compared field by field, and that must not crash
    un = entries_to_frame(load_watchlist(shared_watchlists / "un").entries)
    diff = diff_entries(sdn_frame, un)
    assert diff.counts() == {"added": len(un), "removed": len(sdn_frame), "changed": 0}


def test_a_snapshot_diffed_against_its_own_files_shows_no_change(tmp_path, shared_watchlists):
    # OFAC addresses without a country once came back as NaN beside None from Parquet
    store = SnapshotStore(tmp_path / "watchlists")
    info, _ = store.add(shared_watchlists / "ofac-sdn")
    again = entries_to_frame(load_watchlist(shared_watchlists / "ofac-sdn").entries)
    assert diff_entries(store.entries(info.id), again).counts() == {
        "added": 0,
        "removed": 0,
        "changed": 0,
    }
    assert not any(isinstance(c, float) for countries in again["countries"] for c in countries)
