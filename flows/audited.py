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
from typing import Any

from cases.store import CaseStore

Restore = Callable[[], None]


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


def _content(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _entries(folder: Path) -> list[str]:
    return [entry.name for entry in folder.iterdir()] if folder.is_dir() else []
