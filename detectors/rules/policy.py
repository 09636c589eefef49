"""Read-only view of a pack's policy data (country groups, lists, patterns) and the small
vectorised text tests the rules share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


class Policy:
    """Country sets and patterns of one policy pack, computed once."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def group(self, name: str) -> frozenset[str]:
        groups = self.data.get("country_groups") or {}
        if name not in groups:
            raise KeyError(f"policy pack has no country group {name!r} (has: {', '.join(groups)})")
        return frozenset(str(c).upper() for c in groups[name].get("countries") or ())

    def groups(self, names: Iterable[str]) -> frozenset[str]:
        out: frozenset[str] = frozenset()
        for name in names:
            out |= self.group(name)
        return out

    def countries(self, *path: str) -> frozenset[str]:
        """A country set stated directly (`countries:`) or through groups (`include_groups:`)
        under the entry at `path` (e.g. `("ai_diffusion", "tier3")`); empty when absent."""
        entry: Any = self.data
        for key in path:
            entry = entry.get(key) if isinstance(entry, Mapping) else None
        entry = entry or {}
        direct = frozenset(str(c).upper() for c in entry.get("countries") or ())
        return direct | self.groups(entry.get("include_groups") or ())

    @cached_property
    def license_required(self) -> frozenset[str]:
        entry = self.data.get("license_required_destinations") or {}
        included = self.groups(entry.get("include_groups") or ())
        excepted = self.groups(entry.get("except_groups") or ())
        return (included - excepted) | self.groups(entry.get("always_include_groups") or ())

    @cached_property
    def headquarters_of_concern(self) -> frozenset[str]:
        return self.countries("headquarters_of_concern")

    @cached_property
    def hubs(self) -> frozenset[str]:
        return self.countries("transshipment_hubs")

    def patterns(self, *path: str) -> list[str]:
        node: Any = self.data
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        return [str(p) for p in node or ()]


def any_pattern(patterns: Iterable[str]) -> str:
    """One regular expression matching any of `patterns`."""
    return "|".join(f"(?:{p})" for p in patterns)


def per_value(series: pd.Series, compute: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a text function once per distinct value (party fields repeat across a
    customer's orders) and spread the results back over the rows. `compute` returns a
    bool or a text Series aligned with the distinct values."""
    codes, uniques = pd.factorize(series.astype("str"))
    if not len(uniques):  # nothing but missing values
        uniques = np.array([""], dtype=object)
    results = compute(pd.Series(uniques, dtype="str"))
    if pd.api.types.is_bool_dtype(results.dtype):
        flags = results.to_numpy(dtype=bool)
        return pd.Series(
            np.where(codes >= 0, flags[np.maximum(codes, 0)], False), index=series.index
        )
    taken = pa.array(results.astype("str").array).take(pa.array(codes, mask=codes < 0))
    return pd.Series(pd.array(taken, dtype="str"), index=series.index)


def matches(series: pd.Series, patterns: Iterable[str]) -> pd.Series:
    """Rows whose text matches any pattern, case-insensitively; missing text never matches.

    Runs on RE2 (pyarrow) over the whole column: patterns must avoid look-arounds and
    back-references, and \\b, \\w, \\d and \\s are ASCII-only."""
    patterns = list(patterns)
    if not patterns or series.empty:
        return pd.Series(False, index=series.index)
    pattern = any_pattern(patterns)

    def search(values: pd.Series) -> pd.Series:
        found = pc.match_substring_regex(pa.array(values.array), pattern, ignore_case=True)
        return pd.Series(found.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)

    return per_value(series, search)


def first_match(series: pd.Series, patterns: Iterable[str]) -> pd.Series:
    """The first text fragment matching any pattern, case-insensitively (NaN when none)."""
    return extract(series, f"(?i)(?P<found>{any_pattern(patterns)})")


def without(series: pd.Series, patterns: list[str]) -> pd.Series:
    """The text with every fragment matching one of `patterns` blanked out (e.g. 'render
    farm' before looking for a farming business)."""
    if not patterns:
        return series

    def blank(values: pd.Series) -> pd.Series:
        return values.str.replace(f"(?i){any_pattern(patterns)}", " ", regex=True)

    return per_value(series, blank).where(series.notna())


def extract(series: pd.Series, pattern: str) -> pd.Series:
    """The text captured by the group `(?P<found>…)` of `pattern` (RE2), NaN when no match."""
    if series.empty:
        return pd.Series(np.nan, index=series.index, dtype="str")

    def capture(values: pd.Series) -> pd.Series:
        found = pc.struct_field(pc.extract_regex(pa.array(values.array), pattern), ["found"])
        return pd.Series(pd.array(found, dtype="str"))

    return per_value(series, capture)


def name_key(series: pd.Series) -> pd.Series:
    """A comparison key for party names and addresses: lower case, letters and digits only."""

    def normalise(values: pd.Series) -> pd.Series:
        return (
            values.str.lower()
            .str.replace(r"[^0-9a-z]+", " ", regex=True)
            .str.strip()
            .replace("", np.nan)
        )

    return per_value(series, normalise)


def is_true(series: pd.Series) -> pd.Series:
    """A nullable boolean column as plain bool, missing = False."""
    return series.astype("boolean").fillna(False).astype(bool)


def is_false(series: pd.Series) -> pd.Series:
    """Rows explicitly False (missing is not False)."""
    return (~series.astype("boolean")).fillna(False).astype(bool)


def in_set(series: pd.Series, values: Iterable[str]) -> pd.Series:
    return series.isin(list(values)).astype(bool)


def text(series: pd.Series, missing: str = "none") -> pd.Series:
    """A column as strings for reason sentences."""
    return series.astype(object).where(series.notna(), missing).astype(str)


def joined(parts: list[pd.Series], separator: str) -> pd.Series:
    """Each line's non-empty texts of `parts` (aligned Series of strings) joined by
    `separator`, part by part rather than row by row."""
    out = parts[0]
    for part in parts[1:]:
        out = out.where(part == "", out.where(out == "", out + separator) + part)
    return out


def number(series: pd.Series, decimals: int = 1) -> pd.Series:
    """Numbers formatted for reason sentences ('12.5', '-' when missing)."""
    values = series.astype(float).round(decimals).to_numpy()
    formatted = pd.Series(np.char.mod(f"%.{decimals}f", values), index=series.index, dtype=object)
    return formatted.where(~np.isnan(values), "-").astype(str)


def through(route: pd.Series, countries: Iterable[str]) -> pd.Series:
    """Rows whose `;`-separated route of ISO codes passes through one of `countries`."""
    codes = sorted({str(c).upper() for c in countries})
    if not codes:
        return pd.Series(False, index=route.index)
    return matches(route, [rf"(?:^|;)\s*(?:{'|'.join(codes)})\s*(?:;|$)"])
