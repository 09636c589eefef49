"""The files of one run folder (Contract 3, docs/ARCHITECTURE.md): scored transactions, rejected rows, the run
summary, one JSON and one HTML file per case the run opened or updated, and index.html."""

from __future__ import annotations

import json
import math
import multiprocessing
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from cases.csv_cells import write_inert_csv
from cases.model import Case
from cases.render import case_html, case_json, run_index_html
from flows.runtime.bulk import collector_paused
from flows.runtime.json_text import indented_json


def action_counts(upserts: Iterable[Any]) -> dict[str, int]:
    """cases_opened / cases_updated / cases_unchanged of a run, from the store's results."""
    actions = [u.action for u in upserts]
    return {
        "cases_opened": sum(a in ("opened", "follow_up") for a in actions),
        "cases_updated": actions.count("updated"),
        "cases_unchanged": actions.count("unchanged"),
    }


def touched_cases(upserts: Iterable[Any]) -> list[Case]:
    """The cases a run opened or updated: the ones whose files it writes."""
    return [u.case for u in upserts if u.action in ("opened", "updated", "follow_up") and u.case]


def write_json(path: Path, payload: Any) -> None:
    """`payload` as indented JSON (`json.dumps(payload, indent=2, ensure_ascii=False,
    default=str)`), replacing `path` whole."""
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(indented_json(payload), encoding="utf-8")
    temporary.replace(path)


SCORED_COLUMNS: list[str] = ["transaction_id", "risk_score", "flags", "case_id"]


def write_scored(out: Path, scored: pd.DataFrame) -> Path:
    """`scored_transactions.csv`, as `DataFrame.to_csv(index=False)` writes it."""
    with ScoredCsv(out) as writer:
        writer.append(scored)
    return writer.path


class ScoredCsv:
    """`scored_transactions.csv` written a slice of rows at a time, the same bytes as
    `DataFrame.to_csv(index=False)` of all the rows. Arrow's CSV writer does a slice
    several times faster, and is used when its bytes are the same: integer scores, text
    without characters that need quoting (anything else goes to pandas)."""

    def __init__(self, out: Path) -> None:
        self.path = out / "scored_transactions.csv"
        self._handle = self.path.open("wb")
        self._handle.write((",".join(SCORED_COLUMNS) + "\n").encode("utf-8"))

    def __enter__(self) -> ScoredCsv:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def append(self, scored: pd.DataFrame) -> None:
        frame = scored[SCORED_COLUMNS]
        if _arrow_writes_alike(frame):
            try:
                table = pa.Table.from_pandas(frame, preserve_index=False)
                buffer = pa.BufferOutputStream()
                options = pacsv.WriteOptions(include_header=False, quoting_style="none")
                pacsv.write_csv(table, buffer, options)
                self._handle.write(buffer.getvalue().to_pybytes())
                return
            except (pa.ArrowInvalid, pa.ArrowTypeError):  # a value needs quotes, or odd types
                pass
        self._handle.write(frame.to_csv(index=False, header=False).encode("utf-8"))


def _arrow_writes_alike(frame: pd.DataFrame) -> bool:
    """Integer scores and text columns without missing values: the cases where Arrow's
    unquoted CSV equals pandas' (Arrow refuses a value that would need quotes)."""
    text = [c for c in frame.columns if c != "risk_score"]
    return (
        pd.api.types.is_integer_dtype(frame["risk_score"])
        and all(pd.api.types.is_string_dtype(frame[c]) for c in text)
        and not frame[text].isna().to_numpy().any()
    )


def write_flags(out: Path, flags: pd.DataFrame) -> Path:
    """Every flag of the run (one row per transaction and code, evidence as JSON), so a run can
    be evaluated against labels later (`redflag evaluate`)."""
    path = out / "flags.parquet"
    encode = json.JSONEncoder(default=str).encode  # as json.dumps(e, default=str), reused
    with collector_paused():
        table = flags.assign(evidence=[encode(e) for e in flags["evidence"]])
    table.to_parquet(path, index=False)
    return path


def write_rejected(out: Path, rejected: pd.DataFrame) -> Path | None:
    """Original columns + reject_reason; written only when rows were rejected."""
    path = out / "rejected_rows.csv"
    if rejected.empty:
        if path.exists():
            path.unlink()
        return None
    write_inert_csv(rejected, path)  # opened in spreadsheets: formula cells made inert
    return path


def write_field_warnings(out: Path, warnings: pd.DataFrame) -> Path | None:
    """Optional values left blank (transaction_id, place, field, value, warning);
    written only when there are any."""
    path = out / "field_warnings.csv"
    if warnings.empty:
        if path.exists():
            path.unlink()
        return None
    write_inert_csv(warnings, path)
    return path


PARALLEL_MIN_CASES = 2000  # below this, starting worker processes costs more than it saves
_PENDING: tuple[Path, list[Case]] | None = None  # inherited by forked workers


def _write_case_files(folder: Path, cases: list[Case]) -> int:
    for case in cases:
        write_json(folder / f"{case.case_id}.json", case_json(case))
        (folder / f"{case.case_id}.html").write_text(
            case_html(case, index_href="../index.html"), encoding="utf-8"
        )
    return len(cases)


def _write_forked_slice(bounds: tuple[int, int]) -> int:
    assert _PENDING is not None  # set before the workers are forked
    folder, cases = _PENDING
    return _write_case_files(folder, cases[bounds[0] : bounds[1]])


class CaseFileWriter:
    """Writes the case files of a run batch by batch, in forked workers that go on while
    the caller prepares the next batch (a run stores batch k+1 in the case store while
    batch k's pages render). One batch is in flight at a time; `wait` (or leaving the
    `with` block) returns when every submitted file is written."""

    def __init__(self, out: Path, workers: int = 1) -> None:
        self.folder = out / "cases"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.workers = workers
        self._job: tuple[Any, Any, list[Case]] | None = None

    def __enter__(self) -> CaseFileWriter:
        return self

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        if kind is None:
            self.wait()
        elif self._job is not None:
            self._job[0].terminate()
            self._job = None

    def submit(self, cases: list[Case]) -> None:
        global _PENDING
        self.wait()
        can_fork = "fork" in multiprocessing.get_all_start_methods()
        if len(cases) < PARALLEL_MIN_CASES or self.workers < 2 or not can_fork:
            with collector_paused():
                _write_case_files(self.folder, cases)
            return
        size = math.ceil(len(cases) / (self.workers * 4))
        bounds = [(i, min(i + size, len(cases))) for i in range(0, len(cases), size)]
        _PENDING = (self.folder, cases)
        try:
            with collector_paused():  # the workers start, and stay, with it paused
                pool = multiprocessing.get_context("fork").Pool(self.workers)
        except (OSError, RuntimeError):
            with collector_paused():
                _write_case_files(self.folder, cases)
            return
        finally:
            _PENDING = None
        self._job = (pool, pool.map_async(_write_forked_slice, bounds), cases)

    def wait(self) -> None:
        if self._job is None:
            return
        pool, pending, cases = self._job
        self._job = None
        try:
            written = sum(pending.get())
        except (OSError, RuntimeError):
            written = -1
        finally:
            pool.close()
            pool.join()
        if written != len(cases):
            with collector_paused():
                _write_case_files(self.folder, cases)


def write_cases(out: Path, cases: Iterable[Case], workers: int = 1) -> list[Path]:
    """`cases/<case_id>.json` and `.html` for each case. With `workers` > 1 a large run
    renders its pages in forked worker processes that inherit the cases (nothing is
    pickled); if they cannot run, the pages are written here instead."""
    cases = list(cases)
    with CaseFileWriter(out, workers) as writer:
        writer.submit(cases)
    return [writer.folder / f"{case.case_id}.json" for case in cases]


def write_index(out: Path, cases: list[Case], summary: dict[str, Any]) -> Path:
    path = out / "index.html"
    ranked = sorted(cases, key=lambda c: (-c.risk_score, c.case_id))
    with collector_paused():
        path.write_text(run_index_html(ranked, summary), encoding="utf-8")
    return path
