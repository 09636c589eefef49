"""Legitimate-looking order lines, built column-wise for many rows at once.

`order_lines` fills every Contract-1 column the way an ordinary customer's order would
carry it; the diversion typologies start from such lines and overwrite the fields that
betray them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from detectors.schema import INPUT_COLUMNS
from detectors.synthetic import independent
from detectors.synthetic.geography import COUNTRY_NAMES, FORWARDER_WORDS
from detectors.synthetic.missing import MISSING
from detectors.synthetic.params import GeneratorParams
from detectors.synthetic.population import (
    CLIENTS_PER_CUSTOMER,
    among,
    company_names,
    iso_days,
    per_country,
    pick,
    pick_weighted,
    street_addresses,
)
from detectors.synthetic.terms import compliance, payment, ship_from
from detectors.synthetic.vocabulary import end_uses

CONTROLLED_PREFIXES = ("3A090", "4A090")
# The order file's columns: Contract 1's, plus ship_from_country (Contract 1 in docs/ARCHITECTURE.md)
# where the schema does not list it yet; ingest reads it once it does and ignores it before.
OUTPUT_COLUMNS: tuple[str, ...] = INPUT_COLUMNS + tuple(
    c for c in ("ship_from_country",) if c not in INPUT_COLUMNS
)
_CUSTOMER_FIELDS = (
    "customer_id", "customer_name", "customer_country", "customer_type", "customer_address",
    "customer_since", "customer_website", "customer_email", "customer_phone",
    "customer_parent_name", "customer_parent_country",
)  # fmt: skip
_SITE_COUNTRIES = ("US", "DE", "NL", "IE", "JP", "GB", "SE")
_CLOUD_SITE_COUNTRIES = ("US", "DE", "NL", "IE", "JP", "GB", "SG", "AU", "IN", "BR", "AE", "MY",
                         "FR", "KR", "SA", "ID")  # fmt: skip
_TRANSIT_COUNTRIES = ("NL", "DE", "US", "JP", "GB", "BE", "KR")
_AIR_HUBS = ("SG", "HK", "AE")
_FAR_DESTINATIONS = ("IN", "AU", "NZ", "ID", "PH", "VN", "TH", "MY", "SA", "IL", "TR", "ZA",
                     "JP", "KR", "TW")  # fmt: skip
_INCOTERMS = {"EXW": 0.15, "FCA": 0.25, "DAP": 0.25, "DDP": 0.2, "CIP": 0.1, "FOB": 0.05}
_SELF_USE_TYPES = (
    "cloud_provider",
    "data_center",
    "research",
    "end_user",
    "oem",
    "system_integrator",
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
    above_line: np.ndarray  # B200/GB200 class: above TPP 21,000 a chip (no China licence can exist)
    h20_class: np.ndarray  # H20 / MI308: licence by letter for China from April 2025
    h200_class: np.ndarray  # H100/H200/H800-class chips and their 8-GPU servers

    @classmethod
    def from_catalog(cls, catalog: pd.DataFrame, tpp_line: float = 21_000.0) -> ItemTable:
        eccn = catalog["eccn"].astype(object).to_numpy()
        prc = (
            catalog["prc_developed"].fillna(False).astype(bool).to_numpy()
            if "prc_developed" in catalog
            else np.zeros(len(catalog), dtype=bool)
        )
        advanced = np.array([str(e).startswith(CONTROLLED_PREFIXES) for e in eccn])
        text = catalog["description"].astype(str).str
        item_class = catalog["item_class"].astype(object).to_numpy()
        tpp = catalog["tpp"].astype(float).to_numpy()
        chip_tpp = np.where(item_class == "server", tpp / 8.0, tpp)
        return cls(
            sku=catalog["sku"].astype(object).to_numpy(),
            description=catalog["description"].astype(object).to_numpy(),
            item_class=item_class,
            eccn=eccn,
            hs_code=catalog["hs_code"].astype(object).to_numpy(),
            tpp=tpp,
            list_price=catalog["list_price"].astype(float).to_numpy(),
            prc_developed=prc,
            controlled=advanced & ~prc,
            above_line=advanced
            & ~prc
            & ((chip_tpp >= tpp_line) | text.contains(r"\bG?B[23]00").to_numpy()),
            h20_class=text.contains(r"\bH20\b|MI308").to_numpy(),
            h200_class=advanced & ~prc & text.contains(r"H[128]00").to_numpy(),
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
    # the H20 (below 3A090, licensed by letter from April 2025) is neither: it appears only
    # where its dated licence requirement is drawn (licensed China business, unlicensed_h20)
    ordinary = items.where(~items.controlled & ~items.prc_developed & ~items.h20_class)
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
    quantities: np.ndarray = np.maximum(1, np.rint(median * scale * noise)).astype(np.int64)
    return quantities


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
    level = params.price_level
    prices: np.ndarray = np.round(items.list_price[item_idx] * level * noise * (1.0 - discount), 2)
    return prices


def blank_some(rng: np.random.Generator, values: np.ndarray, rate: float) -> np.ndarray:
    return np.where(rng.random(len(values)) < rate, MISSING, values)


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
    cols: dict[str, np.ndarray] = {c: np.full(n, None, dtype=object) for c in OUTPUT_COLUMNS}
    for c in _CUSTOMER_FIELDS:
        cols[c] = customers[c].to_numpy(dtype=object)[cust_idx]
    industry = customers["industry"].to_numpy(dtype=object)[cust_idx]
    cols["order_date"] = iso_days(params.start, day)
    controlled = items.controlled[item_idx]
    _consignees(rng, cols, customers, cust_idx, controlled, params)
    if params.population == "independent":
        written = independent.end_uses(
            rng,
            industry,
            cols["customer_country"],
            customers["city"].to_numpy(dtype=object)[cust_idx],
            independent.country_words(cols["customer_country"]),
            params.local_language_rate,
            params.end_use_blank_rate,
        )
    else:
        written = end_uses(
            rng,
            industry,
            cols["customer_country"],
            params.end_use_vocabulary,
            params.local_language_rate,
            params.end_use_blank_rate,
        )
    cols["end_use"] = np.where(pd.notna(cols["end_user_name"]), written, MISSING)
    _logistics(rng, cols, customers, cust_idx, params)
    _item_fields(rng, cols, items, item_idx, quantity, day, params)
    payment(rng, cols, params)
    compliance(rng, cols, controlled, params)
    return cols


def _own_sites(
    rng: np.random.Generator, cols: dict[str, np.ndarray], params: GeneratorParams
) -> np.ndarray:
    """Ship-to country: the customer's own; now and then its site in another country (cloud
    providers and data centres far more often, and in more countries)."""
    n, country = len(cols["customer_country"]), cols["customer_country"]
    cloud = among(cols["customer_type"], ("cloud_provider", "data_center"))
    rate = np.where(cloud, params.cloud_foreign_site_rate, params.foreign_site_rate)
    site = np.where(cloud, pick(rng, _CLOUD_SITE_COUNTRIES, n), pick(rng, _SITE_COUNTRIES, n))
    return np.where((rng.random(n) < rate) & (site != country), site, country)


def _consignees(
    rng: np.random.Generator,
    cols: dict[str, np.ndarray],
    customers: pd.DataFrame,
    cust_idx: np.ndarray,
    controlled: np.ndarray,
    params: GeneratorParams,
) -> None:
    """Ship-to (mostly the customer's own site), the named end user; a channel customer's
    line may go straight to its end user in the customer's country (drop shipment)."""
    n, rate, country = len(cust_idx), params.missing_rate, cols["customer_country"]
    ship_country = _own_sites(rng, cols, params)
    cols["ship_to_country"] = ship_country
    site = np.flatnonzero(ship_country != country)
    name = cols["customer_name"].copy()
    local = pd.Series(ship_country[site], dtype=object).map(COUNTRY_NAMES).to_numpy(dtype=object)
    name[site] = np.where(
        rng.random(len(site)) < 0.5, name[site], name[site] + " (" + local + " site)"
    )
    address = cols["customer_address"].copy()
    address[site] = street_addresses(
        rng, ship_country[site], per_country(rng, ship_country[site], "cities")
    )

    self_use = among(cols["customer_type"], _SELF_USE_TYPES)
    which = rng.integers(0, CLIENTS_PER_CUSTOMER, size=n)
    clients = np.stack(
        [customers[f"client_{k}"].to_numpy(dtype=object) for k in range(CLIENTS_PER_CUSTOMER)],
        axis=1,
    )
    client_sites = np.stack(
        [customers[f"client_site_{k}"].to_numpy(dtype=object) for k in range(CLIENTS_PER_CUSTOMER)],
        axis=1,
    )
    downstream = clients[cust_idx, which]
    named = (controlled | (rng.random(n) < 0.3)) & (rng.random(n) >= rate)
    drop = ~self_use & named & (ship_country == country) & (rng.random(n) < params.drop_ship_rate)
    name[drop] = downstream[drop]
    address[drop] = client_sites[cust_idx[drop], which[drop]]
    cols["ship_to_name"] = name
    cols["ship_to_address"] = blank_some(rng, address, rate)
    cols["end_user_name"] = np.where(
        named, np.where(self_use, cols["customer_name"], downstream), MISSING
    )
    cols["end_user_country"] = np.where(named, ship_country, MISSING)
    cols["end_user_address"] = np.where(
        named & (drop | (rng.random(n) < 0.5)), cols["ship_to_address"], MISSING
    )


def _logistics(
    rng: np.random.Generator,
    cols: dict[str, np.ndarray],
    customers: pd.DataFrame,
    cust_idx: np.ndarray,
    params: GeneratorParams,
) -> None:
    """Transit route (to Asia, the Gulf and Oceania often through an air hub such as
    Singapore, Hong Kong or Dubai), the customer's forwarder, an intermediate consignee, and
    the country the goods leave from."""
    n, ship_country = len(cust_idx), cols["ship_to_country"]
    has_route = rng.random(n) < params.route_rate
    far = among(ship_country, _FAR_DESTINATIONS)
    via_hub = far & (rng.random(n) < params.hub_transit_rate)
    transit = np.where(via_hub, pick(rng, _AIR_HUBS, n), pick(rng, _TRANSIT_COUNTRIES, n))
    has_route &= (transit != ship_country) & (ship_country != "US")  # the seller ships from the US
    has_route &= ~among(ship_country, params.china_destinations) | ~among(transit, ("HK",))
    cols["route"] = np.where(has_route, transit, MISSING)
    forwarder = customers["forwarder"].to_numpy(dtype=object)[cust_idx]
    uses_forwarder = rng.random(n) < params.forwarder_rate
    cols["freight_forwarder_name"] = np.where(uses_forwarder, forwarder, MISSING)
    cols["freight_forwarder_country"] = np.where(uses_forwarder, cols["customer_country"], MISSING)
    via = np.flatnonzero(has_route & ~via_hub & (rng.random(n) < 0.3))
    cols["intermediate_consignee_name"][via] = company_names(rng, transit[via], FORWARDER_WORDS)
    cols["intermediate_consignee_country"][via] = transit[via]
    cols["ship_from_country"] = ship_from(rng, ship_country, params)


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
    cols["incoterms"] = blank_some(rng, pick_weighted(rng, _INCOTERMS, n), rate)


def frame_from_columns(parts: list[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Concatenate column dicts built by `order_lines` (and typologies) into one."""
    return {c: np.concatenate([p[c] for p in parts]) for c in parts[0]}
