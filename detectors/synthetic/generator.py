"""`generate`: a labelled synthetic order book and the matching restricted-party list.

Deterministic for a seed: every random draw comes from generators spawned from one
`SeedSequence(seed)`, and nothing depends on the clock or on dictionary order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from detectors.schema import H100_TPP
from detectors.synthetic.licensed_china import china_items, licences_by_date
from detectors.synthetic.offcatalog import off_catalog_lines
from detectors.synthetic.orders import (
    OUTPUT_COLUMNS,
    ItemTable,
    draw_items,
    draw_quantities,
    frame_from_columns,
    order_lines,
)
from detectors.synthetic.params import TYPOLOGIES, GeneratorParams
from detectors.synthetic.population import (
    among,
    build_customers,
    clean_customers,
    iso_days,
    pick,
    positions_in,
)
from detectors.synthetic.restricted_list import build_restricted_list, hard_negative_names
from detectors.synthetic.scene import CustomerIds, Scene
from detectors.synthetic.typologies import TYPOLOGY_BUILDERS
from detectors.synthetic.typologies_2025 import applicable
from watchlists.model import WatchlistEntry

LABEL_COLUMNS: tuple[str, ...] = ("transaction_id", "label", "typology")


@dataclass
class SyntheticData:
    """What `generate` returns.

    `transactions` has `detectors.synthetic.orders.OUTPUT_COLUMNS` (Contract 1's columns,
    with `ship_from_country`), as an ERP export gives them:
    text columns hold strings or None (ISO dates, "true"/"false", ISO alpha-2 countries,
    `;`-joined routes), `quantity` is int64 and `unit_price` float64 (USD).
    `labels` is `transaction_id, label, typology` (label 1 for injected diversion, typology ""
    for clean lines), in the same row order. `watchlist` is the fictional restricted list
    whose names the `watchlist_party` lines vary on.
    """

    transactions: pd.DataFrame
    labels: pd.DataFrame
    watchlist: list[WatchlistEntry]


def _population(
    rng: np.random.Generator,
    n: int,
    params: GeneratorParams,
    hard_names: np.ndarray,
    hard_countries: np.ndarray,
) -> pd.DataFrame:
    customers = clean_customers(rng, n, params)
    if len(hard_names):
        look_alikes = build_customers(
            rng,
            hard_countries,
            pick(rng, ("distributor", "end_user", "reseller"), len(hard_names)),
            params,
        )
        look_alikes["customer_name"] = hard_names
        customers = pd.concat([customers, look_alikes], ignore_index=True)
    return customers


def _clean_orders(
    rng: np.random.Generator,
    customers: pd.DataFrame,
    n: int,
    items: ItemTable,
    params: GeneratorParams,
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    activity = rng.lognormal(0.0, 1.0, size=len(customers))
    cust_idx = rng.choice(len(customers), size=n, p=activity / activity.sum())
    types = customers["customer_type"].to_numpy(dtype=object)
    affinity = np.array([params.controlled_affinity.get(t, 1.0) for t in types])[cust_idx]
    licensed = among(
        customers["customer_country"].to_numpy(dtype=object), params.license_required_destinations
    )
    factor = np.where(licensed, params.licensed_destination_controlled_factor, 1.0)[cust_idx]
    item_idx = draw_items(
        rng, items, np.clip(params.controlled_share * affinity * factor, 0.0, 0.95)
    )
    day = np.sort(rng.integers(0, params.days, size=n))  # generated in date order: cheap final sort
    china = among(customers["customer_country"].to_numpy(dtype=object), params.china_destinations)
    item_idx = china_items(rng, items, item_idx, china[cust_idx], day, params)
    scale = customers["scale"].to_numpy(dtype=float)[cust_idx]
    quantity = draw_quantities(rng, items, item_idx, scale, params)
    cols = order_lines(rng, customers, cust_idx, item_idx, quantity, day, items, params)
    licences_by_date(rng, cols, items, item_idx, params)
    off_catalog_lines(rng, cols, params)
    return cols, cust_idx, day


def _sorted_frame(
    rng: np.random.Generator,
    cols: dict[str, np.ndarray],
    typology: np.ndarray,
    params: GeneratorParams,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Order lines by date (lines of one day in random order), then number them."""
    calendar = pd.Index(iso_days(params.start, np.arange(params.days)))
    day = positions_in(calendar, cols["order_date"]).astype(np.int64)
    order = np.argsort((day << 32) | rng.integers(0, 2**31, size=len(day)))
    ids = np.strings.add(
        "T-", np.strings.zfill(np.arange(1, len(order) + 1).astype(str), 8)
    ).astype(object)
    numbers = {"quantity": np.int64, "unit_price": np.float64}
    data = {c: pd.Series(cols[c][order], dtype=numbers.get(c, object)) for c in OUTPUT_COLUMNS}
    data["transaction_id"] = pd.Series(ids, dtype=object)
    transactions = pd.DataFrame(data, columns=list(OUTPUT_COLUMNS))
    typology = typology[order]
    labels = pd.DataFrame(
        {"transaction_id": ids, "label": (typology != "").astype(np.int64), "typology": typology},
        columns=list(LABEL_COLUMNS),
    )
    return transactions, labels


def generate(
    rows: int, seed: int, catalog: pd.DataFrame, params: GeneratorParams | None = None
) -> SyntheticData:
    """`rows` labelled order lines drawn from a legitimate population with injected diversion."""
    if rows < 1:
        raise ValueError(f"rows must be at least 1, got {rows}")
    params = params or GeneratorParams()
    if params.days < 1:
        raise ValueError(f"days must be at least 1, got {params.days}")
    list_rng, population_rng, order_rng, injection_rng, sort_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)
    )
    items = ItemTable.from_catalog(catalog, params.review_tpp_line)
    listed = build_restricted_list(list_rng, params.watchlist_size)

    counts = params.typology_counts(rows)
    counts = {t: (c if applicable(t, params) else 0) for t, c in counts.items()}
    injected = sum(counts.values())
    if injected > rows // 2:  # a tiny file keeps at least half of it clean
        counts = {t: 0 for t in TYPOLOGIES}
        injected = 0
    n_clean = rows - injected
    n_customers = max(20, int(np.ceil(n_clean / params.orders_per_customer)))
    hard_names, hard_countries = hard_negative_names(
        list_rng, listed, params.hard_negative_customers
    )
    capacity = n_customers + len(hard_names) + 2 * injected + 64
    ids = CustomerIds(population_rng.permutation(capacity) + 1)

    customers = _population(population_rng, n_customers, params, hard_names, hard_countries)
    customers.insert(0, "customer_id", ids.take(len(customers)))
    clean_cols, cust_idx, day = _clean_orders(order_rng, customers, n_clean, items, params)
    clean_h100e = _h100e(items, clean_cols)

    scene = Scene(injection_rng, params, items, listed, ids, customers, cust_idx, day, clean_h100e)
    parts, labels = [clean_cols], [np.full(n_clean, "", dtype=object)]
    for name in TYPOLOGIES:
        if counts[name] > 0:
            parts.append(TYPOLOGY_BUILDERS[name](scene, counts[name]))
            labels.append(np.full(counts[name], name, dtype=object))
    transactions, label_frame = _sorted_frame(
        sort_rng, frame_from_columns(parts), np.concatenate(labels), params
    )
    return SyntheticData(transactions, label_frame, [p.entry for p in listed])


def _h100e(items: ItemTable, cols: dict[str, np.ndarray]) -> np.ndarray:
    """H100-equivalents of each line, looked up by SKU in the item table."""
    position = positions_in(pd.Index(items.sku), cols["item_sku"])
    h100: np.ndarray = cols["quantity"] * items.tpp[position] / H100_TPP
    return h100
