"""Restricted-party lists: read in their publishers' formats, normalized to one entry
model, kept as versioned snapshots in the workspace, and compared version to version.

    load_watchlist(path)            -> WatchlistLoad (format detected from the file)
    SnapshotStore(root).add(paths)  -> (SnapshotInfo, created)
    diff_entries(old, new)          -> WatchlistDiff (added, removed, changed)
    sample_path()                   -> the project's own small list for the demo
"""

from __future__ import annotations

from pathlib import Path

from watchlists.diff import WatchlistDiff, diff_entries
from watchlists.errors import WatchlistFormatError
from watchlists.list_sources import SAMPLE_FILE, WatchlistSanityError
from watchlists.loader import FORMAT_LABELS, WatchlistLoad, detect_format, load_watchlist
from watchlists.model import (
    ENTRY_COLUMNS,
    Address,
    Alias,
    WatchlistEntry,
    entries_to_frame,
    frame_to_entries,
)
from watchlists.snapshots import SnapshotError, SnapshotInfo, SnapshotStore


def sample_path() -> Path:
    """The bundled sample list (fictional parties, CSL CSV format) used by the demo."""
    return Path(__file__).resolve().parent / "sample" / SAMPLE_FILE


__all__ = [
    "ENTRY_COLUMNS",
    "FORMAT_LABELS",
    "Address",
    "Alias",
    "SnapshotError",
    "SnapshotInfo",
    "SnapshotStore",
    "WatchlistDiff",
    "WatchlistEntry",
    "WatchlistFormatError",
    "WatchlistLoad",
    "WatchlistSanityError",
    "detect_format",
    "diff_entries",
    "entries_to_frame",
    "frame_to_entries",
    "load_watchlist",
    "sample_path",
]
