"""What `redflag run` changes in the workspace before it screens is in the audit trail:
a list given with `--watchlist` that becomes a source's active version, ownership files
given with `--ownership` that become the active snapshot; the same inputs again change
nothing and add no entry; an entry that cannot be written leaves nothing behind."""

from __future__ import annotations

import pandas as pd
import pytest
from test_audited_changes import (
    ANN,
    ANN_PASSWORD,
    account_log,
    active_lists,
    add_accounts,
    redflag,
    refuse_log_entries,
)
from test_ownership_run import LISTED, OWNERSHIP, orders

from flows.settings import Workspace
from watchlists.ownership import OwnershipStore

pytestmark = pytest.mark.flow


def test_a_run_records_the_list_and_ownership_it_loads_as_whoever_logged_in(
    prefect_harness, tmp_path
):
    home, listed, own, day = (tmp_path / "ws", tmp_path / "internal_list.csv",
                              tmp_path / "own.csv", tmp_path / "orders.csv")  # fmt: skip
    pd.DataFrame(LISTED).to_csv(listed, index=False)
    own.write_text(OWNERSHIP)
    orders().to_csv(day, index=False)

    first = redflag(home, "run", "-t", day, "-w", listed, "--ownership", own,
                    "--reason", "first day", "--out", tmp_path / "r1")  # fmt: skip
    assert first.exit_code == 0, first.output
    [(actor, event, subject, details)] = account_log(home, "watchlist_")
    [(source, version)] = active_lists(home).items()
    assert (actor, event, subject) == ("system", "watchlist_added", version)
    assert details["source"] == source
    assert details["created"] is True and details["previous"] is None
    assert details["files"][0][0] == "internal_list.csv" and len(details["files"][0][1]) == 64
    assert details["reason"] == "first day" and details["run_id"]
    [(actor, event, subject, details)] = account_log(home, "ownership_")
    assert (actor, event, subject) == ("system", "ownership_added", "own-0001")
    assert details["files"][0][0] == "own.csv" and details["counts"]["ownership_links"] == 3

    # the same list and ownership again: nothing changes, nothing is recorded
    again = redflag(home, "run", "-t", day, "-w", listed, "--ownership", own,
                    "--out", tmp_path / "r2")  # fmt: skip
    assert again.exit_code == 0, again.output
    assert len(account_log(home, "watchlist_")) == 1 and len(account_log(home, "ownership_")) == 1

    # a new version of each, by a user who logged in
    add_accounts(home)
    listed.write_text(listed.read_text() + "SDN-2,Harbour Star LLC,,RU,,SDN,\n")
    newer = tmp_path / "own2.csv"
    newer.write_text(OWNERSHIP + "Harbour Star LLC,Evergreen Cloud Inc,15,,\n")
    wrong = redflag(home, "run", "-t", day, "-w", listed, "--ownership", newer, "--user", ANN,
                    "--out", tmp_path / "r3", secret="not hers")  # fmt: skip
    assert wrong.exit_code == 2 and "cannot authenticate 'ann'" in wrong.stderr
    assert OwnershipStore(Workspace(home).ownership).active().id == "own-0001"
    third = redflag(home, "run", "-t", day, "-w", listed, "--ownership", newer, "--user", ANN,
                    "--out", tmp_path / "r3", secret=ANN_PASSWORD)  # fmt: skip
    assert third.exit_code == 0, third.output
    added = account_log(home, "watchlist_")[-1]
    assert added[:3] == ("ann", "watchlist_added", active_lists(home)[source])
    assert added[3]["previous"] == version
    assert account_log(home, "ownership_")[-1][:3] == ("ann", "ownership_added", "own-0002")

    # the first ownership file again: the snapshot kept before is made active again
    back = redflag(home, "run", "-t", day, "--ownership", own, "--out", tmp_path / "r4")
    assert back.exit_code == 0, back.output
    actor, event, subject, details = account_log(home, "ownership_")[-1]
    assert (actor, event, subject) == ("system", "ownership_activated", "own-0001")
    assert details["previous"] == "own-0002" and details["created"] is False


def test_a_run_whose_entries_cannot_be_written_leaves_no_list_or_ownership(
    prefect_harness, tmp_path
):
    home, listed, own, day = (tmp_path / "ws", tmp_path / "internal_list.csv",
                              tmp_path / "own.csv", tmp_path / "orders.csv")  # fmt: skip
    pd.DataFrame(LISTED).to_csv(listed, index=False)
    own.write_text(OWNERSHIP)
    orders().to_csv(day, index=False)
    redflag(home, "audit", "verify")  # the case store, with its log, before the refusal
    refuse_log_entries(home)

    owned = redflag(home, "run", "-t", day, "--ownership", own, "--out", tmp_path / "r1")
    assert owned.exit_code != 0
    ownership = OwnershipStore(Workspace(home).ownership)
    assert ownership.active() is None and ownership.snapshots() == []
    assert not (Workspace(home).ownership / "own-0001").exists()

    listing = redflag(home, "run", "-t", day, "-w", listed, "--out", tmp_path / "r2")
    assert listing.exit_code != 0
    assert active_lists(home) == {}  # the lists as they were before the run: none yet
