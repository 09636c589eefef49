"""Whether two runs wrote the same outputs: the check that a change kept behaviour.

    python benchmarks/compare_runs.py OUT_A OUT_B [--workspace-a WS_A --workspace-b WS_B]

OUT_A and OUT_B are the `--out` folders of two `redflag run`s on the same input, each in
a fresh workspace (so that case ids start from C-000001 in both), typically one on the
code before a change and one after:

    redflag --workspace ws-a run -t orders.csv -w list.csv --out out-a   # before
    redflag --workspace ws-b run -t orders.csv -w list.csv --out out-b   # after

`scored_transactions.csv` must be byte-identical. Every other file is compared after
masking what differs between any two runs by design, and only that:

- the run id (`20261206T030107-653c`) and every timestamp (`2026-12-06T03:01:39Z`,
  `2026-12-06T03:01:07.605894+00:00`, and as pages show it, `2026-12-06 03:01 UTC`): when
  the run happened;
- the id of a model the run trained (`anomaly-20261206T030115-a526df02`): its time and a
  random suffix;
- the two runs' own output and workspace folder names (given, or the folder names);
- in `run_summary.json`, `timings_seconds`, the partitions' `seconds_by_stage` and the
  ownership block's `resolution_seconds` (how long each took, never equal).

Case files (`cases/*.json` and `.html`), `flags.parquet` (every column, evidence
included), `run_summary.json`, `index.html`, and `rejected_rows.csv` /
`field_warnings.csv` when present, are compared this way; so are a rescreen's outputs
(`watchlist_diff.csv`, no scored rows or flags). The summary's keys must also come in
the same order, at every level. The report says, per kind of
file, how many are byte-identical, how many equal once masked, and names the first
differences; the exit code is 1 when anything differs after masking.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import pandas as pd

# to the second (ISO, in JSON and in <time datetime=...>) or to the minute (as pages show it)
TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}| UTC)?"
)
RUN_ID = re.compile(r"\b\d{8}T\d{6}-[0-9a-f]{4}\b")
MODEL_ID = re.compile(r"\b([a-z]+)-\d{8}T\d{6}-[0-9a-f]{8}\b")
SUMMARY_VOLATILE = (
    "timings_seconds", "seconds_by_stage", "started_at", "finished_at", "resolution_seconds",
)  # fmt: skip


class Masker:
    def __init__(self, names: dict[str, str]) -> None:
        self.names = sorted(names.items(), key=lambda kv: -len(kv[0]))  # longest first

    def text(self, value: str) -> str:
        for name, placeholder in self.names:
            value = value.replace(name, placeholder)
        value = MODEL_ID.sub(r"\1-<model-id>", value)
        value = RUN_ID.sub("<run-id>", value)
        return TIMESTAMP.sub("<time>", value)

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(str(k)): self.value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.value(v) for v in value]
        return value


def _summary(path: Path, masker: Masker) -> Any:
    data = json.loads(path.read_text(encoding="utf-8"))

    def drop(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: drop(v) for k, v in value.items() if k not in SUMMARY_VOLATILE}
        if isinstance(value, list):
            return [drop(v) for v in value]
        return value

    return masker.value(drop(data))


def _json_diff(a: Any, b: Any, where: str = "") -> str | None:
    """The first place two JSON values differ, or None."""
    if type(a) is not type(b):
        return f"{where or '.'}: {a!r:.80} != {b!r:.80}"
    if isinstance(a, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                return f"{where}.{key}: only in {'B' if key not in a else 'A'}"
            found = _json_diff(a[key], b[key], f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} items != {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _json_diff(x, y, f"{where}[{i}]")
            if found:
                return found
        return None
    return None if a == b else f"{where}: {a!r:.80} != {b!r:.80}"


def _order_diff(a: Any, b: Any, where: str = "") -> str | None:
    """The first mapping whose keys come in another order (equal values assumed): the
    summary's key order is part of its contract."""
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return f"{where or '.'}: keys in another order"
        for key in a:
            found = _order_diff(a[key], b[key], f"{where}.{key}")
            if found:
                return found
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found = _order_diff(x, y, f"{where}[{i}]")
            if found:
                return found
    return None


def _compare_flags(a: Path, b: Path, mask_a: Masker, mask_b: Masker, report: Report) -> None:
    flags_a = pd.read_parquet(a / "flags.parquet")
    flags_b = pd.read_parquet(b / "flags.parquet")
    masked_a = flags_a.map(lambda v: mask_a.text(v) if isinstance(v, str) else v)
    masked_b = flags_b.map(lambda v: mask_b.text(v) if isinstance(v, str) else v)
    raw_equal = flags_a.equals(flags_b)
    masked_equal = masked_a.equals(masked_b) and list(flags_a.dtypes) == list(flags_b.dtypes)
    report.add("flags.parquet", 1, int(raw_equal), int(masked_equal),
               [] if masked_equal else [f"{len(flags_a)} vs {len(flags_b)} rows, or values differ"])  # fmt: skip


class Report:
    def __init__(self) -> None:
        self.rows: list[tuple[str, int, int, int, list[str]]] = []

    def add(self, kind: str, files: int, raw: int, masked: int, diffs: list[str]) -> None:
        self.rows.append((kind, files, raw, masked, diffs))

    @property
    def same(self) -> bool:
        return all(files == masked for _, files, _, masked, _ in self.rows)

    def print(self) -> None:
        print(f"{'files':<26} {'count':>7} {'byte-identical':>15} {'equal masked':>13}")
        for kind, files, raw, masked, diffs in self.rows:
            print(f"{kind:<26} {files:>7} {raw:>15} {masked:>13}")
            for diff in diffs[:5]:
                print(f"    differs: {diff}")
        print("SAME OUTPUTS" if self.same else "OUTPUTS DIFFER")


def compare(a: Path, b: Path, names_a: dict[str, str], names_b: dict[str, str]) -> Report:
    mask_a, mask_b = Masker(names_a), Masker(names_b)
    report = Report()

    scored_a, scored_b = a / "scored_transactions.csv", b / "scored_transactions.csv"
    if scored_a.exists() or scored_b.exists():  # a rescreen writes none
        same = scored_a.exists() and scored_b.exists()
        same = same and scored_a.read_bytes() == scored_b.read_bytes()
        report.add("scored_transactions.csv", 1, int(same), int(same),
                   [] if same else ["not byte-identical"])  # fmt: skip

    for optional in ("rejected_rows.csv", "field_warnings.csv", "watchlist_diff.csv", "index.html"):
        pa, pb = a / optional, b / optional
        if not pa.exists() and not pb.exists():
            continue
        if pa.exists() != pb.exists():
            report.add(optional, 1, 0, 0, [f"only in {'A' if pa.exists() else 'B'}"])
            continue
        ta, tb = pa.read_text(encoding="utf-8"), pb.read_text(encoding="utf-8")
        equal = mask_a.text(ta) == mask_b.text(tb)
        report.add(optional, 1, int(ta == tb), int(equal), [] if equal else ["differs"])

    summary_a, summary_b = (
        _summary(a / "run_summary.json", mask_a),
        _summary(b / "run_summary.json", mask_b),
    )
    diff = _json_diff(summary_a, summary_b) or _order_diff(summary_a, summary_b)
    raw_same = (a / "run_summary.json").read_bytes() == (b / "run_summary.json").read_bytes()
    report.add("run_summary.json", 1, int(raw_same), int(diff is None), [diff] if diff else [])

    if (a / "flags.parquet").exists() or (b / "flags.parquet").exists():
        _compare_flags(a, b, mask_a, mask_b, report)

    for suffix in ("json", "html"):
        names_in_a = {p.name for p in (a / "cases").glob(f"*.{suffix}")}
        names_in_b = {p.name for p in (b / "cases").glob(f"*.{suffix}")}
        diffs = [f"{n}: only in A" for n in sorted(names_in_a - names_in_b)]
        diffs += [f"{n}: only in B" for n in sorted(names_in_b - names_in_a)]
        raw = masked = 0
        for name in sorted(names_in_a & names_in_b):
            ta = (a / "cases" / name).read_text(encoding="utf-8")
            tb = (b / "cases" / name).read_text(encoding="utf-8")
            if ta == tb:
                raw += 1
                masked += 1
                continue
            if suffix == "json":
                found = _json_diff(mask_a.value(json.loads(ta)), mask_b.value(json.loads(tb)))
            else:
                found = None if mask_a.text(ta) == mask_b.text(tb) else "text differs"
            if found:
                diffs.append(f"{name}: {found}")
            else:
                masked += 1
        files = len(names_in_a | names_in_b)
        report.add(f"cases/*.{suffix}", files, raw, masked, diffs)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_a", type=Path)
    parser.add_argument("out_b", type=Path)
    parser.add_argument("--workspace-a", type=Path)
    parser.add_argument("--workspace-b", type=Path)
    args = parser.parse_args()

    def names(out: Path, workspace: Path | None) -> dict[str, str]:
        found = {str(out.resolve()): "<out>", out.name: "<out>"}
        if workspace is not None:
            found |= {str(workspace.resolve()): "<workspace>", workspace.name: "<workspace>"}
        return found

    report = compare(
        args.out_a, args.out_b, names(args.out_a, args.workspace_a),
        names(args.out_b, args.workspace_b),
    )  # fmt: skip
    report.print()
    return 0 if report.same else 1


if __name__ == "__main__":
    sys.exit(main())
