"""Which list source a snapshot belongs to, and whether a new version of it looks whole.

Each source -- the CSL, OFAC's SDN list, OFAC's consolidated non-SDN list, the UN list,
OpenSanctions, and each own list (named after the list its rows declare) -- has its own series of
snapshots; the active snapshot of every source is screened together. A new version that
lacks files its format expects or whose files look cut off, or that loses more than a set share of the entries of
the source's last version, is refused unless the caller accepts it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from watchlists.errors import WatchlistFormatError
from watchlists.parsers import ofac

SAMPLE_FILE = "redflag-sample-list.csv"
SAMPLE_SOURCE = "sample"
DEFAULT_MAX_SHRINK = 0.20  # share of the previous version's entries a new one may lose

FORMAT_SOURCES: dict[str, str] = {
    "csl_csv": "csl",
    "csl_json": "csl",
    "ofac_sdn": "ofac_sdn",
    "ofac_cons": "ofac_consolidated",
    "un_xml": "un",
    "opensanctions_ftm": "opensanctions",
    "opensanctions_csv": "opensanctions",
}
OFAC_LAYOUTS = {"ofac_sdn": ofac.SDN, "ofac_cons": ofac.CONSOLIDATED}


class WatchlistSanityError(WatchlistFormatError):
    """A new list version that looks cut short: files missing, or too many entries lost."""


def source_of(
    fmt: str, files: Iterable[tuple[str, str]], counts_by_list: Mapping[str, int] | None = None
) -> str:
    """The source name of a list read from `files` in format `fmt`. An own list is named
    after the list it declares (its most common `list` column), so that its versions
    form one series whatever their file names; else after its file."""
    names = [Path(path).name for path, _ in files]
    if SAMPLE_FILE in names:
        return SAMPLE_SOURCE
    if "+" in fmt:  # several lists snapshotted as one (the layout before list sources)
        return f"combined:{fmt}"
    if fmt in FORMAT_SOURCES:
        return FORMAT_SOURCES[fmt]
    if counts_by_list:
        code = max(sorted(counts_by_list), key=lambda c: counts_by_list[c])
        return f"own:{code.lower()}"
    return f"own:{Path(names[0]).stem.lower()}" if names else "own"


def missing_parts(fmt: str, files: Iterable[tuple[str, str]]) -> list[str]:
    """The files a format expects beside its main file and that are absent (OFAC's
    aliases and addresses files), as `name (what it holds)`."""
    names = {Path(path).name.lower() for path, _ in files}
    missing = []
    for part in fmt.split("+"):
        layout = OFAC_LAYOUTS.get(part)
        if layout is None:
            continue
        if layout.aliases not in names:
            missing.append(f"{layout.aliases} (aliases)")
        if layout.addresses not in names:
            missing.append(f"{layout.addresses} (addresses)")
    return missing


OFAC_END_MARK = b"\x1a"  # Ctrl-Z: the last byte of OFAC's own main, address and alias files


def cut_parts(fmt: str, files: Iterable[tuple[str, str]]) -> list[str]:
    """OFAC files that end without the end-of-file mark OFAC's own copies end with: a
    download cut off (even on a line boundary, where the rows still parse), or a copy
    edited by hand. Files no longer on disk are not judged."""
    cut = []
    for part in fmt.split("+"):
        layout = OFAC_LAYOUTS.get(part)
        if layout is None:
            continue
        marked = {layout.main, layout.addresses, layout.aliases}
        for path, _ in files:
            file = Path(path)
            if file.name.lower() not in marked or not file.is_file():
                continue
            with file.open("rb") as handle:
                handle.seek(max(0, file.stat().st_size - 16))
                tail = handle.read().rstrip(b"\r\n\t ")
            if not tail.endswith(OFAC_END_MARK):
                cut.append(file.name)
    return cut


def check_version(
    source: str,
    fmt: str,
    files: list[tuple[str, str]],
    entry_count: int,
    previous: tuple[str, int] | None,
    max_shrink: float = DEFAULT_MAX_SHRINK,
    accept_shrink: bool = False,
    partial: bool = False,
) -> None:
    """Refuse a version with missing files or files that look cut off (unless `partial`)
    or one that lost more than `max_shrink` of the previous version's entries (unless
    `accept_shrink`).

    `previous` is (snapshot id, entry count) of the source's last version, if any."""
    missing = missing_parts(fmt, files)
    if missing and not partial:
        raise WatchlistSanityError(
            f"{source}: {', '.join(missing)} missing, so the list would screen without "
            "them; refused (accept it with --partial on `watchlist add`, `run` or `rescreen`)"
        )
    cut = cut_parts(fmt, files) if not partial else []
    if cut:
        raise WatchlistSanityError(
            f"{source}: {', '.join(cut)} ends without OFAC's end-of-file mark (Ctrl-Z), so it "
            "looks cut off; refused (accept it with --partial on `watchlist add`, `run` or "
            "`rescreen`)"
        )
    if previous is None or accept_shrink:
        return
    previous_id, previous_count = previous
    if previous_count and entry_count < (1.0 - max_shrink) * previous_count:
        lost = 1.0 - entry_count / previous_count
        raise WatchlistSanityError(
            f"{source}: {entry_count:,} entries, {lost:.0%} fewer than {previous_id} "
            f"({previous_count:,}); more than {max_shrink:.0%} lost, refused "
            "(if the list really shrank: --accept-shrink on `watchlist add`, `run` or `rescreen`)"
        )
