"""Reading one list from a file or a folder, whatever its publisher's format.

The format is detected from the file names OFAC uses and, for everything else, from the
content: XML root, JSON shape, or CSV header. A file that is none of these fails with
one line naming the file and the formats expected.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from watchlists.errors import EXPECTED_FORMATS, WatchlistFormatError
from watchlists.model import WatchlistEntry
from watchlists.parsers import csl, custom, ofac, opensanctions, un

FORMAT_LABELS: dict[str, str] = {
    "csl_csv": "Consolidated Screening List (CSV)",
    "csl_json": "Consolidated Screening List (JSON)",
    "ofac_sdn": "OFAC SDN list",
    "ofac_cons": "OFAC consolidated non-SDN list",
    "un_xml": "UN Security Council consolidated list",
    "opensanctions_ftm": "OpenSanctions FollowTheMoney entities",
    "opensanctions_csv": "OpenSanctions targets.simple.csv",
    "custom_csv": "Custom watchlist",
}
HEAD_BYTES = 65536
IGNORED_SUFFIXES = {".md", ".txt", ".pdf", ".html", ".sha256", ".meta"}


@dataclass
class WatchlistLoad:
    """One list as read: its entries, detected format, files with sha256, and dates."""

    entries: list[WatchlistEntry]
    format: str
    files: list[tuple[str, str]] = field(default_factory=list)
    source_date: str | None = None
    label: str = ""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_watchlist(path: str | Path) -> WatchlistLoad:
    """Read a list file, or a folder holding one list's files; the format is detected."""
    path = Path(path)
    if not path.exists():
        raise WatchlistFormatError(f"{path}: no such file or folder")
    if path.is_dir():
        return _load_folder(path)
    fmt = detect_format(path)
    files = _ofac_set(path.parent, fmt) if fmt in ("ofac_sdn", "ofac_cons") else [path]
    return _load(fmt, files, label=f"{FORMAT_LABELS[fmt]} ({path.name})")


def detect_format(path: Path) -> str:
    """The format name of one file (see FORMAT_LABELS), or WatchlistFormatError."""
    name = path.name.lower()
    if name in (ofac.SDN.main, ofac.SDN.addresses, ofac.SDN.aliases, ofac.SDN.comments):
        return "ofac_sdn"
    if name.startswith("cons_") and name.endswith(".csv"):
        return "ofac_cons"
    with path.open("rb") as stream:
        head = stream.read(HEAD_BYTES).decode("utf-8", errors="replace").lstrip("\ufeff \r\n\t")
    if not head:
        raise WatchlistFormatError(f"{path.name}: empty file ({EXPECTED_FORMATS})")
    if head.startswith("<"):
        return _detect_markup(path.name, head)
    if head[0] in "{[":
        return _detect_json(path.name, head)
    return _detect_csv(path.name, head)


def _detect_markup(name: str, head: str) -> str:
    if "<CONSOLIDATED_LIST" in head:
        return "un_xml"
    if "<html" in head.lower() or "<!doctype html" in head.lower():
        raise WatchlistFormatError(
            f"{name}: an HTML page, not a watchlist file ({EXPECTED_FORMATS})"
        )
    raise WatchlistFormatError(f"{name}: XML but not a UN consolidated list ({EXPECTED_FORMATS})")


def _detect_json(name: str, head: str) -> str:
    first_line = head.split("\n", 1)[0]
    try:
        first = json.loads(first_line)
    except json.JSONDecodeError:
        first = None
    if isinstance(first, dict) and {"id", "schema", "properties"} <= first.keys():
        return "opensanctions_ftm"
    if head.startswith("{") and '"results"' in head:
        return "csl_json"
    raise WatchlistFormatError(f"{name}: JSON but not a watchlist file ({EXPECTED_FORMATS})")


def _detect_csv(name: str, head: str) -> str:
    try:
        header = next(csv.reader(io.StringIO(head.split("\n", 1)[0])))
    except (csv.Error, StopIteration):
        header = []
    columns = {c.strip().lower() for c in header}
    if "_id" in columns or {"source", "alt_names", "name"} <= columns:
        return "csl_csv"
    if {"id", "schema", "name"} <= columns:
        return "opensanctions_csv"
    if {"id", "name"} <= columns:
        return "custom_csv"
    if len(header) == len(ofac.MAIN_COLUMNS) and header[0].strip().isdigit():
        raise WatchlistFormatError(
            f"{name}: looks like an OFAC sdn.csv or cons_prim.csv under another name "
            "(keep OFAC's file names, with add/alt/comments files beside it)"
        )
    raise WatchlistFormatError(f"{name}: not a watchlist file ({EXPECTED_FORMATS})")


def _ofac_set(folder: Path, fmt: str) -> list[Path]:
    layout = ofac.SDN if fmt == "ofac_sdn" else ofac.CONSOLIDATED
    files = ofac.ofac_files(folder, layout)
    if not files or files[0].name.lower() != layout.main:
        raise WatchlistFormatError(
            f"{folder}: OFAC files without their main file (expected {layout.main} beside "
            f"{layout.addresses}, {layout.aliases}, {layout.comments})"
        )
    return files


def _load_folder(folder: Path) -> WatchlistLoad:
    loads = folder_loads(folder)
    if len(loads) == 1:
        only = loads[0]
        only.label = f"{FORMAT_LABELS[only.format]} ({folder.name})"
        return only
    return combine_loads(loads, label=folder.name)


def load_watchlist_parts(path: str | Path) -> list[WatchlistLoad]:
    """Like `load_watchlist`, but a folder holding several lists gives one load each."""
    path = Path(path)
    if path.is_dir():
        loads = folder_loads(path)
        if len(loads) == 1:
            loads[0].label = f"{FORMAT_LABELS[loads[0].format]} ({path.name})"
        return loads
    return [load_watchlist(path)]


def folder_loads(folder: Path) -> list[WatchlistLoad]:
    """Every list in a folder, one load each (OFAC's files grouped by list)."""
    candidates = sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() not in IGNORED_SUFFIXES
    )
    groups: dict[str, list[Path]] = {}
    for path in candidates:
        fmt = detect_format(path)
        if fmt in ("ofac_sdn", "ofac_cons"):
            groups.setdefault(fmt, _ofac_set(folder, fmt))
        else:
            groups[f"{fmt}:{path.name}"] = [path]
    if not groups:
        raise WatchlistFormatError(f"{folder}: folder holds no watchlist file ({EXPECTED_FORMATS})")
    return [_load(key.split(":")[0], files, label="") for key, files in groups.items()]


def combine_loads(loads: list[WatchlistLoad], label: str) -> WatchlistLoad:
    """Several lists as one: entries in order (first wins on a repeated id), files joined."""
    seen: set[str] = set()
    entries = []
    for load in loads:
        for entry in load.entries:
            if entry.entry_id not in seen:
                seen.add(entry.entry_id)
                entries.append(entry)
    dates = [d for d in (load.source_date for load in loads) if d]
    return WatchlistLoad(
        entries=entries,
        format="+".join(dict.fromkeys(load.format for load in loads)),
        files=[f for load in loads for f in load.files],
        source_date=max(dates) if dates else None,
        label=label,
    )


def _load(fmt: str, files: list[Path], label: str) -> WatchlistLoad:
    entries, source_date = PARSERS[fmt](files)
    return WatchlistLoad(
        entries=entries,
        format=fmt,
        files=[(str(p.resolve()), file_sha256(p)) for p in files],
        source_date=source_date,
        label=label or FORMAT_LABELS[fmt],
    )


def _csl_csv(files: list[Path]) -> tuple[list[WatchlistEntry], str | None]:
    return csl.csl_entries(csl.csl_csv_frame(files[0])), None


def _csl_json(files: list[Path]) -> tuple[list[WatchlistEntry], str | None]:
    frame, source_date = csl.csl_json_frame(files[0])
    return csl.csl_entries(frame), source_date


PARSERS: dict[str, Callable[[list[Path]], tuple[list[WatchlistEntry], str | None]]] = {
    "csl_csv": _csl_csv,
    "csl_json": _csl_json,
    "ofac_sdn": lambda files: (ofac.read_ofac(files, ofac.SDN), None),
    "ofac_cons": lambda files: (ofac.read_ofac(files, ofac.CONSOLIDATED), None),
    "un_xml": lambda files: un.read_un(files[0]),
    "opensanctions_ftm": lambda files: (opensanctions.read_ftm(files[0]), None),
    "opensanctions_csv": lambda files: opensanctions.read_targets_simple(files[0]),
    "custom_csv": lambda files: (custom.read_custom(files[0]), None),
}
