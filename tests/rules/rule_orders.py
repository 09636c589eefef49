"""Order lines for the rule tests as canonical frames, built the way ingest hands them over
(conventions: all canonical columns, `str` text, ISO countries, naive datetimes, float
numbers, nullable booleans, catalog-derived columns filled by SKU)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from detectors.base import DetectionContext, DetectorResult
from detectors.rules import RuleEngine, RulePack
from detectors.schema import (
    BOOLEAN_COLUMNS,
    CANONICAL_COLUMNS,
    DATE_COLUMNS,
    H100_TPP,
    OPTIONAL_COLUMNS,
)

CONFIGS = Path(__file__).resolve().parents[2] / "configs"

# A clean order: a US data centre buying eight H100s for its own site, every optional
# field filled the way a careful customer fills it.
CLEAN_ORDER: dict[str, Any] = {
    "order_date": "2026-03-02",
    "customer_id": "CUST-1",
    "customer_name": "Northbridge Compute Inc",
    "customer_country": "US",
    "customer_address": "1200 Innovation Way, San Jose, CA 95134",
    "customer_since": "2014-06-01",
    "customer_type": "data_center",
    "customer_website": "https://northbridge-compute.com",
    "customer_email": "purchasing@northbridge-compute.com",
    "customer_phone": "+1 408 555 0100",
    "ship_to_name": "Northbridge Compute Inc",
    "ship_to_country": "US",
    "ship_to_address": "1200 Innovation Way, San Jose, CA 95134",
    "end_user_name": "Northbridge Compute Inc",
    "end_user_address": "1200 Innovation Way, San Jose, CA 95134",
    "end_user_country": "US",
    "end_use": "Training language models in our San Jose data centre",
    "payer_name": "Northbridge Compute Inc",
    "payer_country": "US",
    "payment_method": "wire",
    "payment_terms": "net 30",
    "item_sku": "NV-H100-SXM5-80G",
    "quantity": 8,
    "currency": "USD",
    "hs_code": "8473.30",
    "ship_date": "2026-03-20",
    "incoterms": "DAP",
    "declined_installation": False,
    "end_use_statement_received": True,
    "changed_after_order": False,
}


def _catalog() -> pd.DataFrame:
    config = yaml.safe_load((CONFIGS / "items.yaml").read_text(encoding="utf-8"))
    frame = pd.DataFrame.from_records(config["items"])
    frame["prc_developed"] = (
        frame.get("prc_developed", pd.Series(False, index=frame.index)).fillna(False).astype(bool)
    )
    return frame


CATALOG = _catalog()


def canonical(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """A canonical frame from order lines given as dicts (missing keys are blank)."""
    rows = list(rows)
    frame = pd.DataFrame.from_records(rows).reindex(columns=list(CANONICAL_COLUMNS))
    if frame["transaction_id"].isna().any():
        frame["transaction_id"] = [f"T-{i + 1}" for i in range(len(frame))]
    catalog = CATALOG.set_index("sku")
    known = frame["item_sku"].isin(catalog.index)
    looked_up = catalog.reindex(frame["item_sku"])
    given_eccn = frame["eccn"].notna()
    frame["eccn"] = frame["eccn"].where(given_eccn, looked_up["eccn"].to_numpy())
    frame["eccn_source"] = np.where(given_eccn, "input", np.where(known, "catalog", "unknown"))
    frame["catalog_known"] = known.to_numpy()
    for column in ("item_class", "vendor"):
        frame[column] = looked_up[column].to_numpy()
    frame["item_description"] = frame["item_description"].where(
        frame["item_description"].notna(), looked_up["description"].to_numpy()
    )
    frame["tpp"] = looked_up["tpp"].astype(float).to_numpy()
    frame["list_price"] = looked_up["list_price"].astype(float).to_numpy()
    frame["prc_developed"] = looked_up["prc_developed"].fillna(False).astype(bool).to_numpy()
    frame["quantity"] = frame["quantity"].astype(float)
    frame["unit_price"] = frame["unit_price"].astype(float).fillna(frame["list_price"])
    frame["unit_price_usd"] = frame["unit_price"]
    frame["order_value_usd"] = frame["quantity"] * frame["unit_price_usd"]
    frame["h100_equivalents"] = frame["quantity"] * frame["tpp"] / H100_TPP
    for column in DATE_COLUMNS:
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    for column in BOOLEAN_COLUMNS:
        frame[column] = frame[column].astype("boolean")
    numeric = {
        "quantity",
        "unit_price",
        "unit_price_usd",
        "order_value_usd",
        "h100_equivalents",
        "tpp",
        "list_price",
    }
    special = (
        set(DATE_COLUMNS) | set(BOOLEAN_COLUMNS) | numeric | {"catalog_known", "prc_developed"}
    )
    for column in CANONICAL_COLUMNS:
        if column not in special:
            frame[column] = (
                frame[column].astype(object).where(frame[column].notna(), None).astype("str")
            )
    frame["source_file"] = "orders.csv"
    frame["source_row"] = np.arange(1, len(frame) + 1)
    return frame


def order(**changes: Any) -> dict[str, Any]:
    """The clean order with some fields changed (None blanks a field)."""
    return {**CLEAN_ORDER, **changes}


def codes_of(result: DetectorResult, transaction_id: str = "T-1") -> set[str]:
    flags = result.flags
    return set(flags.loc[flags["transaction_id"] == transaction_id, "code"])


def flag_of(result: DetectorResult, code: str, transaction_id: str = "T-1") -> pd.Series:
    flags = result.flags
    hit = flags[(flags["transaction_id"] == transaction_id) & (flags["code"] == code)]
    assert len(hit) == 1, f"expected one {code} flag on {transaction_id}, got {len(hit)}"
    return hit.iloc[0]


def not_evaluable(result: DetectorResult) -> dict[str, str]:
    """Rule code -> why it could not run."""
    return {n.code: n.reason for n in result.not_evaluable}


def risk_of(result: DetectorResult, transaction_id: str = "T-1") -> float:
    """The noisy-OR risk of one transaction's flags, as the case score combines them."""
    weights = result.flags.loc[
        result.flags["transaction_id"] == transaction_id, "weight"
    ].to_numpy()
    return float(100 * (1 - np.prod(1 - weights)))


def run_pack(
    pack: RulePack,
    rows: Iterable[dict[str, Any]] | pd.DataFrame,
    present: Iterable[str] | None = None,
    history: pd.DataFrame | None = None,
) -> DetectorResult:
    """Run a pack over order lines; `present` defaults to every optional column. Optional
    columns not present are blanked, as ingest leaves them (eccn is filled from the catalog)."""
    frame = rows if isinstance(rows, pd.DataFrame) else canonical(rows)
    if present is not None:
        absent = [c for c in OPTIONAL_COLUMNS if c not in set(present) and c != "eccn"]
        frame = frame.assign(
            **{c: frame[c].where(pd.Series(False, index=frame.index)) for c in absent}
        )
    context = DetectionContext(
        history=history if history is not None else frame.iloc[:0],
        present_columns=frozenset(OPTIONAL_COLUMNS if present is None else present),
        policy=pack.policy,
        catalog=CATALOG,
        as_of=dt.date(2026, 11, 27),
    )
    return RuleEngine(pack).detect(frame, context)


def scenario_rows(cases: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One order line per named case (its transaction id is the name), each from its own
    customer at its own address unless the case says otherwise."""
    rows = []
    for number, (name, changes) in enumerate(cases.items(), start=1):
        own = {
            "transaction_id": name,
            "customer_id": f"CUST-{number}",
            "customer_address": f"{number} Innovation Way, San Jose, CA",
            "ship_to_address": f"{number} Innovation Way, San Jose, CA",
            "end_user_address": f"{number} Innovation Way, San Jose, CA",
        }
        rows.append({**CLEAN_ORDER, **own, **changes})
    return rows


def run_scenarios(
    pack: RulePack, cases: dict[str, dict[str, Any]], present: Iterable[str] | None = None
) -> DetectorResult:
    """Run a pack once over many independent cases (see `scenario_rows`)."""
    return run_pack(pack, scenario_rows(cases), present=present)
