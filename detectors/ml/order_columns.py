"""The transaction columns as the ML features read them: each text column cleaned once
(blanks count as missing), string work done on distinct values only, and small row-wise
comparisons, all vectorised."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd


class OrderColumns:
    """The transaction columns as features read them, each cleaned once per build: text
    with blanks as missing, numbers as float, booleans as 1/0 (NaN where missing). String
    work is done on the distinct values only and mapped back."""

    def __init__(self, tx: pd.DataFrame) -> None:
        self.tx = tx
        self.index = tx.index
        self._texts: dict[str, pd.Series] = {}
        self._factorized: dict[str, tuple[np.ndarray, pd.Series]] = {}

    def text(self, col: str) -> pd.Series:
        if col not in self._texts:
            values = self.tx[col] if col in self.tx else pd.Series(np.nan, index=self.index)
            values = values.astype("str")
            codes, uniques = pd.factorize(values)
            uniques = pd.Series(uniques, dtype="str")
            blank = np.append((uniques.str.strip() == "").to_numpy(dtype=bool), True)
            codes = np.where(blank[codes], -1, codes)  # code -1 picks the appended True
            self._factorized[col] = (codes, uniques)
            self._texts[col] = values.where(codes >= 0)
        return self._texts[col]

    def each(self, col: str, transform: Any, missing: Any = np.nan) -> pd.Series:
        """`transform` of the column's distinct values, mapped back to every row."""
        self.text(col)
        return per_value(self._texts[col], transform, missing, self._factorized[col])

    def num(self, col: str) -> pd.Series:
        if col not in self.tx:
            return pd.Series(np.nan, index=self.index, dtype=float)
        return pd.to_numeric(self.tx[col], errors="coerce").astype(float)

    def flag(self, col: str) -> pd.Series:
        if col not in self.tx:
            return pd.Series(np.nan, index=self.index, dtype=float)
        return self.tx[col].astype("boolean").astype("Float64").astype(float)


def per_value(
    values: pd.Series,
    transform: Any,
    missing: Any = np.nan,
    factorized: tuple[np.ndarray, pd.Series] | None = None,
) -> pd.Series:
    """`transform` applied to the distinct non-missing values, mapped back to every row
    (`missing` where the value is missing). Order books repeat names and countries a lot."""
    codes, uniques = factorized if factorized is not None else pd.factorize(values)
    if len(uniques) == 0:
        return pd.Series(missing, index=values.index)
    mapped = pd.Series(transform(pd.Series(uniques, dtype=values.dtype)))
    taken = pd.Series(mapped.array.take(np.maximum(codes, 0)), index=values.index)
    return taken.where(codes >= 0, missing)


def present_flag(cols: OrderColumns, col: str, condition: pd.Series) -> pd.Series:
    """1/0 where `col` has a value, NaN where it is missing."""
    return condition.astype(float).where(cols.text(col).notna())


def all_or_nan(cols: OrderColumns, col: str, condition: pd.Series) -> pd.Series:
    """1/0 when the input carried `col` at all (a blank then means "none"), else NaN."""
    if cols.text(col).isna().all():
        return pd.Series(np.nan, index=cols.index, dtype=float)
    return condition.astype(float)


def distinct_per_row(columns: list[pd.Series]) -> npt.NDArray[np.float64]:
    """Distinct non-missing values across the columns, row by row (vectorised)."""
    codes, _ = pd.factorize(pd.concat(columns, ignore_index=True))
    grid = np.sort(codes.reshape(len(columns), -1).T, axis=1)
    new = np.ones_like(grid, dtype=bool)
    new[:, 1:] = grid[:, 1:] != grid[:, :-1]
    counts: npt.NDArray[np.float64] = (new & (grid >= 0)).sum(axis=1).astype(float)
    return counts


def differs(a: pd.Series, b: pd.Series) -> pd.Series:
    result = (a != b).astype(float)
    return result.where(a.notna() & b.notna())


def squeezed(names: pd.Series) -> pd.Series:
    """Lower case, letters and digits only; NaN when nothing is left."""
    text = names.astype("str").str.lower().str.replace(r"[^0-9a-z]+", "", regex=True)
    return text.where(text != "")


def normalised(values: pd.Series) -> pd.Series:
    return per_value(values, squeezed)
