"""What `redflag run` and `rescreen` change in the workspace before they screen (the
ownership files they load, the list versions they add or activate), each change in the
audit trail as `recorded_actor` says."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from cases.store import CaseStore
    from flows.audited import Change, Restore
    from flows.settings import Workspace
    from watchlists.ownership import OwnershipSnapshot


def add_ownership(
    workspace: Path, ownership: list[Path] | None
) -> tuple[OwnershipSnapshot, bool] | None:
    """Ownership files given to a run become the workspace's active ownership snapshot
    (read and checked whole first: a bad file exits 2 and nothing is kept). Returns
    (snapshot, created), None without files."""
    if not ownership:
        return None
    from flows.settings import Workspace
    from watchlists.ownership import OwnershipStore

    info, created = OwnershipStore(Workspace(Path(workspace)).ownership).add(ownership)
    counts = info.counts
    typer.echo(
        f"redflag: ownership snapshot {info.id} {'loaded' if created else 'reused'}: "
        f"{counts.get('ownership_links', 0)} ownership links, "
        f"{counts.get('directorships', 0)} directorships",
        err=True,
    )
    return info, created


@dataclass
class RunInputs:
    """What a run changes in the workspace before it screens, recorded as `by`'s: the
    ownership files it loads, the lists it adds or activates."""

    cases: CaseStore
    home: Workspace
    by: str
    reason: str | None
    run_id: str | None = None

    def record(self, change: Change, restore: Restore) -> None:
        event, subject, details = change
        details = {**details, "reason": self.reason}
        if self.run_id is not None:
            details["run_id"] = self.run_id
        from flows.audited import record_change
        from flows.commands.accounts import cli_client

        record_change(self.cases, event, self.by, cli_client(), details, subject, restore)

    def add_ownership(self, ownership: list[Path] | None) -> None:
        """The ownership files become the active snapshot, in the audit trail when that
        changed it ("ownership_added" or "ownership_activated"); when the entry cannot be
        written, the ownership folder is put back as it was."""
        if not ownership:
            return
        from flows.audited import ownership_change, restore_point
        from watchlists.ownership import INDEX_FILE, OwnershipStore

        previous = OwnershipStore(self.home.ownership).active()
        restore = restore_point(self.home.ownership, [INDEX_FILE])
        added = add_ownership(self.home.root, ownership)
        change = ownership_change(*added, previous) if added is not None else None
        if change is not None:
            self.record(change, restore)


@contextmanager
def recorded_inputs(
    workspace: Path, user: str | None, token: str | None, reason: str | None, lists: bool
) -> Iterator[RunInputs]:
    """The run's changes to the workspace in the audit trail, as `recorded_actor` says
    (the login is checked first): the ownership files through `RunInputs.add_ownership`,
    and, when the run is given lists (`lists`), each list version it made active (added
    or activated again; recorded when the run ends, or fails, as `watchlist add` and
    `watchlist activate` record theirs); when an entry cannot be written, the snapshots
    are put back as they were."""
    from flows.audited import list_changes, restore_point
    from flows.commands.accounts import open_store_at, recorded_actor
    from flows.screening import snapshot_store
    from flows.settings import Workspace
    from watchlists.snapshots import INDEX_FILE

    home = Workspace(workspace)
    cases = open_store_at(home.case_store_url)
    try:
        inputs = RunInputs(cases, home, recorded_actor(cases, user, token), reason)
        store = snapshot_store(home.watchlists)
        known, active = store.list(), store.active_snapshots()
        restore = restore_point(home.watchlists, [INDEX_FILE])
        try:
            yield inputs
        finally:
            if lists:
                for change in list_changes(known, active, store.active_snapshots()):
                    inputs.record(change, restore)
    finally:
        cases.close()
