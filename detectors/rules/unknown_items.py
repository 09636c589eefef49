"""Items the catalog does not know: a line declared as ordinary parts (generic description,
EAR99 or a mass-market ECCN) whose unit price or wording says data-centre GPU."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from detectors.rules.context import RuleContext, recognised_by_description
from detectors.rules.policy import first_match, matches, number, text
from detectors.rules.registry import RuleHits, rule


@rule("Q6")
def priced_like_a_gpu(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """A line whose SKU the catalog does not know, declared as ordinary goods (a generic
    description, or an ECCN outside 3A090/4A090), at a unit price in the data-centre GPU
    band or described with GPU-class words (accelerator, HBM, SXM, compute module). A line
    with no ECCN whose description makes it an advanced IC counts as declared ordinary
    unless it names a known maker (the catalog's vendors and `gpu_like_items.known_vendors`):
    GPUs relabelled under an unknown brand as "modules" or "adapters"."""
    spec = ctx.policy.get("gpu_like_items") or {}
    floor = float(spec.get("unit_price_floor_usd", 10_000))
    unknown = ~tx["catalog_known"].astype("boolean").fillna(False).astype(bool)
    generic = matches(tx["item_description"], ctx.policy.patterns("generic_description_patterns"))
    eccn = tx["eccn"].astype("str").str.strip().str.upper()
    ordinary_eccn = matches(eccn, ctx.policy.patterns("gpu_like_items", "ordinary_eccn_patterns"))
    controlled = ctx.controlled.reindex(tx.index, fill_value=False).astype(bool)
    # a line taken for an advanced IC by its description alone (no ECCN) stays "declared
    # ordinary" when no known maker is named: an unknown brand of GPU-class goods
    by_description = recognised_by_description(tx, ctx.policy)
    unbranded = by_description & ~names_a_known_vendor(
        tx["item_description"].where(by_description), ctx
    )
    says_ordinary = (generic | ordinary_eccn | eccn.isna()) & (~controlled | unbranded)
    price = tx["unit_price_usd"].astype(float)
    priced = (price >= floor).fillna(False).astype(bool)
    gpu_words = matches(
        tx["item_description"], ctx.policy.patterns("gpu_like_items", "description_patterns")
    )
    mask = (unknown & says_ordinary & priced & (generic | ordinary_eccn | gpu_words)).astype(bool)
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    bands = spec.get("price_bands") or []
    resembles = resemblance(hit["unit_price_usd"].astype(float), bands)
    entry = catalog_entry(hit, ctx.catalog, ctx.policy.patterns("gpu_like_items", "model_patterns"))
    word = first_match(
        hit["item_description"], ctx.policy.patterns("gpu_like_items", "description_patterns")
    )
    declared = (
        "declared as '"
        + text(hit["item_description"])
        + "' (ECCN "
        + text(hit["eccn"])
        + ", HS "
        + text(hit["hs_code"])
        + ")"
    )
    reason = (
        "Item "
        + text(hit["item_sku"])
        + ", unknown to the catalog, "
        + declared
        + " at "
        + number(hit["unit_price_usd"], 0)
        + " USD a unit"
        + pd.Series(
            np.where(word.notna(), ", with GPU-class wording '" + text(word) + "'", ""),
            index=hit.index,
        )
        + "; the price resembles "
        + resembles
        + "; nearest catalog entry "
        + text(entry)
    )
    evidence = pd.DataFrame(
        {
            "item_sku": hit["item_sku"],
            "item_description": hit["item_description"],
            "eccn": hit["eccn"],
            "hs_code": hit["hs_code"],
            "unit_price_usd": hit["unit_price_usd"],
            "quantity": hit["quantity"],
            "generic_description": generic[mask],
            "gpu_wording": word,
            "resembles": resembles,
            "catalog_entry": entry,
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence)


def names_a_known_vendor(description: pd.Series, ctx: RuleContext) -> pd.Series:
    """Descriptions naming a maker the catalog lists, or one of the pack's known vendors."""
    vendors = set((ctx.policy.get("gpu_like_items") or {}).get("known_vendors") or ())
    if "vendor" in ctx.catalog:
        vendors |= {str(v) for v in ctx.catalog["vendor"].dropna()}
    words = [r"\b" + re.escape(v.strip()).replace(r"\ ", r"\s*") + r"\b" for v in vendors if v]
    return matches(description, sorted(words)).astype(bool)


def resemblance(price: pd.Series, bands: list[dict[str, Any]]) -> pd.Series:
    """The price band (from the pack, e.g. 'H100/H200 class GPU, 25,000-45,000 USD') whose
    range holds each price; the nearest band when none does."""
    if not bands:
        return pd.Series("a data-centre GPU", index=price.index)
    lows = np.array([float(b["low_usd"]) for b in bands])
    highs = np.array([float(b["high_usd"]) for b in bands])
    names = np.array(
        [f"{b['name']} ({b['low_usd']:,}-{b['high_usd']:,} USD)" for b in bands], dtype=object
    )
    values = price.to_numpy(dtype=float)[:, None]
    distance = np.where(values < lows, lows - values, np.where(values > highs, values - highs, 0.0))
    return pd.Series(names[distance.argmin(axis=1)], index=price.index)


def catalog_entry(hit: pd.DataFrame, catalog: pd.DataFrame, model_patterns: list[str]) -> pd.Series:
    """The catalog GPU or server a line resembles: the entry whose description names the same
    model (H100, B200, ...) when the line's description names one, else the entry with the
    nearest list price (with its price, e.g. 'NV-H100-SXM5-80G (list 30,000 USD)')."""
    advanced = catalog[
        catalog["item_class"].isin(["gpu", "server"]) & catalog["list_price"].notna()
    ]
    if advanced.empty or hit.empty:
        return pd.Series(np.nan, index=hit.index, dtype=object)
    prices = advanced["list_price"].astype(float).to_numpy()
    labels = (
        advanced["sku"].astype(str)
        + " (list "
        + advanced["list_price"].map("{:,.0f}".format)
        + " USD)"
    ).to_numpy(dtype=object)
    price = hit["unit_price_usd"].astype(float).to_numpy()
    nearest = labels[np.abs(price[:, None] - prices[None, :]).argmin(axis=1)]
    out = pd.Series(nearest, index=hit.index, dtype=object)
    model = extract_model(hit["item_description"], model_patterns)
    if model.notna().any():
        described = (
            advanced["description"].astype(str).str.lower().str.replace(r"\s+", "", regex=True)
        )
        for row, name in model.dropna().items():
            key = str(name).lower().replace(" ", "")
            same = np.flatnonzero(described.str.contains(key, regex=False).to_numpy())
            if len(same):
                out[row] = labels[
                    same[np.abs(prices[same] - price[hit.index.get_loc(row)]).argmin()]
                ]
    return out


def extract_model(series: pd.Series, patterns: list[str]) -> pd.Series:
    if not patterns:
        return pd.Series(np.nan, index=series.index, dtype=object)
    return first_match(series, patterns)
