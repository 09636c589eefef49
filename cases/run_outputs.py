"""The files of one run folder (Contract 3): scored transactions, rejected rows, the run
summary, one JSON and one HTML file per case the run opened or updated, and index.html."""

from __future__ import annotations

import json
import math
import multiprocessing
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from cases.model import Case
from cases.render import case_html, case_json, run_index_html


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
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(
        json.dumps(payload, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
    )
    temporary.replace(path)


def write_scored(out: Path, scored: pd.DataFrame) -> Path:
    path = out / "scored_transactions.csv"
    scored[["transaction_id", "risk_score", "flags", "case_id"]].to_csv(path, index=False)
    return path


def write_flags(out: Path, flags: pd.DataFrame) -> Path:
    """Every flag of the run (one row per transaction and code, evidence as JSON), so a run can
    be evaluated against labels later (`redflag evaluate`)."""
    path = out / "flags.parquet"
    table = flags.assign(evidence=[json.dumps(e, default=str) for e in flags["evidence"]])
    table.to_parquet(path, index=False)
    return path


def write_rejected(out: Path, rejected: pd.DataFrame) -> Path | None:
    """Original columns + reject_reason; written only when rows were rejected."""
    path = out / "rejected_rows.csv"
    if rejected.empty:
        if path.exists():
            path.unlink()
        return None
    rejected.to_csv(path, index=False)
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
    folder, cases = _PENDING
    return _write_case_files(folder, cases[bounds[0] : bounds[1]])


def write_cases(out: Path, cases: Iterable[Case], workers: int = 1) -> list[Path]:
    """`cases/<case_id>.json` and `.html` for each case. With `workers` > 1 a large run
    renders its pages in forked worker processes that inherit the cases (nothing is
    pickled); if they cannot run, the pages are written here instead."""
    global _PENDING
    folder = out / "cases"
    folder.mkdir(parents=True, exist_ok=True)
    cases = list(cases)
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if len(cases) < PARALLEL_MIN_CASES or workers < 2 or not can_fork:
        _write_case_files(folder, cases)
        return [folder / f"{case.case_id}.json" for case in cases]
    size = math.ceil(len(cases) / (workers * 4))
    bounds = [(i, min(i + size, len(cases))) for i in range(0, len(cases), size)]
    _PENDING = (folder, cases)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            written = sum(pool.imap_unordered(_write_forked_slice, bounds))
            pool.close()
            pool.join()
    except (OSError, RuntimeError):
        written = -1
    finally:
        _PENDING = None
    if written != len(cases):
        _write_case_files(folder, cases)
    return [folder / f"{case.case_id}.json" for case in cases]


def write_index(out: Path, cases: list[Case], summary: dict[str, Any]) -> Path:
    path = out / "index.html"
    ranked = sorted(cases, key=lambda c: (-c.risk_score, c.case_id))
    path.write_text(run_index_html(ranked, summary), encoding="utf-8")
    return path
