"""Reading order files (CSV, Parquet, XLSX) in chunks into the canonical frame.

Every failure to read a file at all becomes one `InputError` line naming the file and
the reason; row-level problems go to the rejected rows (see `detectors.ingest`).
"""

from __future__ import annotations

import glob
import re
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from detectors.ingest import IngestResult, MissingColumnsError, apply_column_map, normalize_orders
from detectors.schema import empty_canonical_frame


class InputError(ValueError):
    """Bad input from the user: the CLI prints it as one line and exits 2."""


SKIPPED_LINE = re.compile(r"Skipping line (\d+): (.+)")


def _csv_chunks(
    path: Path, chunk_rows: int, malformed: list[tuple[int, str]]
) -> Iterator[pd.DataFrame]:
    """The file's rows as text; a line with more fields than the header is not dropped but
    noted in `malformed` as (line number, what is wrong) for the rejected rows."""
    try:
        reader = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
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
        raise InputError(
            f"{path}: not UTF-8 text ({error.reason} at byte {error.start}); save it as UTF-8 and retry"
        ) from None
    except pd.errors.ParserError as error:
        first_line = str(error).strip().splitlines()[0]
        raise InputError(f"{path}: not a readable CSV file ({first_line})") from None


def malformed_rows(
    path: Path, malformed: list[tuple[int, str]], columns: list[str]
) -> pd.DataFrame:
    """Rejected rows for lines the CSV parser could not split: the line's text is kept."""
    wanted = {line for line, _ in malformed}
    texts: dict[int, str] = {}
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        for number, text in enumerate(handle, start=1):
            if number in wanted:
                texts[number] = text.rstrip("\r\n")
    frame = pd.DataFrame({c: [""] * len(malformed) for c in columns})
    frame["raw_line"] = [texts.get(line, "") for line, _ in malformed]
    frame["reject_reason"] = [
        f"malformed CSV line {line}: {problem}" for line, problem in malformed
    ]
    frame["source_file"] = str(path)
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
    path: Path, chunk_rows: int, malformed: list[tuple[int, str]] | None = None
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
        yield from _csv_chunks(path, chunk_rows, malformed if malformed is not None else [])
    else:
        raise InputError(f"{path}: unknown file type '{suffix}' (expected .csv, .parquet or .xlsx)")


def read_orders(
    paths: list[Path],
    catalog: pd.DataFrame,
    ingest_settings: Mapping[str, Any],
    column_map: Mapping[str, Any] | None = None,
) -> IngestResult:
    """Read, validate and normalize every file; duplicate ids are checked across all of them."""
    chunk_rows = int(ingest_settings.get("csv_chunk_rows", 250_000))
    accepted: list[pd.DataFrame] = []
    rejected: list[pd.DataFrame] = []
    present: set[str] = set()
    counts: dict[str, int] = {}
    seen: set[str] = set()
    rows_read = 0
    for path in paths:
        file_rows = 0
        malformed: list[tuple[int, str]] = []
        columns: list[str] = []
        for raw in raw_chunks(path, chunk_rows, malformed):
            columns = columns or list(raw.columns)
            if column_map:
                raw = apply_column_map(raw, column_map)
            try:
                part = normalize_orders(
                    raw, catalog, ingest_settings, str(path), first_row=file_rows + 1, seen_ids=seen
                )
            except MissingColumnsError as error:
                raise InputError(str(error)) from None
            file_rows += len(raw)
            accepted.append(part.accepted)
            if len(part.rejected):
                rejected.append(part.rejected)
            present |= part.present_columns
            for kind, n in part.reject_counts.items():
                counts[kind] = counts.get(kind, 0) + n
        if malformed:
            rejected.append(malformed_rows(path, malformed, columns))
            counts["malformed_line"] = counts.get("malformed_line", 0) + len(malformed)
            file_rows += len(malformed)
        if file_rows == 0:
            raise InputError(f"{path}: the file has a header but no order lines")
        rows_read += file_rows
    return IngestResult(
        accepted=pd.concat(accepted, ignore_index=True) if accepted else empty_canonical_frame(),
        rejected=pd.concat(rejected, ignore_index=True) if rejected else pd.DataFrame(),
        present_columns=frozenset(present),
        rows_read=rows_read,
        reject_counts=counts,
    )


def expand_inputs(patterns: list[str]) -> list[Path]:
    """Paths as given; a pattern with * or ? is expanded (sorted), and must match a file."""
    paths: list[Path] = []
    for pattern in patterns:
        if any(ch in pattern for ch in "*?["):
            matches = sorted(glob.glob(pattern))
            if not matches:
                raise InputError(f"{pattern}: no order file matches this pattern")
            paths.extend(Path(m) for m in matches)
        else:
            paths.append(Path(pattern))
    return paths
