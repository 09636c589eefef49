"""The run summary (`run_summary.json`, docs/ARCHITECTURE.md): one type for daily runs and
rescreens, written with its keys in one fixed order.

A daily run's summary has no `kind`, `trigger` or `since`; a rescreen's has no
`not_evaluable`, `partitions`, `network`, `skipped_detectors`, `ownership` or `drift`.
A section left as None is not written; `finished_at` always is (null until the run ends).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from watchlists.loader import file_sha256


@dataclass
class RunSummary:
    """What a run did. Fields in the order run_summary.json has them."""

    run_id: str
    kind: str | None = None  # "rescreen"; a daily run's summary has none
    trigger: str | None = None
    started_at: str = ""
    finished_at: str | None = None
    inputs: list[dict[str, Any]] = field(default_factory=list)
    since: str | None = None
    counts: dict[str, Any] = field(default_factory=dict)
    not_evaluable: list[dict[str, Any]] | None = None
    partitions: dict[str, Any] | None = None
    network: dict[str, Any] | None = None
    skipped_detectors: list[dict[str, str]] | None = None
    versions: dict[str, Any] = field(default_factory=dict)
    ownership: dict[str, Any] | None = None
    drift: dict[str, Any] | None = None
    timings_seconds: dict[str, float] | None = None
    outputs: dict[str, str] | None = None

    def finish(self, finished_at: datetime, seconds: dict[str, float], out: Path) -> None:
        """What is known at the end of a run: when, how long each stage took, and where
        its outputs are."""
        self.timings_seconds = seconds
        self.finished_at = finished_at.isoformat()
        self.outputs = {"folder": str(out), "index": str(out / "index.html")}

    def to_dict(self) -> dict[str, Any]:
        """The summary as run_summary.json holds it."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if getattr(self, f.name) is not None or f.name == "finished_at"
        }


def input_files(sources: Iterable[tuple[str, Path]]) -> list[dict[str, Any]]:
    """The run's input files as the summary lists them: where each came from and its
    sha256 (None for one that is not a file)."""
    return [
        {"path": source, "sha256": file_sha256(path) if path.is_file() else None}
        for source, path in sources
    ]
