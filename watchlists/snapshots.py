"""Versioned watchlist snapshots in the workspace (`<workspace>/watchlists/`).

Each snapshot is a folder `wl-NNNN/` holding the normalized entries (`entries.parquet`),
its description (`snapshot.json`) and a copy of the source files as read, so that a
screening decision can be reproduced for the five-year record-keeping period. The
folder `index.json` lists the snapshots and names the active one of each list source
(`watchlists.list_sources`): every active snapshot is screened together. Adding the same
files again (same set of sha256) returns the existing snapshot (and makes it active). An
index written before list sources existed (one `active` id) still opens: that snapshot
becomes its source's active one.
"""

from __future__ import annotations

import builtins
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from flows.errors import InputError
from watchlists.errors import WatchlistFormatError
from watchlists.list_sources import (
    DEFAULT_MAX_SHRINK,
    SAMPLE_SOURCE,
    check_version,
    source_of,
)
from watchlists.loader import WatchlistLoad, combine_loads, load_watchlist, load_watchlist_parts
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
    source: str = ""  # the list source whose series this snapshot belongs to

    @property
    def sha256_set(self) -> frozenset[str]:
        return frozenset(sha for _, sha in self.files)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SnapshotInfo:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["files"] = [tuple(f) for f in known.get("files", [])]
        if not known.get("source"):  # written before list sources existed
            known["source"] = source_of(
                known.get("format", ""), known["files"], known.get("counts_by_list")
            )
        return cls(**known)


class SnapshotError(InputError, LookupError):
    """An unknown snapshot id, or a store without snapshots where one is needed."""


class SnapshotStore:
    """The workspace's watchlist snapshots: add, list, read entries, choose the active one."""

    def __init__(self, root: Path, max_shrink: float = DEFAULT_MAX_SHRINK) -> None:
        self.root = Path(root)
        self.max_shrink = max_shrink

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
        """The snapshot's entries frame (columns `watchlists.model.ENTRY_COLUMNS`); for
        several ids joined with `+` (see `screened`), their entries together."""
        ids = snapshot_id.split("+")
        for one in ids:
            self.get(one)
        frames = [pd.read_parquet(self.root / one / ENTRIES_FILE) for one in ids]
        if len(frames) == 1:
            return frames[0]
        joined = pd.concat(frames, ignore_index=True)
        return joined.drop_duplicates("entry_id").reset_index(drop=True)

    def latest(self) -> SnapshotInfo | None:
        snapshots = self.list()
        return snapshots[-1] if snapshots else None

    def active(self) -> SnapshotInfo | None:
        """The active snapshot activated last (one of `active_snapshots`)."""
        index = self._index()
        chosen = index.get("active")
        by_source = index["active_by_source"]
        if chosen not in by_source.values():
            chosen = next(iter(by_source.values()), None)
        return self.get(chosen) if chosen else None

    def active_snapshots(self) -> builtins.list[SnapshotInfo]:
        """The active snapshot of each source, by source name."""
        by_source = self._index()["active_by_source"]
        return [self.get(by_source[source]) for source in sorted(by_source)]

    def screened(self) -> SnapshotInfo | None:
        """What screening uses: the active snapshots as one (ids and labels joined with
        `+`, counts summed); `entries(info.id)` reads them together."""
        active = self.active_snapshots()
        if len(active) <= 1:
            return active[0] if active else None
        counts: Counter[str] = Counter()
        for info in active:
            counts.update(info.counts_by_list)
        return SnapshotInfo(
            id="+".join(i.id for i in active),
            label=" + ".join(i.label for i in active),
            format="+".join(i.format for i in active),
            files=[f for i in active for f in i.files],
            counts_by_list=dict(sorted(counts.items())),
            source_date=max((i.source_date for i in active if i.source_date), default=None),
            loaded_at=max(i.loaded_at for i in active),
            entry_count=sum(i.entry_count for i in active),
            source="+".join(i.source for i in active),
        )

    def series(self, source: str) -> builtins.list[SnapshotInfo]:
        """The snapshots of one source, oldest first."""
        return [s for s in self.list() if s.source == source]

    def rescreen_baseline(self, new: SnapshotInfo) -> SnapshotInfo | None:
        """The version of `new`'s source the history was last rescreened against, else the
        version before `new` in its series; None for a new source (all additions)."""
        marked = self._index().get("rescreened_by_source", {}).get(new.source)
        if marked:
            return self.get(marked)
        earlier = [s for s in self.series(new.source) if s.id < new.id]
        return earlier[-1] if earlier else None

    def find_identical(self, sha256_set: Iterable[str]) -> SnapshotInfo | None:
        wanted = frozenset(sha256_set)
        return next((s for s in self.list() if s.sha256_set == wanted), None)

    # -- writing -------------------------------------------------------------------------
    def activate(self, snapshot_id: str) -> SnapshotInfo:
        """Make a snapshot its source's active one; a real list retires the bundled sample."""
        info = self.get(snapshot_id)
        index = self._index()
        by_source = index["active_by_source"]
        if info.source != SAMPLE_SOURCE:
            by_source.pop(SAMPLE_SOURCE, None)
        by_source[info.source] = snapshot_id
        index["active"] = snapshot_id
        self._write_index(index)
        return info

    def deactivate(self, source: str) -> SnapshotInfo:
        """Stop screening against a source; its snapshots stay (reactivate with `activate`)."""
        index = self._index()
        by_source = index["active_by_source"]
        if source not in by_source:
            known = ", ".join(sorted(by_source)) or "none"
            raise SnapshotError(f"no active list source {source!r} (active: {known})")
        info = self.get(by_source.pop(source))
        if index.get("active") == info.id:
            index["active"] = next(iter(by_source.values()), None)
        self._write_index(index)
        return info

    def mark_rescreened(self, info: SnapshotInfo) -> None:
        """Record that the history has been rescreened against this version of its source."""
        index = self._index()
        index.setdefault("rescreened_by_source", {})[info.source] = info.id
        self._write_index(index)

    def add(
        self,
        paths: str | Path | Iterable[str | Path],
        label: str | None = None,
        *,
        activate: bool = True,
        accept_shrink: bool = False,
        partial: bool = False,
    ) -> tuple[SnapshotInfo, bool]:
        """Snapshot one or several lists (combined); (existing, False) when identical files
        exist. Use `add_sources` to give each list source its own snapshot."""
        paths = _as_paths(paths)
        loads = [load_watchlist(p) for p in paths]
        _refuse_empty(paths, loads)
        load = loads[0] if len(loads) == 1 else combine_loads(loads, label="")
        name = label or (load.label if len(loads) == 1 else " + ".join(x.label for x in loads))
        return self._add_load(load, name, activate, accept_shrink, partial)

    def add_sources(
        self,
        paths: str | Path | Iterable[str | Path],
        label: str | None = None,
        *,
        activate: bool = True,
        accept_shrink: bool = False,
        partial: bool = False,
    ) -> builtins.list[tuple[SnapshotInfo, bool]]:
        """One snapshot per list source found in `paths` (a folder may hold several).
        Every version is checked before any is stored, so a refused one stores nothing."""
        paths = _as_paths(paths)
        by_source: dict[str, list[WatchlistLoad]] = {}
        for path in paths:
            parts = load_watchlist_parts(path)
            _refuse_empty([path] * len(parts), parts)
            for load in parts:
                by_source.setdefault(_load_source(load), []).append(load)
        loads = [
            group[0] if len(group) == 1 else combine_loads(group, label=group[0].label)
            for group in by_source.values()
        ]
        for load in loads:
            self._check(load, accept_shrink, partial)
        return [
            self._add_load(load, label or load.label, activate, accept_shrink=True, partial=True)
            for load in loads
        ]

    def check(
        self, load: WatchlistLoad, accept_shrink: bool = False, partial: bool = False
    ) -> None:
        """Refuse (WatchlistSanityError) a new version of a source that looks partial or
        shrunk, before anything of it is kept; files already snapshotted pass."""
        self._check(load, accept_shrink, partial)

    def _check(self, load: WatchlistLoad, accept_shrink: bool, partial: bool) -> None:
        source = _load_source(load)
        if self.find_identical(sha for _, sha in load.files) is not None:
            return
        series = self.series(source)
        previous = (series[-1].id, series[-1].entry_count) if series else None
        check_version(
            source,
            load.format,
            load.files,
            len(load.entries),
            previous,
            self.max_shrink,
            accept_shrink,
            partial,
        )

    def _add_load(
        self, load: WatchlistLoad, label: str, activate: bool, accept_shrink: bool, partial: bool
    ) -> tuple[SnapshotInfo, bool]:
        existing = self.find_identical(sha for _, sha in load.files)
        if existing is not None:
            if activate:
                self.activate(existing.id)
            return existing, False
        self._check(load, accept_shrink, partial)
        self.root.mkdir(parents=True, exist_ok=True)
        snapshot_id = self._next_id()
        counts = Counter(e.list_code for e in load.entries)
        info = SnapshotInfo(
            id=snapshot_id,
            label=label,
            format=load.format,
            files=[(path, sha) for path, sha in load.files],
            counts_by_list=dict(sorted(counts.items())),
            source_date=load.source_date,
            loaded_at=datetime.now(UTC).isoformat(timespec="seconds"),
            entry_count=len(load.entries),
            source=_load_source(load),
        )
        self._write_snapshot(info, entries_to_frame(load.entries))
        index = self._index()
        index["snapshots"].append(info.to_dict())
        self._write_index(index)
        if activate:
            self.activate(snapshot_id)
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

    def _index(self) -> dict[str, Any]:
        path = self.root / INDEX_FILE
        if not path.exists():
            return {"active": None, "active_by_source": {}, "snapshots": []}
        index: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        index.setdefault("snapshots", [])
        if "active_by_source" not in index:  # one active snapshot, before list sources
            snapshots = index["snapshots"]
            active = index.get("active") or (snapshots[-1]["id"] if snapshots else None)
            found = [SnapshotInfo.from_dict(s) for s in snapshots if s["id"] == active]
            index["active_by_source"] = {found[0].source: active} if found else {}
        return index

    def _write_index(self, index: dict[str, Any]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        temporary = self.root / f".{INDEX_FILE}.tmp"
        temporary.write_text(json.dumps(index, indent=2), encoding="utf-8")
        os.replace(temporary, self.root / INDEX_FILE)


def _as_paths(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    found = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
    if not found:
        raise InputError("no watchlist file given")
    return found


def _refuse_empty(paths: list[Path], loads: list[WatchlistLoad]) -> None:
    for path, one in zip(paths, loads, strict=True):
        if not one.entries:  # an active empty snapshot would clear every party unseen
            raise WatchlistFormatError(
                f"{path.name}: no watchlist entries in it; the active snapshot is unchanged"
            )


def _load_source(load: WatchlistLoad) -> str:
    return source_of(load.format, load.files, Counter(e.list_code for e in load.entries))
