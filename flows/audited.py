"""Changes to what screening uses, kept with their entry in the audit trail.

The watchlist snapshots and the model registry are folders in the workspace; the audit
trail is the case store's account log (`cases.audit`). A command that changes one of them
(a list version added, downloaded, activated or rescreened; a model trained or activated)
takes a `restore_point` of the folder first, makes the change, then writes its entry with
`record_change`: when the entry cannot be written, the folder is put back as it was and the
error raised, so no change stays without its record.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cases.store import CaseStore

if TYPE_CHECKING:
    from watchlists.ownership import OwnershipSnapshot
    from watchlists.snapshots import SnapshotInfo

Restore = Callable[[], None]
Change = tuple[str, str, dict[str, Any]]  # event, subject, details


def restore_point(folder: Path, files: Iterable[str]) -> Restore:
    """A function that puts `folder` back as it is now: the named files with their current
    content (or removed, when absent now) and every entry added since removed."""
    folder = Path(folder)
    kept = {name: _content(folder / name) for name in files}
    present = set(_entries(folder))

    def restore() -> None:
        for name, content in kept.items():
            path = folder / name
            if content is None:
                path.unlink(missing_ok=True)
            else:
                temporary = path.with_name(f".{name}.restore")
                temporary.write_bytes(content)
                temporary.replace(path)
        for added in set(_entries(folder)) - present - set(kept):
            target = folder / added
            if target.is_dir():
                shutil.rmtree(target, ignore_errors=True)
            else:
                target.unlink(missing_ok=True)

    return restore


def record_change(
    store: CaseStore,
    event: str,
    by: str,
    client: str,
    details: dict[str, Any],
    subject: str | None,
    restore: Restore,
) -> None:
    """Write the account-log entry of a change already made; when it cannot be written,
    `restore` undoes the change and the error is raised."""
    try:
        store.accounts.record(event, by, client, details, subject=subject)
    except BaseException:
        restore()
        raise


def list_changes(
    before: Iterable[SnapshotInfo], active_before: Iterable[SnapshotInfo],
    active_after: Iterable[SnapshotInfo],
) -> list[Change]:  # fmt: skip
    """The entries of what a run did to the lists screening uses (`before`: the snapshots
    there were; the active ones before and after): a new version of a source is
    "watchlist_added" (the details of `watchlist add`), an earlier one made active again
    "watchlist_activated" (those of `watchlist activate`); a source left as it was, none."""
    known = {info.id for info in before}
    previous = {info.source: info.id for info in active_before}
    after = {info.source: info for info in active_after}
    retired = sorted(set(previous) - set(after))
    changes: list[Change] = []
    for source in sorted(after):
        info = after[source]
        if previous.get(source) == info.id:
            continue
        if info.id not in known:
            changes.append(("watchlist_added", info.id, {
                "source": info.source, "label": info.label, "format": info.format,
                "entries": info.entry_count, "created": True,
                "files": [[Path(path).name, sha] for path, sha in info.files],
                "previous": previous.get(source), "retired": retired,
            }))  # fmt: skip
        else:
            changes.append(("watchlist_activated", info.id, {
                "source": info.source, "label": info.label, "previous": previous.get(source),
                "retired": retired,
            }))  # fmt: skip
    return changes


def ownership_change(
    info: OwnershipSnapshot, created: bool, previous: OwnershipSnapshot | None
) -> Change | None:
    """The entry of ownership files given to a run: a new snapshot "ownership_added", one
    kept before and made active again "ownership_activated"; the active one given again,
    none."""
    if not created and previous is not None and previous.id == info.id:
        return None
    details = {
        "files": [[Path(path).name, sha] for path, sha in info.files],
        "counts": dict(info.counts), "created": created,
        "previous": previous.id if previous is not None else None,
    }  # fmt: skip
    return ("ownership_added" if created else "ownership_activated"), info.id, details


def _content(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _entries(folder: Path) -> list[str]:
    return [entry.name for entry in folder.iterdir()] if folder.is_dir() else []
