"""Canonical transaction frames for the ML tests: a regular order book of legitimate-looking
customers (fixed seed), and hand-made odd orders. Built with NumPy, no Prefect, no ingest."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from detectors.schema import CANONICAL_COLUMNS, H100_TPP

CONFIGS = Path(__file__).resolve().parents[2] / "configs"

REGULAR_COUNTRIES = np.array(["US", "DE", "JP", "GB", "FR", "NL", "KR", "CA", "SG", "TW"])
REGULAR_TYPES = np.array(
    ["data_center", "cloud_provider", "research", "distributor", "system_integrator"]
)


def load_catalog() -> pd.DataFrame:
    items = yaml.safe_load((CONFIGS / "items.yaml").read_text())["items"]
    catalog = pd.DataFrame(items)
    catalog["prc_developed"] = catalog.get("prc_developed", False).fillna(False).astype(bool)
    return catalog


def load_ml_settings() -> dict:
    return yaml.safe_load((CONFIGS / "ml.yaml").read_text())


def regular_orders(
    n: int, seed: int = 0, start: str = "2025-01-01", days: int = 365, customers: int | None = None
) -> pd.DataFrame:
    """`n` ordinary order lines over `days` days from established customers."""
    rng = np.random.default_rng(seed)
    catalog = load_catalog()
    catalog = catalog[~catalog["prc_developed"]].reset_index(drop=True)
    n_customers = customers or max(5, n // 20)
    cust = rng.integers(0, n_customers, n)
    cust_country = REGULAR_COUNTRIES[np.arange(n_customers) % len(REGULAR_COUNTRIES)][cust]
    item = catalog.iloc[rng.integers(0, len(catalog), n)].reset_index(drop=True)
    quantity = np.where(
        item["item_class"].isin(["server"]), rng.integers(1, 4, n), rng.integers(1, 17, n)
    )
    price = item["list_price"].to_numpy(float) * rng.uniform(0.9, 1.1, n)
    order_date = pd.Timestamp(start) + pd.to_timedelta(np.sort(rng.integers(0, days, n)), unit="D")
    names = np.array([f"Customer {i} GmbH" for i in range(n_customers)], dtype=object)[cust]
    frame = pd.DataFrame(
        {
            "transaction_id": [f"T-{seed}-{i:07d}" for i in range(n)],
            "order_date": order_date,
            "customer_id": [f"CUST-{c:05d}" for c in cust],
            "customer_name": names,
            "customer_country": cust_country,
            "customer_address": [f"{c} Main Street" for c in cust],
            "customer_since": pd.Timestamp("2016-01-01") + pd.to_timedelta(cust % 1500, unit="D"),
            "customer_type": REGULAR_TYPES[cust % len(REGULAR_TYPES)],
            "customer_website": [f"https://customer{c}.example" for c in cust],
            "customer_email": [f"buyer@customer{c}.example" for c in cust],
            "ship_to_name": names,
            "ship_to_country": cust_country,
            "end_user_name": names,
            "end_user_country": cust_country,
            "end_use": "AI training cluster",
            "payer_name": names,
            "payer_country": cust_country,
            "payment_method": "wire",
            "item_sku": item["sku"],
            "item_description": item["description"],
            "quantity": quantity.astype(float),
            "unit_price": price,
            "currency": "USD",
            "hs_code": item["hs_code"],
            "declined_installation": False,
            "end_use_statement_received": True,
            "changed_after_order": False,
        }
    )
    return canonicalise(frame)


def odd_order(transaction_id: str, order_date: str, customer_id: str = "CUST-ODD") -> pd.DataFrame:
    """A new shell customer buying many GPU servers far above list price, paid in cash by a
    third party in CN, shipped to HK via MY, no end user, installation declined."""
    row = {
        "transaction_id": transaction_id,
        "order_date": pd.Timestamp(order_date),
        "customer_id": customer_id,
        "customer_name": "Bright Harbour Trading",
        "customer_country": "US",
        "customer_address": "PO Box 17",
        "customer_since": pd.Timestamp(order_date) - pd.Timedelta(days=9),
        "customer_type": "trading_company",
        "customer_email": "bright.harbour@gmail.com",
        "ship_to_name": "Swift Forwarding Ltd",
        "ship_to_country": "HK",
        "end_use": "resale",
        "payer_name": "Shenzhen Gold Sun Co",
        "payer_country": "CN",
        "payment_method": "cash",
        "item_sku": "NV-DGX-H100",
        "item_description": "computer parts",
        "quantity": 60.0,
        "unit_price": 750_000.0,
        "currency": "USD",
        "hs_code": "8473.30",
        "route": "MY;TH",
        "declined_installation": True,
        "end_use_statement_received": False,
        "changed_after_order": True,
    }
    return canonicalise(pd.DataFrame([row]))


def canonicalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the catalog-derived columns and the declared dtypes, as ingest does."""
    catalog = load_catalog().set_index("sku")
    out = frame.reindex(columns=list(CANONICAL_COLUMNS))
    sku = out["item_sku"]
    out["catalog_known"] = sku.isin(catalog.index)
    for col in ("item_class", "vendor", "eccn"):
        out[col] = sku.map(catalog[col])
    out["eccn_source"] = np.where(out["catalog_known"], "catalog", "unknown")
    out["tpp"] = sku.map(catalog["tpp"]).astype(float)
    out["list_price"] = sku.map(catalog["list_price"]).astype(float)
    out["prc_developed"] = sku.map(catalog["prc_developed"]).fillna(False).astype(bool)
    out["quantity"] = out["quantity"].astype(float)
    out["unit_price"] = out["unit_price"].astype(float)
    out["unit_price_usd"] = out["unit_price"]
    out["order_value_usd"] = out["quantity"] * out["unit_price_usd"]
    out["h100_equivalents"] = out["quantity"] * out["tpp"] / H100_TPP
    for col in ("order_date", "customer_since", "ship_date"):
        out[col] = pd.to_datetime(out[col]).astype("datetime64[ns]")
    for col in ("declined_installation", "end_use_statement_received", "changed_after_order"):
        out[col] = out[col].astype("boolean")
    text = [c for c in out.columns if out[c].dtype == object]
    for col in text:
        out[col] = out[col].astype("str")
    out["source_file"] = "fixture"
    out["source_row"] = np.arange(1, len(out) + 1)
    return out.reset_index(drop=True)


def shell_orders(n: int, seed: int = 0, start: str = "2025-01-01", days: int = 365) -> pd.DataFrame:
    """`n` diversion-like order lines from new shell customers (seeded variations of
    `odd_order`): GPU servers above list price, hubs or HK, third-party payers in CN/HK."""
    rng = np.random.default_rng(seed)
    order_date = pd.Timestamp(start) + pd.to_timedelta(rng.integers(0, days, n), unit="D")
    sku = rng.choice(
        ["NV-DGX-H100", "SMC-SYS-821GE-TNHR", "NV-H100-SXM5-80G", "NV-H200-SXM5-141G"], n
    )
    catalog = load_catalog().set_index("sku")
    shell = [f"SHELL-{seed}-{i % max(1, n // 2):04d}" for i in range(n)]
    frame = pd.DataFrame(
        {
            "transaction_id": [f"S-{seed}-{i:06d}" for i in range(n)],
            "order_date": order_date,
            "customer_id": shell,
            "customer_name": [f"{c} Trading" for c in shell],
            "customer_country": rng.choice(["US", "SG", "GB"], n),
            "customer_address": rng.choice(["PO Box 17", "Suite 9, 1 Harbour Rd", "12 Elm St"], n),
            "customer_since": order_date - pd.to_timedelta(rng.integers(5, 120, n), unit="D"),
            "customer_type": rng.choice(["trading_company", "other", "distributor"], n),
            "customer_email": rng.choice(
                ["sales@gmail.com", "buy@qq.com", "info@shell.example"], n
            ),
            "ship_to_name": rng.choice(["Swift Forwarding", "Harbour Logistics"], n),
            "ship_to_country": rng.choice(["SG", "MY", "HK", "TH"], n),
            "end_use": rng.choice(["resale", "general use", "AI training"], n),
            "payer_name": rng.choice(["Shenzhen Gold Sun Co", "HK Bright Trade Ltd"], n),
            "payer_country": rng.choice(["CN", "HK"], n),
            "payment_method": rng.choice(["wire", "cash", "crypto"], n),
            "item_sku": sku,
            "item_description": "computer parts",
            "quantity": rng.integers(2, 30, n).astype(float),
            "unit_price": catalog.loc[sku, "list_price"].to_numpy(float) * rng.uniform(1.0, 2.5, n),
            "currency": "USD",
            "hs_code": "8473.30",
            "declined_installation": rng.random(n) < 0.5,
            "end_use_statement_received": rng.random(n) < 0.4,
            "changed_after_order": rng.random(n) < 0.3,
        }
    )
    return canonicalise(frame)


def labelled_book(n_regular: int, n_shell: int, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    """Regular (label 0) and shell (label 1) orders over one year, in date order."""
    book = pd.concat(
        [regular_orders(n_regular, seed=seed), shell_orders(n_shell, seed=seed)], ignore_index=True
    )
    labels = pd.Series(np.r_[np.zeros(n_regular), np.ones(n_shell)].astype(int))
    order = np.argsort(book["order_date"].to_numpy(), kind="stable")
    return book.iloc[order].reset_index(drop=True), labels.iloc[order].reset_index(drop=True)
