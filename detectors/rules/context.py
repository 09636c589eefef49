"""What a rule may look at besides its transactions: the pack, the catalog, and the
customer history combined with the current frame for the history rules."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from detectors.catalog import going_prices
from detectors.rules.pack import RulePack
from detectors.rules.policy import Policy, matches

T = TypeVar("T")

# Columns the history rules read from earlier and current orders alike.
HISTORY_COLUMNS: tuple[str, ...] = (
    "transaction_id",
    "order_date",
    "customer_id",
    "customer_name",
    "customer_since",
    "customer_address",
    "customer_country",
    "ship_to_country",
    "payer_name",
    "eccn",
    "tpp",
    "h100_equivalents",
    "item_description",
    "catalog_known",
)


def controlled_mask(frame: pd.DataFrame, policy: Policy) -> pd.Series:
    """Lines carrying advanced ICs: ECCN 3A090/4A090/.z (per the pack) with TPP above 0."""
    spec = policy.get("controlled_items") or {}
    patterns = "|".join(f"(?:{p})" for p in spec.get("eccn_patterns") or ())
    if not patterns:
        return pd.Series(False, index=frame.index)
    eccn = frame["eccn"].astype("str").str.strip()
    by_eccn = eccn.str.contains(patterns, case=False, regex=True, na=False).astype(bool)
    if spec.get("require_positive_tpp", True):
        tpp = frame["tpp"].astype(float)
        by_eccn &= (tpp > 0) | tpp.isna()
    return by_eccn | recognised_by_description(frame, policy)


def recognised_by_description(frame: pd.DataFrame, policy: Policy) -> pd.Series:
    """Lines with no ECCN and a SKU the catalog does not know whose description names an
    advanced IC or an 8-GPU server (`controlled_items.recognised_description_patterns`:
    H100, B200, MI300X, Ascend 910, HGX, SXM, ...): judged as advanced ICs."""
    patterns = policy.patterns("controlled_items", "recognised_description_patterns")
    if not patterns or "item_description" not in frame or "catalog_known" not in frame:
        return pd.Series(False, index=frame.index)
    no_eccn = frame["eccn"].isna() | (frame["eccn"].astype("str").str.strip() == "")
    unknown = ~frame["catalog_known"].astype("boolean").fillna(False).astype(bool)
    return (no_eccn & unknown & matches(frame["item_description"], patterns)).astype(bool)


@dataclass
class RuleContext:
    """Everything a rule function receives besides its own transactions and parameters."""

    pack: RulePack
    transactions: pd.DataFrame  # the whole current frame
    history: pd.DataFrame  # orders accepted by earlier runs (canonical columns)
    catalog: pd.DataFrame
    present_columns: frozenset[str]
    as_of: date
    cache: dict[str, Any] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)  # pipeline settings
    watchlist: Any = None  # the restricted-party matcher of the run, if any
    ownership: Any = None  # the run's OwnershipScreen (detectors/ownership/screen.py), if any
    run_going_prices: pd.DataFrame | None = None  # over the whole run, when the flow has them

    @cached_property
    def policy(self) -> Policy:
        return Policy(self.pack.policy)

    @property
    def exporter_country(self) -> str:
        """The exporter's own country: where a line without `ship_from_country` leaves from."""
        return str(self.settings.get("exporter_country") or "US").strip().upper()

    def has(self, column: str) -> bool:
        return column in self.present_columns

    @cached_property
    def going_prices(self) -> pd.DataFrame:
        """Each SKU's going price (`detectors.catalog.going_prices`): over the whole run when
        the flow computed it (so that no partitioning changes it), else over the current
        frame."""
        if self.run_going_prices is not None:
            return self.run_going_prices
        frame = self.transactions
        if "unit_price_usd" not in frame:
            return going_prices(pd.Series([], dtype=object), pd.Series([], dtype=float))
        return going_prices(frame["item_sku"], frame["unit_price_usd"])

    @cached_property
    def controlled(self) -> pd.Series:
        return controlled_mask(self.transactions, self.policy)

    @cached_property
    def combined(self) -> pd.DataFrame:
        """History plus the current frame, ordered by order date (history first on a tie,
        then file order). Adds `is_current`, `tx_index` (label in the current frame, -1 for
        history), `seq` (position), `day` (days since 1970) and `controlled`."""
        current = self.transactions.reindex(columns=HISTORY_COLUMNS)
        past = self.history.reindex(columns=HISTORY_COLUMNS)
        if len(past):  # a transaction already stored by an earlier run is judged as current
            stored = pd.Series(past["transaction_id"].to_numpy(object))
            past = past[~stored.isin(current["transaction_id"].to_numpy(object)).to_numpy()]
        frame = pd.concat([past, current], ignore_index=True)
        frame["is_current"] = np.r_[np.zeros(len(past), bool), np.ones(len(current), bool)]
        frame["tx_index"] = np.r_[np.full(len(past), -1), current.index.to_numpy()]
        dates = pd.to_datetime(frame["order_date"]).astype("datetime64[ns]")
        order = np.lexsort(
            (np.arange(len(frame)), frame["is_current"].to_numpy(), dates.to_numpy())
        )
        frame = frame.iloc[order].reset_index(drop=True)
        frame["order_date"] = dates.iloc[order].to_numpy()
        frame["seq"] = np.arange(len(frame))
        frame["day"] = frame["order_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
        frame["h100_equivalents"] = frame["h100_equivalents"].astype(float).fillna(0.0)
        frame["controlled"] = controlled_mask(frame, self.policy).to_numpy()
        return frame

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        """Compute a value shared by several rules once per run. A key always names one
        computation, so what it holds is what `compute` returns."""
        if key not in self.cache:
            self.cache[key] = compute()
        value: T = self.cache[key]
        return value

    def for_current(self, values: pd.Series, tx: pd.DataFrame) -> pd.Series:
        """Values computed over `combined` rows, re-indexed onto the current rows of `tx`."""
        comb = self.combined
        current = comb["is_current"].to_numpy()
        series = pd.Series(values.to_numpy()[current], index=comb["tx_index"].to_numpy()[current])
        return series.reindex(tx.index)
