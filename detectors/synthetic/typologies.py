"""Injected diversion typologies (docs/ARCHITECTURE.md: "Diversion typologies").

Each typology is one function `(scene, n) -> columns of n order lines`: it creates (or
borrows) the customers involved, starts from ordinary order lines and overwrites the
fields that carry its red flags. The label name is the function's key in `TYPOLOGY_BUILDERS`."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from detectors.synthetic.geography import (
    FREE_MAIL_DOMAINS,
    REALTOR_WORDS,
    RESIDENTIAL_SHAPES,
    VIRTUAL_SHAPES,
)
from detectors.synthetic.missing import MISSING
from detectors.synthetic.names import native_names
from detectors.synthetic.orders import draw_from
from detectors.synthetic.population import (
    company_names,
    iso_days,
    per_country,
    pick,
    street_addresses,
)
from detectors.synthetic.scene import (
    Columns,
    Scene,
    dates_between,
    odd_addresses,
    spread,
    units_for,
)
from detectors.synthetic.typologies_2025 import BUILDERS_2025

_GENERIC_DESCRIPTIONS = (
    "Computer parts",
    "Electronic components",
    "PC accessories",
    "Server parts",
    "Computer peripherals",
)
_VAGUE_END_USES = ("general use", "resale", "trading", "for stock", "general purpose computing",
                   "various", "TBD", "customer project", "IT equipment")  # fmt: skip
_REALTOR_END_USES = ("office equipment", "IT equipment for property management", "resale",
                     "investment", "smart building project", None)  # fmt: skip
_SHELL_COUNTRIES = ("US", "GB", "DE", "SG", "MY", "AE", "CA", "AU", "NL")
_SHELL_PHONE_COUNTRIES = ("CN", "HK", "MO", "RU")
_SPREAD_COUNTRIES = ("US", "DE", "GB", "SG", "MY", "AE", "TH", "IN", "TR", "KZ", "JP", "KR", "NL")
_CHINA_WEIGHTS = {"CN": 0.6, "HK": 0.3, "MO": 0.1}
_FRONT_TYPES = ("reseller", "system_integrator", "end_user", "distributor")


def watchlist_party(scene: Scene, n: int) -> Columns:
    rng, params = scene.rng, scene.params
    names: list[str] = []
    start: list[int] = []
    count: list[int] = []
    for party in scene.listed:
        candidates = list(party.variants) + [
            a.name for a in party.entry.aliases if a.strength == "strong"
        ]
        start.append(len(names))
        count.append(len(candidates))
        names += candidates
    names_arr = np.array(names, dtype=object)
    which = rng.integers(0, len(scene.listed), size=n)
    offset = np.floor(rng.random(n) * np.asarray(count)[which]).astype(int)
    offset[rng.random(n) < params.exact_name_share] = 0
    party_name = names_arr[np.asarray(start)[which] + offset]
    party_country = np.array([scene.listed[i].country for i in which], dtype=object)
    party_address = np.array([scene.listed[i].address for i in which], dtype=object)
    role = pick(
        rng,
        list(params.role_mix),
        n,
        p=np.array(list(params.role_mix.values())) / sum(params.role_mix.values()),
    )

    listed_customers = scene.customers(
        party_country, pick(rng, ("distributor", "trading_company", "research", "end_user"), n)
    )
    listed_customers["customer_name"] = party_name
    keep_address = rng.random(n) < 0.5
    listed_customers["customer_address"] = np.where(
        keep_address, party_address, listed_customers["customer_address"]
    )
    borrowed = rng.integers(0, len(scene.clean_customers), size=n)
    items = scene.controlled(n)
    days = scene.days(n)
    own = scene.lines(listed_customers, np.arange(n), items, days, 1.0)
    other = scene.lines(scene.clean_customers, borrowed, items, days, 1.0)
    as_customer = role == "customer"
    cols = {c: np.where(as_customer, own[c], other[c]) for c in own}
    for r, name_col, country_col, address_col in (
        ("ship_to", "ship_to_name", "ship_to_country", "ship_to_address"),
        ("end_user", "end_user_name", "end_user_country", "end_user_address"),
        ("payer", "payer_name", "payer_country", None),
    ):
        rows = role == r
        cols[name_col] = np.where(rows, party_name, cols[name_col])
        cols[country_col] = np.where(rows, party_country, cols[country_col])
        if address_col:
            cols[address_col] = np.where(rows & keep_address, party_address, cols[address_col])
    return cols


def transshipment_forwarder(scene: Scene, n: int) -> Columns:
    rng, params = scene.rng, scene.params
    m, who = spread(rng, n, 4.0)
    customers = scene.customers(
        pick(rng, ("US", "US", "US", "CA", "GB", "DE", "AU"), m),
        pick(rng, ("distributor", "reseller", "system_integrator"), m),
    )
    customers["customer_since"] = dates_between(rng, m, "2022-11-01", "2025-06-30")
    hub = pick(rng, params.forwarder_hubs, m)
    forwarder = company_names(rng, hub, ("Logistics", "Freight", "Forwarding", "Supply Chain"))
    warehouse = per_country(rng, hub, "cities")
    payer_country = pick(rng, ("HK", "CN"), m)
    payer = company_names(rng, payer_country)
    items = scene.controlled(n)
    cols = scene.lines(customers, who, items, scene.days(n), 3.0)
    cols["ship_to_name"] = cols["freight_forwarder_name"] = forwarder[who]
    cols["ship_to_country"] = cols["freight_forwarder_country"] = hub[who]
    cols["ship_to_address"] = street_addresses(rng, hub[who], warehouse[who])
    for c in ("end_user_name", "end_user_country", "end_user_address", "end_use", "route",
              "intermediate_consignee_name", "intermediate_consignee_country", "eccn", "license_number"):  # fmt: skip
        cols[c] = np.full(n, None, dtype=object)
    cols["payer_name"], cols["payer_country"] = payer[who], payer_country[who]
    cols["payment_method"] = pick(rng, ("wire", "wire", "other"), n)
    # mislabelled: a generic description, another HS code, or both
    how = rng.random(n)
    generic = how < 0.75
    cols["item_description"] = np.where(
        generic, pick(rng, _GENERIC_DESCRIPTIONS, n), cols["item_description"]
    )
    hs = pick(rng, params.mislabel_hs_codes, n)
    hs = np.where(hs == scene.items.hs_code[items], "8471.80", hs)
    cols["hs_code"] = np.where(generic & (how > 0.45), scene.items.hs_code[items], hs)
    return cols


def realtor_buyer(scene: Scene, n: int) -> Columns:
    rng, params = scene.rng, scene.params
    m, who = spread(rng, n, 3.0)
    customers = scene.customers(np.full(m, "US", dtype=object), np.full(m, "other", dtype=object))
    legal = pick(rng, ("LLC", "Inc.", "LLC", "Group LLC"), m)
    customers["customer_name"] = (
        customers["brand"] + " " + pick(rng, REALTOR_WORDS, m) + " " + legal
    )
    wanted = (
        scene.items.controlled
        & pd.Series(scene.items.description).str.contains("H100|H200|A100", regex=True).to_numpy()
    )
    servers = np.flatnonzero(wanted & (scene.items.item_class == "server"))
    gpus = np.flatnonzero(wanted & (scene.items.item_class == "gpu"))
    fallback = np.flatnonzero(scene.items.controlled)
    items = draw_from(rng, servers if len(servers) else fallback, n)
    as_gpu = (rng.random(n) < 0.3) & bool(len(gpus))
    items[as_gpu] = draw_from(rng, gpus if len(gpus) else fallback, int(as_gpu.sum()))
    cols = scene.lines(customers, who, items, scene.days(n), 1.0)
    transit = pick(rng, params.realtor_routes, n)
    cols["ship_to_country"] = transit
    cols["ship_to_name"] = company_names(rng, transit, ("Trading", "Import Export", "Holdings"))
    cols["ship_to_address"] = np.full(n, None, dtype=object)
    cols["route"] = transit
    for c in ("end_user_name", "end_user_country", "end_user_address", "license_number"):
        cols[c] = np.full(n, None, dtype=object)
    cols["end_use"] = pick(rng, _REALTOR_END_USES, n)
    payer_country = pick(rng, ("CN", "CN", "CN", "HK"), n)
    cols["payer_name"], cols["payer_country"] = company_names(rng, payer_country), payer_country
    cols["payment_method"] = np.full(n, "wire", dtype=object)
    return cols


def unlicensed_china(scene: Scene, n: int) -> Columns:
    rng, params = scene.rng, scene.params
    weights = np.array([_CHINA_WEIGHTS.get(c, 0.1) for c in params.china_destinations])
    dest = pick(rng, params.china_destinations, n, p=weights / weights.sum())
    customers = scene.customers(
        dest, pick(rng, ("distributor", "trading_company", "end_user", "research"), n)
    )
    items, days = scene.controlled(n), scene.days(n)
    own = scene.lines(customers, np.arange(n), items, days, 1.0)
    borrowed = scene.lines(
        scene.clean_customers, rng.integers(0, len(scene.clean_customers), size=n), items, days, 1.0
    )
    direct = rng.random(n) < 0.6
    cols = {c: np.where(direct, own[c], borrowed[c]) for c in own}
    cols["ship_to_country"] = np.where(direct, dest, cols["ship_to_country"])
    cols["ship_to_address"] = np.where(direct, cols["customer_address"], cols["ship_to_address"])
    cols["end_user_country"] = dest
    cols["end_user_name"] = np.where(direct, cols["end_user_name"], company_names(rng, dest))
    cols["end_user_name"] = np.where(
        pd.isna(cols["end_user_name"]), company_names(rng, dest), cols["end_user_name"]
    )
    cols["end_use"] = np.where(pd.isna(cols["end_use"]), "AI model training", cols["end_use"])
    cols["license_number"] = np.full(n, None, dtype=object)
    cols["license_exception"] = np.full(n, None, dtype=object)
    return cols


def gp10_ascend(scene: Scene, n: int) -> Columns:
    rng = scene.rng
    m, who = spread(rng, n, 2.0)
    customers = scene.customers(
        pick(rng, _SPREAD_COUNTRIES, m), pick(rng, _FRONT_TYPES + ("cloud_provider",), m)
    )
    prc = np.flatnonzero(scene.items.prc_developed)
    items = draw_from(rng, prc if len(prc) else np.flatnonzero(scene.items.controlled), n)
    cols = scene.lines(customers, who, items, scene.days(n), 1.0)
    return cols


def _shell_fronts(scene: Scene, m: int, countries: np.ndarray) -> pd.DataFrame:
    rng = scene.rng
    customers = scene.customers(countries, pick(scene.rng, _FRONT_TYPES, m))
    local = customers["brand"].str.lower().to_numpy(dtype=object) + rng.integers(
        10, 999, size=m
    ).astype(str).astype(object)
    customers["customer_email"] = local + "@" + pick(rng, FREE_MAIL_DOMAINS, m)
    customers["customer_website"] = None
    customers["customer_address"] = odd_addresses(
        rng, RESIDENTIAL_SHAPES + VIRTUAL_SHAPES, countries
    )
    phone_country = pick(rng, _SHELL_PHONE_COUNTRIES, m)
    codes = per_country(rng, phone_country, "calling_code")
    customers["customer_phone"] = (
        "+" + codes + " " + rng.integers(10_000_000, 99_999_999, size=m).astype(str).astype(object)
    )
    return customers


def _since_before_first_order(
    scene: Scene, who: np.ndarray, days: np.ndarray, m: int
) -> np.ndarray:
    first = np.full(m, scene.params.days, dtype=np.int64)
    np.minimum.at(first, who, days)
    lo, hi = scene.params.shell_account_age_days
    return iso_days(scene.params.start, first - scene.rng.integers(lo, hi + 1, size=m))


def shell_front(scene: Scene, n: int) -> Columns:
    rng = scene.rng
    m, who = spread(rng, n, 1.3)
    customers = _shell_fronts(scene, m, pick(rng, _SHELL_COUNTRIES, m))
    days = scene.days(n)
    customers["customer_since"] = _since_before_first_order(scene, who, days, m)
    items = scene.controlled(n)
    cols = scene.lines(customers, who, items, days, 1.0)
    target = scene.rng.uniform(*scene.params.shell_first_order_h100e, size=n)
    cols["quantity"] = units_for(scene, items, target, np.ceil)
    return cols


def _structuring_plan(
    rng: np.random.Generator, n: int, group_size: tuple[int, int]
) -> list[np.ndarray]:
    """Orders per member for each group of related shells, `n` orders in all, no group cut short."""
    lo, hi = group_size
    plan: list[np.ndarray] = []
    remaining = n
    while remaining > 0:
        if (
            plan and remaining < lo
        ):  # too few left for a group of their own: earlier members order more
            plan[-1][:remaining] += 1
            break
        orders = rng.integers(1, 4, size=int(rng.integers(lo, hi + 1)))
        if orders.sum() > remaining:
            size = min(len(orders), remaining)
            orders = np.ones(size, dtype=np.int64) + np.bincount(
                np.arange(remaining - size) % size, minlength=size
            )
        plan.append(orders)
        remaining -= int(orders.sum())
    return plan


def structuring(scene: Scene, n: int) -> Columns:
    rng, params = scene.rng, scene.params
    plan = _structuring_plan(rng, n, params.structuring_group_size)
    member_orders = np.concatenate(plan)
    group = np.repeat(np.arange(len(plan)), [len(p) for p in plan])
    m, g = len(member_orders), len(plan)
    group_country = pick(rng, ("US", "SG", "MY", "AE", "TW", "GB", "DE"), g)
    customers = scene.customers(group_country[group], pick(rng, _FRONT_TYPES, m))
    customers["customer_address"] = odd_addresses(
        rng, RESIDENTIAL_SHAPES + VIRTUAL_SHAPES, group_country
    )[group]
    payer_country = np.where(rng.random(g) < 0.5, "HK", group_country)
    payer = company_names(rng, payer_country)
    window_start = rng.integers(0, max(1, params.days - params.structuring_window_days), size=g)
    customers["customer_since"] = iso_days(
        params.start, window_start[group] - rng.integers(20, 200, size=m)
    )

    who = np.repeat(np.arange(m), member_orders)
    big = np.flatnonzero(
        scene.items.controlled & (scene.items.item_class == "gpu") & (scene.items.tpp >= 12_000)
    )
    items = draw_from(rng, big if len(big) else np.flatnonzero(scene.items.controlled), n)
    share = rng.uniform(*params.structuring_fill_range, size=n) * params.structuring_threshold_h100e
    days = window_start[group[who]] + rng.integers(0, params.structuring_window_days, size=n)
    cols = scene.lines(customers, who, items, days, 1.0)
    cols["quantity"] = units_for(scene, items, share, np.floor)
    cols["payer_name"], cols["payer_country"] = payer[group[who]], payer_country[group[who]]
    cols["ship_to_address"] = cols["customer_address"]
    return cols


def cash_premium(scene: Scene, n: int) -> Columns:
    rng, params = scene.rng, scene.params
    m, who = spread(rng, n, 1.5)
    customers = scene.customers(pick(rng, _SPREAD_COUNTRIES, m), pick(rng, _FRONT_TYPES, m))
    items = scene.controlled(n, ("gpu",))
    cols = scene.lines(customers, who, items, scene.days(n), 1.0)
    cols["payment_method"] = pick(rng, ("cash", "crypto"), n)
    cols["unit_price"] = np.round(
        scene.items.list_price[items]
        * params.price_level
        * rng.uniform(*params.price_premium_range, size=n),
        2,
    )
    return cols


def evasive_end_use(scene: Scene, n: int) -> Columns:
    rng = scene.rng
    m, who = spread(rng, n, 2.0)
    customers = scene.customers(pick(rng, _SPREAD_COUNTRIES, m), pick(rng, _FRONT_TYPES, m))
    cols = scene.lines(customers, who, scene.controlled(n), scene.days(n), 1.0)
    # at least two of: installation declined, no end-use statement, changed after the order
    flags = rng.random((n, 3)) < np.array([0.8, 0.8, 0.6])
    short = flags.sum(axis=1) < 2
    flags[short, :2] = True
    cols["declined_installation"] = np.where(flags[:, 0], "true", "false").astype(object)
    cols["end_use_statement_received"] = np.where(flags[:, 1], "false", "true").astype(object)
    cols["changed_after_order"] = np.where(flags[:, 2], "true", "false").astype(object)
    cols["end_use"] = np.where(rng.random(n) < 0.15, MISSING, pick(rng, _VAGUE_END_USES, n))
    return cols


def d5_parent(scene: Scene, n: int) -> Columns:
    rng, params = scene.rng, scene.params
    m, who = spread(rng, n, 3.0)
    countries = pick(rng, ("SG", "MY", "US", "DE", "GB", "KR", "TH", "AU", "JP"), m)
    customers = scene.customers(countries, pick(rng, _FRONT_TYPES + ("cloud_provider", "oem"), m))
    parent_country = pick(rng, params.d5_parent_countries, m)
    latin = company_names(rng, parent_country, ("Holdings", "Group", "Investment Holdings"))
    native, _ = native_names(rng, "CN", m)
    customers["customer_parent_name"] = np.where(
        (parent_country == "CN") & (rng.random(m) < 0.35), native, latin
    )
    customers["customer_parent_country"] = parent_country
    cols = scene.lines(customers, who, scene.controlled(n), scene.days(n), 1.0)
    return cols


def volume_spike(scene: Scene, n: int) -> Columns:
    rng, params = scene.rng, scene.params
    history = pd.DataFrame(
        {"c": scene.clean_cust_idx, "day": scene.clean_day, "h": scene.clean_h100e}
    )
    stats = history.groupby("c").agg(
        orders=("day", "size"), last=("day", "max"), largest=("h", "max")
    )
    small = stats[(stats["orders"] >= 3) & (stats["largest"] <= stats["largest"].quantile(0.5))]
    pool = small if len(small) else stats
    chosen = pool.iloc[rng.choice(len(pool), size=n, replace=len(pool) < n)]
    cust_idx = chosen.index.to_numpy()
    days = np.minimum(chosen["last"].to_numpy() + rng.integers(1, 15, size=n), params.days - 1)
    items = scene.controlled(n)
    target = rng.uniform(*params.spike_factor_range, size=n) * np.maximum(
        chosen["largest"].to_numpy(), 2.0
    )
    cols = scene.lines(scene.clean_customers, cust_idx, items, days, 1.0)
    cols["quantity"] = units_for(scene, items, target, np.ceil)
    hub = pick(rng, params.hubs, n)
    cols["ship_to_country"] = hub
    cols["ship_to_name"] = company_names(rng, hub, ("Logistics", "Trading", "Technologies"))
    cols["ship_to_address"] = np.full(n, None, dtype=object)
    cols["end_user_name"], cols["end_user_country"] = cols["ship_to_name"], hub
    cols["end_user_address"] = np.full(n, None, dtype=object)
    return cols


TYPOLOGY_BUILDERS: dict[str, Callable[[Scene, int], Columns]] = {
    "watchlist_party": watchlist_party,
    "transshipment_forwarder": transshipment_forwarder,
    "realtor_buyer": realtor_buyer,
    "unlicensed_china": unlicensed_china,
    "gp10_ascend": gp10_ascend,
    "structuring": structuring,
    "shell_front": shell_front,
    "cash_premium": cash_premium,
    "evasive_end_use": evasive_end_use,
    "d5_parent": d5_parent,
    "volume_spike": volume_spike,
    **BUILDERS_2025,
}
