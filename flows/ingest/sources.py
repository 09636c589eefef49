"""Reading order files (CSV, Parquet, XLSX) in chunks into the canonical frame.

Every failure to read a file at all becomes one `InputError` line naming the file and
the reason; row-level problems go to the rejected rows (see `flows.ingest.normalize`).
"""

from __future__ import annotations

import codecs
import glob
import re
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from detectors.schema import empty_canonical_frame
from flows.errors import InputError
from flows.ingest.normalize import (
    IngestResult,
    MissingColumnsError,
    apply_column_map,
    check_required_columns,
    empty_field_warnings,
    normalize_orders,
)
from flows.ingest.seen_ids import SeenIds

SKIPPED_LINE = re.compile(r"Skipping line (\d+): (.+)")


@dataclass(frozen=True)
class CsvOptions:
    """How an order CSV is written: a column map may set `delimiter` and `encoding`."""

    delimiter: str = ","
    encoding: str = "utf-8-sig"  # UTF-8, with or without a byte-order mark

    @classmethod
    def of(cls, column_map: Mapping[str, Any] | None) -> CsvOptions:
        """The map's CSV options, checked; a bad one is an InputError naming the map."""
        column_map = column_map or {}
        name = column_map.get("name", "the column map")
        delimiter = str(column_map.get("delimiter") or ",")
        if delimiter == "\\t":
            delimiter = "\t"
        if len(delimiter) != 1 or delimiter in '"\r\n':
            raise InputError(f"{name}: delimiter {delimiter!r} must be one character, e.g. ';'")
        encoding = str(column_map.get("encoding") or "utf-8-sig")
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(
                f"{name}: unknown encoding {encoding!r} (e.g. utf-8, cp1252)"
            ) from None
        if codecs.lookup(encoding).name == "utf-8":
            encoding = "utf-8-sig"
        return cls(delimiter, encoding)


def _csv_chunks(
    path: Path,
    chunk_rows: int,
    malformed: list[tuple[int, str]],
    options: CsvOptions = CsvOptions(),
) -> Iterator[pd.DataFrame]:
    """The file's rows as text; a line with more fields than the header is not dropped but
    noted in `malformed` as (line number, what is wrong) for the rejected rows."""
    try:
        reader = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            encoding=options.encoding,
            sep=options.delimiter,
            chunksize=chunk_rows,
            on_bad_lines="warn",
        )
        while True:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", pd.errors.ParserWarning)
                chunk = next(reader, None)
            for warning in caught:
                for line, problem in SKIPPED_LINE.findall(str(warning.message)):
                    malformed.append((int(line), problem.strip()))
            if chunk is None:
                return
            yield chunk
    except pd.errors.EmptyDataError:
        raise InputError(
            f"{path}: the file is empty (expected a header row and order lines)"
        ) from None
    except UnicodeDecodeError as error:
        if options.encoding != "utf-8-sig":
            raise InputError(
                f"{path}: not {options.encoding} text as the column map says "
                f"({error.reason} at byte {error.start})"
            ) from None
        raise InputError(
            f"{path}: not UTF-8 text ({error.reason} at byte {error.start}); save it as UTF-8 "
            "and retry, or set `encoding` in a column map"
        ) from None
    except pd.errors.ParserError as error:
        first_line = str(error).strip().splitlines()[0]
        raise InputError(f"{path}: not a readable CSV file ({first_line})") from None


def malformed_rows(
    path: Path,
    malformed: list[tuple[int, str]],
    columns: list[str],
    label: str | None = None,
    encoding: str = "utf-8-sig",
) -> pd.DataFrame:
    """Rejected rows for lines the CSV parser could not split: the line's text is kept."""
    wanted = {line for line, _ in malformed}
    texts: dict[int, str] = {}
    with path.open(encoding=encoding, errors="replace") as handle:
        for number, text in enumerate(handle, start=1):
            if number in wanted:
                texts[number] = text.rstrip("\r\n")
    frame = pd.DataFrame({c: [""] * len(malformed) for c in columns})
    frame["raw_line"] = [texts.get(line, "") for line, _ in malformed]
    frame["reject_reason"] = [
        f"malformed CSV line {line}: {problem}" for line, problem in malformed
    ]
    frame["source_file"] = label or str(path)
    frame["source_row"] = [line - 1 for line, _ in malformed]  # the header is row 0
    return frame


def _parquet_chunks(path: Path, chunk_rows: int) -> Iterator[pd.DataFrame]:
    try:
        parquet = pq.ParquetFile(path)
        for batch in parquet.iter_batches(batch_size=chunk_rows):
            as_text = [pc.fill_null(pc.cast(column, pa.string()), "") for column in batch.columns]
            yield pa.Table.from_arrays(as_text, names=batch.schema.names).to_pandas()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowIOError, OSError) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InputError(f"{path}: not a readable Parquet file ({reason})") from None


def _xlsx_chunks(path: Path) -> Iterator[pd.DataFrame]:
    try:
        frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    except Exception as error:  # openpyxl raises many types for a broken workbook
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InputError(f"{path}: not a readable XLSX workbook ({reason})") from None
    yield frame


def raw_chunks(
    path: Path,
    chunk_rows: int,
    malformed: list[tuple[int, str]] | None = None,
    options: CsvOptions = CsvOptions(),
) -> Iterator[pd.DataFrame]:
    """The file's rows as string frames, a chunk at a time, whatever its format."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty (expected a header row and order lines)")
    suffix = path.suffix.lower()
    if suffix in {".parquet", ".pq"}:
        yield from _parquet_chunks(path, chunk_rows)
    elif suffix in {".xlsx", ".xlsm"}:
        yield from _xlsx_chunks(path)
    elif suffix in {".csv", ".txt", ""}:
        yield from _csv_chunks(
            path, chunk_rows, malformed if malformed is not None else [], options
        )
    else:
        raise InputError(f"{path}: unknown file type '{suffix}' (expected .csv, .parquet or .xlsx)")


@dataclass
class ReadTally:
    """What reading the order files found besides the accepted rows."""

    rows_read: int = 0
    rejected: list[pd.DataFrame] = field(default_factory=list)
    present_columns: set[str] = field(default_factory=set)
    reject_counts: dict[str, int] = field(default_factory=dict)
    field_warnings: list[pd.DataFrame] = field(default_factory=list)

    def add(self, part: Any) -> None:
        """What normalizing one chunk rejected and found (an IngestResult or a spooled
        chunk: `rejected`, `present_columns`, `reject_counts`, `field_warnings`)."""
        if len(part.rejected):
            self.rejected.append(part.rejected)
        if len(part.field_warnings):
            self.field_warnings.append(part.field_warnings)
        self.present_columns |= part.present_columns
        self.count(part.reject_counts)

    def count(self, counts: Mapping[str, int]) -> None:
        for kind, n in counts.items():
            self.reject_counts[kind] = self.reject_counts.get(kind, 0) + n

    @property
    def rows_rejected(self) -> int:
        return sum(len(frame) for frame in self.rejected)

    def field_warnings_frame(self) -> pd.DataFrame:
        """Blanked optional values of accepted rows (see `flows.ingest.normalize`)."""
        if not self.field_warnings:
            return empty_field_warnings()
        return pd.concat(self.field_warnings, ignore_index=True)

    def rejected_frame(self) -> pd.DataFrame:
        return pd.concat(self.rejected, ignore_index=True) if self.rejected else pd.DataFrame()


@dataclass
class RawChunk:
    """A chunk of one order file as read (every cell a string), with where it sits."""

    frame: pd.DataFrame
    label: str  # the file's path, or the URL it was fetched from
    first_row: int  # the chunk's first row within its file (1 = the first order line)
    offset: int  # rows of the run read before this chunk (over all files)


def raw_order_chunks(
    paths: list[Path],
    ingest_settings: Mapping[str, Any],
    column_map: Mapping[str, Any] | None,
    tally: ReadTally,
    names: Mapping[Path, str] | None = None,
) -> Iterator[RawChunk]:
    """Every file's rows a chunk at a time, in file order, with the run's column map
    applied; rows read and malformed lines go to `tally`."""
    chunk_rows = int(ingest_settings.get("csv_chunk_rows", 250_000))
    options = CsvOptions.of(column_map)
    for path in paths:
        label = (names or {}).get(path, str(path))  # a fetched file is named by its URL
        file_rows = 0
        malformed: list[tuple[int, str]] = []
        columns: list[str] = []
        for raw in raw_chunks(path, chunk_rows, malformed, options):
            columns = columns or list(raw.columns)
            if column_map:
                try:
                    raw = apply_column_map(raw, column_map)
                except ValueError as error:
                    raise InputError(f"{label}: {error}") from None
            try:
                check_required_columns(raw, label)
            except MissingColumnsError as error:
                raise InputError(str(error)) from None
            yield RawChunk(raw, label, file_rows + 1, tally.rows_read + file_rows)
            file_rows += len(raw)
        if malformed:
            tally.rejected.append(malformed_rows(path, malformed, columns, label, options.encoding))
            tally.count({"malformed_line": len(malformed)})
            file_rows += len(malformed)
        if file_rows == 0:
            raise InputError(f"{path}: the file has a header but no order lines")
        tally.rows_read += file_rows


def accepted_chunks(
    paths: list[Path],
    catalog: pd.DataFrame,
    ingest_settings: Mapping[str, Any],
    column_map: Mapping[str, Any] | None,
    tally: ReadTally,
    names: Mapping[Path, str] | None = None,
) -> Iterator[pd.DataFrame]:
    """The accepted rows of every file, a chunk at a time, in file order; rejected rows,
    counts and columns go to `tally`. Duplicate ids are checked across all the files."""
    seen = SeenIds()
    for chunk in raw_order_chunks(paths, ingest_settings, column_map, tally, names):
        part = normalize_orders(
            chunk.frame, catalog, ingest_settings, chunk.label, chunk.first_row, seen_ids=seen
        )
        tally.add(part)
        yield part.accepted


def read_orders(
    paths: list[Path],
    catalog: pd.DataFrame,
    ingest_settings: Mapping[str, Any],
    column_map: Mapping[str, Any] | None = None,
) -> IngestResult:
    """Read, validate and normalize every file into one frame."""
    tally = ReadTally()
    accepted = list(accepted_chunks(paths, catalog, ingest_settings, column_map, tally))
    return IngestResult(
        accepted=pd.concat(accepted, ignore_index=True) if accepted else empty_canonical_frame(),
        rejected=tally.rejected_frame(),
        present_columns=frozenset(tally.present_columns),
        rows_read=tally.rows_read,
        reject_counts=tally.reject_counts,
        field_warnings=tally.field_warnings_frame(),
    )


def is_url(text: str) -> bool:
    return "://" in text


def expand_inputs(patterns: list[str], downloads: Path | None = None) -> list[Path]:
    """Paths as given; a pattern with * or ? is expanded (sorted), and must match a file.
    An fsspec URL (`file://`, `http(s)://`, `s3://` …) is fetched into `downloads` first."""
    return [path for _, path in expand_sources(patterns, downloads)]


def expand_sources(patterns: list[str], downloads: Path | None = None) -> list[tuple[str, Path]]:
    """As `expand_inputs`, each path with where it came from: the URL of a fetched file,
    else the path itself (for the run summary)."""
    found: list[tuple[str, Path]] = []
    for pattern in patterns:
        if is_url(pattern) and not pattern.startswith("file://"):
            if downloads is None:
                raise InputError(f"{pattern}: URLs are read by runs only")
            found.extend(fetch_url(pattern, downloads))
            continue
        pattern = pattern.removeprefix("file://")
        if any(ch in pattern for ch in "*?["):
            matches = sorted(glob.glob(pattern))
            if not matches:
                raise InputError(f"{pattern}: no order file matches this pattern")
            found.extend((m, Path(m)) for m in matches)
        else:
            found.append((pattern, Path(pattern)))
    return found


def fetch_url(url: str, downloads: Path) -> list[tuple[str, Path]]:
    """Copies the file(s) at an fsspec URL into `downloads` (a folder URL is copied whole,
    a glob pattern fetches every match); returns (URL, local copy) pairs, in sorted order."""
    import fsspec

    protocol = url.split("://", 1)[0]
    try:
        fs, remote = fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as error:
        raise InputError(f"{url}: cannot read {protocol}:// URLs here ({error})") from None
    target = downloads / f"{len(list(downloads.glob('*'))) if downloads.exists() else 0:03d}"
    target.mkdir(parents=True, exist_ok=True)
    try:
        if any(ch in remote for ch in "*?[") and protocol not in ("http", "https"):
            matches = sorted(fs.glob(remote))
            if not matches:
                raise InputError(f"{url}: no file matches this pattern")
        elif fs.isdir(remote):
            fs.get(remote.rstrip("/") + "/", str(target) + "/", recursive=True)
            return [(url, target)]
        else:
            matches = [remote]
        local = []
        for match in matches:
            name = match.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0] or "download"
            fs.get_file(match, str(target / name))
            local.append((url if match == remote else fs.unstrip_protocol(match), target / name))
        return local
    except InputError:
        raise
    except Exception as error:  # fsspec back-ends raise their own error types
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InputError(f"{url}: cannot be fetched ({reason})") from None
