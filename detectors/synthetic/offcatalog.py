"""Order lines whose SKU the item catalog does not know.

Real order books carry them: spare parts, cables, adapters and modules at their ordinary
prices, and new GPU products the catalog has not caught up with, described honestly with
their ECCN. The diversion typologies `mislabelled_parts` and `adapter_module` use the same
SKU shapes for relabelled GPUs."""

from __future__ import annotations

from typing import Any

import numpy as np

from detectors.synthetic.missing import MISSING
from detectors.synthetic.params import GeneratorParams
from detectors.synthetic.population import among, pick

# (description, ECCN, HS code, low and high unit price in USD, median quantity)
# fmt: off
_PARTS = (
    ("Server spare parts - fan module", "EAR99", "8473.30", 40, 180, 8),
    ("Power supply unit 2700W titanium", "EAR99", "8504.40", 350, 900, 4),
    ("Rail kit for 4U chassis", "EAR99", "8473.30", 60, 250, 4),
    ("GPU riser cable PCIe 5.0", "EAR99", "8544.42", 25, 140, 8),
    ("Computer parts - heatsink assembly", "EAR99", "8473.30", 45, 300, 8),
    ("PCIe riser adapter card", "EAR99", "8473.30", 30, 220, 6),
    ("SFP28 25G transceiver module", "5A992.c", "8517.62", 40, 160, 24),
    ("QSFP112 400G optical transceiver module", "5A992.c", "8517.62", 600, 1_900, 16),
    ("OCP 3.0 NIC adapter 2x25GbE", "5A992.c", "8517.62", 180, 600, 6),
    ("Graphics accessories: DisplayPort to HDMI adapter", "EAR99", "8544.42", 8, 40, 20),
    ("Server motherboard, dual socket", "EAR99", "8473.30", 700, 2_400, 2),
    ("NVMe backplane 8-bay", "EAR99", "8473.30", 150, 500, 2),
    ("Cable management arm", "EAR99", "8473.30", 30, 120, 6),
    ("Server spare parts kit", "EAR99", "8473.30", 150, 1_200, 2),
    ("Memory module 64GB DDR5 RDIMM", "EAR99", "8473.30", 180, 420, 16),
    ("Power distribution unit, rack mount", "EAR99", "8537.10", 400, 1_800, 2),
)
_NEW_PRODUCTS = (
    ("NVIDIA RTX PRO 6000 Blackwell Server Edition 96GB", "3A090.a", "8473.30", 8_000, 9_800, 8),
    ("NVIDIA H200 NVL 141GB PCIe GPU", "3A090.a", "8473.30", 29_000, 33_000, 8),
    ("AMD Instinct MI325X 256GB accelerator", "3A090.a", "8473.30", 21_000, 26_000, 8),
    ("NVIDIA GB200 NVL72 compute tray", "4A090.a", "8471.50", 280_000, 360_000, 2),
    ("Supermicro SYS-421GE-TNRT 8x L40S GPU server", "4A090.a", "8471.50", 85_000, 110_000, 2),
)
# fmt: on
_CARD_LIMIT = 25_000.0
_VENDOR_PREFIXES = ("SMC", "DELL", "HPE", "LNV", "GIGA", "ASUS", "INSP", "QCT", "MISC")
_LETTERS = np.array(list("ABCDEFGHJKLMNPRSTUVWXZ"), dtype=object)


def unknown_skus(
    rng: np.random.Generator, n: int, prefixes: tuple[str, ...], part_number_share: float = 0.2
) -> np.ndarray:
    """Part numbers the catalog cannot know ("SMC-MCP-4821-B", "900-2G133-0041-000", ...)."""
    prefix = pick(rng, prefixes, n)
    number = rng.integers(1_000, 99_999, size=n).astype(str).astype(object)
    letter = _LETTERS[rng.integers(0, len(_LETTERS), size=n)]
    block = (
        _LETTERS[rng.integers(0, len(_LETTERS), size=n)]
        + _LETTERS[rng.integers(0, len(_LETTERS), size=n)]
    )
    vendor = prefix + "-" + block + "-" + number + "-" + letter
    nvidia = (
        "900-2"
        + letter
        + rng.integers(100, 999, size=n).astype(str).astype(object)
        + "-0"
        + rng.integers(100, 999, size=n).astype(str).astype(object)
        + "-000"
    )
    numbers: np.ndarray = np.where(rng.random(n) < part_number_share, nvidia, vendor)
    return numbers


def _fill(
    rng: np.random.Generator,
    cols: dict[str, np.ndarray],
    rows: np.ndarray,
    table: tuple[Any, ...],
    params: GeneratorParams,
) -> None:
    kind = rng.integers(0, len(table), size=len(rows))
    field = list(zip(*table, strict=True))
    description, eccn, hs, low, high, median = (np.asarray(f, dtype=object) for f in field)
    lo, hi = low.astype(float)[kind], high.astype(float)[kind]
    cols["item_sku"][rows] = unknown_skus(rng, len(rows), _VENDOR_PREFIXES)
    cols["item_description"][rows] = description[kind]
    cols["eccn"][rows] = np.where(rng.random(len(rows)) < params.missing_rate, MISSING, eccn[kind])
    cols["hs_code"][rows] = hs[kind]
    price = rng.uniform(lo, hi) * params.price_level
    cols["unit_price"][rows] = np.round(price, 2)
    quantity = median.astype(float)[kind] * rng.lognormal(0.0, 0.6, size=len(rows))
    cols["quantity"][rows] = np.maximum(1, np.rint(quantity)).astype(np.int64)


def off_catalog_lines(
    rng: np.random.Generator, cols: dict[str, np.ndarray], params: GeneratorParams
) -> np.ndarray:
    """Turn a share `off_catalog_rate` of clean lines into items the catalog does not know;
    returns the rows changed. New GPU products go only to destinations that need no
    licence (their licence would need the catalog's classification first)."""
    n = len(cols["item_sku"])
    rows = np.flatnonzero(rng.random(n) < params.off_catalog_rate)
    free = ~among(cols["ship_to_country"][rows], params.license_required_destinations) & ~among(
        cols["customer_country"][rows], params.license_required_destinations
    )
    new_product = free & (rng.random(len(rows)) < 0.15)
    _fill(rng, cols, rows[~new_product], _PARTS, params)
    _fill(rng, cols, rows[new_product], _NEW_PRODUCTS, params)
    advanced = rows[new_product]
    cols["end_use_statement_received"][advanced] = "true"
    cols["license_number"][rows] = None
    cols["license_exception"][rows] = None
    value = cols["quantity"][rows] * cols["unit_price"][rows]
    card = (cols["payment_method"][rows] == "card") & (value > _CARD_LIMIT)
    cols["payment_method"][rows[card]] = "wire"
    return rows
