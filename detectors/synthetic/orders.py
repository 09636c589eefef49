"""Legitimate-looking order lines, built column-wise for many rows at once.

`order_lines` fills every Contract-1 column the way an ordinary customer's order would
carry it; the diversion typologies start from such lines and overwrite the fields that
betray them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from detectors.schema import INPUT_COLUMNS
from detectors.synthetic.geography import FORWARDER_WORDS
from detectors.synthetic.params import GeneratorParams
from detectors.synthetic.population import (
    among,
    brand_names,
    iso_days,
    per_country,
    pick,
    street_addresses,
)

CONTROLLED_PREFIXES = ("3A090", "4A090")
_CUSTOMER_FIELDS = (
    "customer_id", "customer_name", "customer_country", "customer_type", "customer_address",
    "customer_since", "customer_website", "customer_email", "customer_phone",
    "customer_parent_name", "customer_parent_country",
)  # fmt: skip
_CARD_LIMIT = 25_000.0  # USD: larger orders are not paid by card
_CLIENTS_PER_CUSTOMER = 3  # downstream end users a reseller names, per customer
_SITE_COUNTRIES = ("US", "DE", "NL", "IE", "JP", "GB", "SE")
_TRANSIT_COUNTRIES = ("NL", "DE", "US", "JP", "GB", "BE", "KR")
_INCOTERMS = {"EXW": 0.15, "FCA": 0.25, "DAP": 0.25, "DDP": 0.2, "CIP": 0.1, "FOB": 0.05}
_PAYMENT_METHODS = {"wire": 0.70, "letter_of_credit": 0.12, "card": 0.10, "other": 0.08}
_PAYMENT_TERMS = {
    "Net 30": 0.5,
    "Net 60": 0.2,
    "Net 45": 0.1,
    "Prepayment": 0.1,
    "LC at sight": 0.1,
}
_SELF_USE_TYPES = (
    "cloud_provider",
    "data_center",
    "research",
    "end_user",
    "oem",
    "system_integrator",
)
_END_USES = np.array(
    [
        "AI model training in own data centre",
        "GPU cloud capacity for commercial customers",
        "Inference cluster for recommendation services",
        "University research computing cluster",
        "Engineering simulation and rendering",
        "Resale to named enterprise end user for on-premise AI",
    ],
    dtype=object,
)


@dataclass(frozen=True)
class ItemTable:
    """The catalog as aligned numpy arrays, indexed by item position."""

    sku: np.ndarray
    description: np.ndarray
    item_class: np.ndarray
    eccn: np.ndarray
    hs_code: np.ndarray
    tpp: np.ndarray
    list_price: np.ndarray
    prc_developed: np.ndarray
    controlled: np.ndarray  # 3A090 / 4A090 and not PRC-developed

    @classmethod
    def from_catalog(cls, catalog: pd.DataFrame) -> ItemTable:
        eccn = catalog["eccn"].astype(object).to_numpy()
        prc = (
            catalog["prc_developed"].fillna(False).astype(bool).to_numpy()
            if "prc_developed" in catalog
            else np.zeros(len(catalog), dtype=bool)
        )
        advanced = np.array([str(e).startswith(CONTROLLED_PREFIXES) for e in eccn])
        return cls(
            sku=catalog["sku"].astype(object).to_numpy(),
            description=catalog["description"].astype(object).to_numpy(),
            item_class=catalog["item_class"].astype(object).to_numpy(),
            eccn=eccn,
            hs_code=catalog["hs_code"].astype(object).to_numpy(),
            tpp=catalog["tpp"].astype(float).to_numpy(),
            list_price=catalog["list_price"].astype(float).to_numpy(),
            prc_developed=prc,
            controlled=advanced & ~prc,
        )

    def where(self, mask: np.ndarray) -> np.ndarray:
        return np.flatnonzero(mask)


def draw_from(
    rng: np.random.Generator, candidates: np.ndarray, n: int, weights: np.ndarray | None = None
) -> np.ndarray:
    p = None if weights is None else weights / weights.sum()
    return candidates[rng.choice(len(candidates), size=n, p=p)]


def draw_items(
    rng: np.random.Generator, items: ItemTable, controlled_prob: np.ndarray
) -> np.ndarray:
    """An item per row: a controlled GPU/server with the given probability, else an ordinary item."""
    n = len(controlled_prob)
    controlled = items.where(items.controlled)
    ordinary = items.where(~items.controlled & ~items.prc_developed)
    server_weight = np.where(items.item_class[controlled] == "server", 0.6, 1.0)
    picks = draw_from(rng, ordinary, n)
    is_controlled = rng.random(n) < controlled_prob
    picks[is_controlled] = draw_from(rng, controlled, int(is_controlled.sum()), server_weight)
    return picks


def draw_quantities(
    rng: np.random.Generator,
    items: ItemTable,
    item_idx: np.ndarray,
    scale: np.ndarray,
    params: GeneratorParams,
) -> np.ndarray:
    median = np.array([params.quantity_median.get(c, 2) for c in items.item_class], dtype=float)[
        item_idx
    ]
    noise = rng.lognormal(0.0, params.quantity_sigma, size=len(item_idx))
    return np.maximum(1, np.rint(median * scale * noise)).astype(np.int64)


def list_prices(
    rng: np.random.Generator,
    items: ItemTable,
    item_idx: np.ndarray,
    quantity: np.ndarray,
    params: GeneratorParams,
) -> np.ndarray:
    """Unit prices: list price with log-normal noise and a small volume discount."""
    discount = np.minimum(params.max_volume_discount, 0.02 * np.log2(quantity))
    noise = rng.lognormal(0.0, params.price_noise_sigma, size=len(item_idx))
    return np.round(items.list_price[item_idx] * noise * (1.0 - discount), 2)


def blank_some(rng: np.random.Generator, values: np.ndarray, rate: float) -> np.ndarray:
    return np.where(rng.random(len(values)) < rate, None, values)


def company_names(
    rng: np.random.Generator, countries: np.ndarray, words: tuple[str, ...] | None = None
) -> np.ndarray:
    """Invented company names in the given countries (e.g. downstream end users, forwarders)."""
    brands, sectors = brand_names(rng, countries)
    middle = sectors if words is None else pick(rng, words, len(countries))
    return brands + " " + middle + " " + per_country(rng, countries, "legal_forms")


def bool_text(values: np.ndarray) -> np.ndarray:
    return np.where(values, "true", "false").astype(object)


def order_lines(
    rng: np.random.Generator,
    customers: pd.DataFrame,
    cust_idx: np.ndarray,
    item_idx: np.ndarray,
    quantity: np.ndarray,
    day: np.ndarray,
    items: ItemTable,
    params: GeneratorParams,
) -> dict[str, np.ndarray]:
    """Every Contract-1 column for ordinary orders of `customers.iloc[cust_idx]`."""
    n = len(cust_idx)
    cols: dict[str, np.ndarray] = {c: np.full(n, None, dtype=object) for c in INPUT_COLUMNS}
    for c in _CUSTOMER_FIELDS:
        cols[c] = customers[c].to_numpy(dtype=object)[cust_idx]
    cols["order_date"] = iso_days(params.start, day)
    controlled = items.controlled[item_idx]
    _consignees(rng, cols, customers, cust_idx, controlled, params)
    _logistics(rng, cols, customers, cust_idx, params)
    _item_fields(rng, cols, items, item_idx, quantity, day, params)
    _payment(rng, cols, params)
    _compliance(rng, cols, controlled, params)
    return cols


def _consignees(
    rng: np.random.Generator,
    cols: dict[str, np.ndarray],
    customers: pd.DataFrame,
    cust_idx: np.ndarray,
    controlled: np.ndarray,
    params: GeneratorParams,
) -> None:
    """Ship-to (mostly the customer's own site) and the named end user and end use."""
    n, rate, country = len(cust_idx), params.missing_rate, cols["customer_country"]
    foreign = rng.random(n) < params.foreign_site_rate
    site_country = pick(rng, _SITE_COUNTRIES, n)
    ship_country = np.where(foreign & (site_country != country), site_country, country)
    cols["ship_to_country"] = ship_country
    cols["ship_to_name"] = cols["customer_name"]
    site = np.flatnonzero(ship_country != country)
    address = cols["customer_address"].copy()
    address[site] = street_addresses(
        rng, ship_country[site], per_country(rng, ship_country[site], "cities")
    )
    cols["ship_to_address"] = blank_some(rng, address, rate)

    self_use = among(cols["customer_type"], _SELF_USE_TYPES)
    home = customers["customer_country"].to_numpy(dtype=object)
    clients = company_names(rng, np.repeat(home, _CLIENTS_PER_CUSTOMER)).reshape(
        len(home), _CLIENTS_PER_CUSTOMER
    )
    downstream = clients[cust_idx, rng.integers(0, _CLIENTS_PER_CUSTOMER, size=n)]
    named = (controlled | (rng.random(n) < 0.3)) & (rng.random(n) >= rate)
    cols["end_user_name"] = np.where(
        named, np.where(self_use, cols["customer_name"], downstream), None
    )
    cols["end_user_country"] = np.where(named, ship_country, None)
    cols["end_user_address"] = np.where(
        named & (rng.random(n) < 0.5), cols["ship_to_address"], None
    )
    cols["end_use"] = np.where(named, pick(rng, _END_USES, n), None)


def _logistics(
    rng: np.random.Generator,
    cols: dict[str, np.ndarray],
    customers: pd.DataFrame,
    cust_idx: np.ndarray,
    params: GeneratorParams,
) -> None:
    """Transit route (never through a hub), the customer's forwarder, an intermediate consignee."""
    n, ship_country = len(cust_idx), cols["ship_to_country"]
    has_route = rng.random(n) < params.route_rate
    transit = pick(rng, _TRANSIT_COUNTRIES, n)
    has_route &= (transit != ship_country) & (ship_country != "US")  # the seller ships from the US
    cols["route"] = np.where(has_route, transit, None)
    home = customers["customer_country"].to_numpy(dtype=object)
    forwarder = company_names(rng, home, FORWARDER_WORDS)[cust_idx]
    uses_forwarder = rng.random(n) < params.forwarder_rate
    cols["freight_forwarder_name"] = np.where(uses_forwarder, forwarder, None)
    cols["freight_forwarder_country"] = np.where(uses_forwarder, cols["customer_country"], None)
    via = np.flatnonzero(has_route & (rng.random(n) < 0.3))
    cols["intermediate_consignee_name"][via] = company_names(rng, transit[via], FORWARDER_WORDS)
    cols["intermediate_consignee_country"][via] = transit[via]


def _item_fields(
    rng: np.random.Generator,
    cols: dict[str, np.ndarray],
    items: ItemTable,
    item_idx: np.ndarray,
    quantity: np.ndarray,
    day: np.ndarray,
    params: GeneratorParams,
) -> None:
    """Item, quantity, price (USD), classification codes, shipping date and terms."""
    n, rate = len(item_idx), params.missing_rate
    cols["item_sku"] = items.sku[item_idx]
    cols["item_description"] = items.description[item_idx]
    cols["quantity"] = quantity
    cols["unit_price"] = list_prices(rng, items, item_idx, quantity, params)
    cols["currency"] = np.full(n, "USD", dtype=object)
    cols["eccn"] = blank_some(rng, items.eccn[item_idx], rate)
    cols["hs_code"] = blank_some(rng, items.hs_code[item_idx], rate)
    shipped = iso_days(params.start, day + rng.integers(2, 31, size=n))
    cols["ship_date"] = blank_some(rng, shipped, 2 * rate)
    cols["incoterms"] = blank_some(rng, _pick_weighted(rng, _INCOTERMS, n), rate)


def _payment(
    rng: np.random.Generator, cols: dict[str, np.ndarray], params: GeneratorParams
) -> None:
    """The customer pays (now and then its parent); wire, LC or card, rarely cash or crypto."""
    n, rate = len(cols["customer_name"]), params.missing_rate
    parent = cols["customer_parent_name"]
    by_parent = (rng.random(n) < params.third_party_payer_rate) & pd.notna(parent)
    known = rng.random(n) >= 2 * rate
    cols["payer_name"] = np.where(known, np.where(by_parent, parent, cols["customer_name"]), None)
    cols["payer_country"] = np.where(
        known, np.where(by_parent, cols["customer_parent_country"], cols["customer_country"]), None
    )
    method = _pick_weighted(rng, _PAYMENT_METHODS, n)
    value = cols["quantity"] * cols["unit_price"]
    method = np.where((method == "card") & (value > _CARD_LIMIT), "wire", method)
    cash = rng.random(n) < params.cash_crypto_rate
    cols["payment_method"] = np.where(cash, pick(rng, ("cash", "crypto"), n), method)
    cols["payment_terms"] = blank_some(rng, _pick_weighted(rng, _PAYMENT_TERMS, n), rate)


def _compliance(
    rng: np.random.Generator,
    cols: dict[str, np.ndarray],
    controlled: np.ndarray,
    params: GeneratorParams,
) -> None:
    """Installation, end-use statement, changes, and a license wherever one is required."""
    n, rate = len(controlled), params.missing_rate
    declined = bool_text(rng.random(n) < params.declined_installation_rate)
    cols["declined_installation"] = blank_some(rng, declined, rate)
    statement = np.where(controlled, "true", None)
    cols["end_use_statement_received"] = blank_some(rng, statement, rate)
    changed = bool_text(rng.random(n) < params.changed_after_order_rate)
    cols["changed_after_order"] = blank_some(rng, changed, rate)
    destinations = params.license_required_destinations
    licensed = (
        among(cols["ship_to_country"], destinations)
        | among(cols["end_user_country"], destinations)
        | among(cols["customer_country"], destinations)  # a buyer based there records one too
    )
    numbers = "D" + rng.integers(100_000, 1_000_000, size=n).astype(str).astype(object)
    cols["license_number"] = np.where(controlled & licensed, numbers, None)


def _pick_weighted(rng: np.random.Generator, weights: dict[str, float], n: int) -> np.ndarray:
    return pick(rng, list(weights), n, p=np.array(list(weights.values())))


def frame_from_columns(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Concatenate column dicts built by `order_lines` (and typologies) into one."""
    return {c: np.concatenate([p[c] for p in parts]) for c in parts[0]}
