"""Cells a spreadsheet would run as a formula, made inert for CSV files people open.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is taken by Excel,
LibreOffice and Google Sheets as a formula (`=HYPERLINK(...)`, `@SUM(...)`), and a name
or address in an order or a list can carry one. Such a cell is written with a leading
apostrophe, which spreadsheets show as text; a plain number (`-5`, `+3.5`) is left as
it is. `scored_transactions.csv` is not neutralised: other systems join on its
transaction ids, which must stay byte for byte as the order file gave them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def inert_cell(value: object) -> object:
    """The value, with a leading apostrophe when a spreadsheet would run it."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def inert_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with every text cell made inert (numbers and missing untouched)."""
    text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if not text:
        return frame
    return frame.assign(**{str(c): frame[c].map(inert_cell) for c in text})


def write_inert_csv(frame: pd.DataFrame, path: Path) -> Path:
    """`frame.to_csv(path, index=False)` with formula cells made inert."""
    inert_frame(frame).to_csv(path, index=False)
    return path
