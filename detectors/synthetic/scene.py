"""The stage the diversion typologies play on: the clean population and its orders, the
catalog, the restricted list, and the small helpers every typology uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from detectors.schema import H100_TPP
from detectors.synthetic.orders import ItemTable, draw_from, draw_quantities, order_lines
from detectors.synthetic.params import GeneratorParams
from detectors.synthetic.population import among, build_customers, iso_days, per_country, pick
from detectors.synthetic.restricted_list import ListedParty

Columns = dict[str, np.ndarray]
Rounding = Callable[[np.ndarray], np.ndarray]


@dataclass
class CustomerIds:
    """Hands out customer ids from a shuffled range, so ids say nothing about the label."""

    numbers: np.ndarray
    used: int = 0

    def take(self, n: int) -> np.ndarray:
        chosen = self.numbers[self.used : self.used + n]
        if len(chosen) < n:
            raise ValueError("customer id range exhausted")
        self.used += n
        return np.strings.add("CUST-", np.strings.zfill(chosen.astype(str), 6)).astype(object)


@dataclass
class Scene:
    """What the typologies draw on: the clean population and its orders, the catalog, the list."""

    rng: np.random.Generator
    params: GeneratorParams
    items: ItemTable
    listed: list[ListedParty]
    ids: CustomerIds
    clean_customers: pd.DataFrame
    clean_cust_idx: np.ndarray
    clean_day: np.ndarray
    clean_h100e: np.ndarray

    def customers(self, countries: np.ndarray, types: np.ndarray) -> pd.DataFrame:
        frame = build_customers(
            self.rng,
            np.asarray(countries, dtype=object),
            np.asarray(types, dtype=object),
            self.params,
        )
        frame.insert(0, "customer_id", self.ids.take(len(frame)))
        return frame

    def days(self, n: int) -> np.ndarray:
        return self.rng.integers(0, self.params.days, size=n)

    def controlled(self, n: int, classes: tuple[str, ...] = ("gpu", "server")) -> np.ndarray:
        candidates = np.flatnonzero(self.items.controlled & among(self.items.item_class, classes))
        return draw_from(self.rng, candidates, n)

    def lines(
        self,
        customers: pd.DataFrame,
        cust_idx: np.ndarray,
        item_idx: np.ndarray,
        day: np.ndarray,
        scale: float,
    ) -> Columns:
        """Ordinary order lines of `customers.iloc[cust_idx]`, order sizes scaled by `scale`."""
        qty = draw_quantities(
            self.rng, self.items, item_idx, np.full(len(item_idx), scale), self.params
        )
        return order_lines(
            self.rng, customers, cust_idx, item_idx, qty, day, self.items, self.params
        )


def units_for(scene: Scene, items: np.ndarray, h100e: np.ndarray, rounding: Rounding) -> np.ndarray:
    """Units of each item that come to about `h100e` H100-equivalents (at least one)."""
    per_unit = scene.items.tpp[items] / H100_TPP
    return np.maximum(1, rounding(h100e / per_unit)).astype(np.int64)


def spread(rng: np.random.Generator, n: int, per_customer: float) -> tuple[int, np.ndarray]:
    """How many customers place `n` lines at about `per_customer` lines each, and whose line is whose."""
    m = max(1, int(np.ceil(n / per_customer)))
    return m, np.concatenate([np.arange(min(m, n)), rng.integers(0, m, size=max(0, n - m))])


def odd_addresses(
    rng: np.random.Generator, shapes: tuple[str, ...], countries: np.ndarray
) -> np.ndarray:
    """Addresses in one of `shapes` (residential, virtual office, PO box) in each country."""
    streets = per_country(rng, countries, "streets")
    cities = per_country(rng, countries, "cities")
    shape = pick(rng, shapes, len(countries))
    n_vals = rng.integers(2, 60, size=len(countries))
    num_vals = rng.integers(10, 9999, size=len(countries))
    text = [
        s.format(n=a, num=b, street=st)
        for s, a, b, st in zip(shape, n_vals, num_vals, streets, strict=True)
    ]
    addresses: np.ndarray = np.array(text, dtype=object) + ", " + cities
    return addresses


def dates_between(rng: np.random.Generator, n: int, lo: str, hi: str) -> np.ndarray:
    """`n` ISO dates drawn uniformly from [lo, hi)."""
    start, end = np.datetime64(lo, "D"), np.datetime64(hi, "D")
    offsets = rng.integers(0, int((end - start).astype(int)), size=n)
    return iso_days(start.astype(object), offsets)


def day_window(params: GeneratorParams, lo: date | None, hi: date | None) -> tuple[int, int] | None:
    """Day offsets [first, last] of the generated span that fall within [lo, hi], if any."""
    first = 0 if lo is None else max(0, (lo - params.start).days)
    last = params.days - 1 if hi is None else min(params.days - 1, (hi - params.start).days)
    return (first, last) if first <= last else None


def days_within(rng: np.random.Generator, window: tuple[int, int], n: int) -> np.ndarray:
    return rng.integers(window[0], window[1] + 1, size=n)
