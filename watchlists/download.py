"""Fetching lists from their official URLs (`configs/watchlists.yaml`) into snapshots.

Each source is one list (one file, or OFAC's four). A fetch is conditional (ETag /
Last-Modified remembered in the cache folder), checked for size and completeness, and
parsed before anything is kept: files are downloaded into a staging folder, the list is
read from there, and only a list that parsed and has the expected format becomes a
snapshot and replaces the cached copy. A failed, partial or malformed download leaves
the last good snapshot and the cache untouched and is reported as failed.
"""

from __future__ import annotations

import http.client
import json
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows.errors import RunFailure
from watchlists.errors import WatchlistFormatError
from watchlists.loader import file_sha256, load_watchlist
from watchlists.snapshots import SnapshotStore

USER_AGENT = "redflag-watchlist-update/0.1"
CHUNK = 1 << 16


@dataclass(frozen=True)
class SourceFile:
    url: str
    filename: str
    min_bytes: int = 1
    max_bytes: int = 500_000_000


@dataclass(frozen=True)
class WatchlistSource:
    """One official list: its name, expected format and files (from configs/watchlists.yaml)."""

    name: str
    format: str
    files: tuple[SourceFile, ...]
    label: str = ""

    @classmethod
    def from_config(cls, name: str, config: Mapping[str, Any]) -> WatchlistSource:
        files = tuple(
            SourceFile(
                url=str(f["url"]),
                filename=str(f.get("filename") or str(f["url"]).rsplit("/", 1)[-1]),
                min_bytes=int(f.get("min_bytes", 1)),
                max_bytes=int(f.get("max_bytes", 500_000_000)),
            )
            for f in config["files"]
        )
        return cls(
            name=name,
            format=str(config["format"]),
            files=files,
            label=str(config.get("label", name)),
        )


def sources_from_config(config: Mapping[str, Any]) -> list[WatchlistSource]:
    """The `sources:` mapping of configs/watchlists.yaml as WatchlistSource objects."""
    return [WatchlistSource.from_config(name, body) for name, body in config["sources"].items()]


@dataclass
class DownloadResult:
    """The outcome for one source: updated, unchanged (same files as a snapshot), not_modified, failed."""

    source: str
    status: str
    message: str
    snapshot_id: str | None = None
    fetched: list[tuple[str, int, int]] = field(default_factory=list)  # (url, http status, bytes)

    @property
    def ok(self) -> bool:
        return self.status != "failed"


class DownloadError(RunFailure):
    """A fetch that cannot be trusted: network error, HTTP error, short or oversized body."""


def update_from_sources(
    sources: Iterable[WatchlistSource | tuple[str, Mapping[str, Any]]],
    store: SnapshotStore,
    cache_dir: Path,
    timeout: float = 60.0,
) -> list[DownloadResult]:
    """Fetch every source and snapshot the ones that changed; one result per source."""
    results = []
    for source in sources:
        if not isinstance(source, WatchlistSource):
            source = WatchlistSource.from_config(*source)
        results.append(update_source(source, store, Path(cache_dir), timeout))
    return results


def update_source(
    source: WatchlistSource, store: SnapshotStore, cache_dir: Path, timeout: float = 60.0
) -> DownloadResult:
    """Fetch one source into staging, parse it, and only then snapshot it and refresh the cache."""
    cache = cache_dir / source.name
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=cache))
    fetched: list[tuple[str, int, int]] = []
    try:
        fresh: dict[str, dict[str, Any]] = {}
        for file in source.files:
            status, size, validators = _fetch(file, cache, staging / file.filename, timeout)
            fetched.append((file.url, status, size))
            if status == 200:
                fresh[file.filename] = validators
        if not fresh and store.find_identical(_cached_sha(cache, source)) is not None:
            return DownloadResult(
                source.name, "not_modified", "server reports no change", None, fetched
            )
        load = load_watchlist(
            staging if len(source.files) > 1 else staging / source.files[0].filename
        )
        if load.format != source.format:
            raise WatchlistFormatError(
                f"{source.name}: expected {source.format}, got {load.format}"
            )
        if not load.entries:
            raise WatchlistFormatError(f"{source.name}: the downloaded list has no entries")
        store.check(load)  # a partial or shrunk version must not replace the cached copy
        info, created = store.add(_keep(staging, cache, fresh), label=source.label)
    except (DownloadError, WatchlistFormatError) as exc:
        return DownloadResult(
            source.name, "failed", f"{exc}; last good snapshot kept", None, fetched
        )
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    outcome = "updated" if created else "unchanged"
    message = f"snapshot {info.id}" + ("" if created else " already holds these files")
    return DownloadResult(source.name, outcome, message, info.id, fetched)


def _fetch(
    file: SourceFile, cache: Path, target: Path, timeout: float
) -> tuple[int, int, dict[str, Any]]:
    """Download one file to `target`; 304 copies the cached copy. Returns (status, bytes, validators)."""
    cached = cache / file.filename
    validators = _validators(cache, file.filename) if cached.exists() else {}
    request = urllib.request.Request(file.url, headers={"User-Agent": USER_AGENT})
    if validators.get("etag"):
        request.add_header("If-None-Match", validators["etag"])
    if validators.get("last_modified"):
        request.add_header("If-Modified-Since", validators["last_modified"])
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            size = _stream(response, target, file)
            kept = {
                "etag": response.headers.get("ETag"),
                "last_modified": response.headers.get("Last-Modified"),
            }
            return response.status, size, kept
    except urllib.error.HTTPError as exc:
        if exc.code == 304 and cached.exists():
            shutil.copy2(cached, target)
            return 304, cached.stat().st_size, validators
        raise DownloadError(f"{file.url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        raise DownloadError(
            f"{file.url}: download failed ({exc.__class__.__name__}: {exc})"
        ) from exc


def _stream(response: http.client.HTTPResponse, target: Path, file: SourceFile) -> int:
    expected = response.headers.get("Content-Length")
    size = 0
    with target.open("wb") as out:
        while chunk := response.read(CHUNK):
            size += len(chunk)
            if size > file.max_bytes:
                raise DownloadError(f"{file.url}: larger than the {file.max_bytes} bytes allowed")
            out.write(chunk)
    if expected is not None and size != int(expected):
        raise DownloadError(f"{file.url}: partial download ({size} of {expected} bytes)")
    if size < file.min_bytes:
        raise DownloadError(f"{file.url}: {size} bytes, fewer than the {file.min_bytes} expected")
    return size


def _keep(staging: Path, cache: Path, fresh: dict[str, dict[str, Any]]) -> list[Path]:
    """Move the new files into the cache with their validators; the paths to snapshot."""
    for name, validators in fresh.items():
        shutil.copy2(staging / name, cache / name)
        (cache / f"{name}.meta").write_text(json.dumps(validators), encoding="utf-8")
    names = sorted(p.name for p in staging.iterdir() if p.is_file())
    kept = [cache / n for n in names]
    return [cache] if len(kept) > 1 else kept


def _validators(cache: Path, filename: str) -> dict[str, Any]:
    meta = cache / f"{filename}.meta"
    found: dict[str, Any] = json.loads(meta.read_text(encoding="utf-8")) if meta.exists() else {}
    return found


def _cached_sha(cache: Path, source: WatchlistSource) -> frozenset[str]:
    paths = [cache / f.filename for f in source.files]
    return frozenset(file_sha256(p) for p in paths if p.exists())
