"""The one interface every detector family plugs in through.

A detector gets the canonical transaction frame and a `DetectionContext` (history,
parsed policy, catalog, watchlist) and returns flags in the one schema of
`detectors.schema.FLAG_COLUMNS`. It never reads files or config paths itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import pandas as pd

from detectors.schema import FLAG_COLUMNS, NotEvaluable


@dataclass
class DetectionContext:
    """Everything a detector may look at besides the transactions under screening."""

    history: pd.DataFrame  # canonical frame of transactions accepted by earlier runs
    present_columns: frozenset[str]  # optional input columns the input actually carried
    policy: Mapping[str, Any]  # the parsed policy pack (configs/policy/*.yaml)
    catalog: pd.DataFrame  # the item catalog, one row per SKU
    as_of: date  # the screening date
    watchlist: Any = None  # a built matcher over the active watchlist snapshot, or None
    settings: Mapping[str, Any] = field(default_factory=dict)  # pipeline settings
    ownership: Any = None  # the OwnershipScreen of the active ownership snapshot, or None
    # each SKU's going price over the whole run (detectors.catalog.going_prices), or None:
    # the rules then take it from the transactions they are given
    going_prices: pd.DataFrame | None = None


@dataclass
class DetectorResult:
    flags: pd.DataFrame
    not_evaluable: list[NotEvaluable] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)  # e.g. the watchlist hits frame


class Detector(Protocol):
    family: str  # watchlist, rule or ml

    def detect(self, transactions: pd.DataFrame, context: DetectionContext) -> DetectorResult: ...


def empty_flags() -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in FLAG_COLUMNS})
    frame["weight"] = frame["weight"].astype(float)
    frame["hard_stop"] = frame["hard_stop"].astype(bool)
    return frame


def concat_flags(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_flags()
    return pd.concat([f[list(FLAG_COLUMNS)] for f in frames], ignore_index=True)
