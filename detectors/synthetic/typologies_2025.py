"""Typologies of the law and enforcement of 2025-26 (docs/ARCHITECTURE.md, "Since May 2025, dated" and
"Enforcement patterns 2025-26"): unlicensed H20/MI308, licences that cannot exist,
GPUs declared as parts or as adapters and modules, straw buyers, and Southeast-Asian data
centres renting capacity onwards. Each builder is `(scene, n) -> columns of n lines`."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from detectors.synthetic.geography import FORWARDER_WORDS
from detectors.synthetic.missing import MISSING
from detectors.synthetic.offcatalog import unknown_skus
from detectors.synthetic.orders import draw_from
from detectors.synthetic.params import GeneratorParams
from detectors.synthetic.population import among, company_names, per_country, pick
from detectors.synthetic.scene import Columns, Scene, dates_between, day_window, days_within
from detectors.synthetic.terms import licence_numbers

_CHINA = {"CN": 0.65, "HK": 0.3, "MO": 0.05}
_CHINESE_TYPES = ("cloud_provider", "data_center", "distributor", "end_user", "research")
_MI308 = ("AMD-MI308X-192G", "AMD Instinct MI308X 192GB accelerator", 13_000.0)
_PART_WORDS = ("Graphics accessories", "Computer parts", "Server spare parts",
               "graphics card accessories", "Computer components, misc.", "Spare parts for servers",
               "PC accessories", "COMPUTER PARTS")  # fmt: skip
_PART_PREFIXES = ("GA", "CP", "SSP", "ACC", "PRT", "MISC")
_ADAPTER_BRANDS = ("Shenlong", "Veltrix", "Kaiyun", "Orvana", "Zentaro", "Axion", "Hexacore",
                   "Tianji", "Novacard", "Ultrix")  # fmt: skip
_ADAPTER_FORMS = ("{b} AI compute module 80GB", "{b} PCIe accelerator adapter card",
                  "{b} HBM adapter module", "{b} GPU adapter", "{b} interface module 96G",
                  "{b} compute adapter, 141GB", "{b} accelerator module SXM")  # fmt: skip
_DOMESTIC_CLAIMS = ("For use in our own data centre in {c}", "Domestic use only - AI training at our {c} facility",
                    "On-premise AI cluster, {c}", "Internal R&D, {c} office, not for export",
                    "Installation at our {c} site")  # fmt: skip
_RENTAL_USES = ("GPU cloud capacity for regional customers", "Compute leasing to enterprise clients in Greater China",
                "GPU rental to AI companies, incl. customers in Shenzhen and Beijing",
                "Capacity lease to overseas AI firm (remote access)", "Hosted training cluster for a tenant in China",
                "AI compute rental")  # fmt: skip


def _by_weight(scene: Scene, weights: dict[str, float], n: int) -> np.ndarray:
    p = np.array(list(weights.values()))
    return pick(scene.rng, list(weights), n, p=p / p.sum())


def _window(scene: Scene, lo: date | None, hi: date | None) -> tuple[int, int]:
    window = day_window(scene.params, lo, hi)
    if window is None:
        raise ValueError(f"no generated date falls between {lo} and {hi}")
    return window


def unlicensed_h20(scene: Scene, n: int) -> Columns:
    """H20 or MI308 to China, Hong Kong or Macau after the letter requirement, no licence."""
    rng, params = scene.rng, scene.params
    dest = _by_weight(scene, _CHINA, n)
    customers = scene.customers(dest, pick(rng, _CHINESE_TYPES, n))
    h20 = np.flatnonzero(scene.items.h20_class & ~scene.items.prc_developed)
    items = draw_from(rng, h20, n) if len(h20) else scene.controlled(n, ("gpu",))
    days = days_within(rng, _window(scene, params.h20_letter_date, None), n)
    cols = scene.lines(customers, np.arange(n), items, days, 2.0)
    mi308 = rng.random(n) < (0.3 if len(h20) else 1.0)  # the catalog may not list the MI308
    sku, text, price = _MI308
    cols["item_sku"][mi308] = sku
    cols["item_description"][mi308] = text
    noise = rng.lognormal(0.0, params.price_noise_sigma, size=int(mi308.sum()))
    cols["unit_price"][mi308] = np.round(price * params.price_level * noise, 2)
    eccn = pick(rng, ("catalog", "blank", "3A991.p", "5A992.c"), n, p=[0.5, 0.2, 0.2, 0.1])
    cols["eccn"] = np.where(eccn == "catalog", np.where(mi308, "3A090.b", cols["eccn"]), eccn)
    cols["eccn"] = np.where(eccn == "blank", MISSING, cols["eccn"])
    cols["ship_to_country"], cols["ship_to_name"] = dest, cols["customer_name"]
    cols["ship_to_address"] = cols["customer_address"]
    via_hk = (dest == "HK") & (rng.random(n) < 0.5)  # a Hong Kong buyer for a mainland user
    cols["end_user_country"] = np.where(via_hk, "CN", dest)
    cols["end_user_name"] = np.where(
        via_hk | pd.isna(cols["end_user_name"]),
        company_names(rng, np.full(n, "CN")),
        cols["end_user_name"],
    )
    cols["license_number"] = np.full(n, None, dtype=object)
    cols["license_exception"] = np.full(n, None, dtype=object)
    cols["ship_from_country"] = np.where(rng.random(n) < 0.3, "US", MISSING)
    return cols


def _license_variants(scene: Scene, n: int) -> tuple[np.ndarray, dict[str, tuple[int, int]]]:
    params = scene.params
    windows = {
        "above_line": day_window(params, max(date(2026, 1, 1), params.start), None),
        "reexport": day_window(params, None, None),
        "too_early": day_window(params, None, params.review_policy_date - timedelta(days=1)),
    }
    usable = {k: w for k, w in windows.items() if w is not None}
    return pick(scene.rng, list(usable), n), usable


def implausible_license(scene: Scene, n: int) -> Columns:
    """A licence recorded for China or Macau where none can exist: B200/GB200 class in
    2026, an H200-class item re-exported from outside the US, an H200 before 2026-01-15."""
    rng, items_table = scene.rng, scene.items
    dest = _by_weight(scene, {"CN": 0.7, "HK": 0.15, "MO": 0.15}, n)
    customers = scene.customers(dest, pick(rng, _CHINESE_TYPES, n))
    variant, windows = _license_variants(scene, n)
    above = np.flatnonzero(items_table.above_line)
    h200 = np.flatnonzero(items_table.h200_class)
    items = draw_from(rng, h200 if len(h200) else np.flatnonzero(items_table.controlled), n)
    is_above = (variant == "above_line") & bool(len(above))
    items[is_above] = draw_from(rng, above if len(above) else h200, int(is_above.sum()))
    days = np.zeros(n, dtype=np.int64)
    for name, window in windows.items():
        rows = variant == name
        days[rows] = days_within(rng, window, int(rows.sum()))
    cols = scene.lines(customers, np.arange(n), items, days, 1.0)
    cols["ship_to_country"], cols["ship_to_name"] = dest, cols["customer_name"]
    cols["ship_to_address"] = cols["customer_address"]
    cols["end_user_country"] = np.where(pd.notna(cols["end_user_name"]), dest, MISSING)
    cols["license_number"] = licence_numbers(rng, n)
    cols["license_exception"] = np.full(n, None, dtype=object)
    cols["end_use_statement_received"] = np.full(n, "true", dtype=object)
    abroad = pick(rng, ("MY", "SG", "TW", "AE", "TH"), n, p=[0.5, 0.2, 0.1, 0.1, 0.1])
    stated = np.where(rng.random(n) < 0.5, "US", MISSING)
    cols["ship_from_country"] = np.where(variant == "reexport", abroad, stated)
    return cols


def _gpu_lines(scene: Scene, countries: np.ndarray, types: np.ndarray, n: int) -> Columns:
    m = len(countries)
    who = np.concatenate([np.arange(min(m, n)), scene.rng.integers(0, m, size=max(0, n - m))])
    customers = scene.customers(countries, types)
    return scene.lines(customers, who, scene.controlled(n, ("gpu",)), scene.days(n), 1.0)


def _relabel(
    scene: Scene,
    cols: Columns,
    sku: np.ndarray,
    text: np.ndarray,
    price_range: tuple[float, float],
    hs: np.ndarray,
    eccn: np.ndarray,
) -> None:
    rng, n = scene.rng, len(cols["item_sku"])
    cols["item_sku"], cols["item_description"] = sku, text
    lo, hi = price_range
    cols["unit_price"] = np.round(rng.uniform(lo, hi, size=n) * scene.params.price_level, 2)
    cols["quantity"] = np.maximum(2, np.rint(rng.lognormal(np.log(16), 0.7, size=n))).astype(
        np.int64
    )
    cols["hs_code"], cols["eccn"] = hs, eccn
    cols["license_number"] = np.full(n, None, dtype=object)
    cols["license_exception"] = np.full(n, None, dtype=object)
    cols["payment_method"] = np.where(
        cols["payment_method"] == "card", "wire", cols["payment_method"]
    )
    onward = rng.random(n) < 0.4  # a hub forwarder or Hong Kong as consignee for some
    hub = pick(rng, ("HK", "SG", "MY", "AE"), n)
    cols["ship_to_country"] = np.where(onward, hub, cols["ship_to_country"])
    onward_name = company_names(rng, hub, FORWARDER_WORDS)
    cols["ship_to_name"] = np.where(onward, onward_name, cols["ship_to_name"])
    cols["ship_to_address"] = np.where(onward, MISSING, cols["ship_to_address"])
    cols["end_user_name"] = np.where(onward | (rng.random(n) < 0.5), MISSING, cols["end_user_name"])
    cols["end_user_country"] = np.where(
        pd.isna(cols["end_user_name"]), MISSING, cols["end_user_country"]
    )


def mislabelled_parts(scene: Scene, n: int) -> Columns:
    """GPUs under an unknown SKU declared as computer or server parts, HS 8473.30, EAR99, at
    data-centre GPU prices (the relabelling of the 2025 Gatekeeper case)."""
    rng, params = scene.rng, scene.params
    m = max(1, n // 3)
    countries = _by_weight(
        scene, {"US": 0.35, "HK": 0.2, "SG": 0.15, "MY": 0.1, "AE": 0.1, "TH": 0.05, "TW": 0.05}, m
    )
    cols = _gpu_lines(
        scene, countries, pick(rng, ("trading_company", "distributor", "reseller", "other"), m), n
    )
    hs = pick(rng, ("8473.30", "8473.30", "8473.30", "8471.80", "8473.50"), n)
    eccn = np.where(rng.random(n) < 0.85, "EAR99", MISSING)
    sku = unknown_skus(rng, n, _PART_PREFIXES)
    _relabel(scene, cols, sku, pick(rng, _PART_WORDS, n), params.mislabel_price_range, hs, eccn)
    return cols


def adapter_module(scene: Scene, n: int) -> Columns:
    """Relabelled GPUs of an unknown brand declared as adapters or modules."""
    rng, params = scene.rng, scene.params
    m = max(1, n // 3)
    countries = _by_weight(
        scene, {"HK": 0.3, "CN": 0.1, "SG": 0.2, "MY": 0.15, "AE": 0.1, "US": 0.15}, m
    )
    cols = _gpu_lines(
        scene, countries, pick(rng, ("trading_company", "distributor", "reseller"), m), n
    )
    brand = pick(rng, _ADAPTER_BRANDS, n)
    form = pick(rng, _ADAPTER_FORMS, n)
    text = np.array([f.format(b=b) for f, b in zip(form, brand, strict=True)], dtype=object)
    sku = (
        pd.Series(brand, dtype=object).str[:3].str.upper().to_numpy(dtype=object)
        + "-"
        + unknown_skus(rng, n, ("AM", "MOD", "ADP"), 0.0)
    )
    hs = pick(rng, ("8473.30", "8471.80", "8517.62", "8543.70"), n)
    eccn = pick(rng, ("EAR99", "5A992.c", "EAR99"), n)
    eccn = np.where(rng.random(n) < 0.15, MISSING, eccn)
    _relabel(scene, cols, sku, text, params.adapter_price_range, hs, eccn)
    return cols


def straw_buyer(scene: Scene, n: int) -> Columns:
    """A buyer claiming US domestic use or a licence-free destination (Taiwan, Thailand),
    with Hong Kong or China money or logistics behind it."""
    rng, params = scene.rng, scene.params
    m = max(1, int(np.ceil(n / 2.5)))
    claim = pick(rng, params.straw_claim_countries, m, p=None)
    customers = scene.customers(
        claim, pick(rng, ("end_user", "system_integrator", "reseller", "cloud_provider"), m)
    )
    customers["customer_since"] = dates_between(rng, m, "2023-01-01", "2025-09-30")
    who = np.concatenate([np.arange(min(m, n)), rng.integers(0, m, size=max(0, n - m))])
    cols = scene.lines(customers, who, scene.controlled(n), scene.days(n), 1.5)
    city = customers["city"].to_numpy(dtype=object)[who]
    form = pick(rng, _DOMESTIC_CLAIMS, n)
    cols["end_use"] = np.array(
        [f.format(c=c) for f, c in zip(form, city, strict=True)], dtype=object
    )
    cols["end_user_name"], cols["end_user_country"] = (
        cols["customer_name"],
        cols["customer_country"],
    )
    cols["ship_to_country"] = cols["customer_country"]
    tell = rng.random((n, 3)) < np.array([0.5, 0.35, 0.25])
    tell[~tell.any(axis=1), 0] = True
    china = pick(rng, ("HK", "HK", "CN"), n)
    payer = company_names(rng, china)
    cols["payer_name"] = np.where(tell[:, 0], payer, cols["payer_name"])
    cols["payer_country"] = np.where(tell[:, 0], china, cols["payer_country"])
    cols["payment_method"] = np.where(tell[:, 0], "wire", cols["payment_method"])
    forwarder = company_names(rng, china, FORWARDER_WORDS)
    cols["freight_forwarder_name"] = np.where(tell[:, 1], forwarder, cols["freight_forwarder_name"])
    cols["freight_forwarder_country"] = np.where(
        tell[:, 1], china, cols["freight_forwarder_country"]
    )
    via = tell[:, 2]
    cols["route"] = np.where(via, "HK", cols["route"])
    cols["intermediate_consignee_name"] = np.where(
        via,
        company_names(rng, np.full(n, "HK"), FORWARDER_WORDS),
        cols["intermediate_consignee_name"],
    )
    cols["intermediate_consignee_country"] = np.where(
        via, "HK", cols["intermediate_consignee_country"]
    )
    cols["license_number"] = np.full(n, None, dtype=object)
    cols["license_exception"] = np.full(n, None, dtype=object)
    return cols


def sea_datacenter(scene: Scene, n: int) -> Columns:
    """A Malaysian, Indonesian or Thai data centre buying far beyond local demand and renting
    the capacity onwards to Chinese firms."""
    rng, params = scene.rng, scene.params
    m = max(1, int(np.ceil(n / 5)))
    country = pick(rng, params.sea_countries, m)
    customers = scene.customers(
        country, pick(rng, ("data_center", "cloud_provider"), m, p=[0.6, 0.4])
    )
    customers["customer_since"] = dates_between(rng, m, "2023-06-01", "2025-09-30")
    who = np.concatenate([np.arange(min(m, n)), rng.integers(0, m, size=max(0, n - m))])
    classes = np.where(rng.random(n) < 0.75, "server", "gpu")
    items = np.where(
        classes == "server", scene.controlled(n, ("server",)), scene.controlled(n, ("gpu",))
    )
    cols = scene.lines(customers, who, items, scene.days(n), 1.0)
    units = np.where(
        classes == "server", rng.integers(30, 250, size=n), rng.integers(200, 2_000, size=n)
    )
    cols["quantity"] = units.astype(np.int64)
    cols["end_use"] = pick(rng, _RENTAL_USES, n)
    here = cols["customer_country"]
    cols["ship_to_country"], cols["end_user_country"] = here, here
    tenant = rng.random(n) < 0.4
    cols["end_user_name"] = np.where(
        tenant, company_names(rng, np.full(n, "CN")), cols["customer_name"]
    )
    paid = rng.random(n) < 0.25
    payer_country = pick(rng, ("HK", "CN"), n)
    cols["payer_name"] = np.where(paid, company_names(rng, payer_country), cols["payer_name"])
    cols["payer_country"] = np.where(paid, payer_country, cols["payer_country"])
    cols["payment_method"] = np.where(
        cols["payment_method"] == "card", "wire", cols["payment_method"]
    )
    cols["route"] = np.where(among(cols["route"], ("HK",)), MISSING, cols["route"])
    cols["ship_to_address"] = per_country(rng, here, "cities") + " data centre campus"
    return cols


BUILDERS_2025 = {
    "unlicensed_h20": unlicensed_h20,
    "implausible_license": implausible_license,
    "mislabelled_parts": mislabelled_parts,
    "adapter_module": adapter_module,
    "straw_buyer": straw_buyer,
    "sea_datacenter": sea_datacenter,
}


def applicable(name: str, params: GeneratorParams) -> bool:
    """Whether a typology can occur in the generated span (the H20 letter requirement
    exists only from 2025-04-09)."""
    if name == "unlicensed_h20":
        return day_window(params, params.h20_letter_date, None) is not None
    return True
