"""The publishers' text traps, cleaned once for every parser.

- BIS names end in "; and any successor, sub-unit, or subsidiary thereof";
- BIS exports carry `?` where an apostrophe was ("Xi?an");
- multi-values are joined with `; ` and the later ones may start with "and ";
- OFAC writes `-0-` for an empty field.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

BIS_SUFFIX = re.compile(
    r"[;,]?\s*and\s+any\s+successors?,?\s+sub-?units?,?\s+or\s+subsidiar(?:y|ies)\s+thereof\.?\s*$",
    re.IGNORECASE,
)
LOST_APOSTROPHE = re.compile(r"(?<=\w)\?(?=\w)")
LEADING_AND = re.compile(r"^and\s+", re.IGNORECASE)
WRAPPING_QUOTES = re.compile(r'^\s*"(.*)"\s*$')
OFAC_NULL = "-0-"


def clean_name(name: str | None) -> str:
    """A list name without the BIS suffix, with apostrophes restored and spaces collapsed."""
    if name is None or (isinstance(name, float) and pd.isna(name)):
        return ""
    text = BIS_SUFFIX.sub("", str(name))
    text = LOST_APOSTROPHE.sub("'", text)
    return " ".join(WRAPPING_QUOTES.sub(r"\1", text).split())


def clean_names(names: pd.Series) -> pd.Series:
    """Vectorised `clean_name` for a column of names (missing becomes "").

    Whitespace is collapsed for every row; the rare rows with a trap (`?`, quotes, the
    BIS suffix) go through `clean_name`.
    """
    text = names.fillna("").astype(str).str.replace(r"\s+", " ", regex=True).str.strip()
    tricky = text.str.contains(r'[?"]|[Ss]uccessor|SUCCESSOR', regex=True)
    if tricky.any():
        fixed = text[tricky].map(clean_name)
        text.loc[fixed.index] = fixed
    return text


def split_values(value: object, separator: str = ";") -> list[str]:
    """Split a `; `-joined multi-value; drop the "and " that may lead the later values."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    parts = [part.strip() for part in str(value).split(separator)]
    cleaned = [parts[0]] + [LEADING_AND.sub("", part) for part in parts[1:]] if parts else []
    return [part for part in cleaned if part and part != OFAC_NULL]


def null_text(value: object) -> str | None:
    """None for an empty, missing or `-0-` field, the stripped text otherwise."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return None if not text or text == OFAC_NULL else text


def plain_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values (None for missing); fast on Arrow-backed text."""
    columns = {c: frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in frame}
    rows = zip(*columns.values(), strict=True)
    return [dict(zip(columns, values, strict=True)) for values in rows]
