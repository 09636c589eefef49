"""`redflag screen-names` and `redflag match-pairs` (Contract 2,
docs/ARCHITECTURE.md): ad hoc screening of a
name list against a watchlist, and scoring of given name pairs.

The command layer reads files and configs/matching.yaml; the matching itself is
`detectors.matching`. Bad input raises `InputError` (one line, exit 2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from cases.csv_cells import write_inert_csv
from detectors.matching import Matcher, MatchSettings, score_pairs
from flows.errors import InputError
from flows.settings import CONFIGS_DIR, read_yaml

HIT_OUTPUT_COLUMNS = ("entry_id", "list", "matched_name", "score", "explanation")
PAIR_CHUNK = 2_000
PROGRESS_MIN_ROWS = 2_000


def load_match_settings(path: Path | None = None) -> MatchSettings:
    """Settings from configs/matching.yaml (or the given file)."""
    return MatchSettings.from_config(read_yaml(path or CONFIGS_DIR / "matching.yaml"))


def read_table(path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    """A CSV, Parquet or XLSX file as text columns, checked for the required columns."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            frame = pd.read_parquet(path)
            frame = frame.astype(str).where(frame.notna(), None)  # text, as from CSV and XLSX
        elif suffix in (".xlsx", ".xls"):
            frame = pd.read_excel(path, dtype=str)
        else:
            check_row_shapes(path)
            frame = pd.read_csv(
                path, dtype=str, encoding="utf-8-sig", keep_default_na=False, na_values=[""]
            )
    except InputError:
        raise
    except Exception as error:  # unreadable input is the user's to fix
        raise InputError(f"{path}: cannot be read ({type(error).__name__}: {error})") from error
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(missing)}; found {', '.join(frame.columns)}"
        )
    return frame


def check_row_shapes(path: Path) -> None:
    """InputError naming the first CSV line whose fields do not match the header's: a name
    with an unquoted comma would otherwise shift every column of its row."""
    import csv

    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = csv.reader(handle)
            header = next(rows, None)
            if header is None:
                raise InputError(f"{path}: the file is empty (expected a header row)")
            for row in rows:
                if row and len(row) != len(header):
                    raise InputError(
                        f"{path}: line {rows.line_num} has {len(row)} fields where the header "
                        f'has {len(header)} (quote a value that holds a comma: "Acme, Ltd")'
                    )
    except (UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"{path}: not a readable UTF-8 CSV file ({error})") from None


@contextmanager
def progress_bar(label: str, total: int) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar for long inputs; a no-op callback for short ones."""
    if total < PROGRESS_MIN_ROWS:
        yield lambda done, total: None
        return
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def screen_names(
    names: Path,
    out: Path,
    watchlist_entries: pd.DataFrame,
    settings: MatchSettings | None = None,
    matcher: Matcher | None = None,
) -> pd.DataFrame:
    """Screen the names in `names` (columns name, optional id, country, address, type)
    against the entries frame; write one row per hit above its threshold and one row
    with empty hit columns for a name with none. Returns the written frame.
    Pass a prebuilt `matcher` (e.g. the workspace's cached one) to skip the index build."""
    settings = settings or load_match_settings()
    frame = read_table(names, ("name",))
    parties = pd.DataFrame(
        {
            "party_id": [str(i) for i in range(len(frame))],
            "name": frame["name"],
            "country": frame["country"].str.strip().str.upper() if "country" in frame else None,
            "address": frame.get("address"),
            "type": frame.get("type"),
            "role": "name",
        }
    )
    matcher = matcher or Matcher.build(watchlist_entries, settings)
    with progress_bar("screening names", len(parties)) as report:
        hits = matcher.screen(parties, progress=report)
    result = names_with_hits(frame, hits)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_inert_csv(result, out)  # opened in spreadsheets: formula cells made inert
    return result


def names_with_hits(frame: pd.DataFrame, hits: pd.DataFrame) -> pd.DataFrame:
    """Input rows in order, each repeated once per hit (best first), hit columns appended."""
    frame = frame.assign(_row=range(len(frame)))
    if hits.empty:
        hits = pd.DataFrame(columns=["party_id", *HIT_OUTPUT_COLUMNS])
    hits = hits.assign(_row=hits["party_id"].astype(int))[["_row", *HIT_OUTPUT_COLUMNS]]
    hits = hits.sort_values(["_row", "score"], ascending=[True, False], kind="stable")
    merged = frame.merge(hits, on="_row", how="left")
    return merged.sort_values("_row", kind="stable").drop(columns="_row").reset_index(drop=True)


def match_pairs(pairs: Path, out: Path, settings: MatchSettings | None = None) -> pd.DataFrame:
    """Score the pairs in `pairs` (name1, name2, optional schema, country1, country2);
    write them with `score` (0..1) and `match` added. Returns the written frame."""
    settings = settings or load_match_settings()
    frame = read_table(pairs, ("name1", "name2"))
    parts = []
    with progress_bar("scoring pairs", len(frame)) as report:
        for start in range(0, len(frame), PAIR_CHUNK):
            scored = score_pairs(frame.iloc[start : start + PAIR_CHUNK], settings)
            parts.append(scored.drop(columns="explanation"))
            report(min(start + PAIR_CHUNK, len(frame)), len(frame))
    result = pd.concat(parts, ignore_index=True) if parts else frame.assign(score=[], match=[])
    out.parent.mkdir(parents=True, exist_ok=True)
    write_inert_csv(result, out)  # opened in spreadsheets: formula cells made inert
    return result
