"""From a raw order export (every cell a string) to the canonical transaction frame.

Pure functions on frames: reading files lives in `flows/sources.py`. A row that cannot be
used is never dropped silently: it comes back in `IngestResult.rejected` with its original
values and a `reject_reason`, so that rows_read = rows_accepted + rows_rejected. An
unusable value in an optional field (a `customer_since` that is no date, an unknown
`end_user_country`) does not cost the row: the field is blanked and the row comes back
in `IngestResult.field_warnings` (id, place, field, value, warning), so that its parties
are still screened.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pycountry

from detectors.catalog import enrich_from_catalog
from detectors.schema import (
    BOOLEAN_COLUMNS,
    CANONICAL_COLUMNS,
    COUNTRY_COLUMNS,
    CUSTOMER_TYPES,
    DATE_COLUMNS,
    INPUT_COLUMNS,
    NUMBER_COLUMNS,
    OPTIONAL_COLUMNS,
    PAYMENT_METHODS,
    REQUIRED_COLUMNS,
    REQUIRED_COUNTRY_COLUMNS,
)
from detectors.seen_ids import SeenIds
from flows.errors import ConfigError, InputError

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "x"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})


class MissingColumnsError(InputError):
    """The file lacks required columns: it cannot be screened at all."""


@dataclass
class IngestResult:
    accepted: pd.DataFrame  # canonical frame (CANONICAL_COLUMNS)
    rejected: pd.DataFrame  # original columns + reject_reason (+ source_file, source_row)
    present_columns: frozenset[str]  # optional columns the input carried
    rows_read: int = 0
    reject_counts: dict[str, int] = field(default_factory=dict)
    field_warnings: pd.DataFrame = field(default_factory=lambda: empty_field_warnings())


FIELD_WARNING_COLUMNS: tuple[str, ...] = (
    "transaction_id",
    "source_file",
    "source_row",
    "field",
    "value",
    "warning",
)


def empty_field_warnings() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="str") for c in FIELD_WARNING_COLUMNS})


class _FieldWarnings:
    """Optional values that could not be used: each blanked, and noted here."""

    def __init__(self, text: pd.DataFrame) -> None:
        self.text = text
        self.parts: list[pd.DataFrame] = []

    def add(self, mask: pd.Series, column: str, warning: str) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        self.parts.append(
            pd.DataFrame(
                {
                    "transaction_id": self.text["transaction_id"][mask].to_numpy(),
                    "row": np.flatnonzero(mask.to_numpy()),
                    "field": column,
                    "value": self.text[column][mask].to_numpy(),
                    "warning": warning,
                }
            )
        )

    def frame(self, source: str, first_row: int, kept: np.ndarray) -> pd.DataFrame:
        """The warnings of the rows kept (a rejected row's problems are its reasons)."""
        if not self.parts:
            return empty_field_warnings()
        found = pd.concat(self.parts, ignore_index=True)
        found = found[kept[found["row"].to_numpy()]].sort_values("row", kind="stable")
        found = found.assign(source_file=source, source_row=found["row"] + first_row)
        return found.loc[:, list(FIELD_WARNING_COLUMNS)].reset_index(drop=True)


def apply_column_map(raw: pd.DataFrame, column_map: Mapping[str, Any]) -> pd.DataFrame:
    """Rename an ERP export's columns to Contract 1 names (docs/ARCHITECTURE.md;
    configs/column_maps/*.yaml).

    `date_format` (strftime codes, e.g. `%d.%m.%Y`) turns the export's dates into ISO
    dates, and `decimal: ","` reads `1.234,56` as 1234.56; a value that does not fit is
    left as it is, so it is rejected (or blanked) with its own text."""
    renames = {src: dst for src, dst in (column_map.get("columns") or {}).items() if src in raw}
    mapped = raw.rename(columns=renames)
    for column, value in (column_map.get("constants") or {}).items():
        if column not in mapped:
            mapped[column] = str(value)
    date_format = column_map.get("date_format")
    if date_format:
        for column in (c for c in DATE_COLUMNS if c in mapped):
            mapped[column] = _dates_as_iso(mapped[column], str(date_format))
    decimal = str(column_map.get("decimal") or ".")
    if decimal not in (".", ","):
        raise ConfigError(f"column map decimal {decimal!r}: expected '.' or ','")
    if decimal == ",":
        for column in (c for c in NUMBER_COLUMNS if c in mapped):
            mapped[column] = _comma_decimals(mapped[column])
    return mapped


_COMMA_DECIMAL = re.compile(r"[+-]?\d{1,3}([. \u00a0\u202f]?\d{3})*(,\d+)?|[+-]?\d+(,\d+)?")


def _dates_as_iso(values: pd.Series, date_format: str) -> pd.Series:
    text = values.astype("str").str.strip()
    parsed = pd.to_datetime(text, format=date_format, errors="coerce")
    return text.where(parsed.isna(), parsed.dt.strftime("%Y-%m-%d"))


def _comma_decimals(values: pd.Series) -> pd.Series:
    text = values.astype("str").str.strip()
    fits = text.str.fullmatch(_COMMA_DECIMAL).fillna(False).astype(bool)
    plain = text.str.replace(r"[. \u00a0\u202f]", "", regex=True).str.replace(",", ".")
    return text.where(~fits, plain)


def check_required_columns(raw: pd.DataFrame, source: str) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing:
        raise MissingColumnsError(
            f"{source}: missing required column(s): {', '.join(missing)} "
            "(see Contract 1 in docs/ARCHITECTURE.md, or map your export's columns with --column-map)"
        )


def country_lookup(aliases: Mapping[str, str]) -> dict[str, str]:
    """Upper-cased spelling -> ISO alpha-2, from ISO 3166 plus the configured aliases."""
    table: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        for spelling in (
            code,
            country.alpha_3,
            country.name,
            getattr(country, "official_name", None),
            getattr(country, "common_name", None),
        ):
            if spelling:
                table[spelling.upper()] = code
    table.update({k.upper(): v.upper() for k, v in aliases.items()})
    return table


def country_code(spelling: str, table: Mapping[str, str]) -> str | None:
    """The alpha-2 code of one spelling (case, repeated spaces and dots ignored), or None."""
    key = " ".join(spelling.upper().split())
    return table.get(key, table.get(key.replace(".", "")))


def normalize_countries(values: pd.Series, table: Mapping[str, str]) -> pd.Series:
    """Map country spellings to alpha-2; unknown non-empty spellings become NaN.

    Spellings are few and rows many: the lookup runs once per distinct spelling."""
    codes = {u: country_code(u, table) for u in pd.unique(values.dropna())}
    return values.map({u: np.nan if c is None else c for u, c in codes.items()})


def normalize_routes(values: pd.Series, table: Mapping[str, str]) -> pd.Series:
    """Map `;`- or `,`-separated transit countries to `;`-joined alpha-2 codes; a route with
    an unknown country becomes NaN. Runs once per distinct route."""

    def normalize(route: str) -> str | float:
        parts = [p.strip() for p in route.replace(",", ";").split(";") if p.strip()]
        codes = [code for p in parts if (code := country_code(p, table)) is not None]
        if len(codes) < len(parts):
            return np.nan
        return ";".join(codes)

    return values.map({u: normalize(u) for u in pd.unique(values.dropna())})


def _parse_booleans(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(parsed nullable booleans, mask of given-but-unrecognised values)."""
    words = values.str.strip().str.lower()
    parsed = pd.Series(pd.NA, index=values.index, dtype="boolean")
    parsed[words.isin(TRUE_WORDS)] = True
    parsed[words.isin(FALSE_WORDS)] = False
    bad = words.notna() & (words != "") & parsed.isna()
    return parsed, bad


def _synonyms(
    values: pd.Series, synonyms: Mapping[str, str], allowed: tuple[str, ...]
) -> pd.Series:
    """Map free-text categories to the allowed set ('other' when unknown), per distinct value."""
    table = {s.lower(): v for s, v in synonyms.items()} | {a: a for a in allowed}
    table |= {a.replace("_", " "): a for a in allowed}
    mapping = {u: table.get(u.strip().lower(), "other") for u in pd.unique(values.dropna())}
    return values.map(mapping).astype("str")


class Quoted(NamedTuple):
    """A reason quoting each row's value: prefix + value + suffix, built only for the rows
    the check rejects."""

    prefix: str
    values: pd.Series
    suffix: str


class _Rejections:
    """Collects per-row reasons, vectorised: one message column per check."""

    def __init__(self, index: pd.Index) -> None:
        self.reasons = pd.Series("", index=index, dtype="str")
        self.counts: dict[str, int] = {}

    def add(self, mask: pd.Series, message: Quoted | str, kind: str) -> None:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            return
        self.counts[kind] = self.counts.get(kind, 0) + int(mask.sum())
        separator = np.where(self.reasons[mask] == "", "", "; ")
        if isinstance(message, Quoted):
            message = message.prefix + message.values[mask].fillna("") + message.suffix
        self.reasons[mask] = self.reasons[mask] + separator + message

    @property
    def mask(self) -> pd.Series:
        return self.reasons != ""


def chunk_ids(raw: pd.DataFrame) -> pd.Series:
    """The transaction ids of a raw chunk as `normalize_orders` reads them."""
    return raw["transaction_id"].astype("str").str.strip().replace("", np.nan)


def repeated_ids(ids: pd.Series, seen_ids: SeenIds) -> pd.Series:
    """Which ids repeat an earlier one (earlier in the chunk, or in `seen_ids`); the
    chunk's ids are then added to `seen_ids`."""
    present = ids.dropna()
    earlier = pd.Series(False, index=ids.index)
    earlier[present.index] = seen_ids.among(present)
    seen_ids.add(present)
    return ids.notna() & (ids.duplicated(keep="first") | earlier)


def normalize_orders(
    raw: pd.DataFrame,
    catalog: pd.DataFrame,
    settings: Mapping[str, Any],
    source: str = "",
    first_row: int = 1,
    seen_ids: SeenIds | None = None,
    repeated: pd.Series | None = None,
) -> IngestResult:
    """Validate and coerce one raw chunk (strings) into the canonical frame.

    `settings` is the `ingest` section of the pipeline config. `seen_ids` holds the
    transaction ids of earlier chunks and files of the same run: a repeated id is
    rejected (the first occurrence wins), and `seen_ids` is updated in place. `repeated`
    gives the duplicates found beforehand instead (`chunk_ids`, `repeated_ids`), so that
    chunks can be normalized in any order once their duplicates are known.
    """
    check_required_columns(raw, source)
    raw = raw.reset_index(drop=True)
    original = raw.copy()
    present = frozenset(c for c in OPTIONAL_COLUMNS if c in raw.columns)
    text = raw.reindex(columns=list(INPUT_COLUMNS)).astype("str")
    text = text.apply(lambda s: s.str.strip()).replace("", np.nan)
    reject = _Rejections(text.index)

    for column in REQUIRED_COLUMNS:
        reject.add(text[column].isna(), f"empty required value in {column}", "empty_required")
    ids = text["transaction_id"]
    if repeated is None:
        repeated = repeated_ids(ids, SeenIds() if seen_ids is None else seen_ids)
    else:  # found on the raw chunk, whose index may not start at 0
        repeated = pd.Series(np.asarray(repeated, dtype=bool), index=ids.index)
    reject.add(repeated, Quoted("duplicate transaction_id '", ids, "'"), "duplicate_id")

    frame = text.copy()
    warn = _FieldWarnings(text)
    for column in DATE_COLUMNS:
        parsed = pd.to_datetime(text[column], errors="coerce", format="ISO8601")
        bad = text[column].notna() & parsed.isna()
        if column in REQUIRED_COLUMNS:
            reject.add(bad, Quoted(f"unparseable {column} '", text[column], "'"), "bad_date")
        else:
            warn.add(bad, column, "not a date (ISO YYYY-MM-DD); left blank")
        frame[column] = parsed.astype("datetime64[ns]")

    for column in ("quantity", "unit_price"):
        numbers = pd.to_numeric(text[column].str.replace(",", "", regex=False), errors="coerce")
        bad = text[column].notna() & numbers.isna()
        reject.add(bad, Quoted(f"unparseable {column} '", text[column], "'"), "bad_number")
        frame[column] = numbers.astype(float)
    reject.add(
        frame["quantity"] <= 0,
        Quoted("quantity must be > 0 (got ", text["quantity"], ")"),
        "bad_quantity",
    )
    reject.add(
        frame["unit_price"] < 0,
        Quoted("unit_price must be >= 0 (got ", text["unit_price"], ")"),
        "bad_price",
    )

    countries = country_lookup(settings.get("country_aliases", {}))
    for column in COUNTRY_COLUMNS:
        codes = normalize_countries(text[column], countries)
        bad = text[column].notna() & codes.isna()
        if column in REQUIRED_COUNTRY_COLUMNS:
            message = Quoted("unknown country '", text[column], f"' in {column}")
            reject.add(bad, message, "bad_country")
        else:
            warn.add(bad, column, "unknown country; left blank")
        frame[column] = codes.astype("str")
    routes = text["route"].dropna()
    normalized_routes = normalize_routes(routes, countries).astype("str")
    bad_route = pd.Series(False, index=text.index)
    bad_route[routes.index] = normalized_routes.isna()
    warn.add(bad_route, "route", "unknown country in the route; left blank")
    frame["route"] = pd.Series(np.nan, index=text.index, dtype="str")
    frame.loc[routes.index, "route"] = normalized_routes

    for column in BOOLEAN_COLUMNS:
        parsed, bad = _parse_booleans(text[column])
        warn.add(bad, column, "not a yes/no value; left blank")
        frame[column] = parsed

    fx = {k.upper(): float(v) for k, v in settings.get("fx_to_usd", {"USD": 1.0}).items()}
    currency = text["currency"].str.upper()
    rate = currency.map(fx)
    reject.add(
        currency.notna() & rate.isna(),
        Quoted("unknown currency '", text["currency"], "' (add it to ingest.fx_to_usd)"),
        "bad_currency",
    )
    frame["currency"] = currency
    frame["unit_price_usd"] = frame["unit_price"] * rate.astype(float)

    frame["customer_type"] = _synonyms(
        text["customer_type"], settings.get("customer_types", {}), CUSTOMER_TYPES
    )
    frame["payment_method"] = _synonyms(
        text["payment_method"], settings.get("payment_methods", {}), PAYMENT_METHODS
    )
    frame["item_sku"] = text["item_sku"].str.upper()
    frame["source_file"] = source
    frame["source_row"] = np.arange(first_row, first_row + len(frame))

    bad = reject.mask
    rejected = original[bad.to_numpy()].copy()
    rejected["reject_reason"] = reject.reasons[bad].to_numpy()
    rejected["source_file"] = source
    rejected["source_row"] = frame["source_row"][bad].to_numpy()

    accepted = frame[~bad.to_numpy()].reset_index(drop=True)
    accepted = enrich_from_catalog(accepted, catalog)
    accepted["order_value_usd"] = accepted["quantity"] * accepted["unit_price_usd"]
    return IngestResult(
        accepted=accepted[list(CANONICAL_COLUMNS)],
        rejected=rejected.reset_index(drop=True),
        present_columns=present,
        rows_read=len(raw),
        reject_counts=reject.counts,
        field_warnings=warn.frame(source, first_row, ~bad.to_numpy()),
    )
