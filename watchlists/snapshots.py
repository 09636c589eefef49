"""Versioned watchlist snapshots in the workspace (`<workspace>/watchlists/`).

Each snapshot is a folder `wl-NNNN/` holding the normalized entries (`entries.parquet`),
its description (`snapshot.json`) and a copy of the source files as read, so that a
screening decision can be reproduced for the five-year record-keeping period. The
folder `index.json` lists the snapshots and names the active one (by default the newest).
Adding the same files again (same set of sha256) is a no-op that returns the existing
snapshot.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from watchlists.errors import WatchlistFormatError
from watchlists.loader import combine_loads, load_watchlist
from watchlists.model import entries_to_frame

INDEX_FILE = "index.json"
ENTRIES_FILE = "entries.parquet"
INFO_FILE = "snapshot.json"


@dataclass
class SnapshotInfo:
    """What a snapshot holds and where it came from."""

    id: str
    label: str
    format: str
    files: list[tuple[str, str]]  # (path as given, sha256)
    counts_by_list: dict[str, int]
    source_date: str | None
    loaded_at: str  # ISO 8601, UTC
    entry_count: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def sha256_set(self) -> frozenset[str]:
        return frozenset(sha for _, sha in self.files)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> SnapshotInfo:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["files"] = [tuple(f) for f in known.get("files", [])]
        return cls(**known)


class SnapshotError(LookupError):
    """An unknown snapshot id, or a store without snapshots where one is needed."""


class SnapshotStore:
    """The workspace's watchlist snapshots: add, list, read entries, choose the active one."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # -- reading -------------------------------------------------------------------------
    def list(self) -> list[SnapshotInfo]:
        """Every snapshot, oldest first."""
        return [SnapshotInfo.from_dict(s) for s in self._index()["snapshots"]]

    def get(self, snapshot_id: str) -> SnapshotInfo:
        for info in self.list():
            if info.id == snapshot_id:
                return info
        known = ", ".join(i.id for i in self.list()) or "none yet"
        raise SnapshotError(f"no watchlist snapshot {snapshot_id!r} (known: {known})")

    def entries(self, snapshot_id: str) -> pd.DataFrame:
        """The snapshot's entries frame (columns `watchlists.model.ENTRY_COLUMNS`)."""
        self.get(snapshot_id)
        return pd.read_parquet(self.root / snapshot_id / ENTRIES_FILE)

    def latest(self) -> SnapshotInfo | None:
        snapshots = self.list()
        return snapshots[-1] if snapshots else None

    def active(self) -> SnapshotInfo | None:
        """The snapshot screening uses: the one activated last, else the newest."""
        active_id = self._index().get("active")
        return self.get(active_id) if active_id else self.latest()

    def find_identical(self, sha256_set: Iterable[str]) -> SnapshotInfo | None:
        wanted = frozenset(sha256_set)
        return next((s for s in self.list() if s.sha256_set == wanted), None)

    # -- writing -------------------------------------------------------------------------
    def activate(self, snapshot_id: str) -> SnapshotInfo:
        info = self.get(snapshot_id)
        index = self._index()
        index["active"] = snapshot_id
        self._write_index(index)
        return info

    def add(
        self, paths: str | Path | Iterable[str | Path], label: str | None = None
    ) -> tuple[SnapshotInfo, bool]:
        """Snapshot one or several lists (combined); (existing, False) when identical files exist."""
        paths = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
        if not paths:
            raise ValueError("no watchlist file given")
        loads = [load_watchlist(p) for p in paths]
        for path, one in zip(paths, loads, strict=True):
            if not one.entries:  # an active empty snapshot would clear every party unseen
                raise WatchlistFormatError(
                    f"{path.name}: no watchlist entries in it; the active snapshot is unchanged"
                )
        load = loads[0] if len(loads) == 1 else combine_loads(loads, label="")
        existing = self.find_identical(sha for _, sha in load.files)
        if existing is not None:
            return existing, False
        self.root.mkdir(parents=True, exist_ok=True)
        snapshot_id = self._next_id()
        counts = Counter(e.list_code for e in load.entries)
        info = SnapshotInfo(
            id=snapshot_id,
            label=label or (load.label if len(loads) == 1 else " + ".join(x.label for x in loads)),
            format=load.format,
            files=[(path, sha) for path, sha in load.files],
            counts_by_list=dict(sorted(counts.items())),
            source_date=load.source_date,
            loaded_at=datetime.now(UTC).isoformat(timespec="seconds"),
            entry_count=len(load.entries),
        )
        self._write_snapshot(info, entries_to_frame(load.entries))
        index = self._index()
        index["snapshots"].append(info.to_dict())
        index["active"] = snapshot_id
        self._write_index(index)
        return info, True

    def _write_snapshot(self, info: SnapshotInfo, frame: pd.DataFrame) -> None:
        staging = Path(tempfile.mkdtemp(prefix=f".{info.id}-", dir=self.root))
        try:
            frame.to_parquet(staging / ENTRIES_FILE, index=False)
            (staging / INFO_FILE).write_text(json.dumps(info.to_dict(), indent=2), encoding="utf-8")
            sources = staging / "source"
            sources.mkdir()
            for number, (path, _) in enumerate(info.files):
                shutil.copy2(path, sources / f"{number:02d}-{Path(path).name}")
            os.replace(staging, self.root / info.id)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def _next_id(self) -> str:
        numbers = [int(s.id.split("-")[1]) for s in self.list()]
        return f"wl-{max(numbers, default=0) + 1:04d}"

    def _index(self) -> dict:
        path = self.root / INDEX_FILE
        if not path.exists():
            return {"active": None, "snapshots": []}
        return json.loads(path.read_text(encoding="utf-8"))

    def _write_index(self, index: dict) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        temporary = self.root / f".{INDEX_FILE}.tmp"
        temporary.write_text(json.dumps(index, indent=2), encoding="utf-8")
        os.replace(temporary, self.root / INDEX_FILE)
