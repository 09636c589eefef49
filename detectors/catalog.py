"""The item catalog (configs/items.yaml) as a frame, and enrichment of order lines from it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from detectors.schema import H100_TPP
from flows.errors import ConfigError

CATALOG_COLUMNS: tuple[str, ...] = (
    "sku",
    "description",
    "vendor",
    "item_class",
    "eccn",
    "hs_code",
    "tpp",
    "list_price",
    "prc_developed",
    "dram_bandwidth_gbps",
    "chips_per_unit",
    "note",
)


def catalog_frame(config: Mapping[str, Any]) -> pd.DataFrame:
    """One row per SKU from the parsed items.yaml."""
    frame = pd.DataFrame.from_records(list(config.get("items", [])))
    for column in CATALOG_COLUMNS:
        if column not in frame:
            frame[column] = np.nan
    frame = frame[list(CATALOG_COLUMNS)].copy()
    frame["sku"] = frame["sku"].astype(str).str.strip().str.upper()
    frame["tpp"] = pd.to_numeric(frame["tpp"], errors="coerce").fillna(0.0).astype(float)
    frame["list_price"] = pd.to_numeric(frame["list_price"], errors="coerce").astype(float)
    frame["prc_developed"] = frame["prc_developed"].fillna(False).astype(bool)
    frame["dram_bandwidth_gbps"] = pd.to_numeric(frame["dram_bandwidth_gbps"], errors="coerce")
    frame["chips_per_unit"] = pd.to_numeric(frame["chips_per_unit"], errors="coerce").fillna(1.0)
    duplicated = frame["sku"][frame["sku"].duplicated()]
    if len(duplicated):
        raise ConfigError(f"items.yaml: SKU listed twice: {', '.join(sorted(set(duplicated)))}")
    return frame.reset_index(drop=True)


def enrich_from_catalog(orders: pd.DataFrame, catalog: pd.DataFrame) -> pd.DataFrame:
    """Add the catalog-derived columns; the order's own eccn wins over the catalog's.

    An unknown SKU is not an error: its catalog columns stay empty (`catalog_known` False)
    and rules that need the catalog can say so.
    """
    sku = orders["item_sku"].astype(str).str.strip().str.upper()
    looked_up = catalog.set_index("sku").reindex(sku)
    known = looked_up["item_class"].notna().to_numpy()

    result = orders.copy()
    given_eccn = result["eccn"].where(result["eccn"].notna() & (result["eccn"] != ""))
    catalog_eccn = pd.Series(looked_up["eccn"].to_numpy(), index=result.index)
    result["eccn"] = given_eccn.fillna(catalog_eccn)
    result["eccn_source"] = np.select(
        [given_eccn.notna().to_numpy(), catalog_eccn.notna().to_numpy()],
        ["input", "catalog"],
        default="unknown",
    )
    result["catalog_known"] = known
    result["item_class"] = looked_up["item_class"].to_numpy()
    result["vendor"] = looked_up["vendor"].to_numpy()
    result["tpp"] = looked_up["tpp"].to_numpy(dtype=float)
    result["list_price"] = looked_up["list_price"].to_numpy(dtype=float)
    result["prc_developed"] = looked_up["prc_developed"].fillna(False).to_numpy(dtype=bool)
    result["h100_equivalents"] = result["quantity"] * result["tpp"] / H100_TPP
    return result


def going_prices(sku: pd.Series, unit_price_usd: pd.Series) -> pd.DataFrame:
    """Each SKU's going price among the given order lines: the median unit price in USD of
    its priced lines (`going_price_usd`), how many lines that is (`going_price_lines`) and
    their robust spread (`going_price_spread_usd`: 1.4826 times the median absolute
    deviation, a standard deviation for normal prices that one odd price cannot move).
    Indexed by the SKU as the catalog writes it (trimmed, upper case)."""
    price = pd.to_numeric(unit_price_usd, errors="coerce").to_numpy(dtype=float)
    priced = ~np.isnan(price) & (price > 0) & sku.notna().to_numpy()
    raw_codes, raw = pd.factorize(sku[priced])
    # SKUs written differently ('nv-h100 ' and 'NV-H100') are one SKU: normalise the
    # distinct values only, not every line
    codes_of_raw, skus = pd.factorize(pd.Index(raw, dtype=object).str.strip().str.upper())
    codes = codes_of_raw[raw_codes]
    price = price[priced]
    by_sku = pd.Series(price).groupby(codes, sort=True)
    median = by_sku.median().reindex(range(len(skus)))
    deviation = pd.Series(np.abs(price - median.to_numpy()[codes]))
    spread = deviation.groupby(codes, sort=True).median().reindex(range(len(skus)))
    frame = pd.DataFrame(
        {
            "going_price_usd": median.to_numpy(dtype=float),
            "going_price_lines": by_sku.size().reindex(range(len(skus))).to_numpy(dtype=np.int64),
            "going_price_spread_usd": spread.to_numpy(dtype=float) * 1.4826,
        },
        index=pd.Index(skus, dtype=object, name="sku"),
    )
    return frame
