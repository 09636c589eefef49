"""Declared column sets shared by every detector: the canonical transaction frame
(Contract 1 in docs/ARCHITECTURE.md, plus catalog-derived columns) and the one flag schema all detectors emit."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# ---- Contract 1: the transaction input -------------------------------------------------

REQUIRED_COLUMNS: tuple[str, ...] = (
    "transaction_id",
    "order_date",
    "customer_id",
    "customer_name",
    "customer_country",
    "ship_to_name",
    "ship_to_country",
    "item_sku",
    "item_description",
    "quantity",
    "unit_price",
    "currency",
)

OPTIONAL_COLUMNS: tuple[str, ...] = (
    "customer_address",
    "customer_since",
    "customer_type",
    "customer_website",
    "customer_email",
    "customer_phone",
    "ship_to_address",
    "end_user_name",
    "end_user_address",
    "end_user_country",
    "end_use",
    "intermediate_consignee_name",
    "intermediate_consignee_country",
    "freight_forwarder_name",
    "freight_forwarder_country",
    "payer_name",
    "payer_country",
    "payment_method",
    "payment_terms",
    "eccn",
    "hs_code",
    "ship_date",
    "incoterms",
    "route",
    "declined_installation",
    "end_use_statement_received",
    "changed_after_order",
    "license_number",
    "license_exception",
    "ship_from_country",  # where the goods leave from; absent = the exporter's own country
    # ownership data (docs/ARCHITECTURE.md: parent or headquarters in D:5 or Macau; red flag P5)
    "customer_parent_name",
    "customer_parent_country",
)

INPUT_COLUMNS: tuple[str, ...] = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

DATE_COLUMNS: tuple[str, ...] = ("order_date", "customer_since", "ship_date")
NUMBER_COLUMNS: tuple[str, ...] = ("quantity", "unit_price")
BOOLEAN_COLUMNS: tuple[str, ...] = (
    "declined_installation",
    "end_use_statement_received",
    "changed_after_order",
)
COUNTRY_COLUMNS: tuple[str, ...] = (
    "customer_country",
    "ship_to_country",
    "end_user_country",
    "intermediate_consignee_country",
    "freight_forwarder_country",
    "payer_country",
    "customer_parent_country",
    "ship_from_country",
)
# Countries that must be present and recognised; the rest are rejected only when given
# and unrecognisable.
REQUIRED_COUNTRY_COLUMNS: tuple[str, ...] = ("customer_country", "ship_to_country")

CUSTOMER_TYPES: tuple[str, ...] = (
    "distributor",
    "reseller",
    "system_integrator",
    "cloud_provider",
    "data_center",
    "oem",
    "research",
    "end_user",
    "freight_forwarder",
    "trading_company",
    "other",
)
PAYMENT_METHODS: tuple[str, ...] = ("wire", "letter_of_credit", "card", "cash", "crypto", "other")

# ---- Columns the pipeline adds --------------------------------------------------------

DERIVED_COLUMNS: tuple[str, ...] = (
    "eccn_source",  # input, catalog or unknown
    "catalog_known",  # the SKU is in the item catalog
    "item_class",  # gpu, server, accelerator, network, storage, cable, consumer, other
    "vendor",
    "tpp",  # Total Processing Performance of one unit (0 when not an advanced IC)
    "h100_equivalents",  # quantity × tpp ÷ 15,832
    "list_price",  # catalog list price of one unit, USD
    "unit_price_usd",
    "order_value_usd",
    "prc_developed",  # the catalog marks the item as a PRC-developed advanced IC
    "source_file",
    "source_row",  # 1-based row number in the source file (header is row 0)
)

CANONICAL_COLUMNS: tuple[str, ...] = INPUT_COLUMNS + DERIVED_COLUMNS

# Party roles screened against watchlists, with the columns that describe each.
PARTY_ROLES: dict[str, dict[str, str | None]] = {
    "customer": {
        "name": "customer_name",
        "country": "customer_country",
        "address": "customer_address",
    },
    "ship_to": {"name": "ship_to_name", "country": "ship_to_country", "address": "ship_to_address"},
    "end_user": {
        "name": "end_user_name",
        "country": "end_user_country",
        "address": "end_user_address",
    },
    "intermediate_consignee": {
        "name": "intermediate_consignee_name",
        "country": "intermediate_consignee_country",
        "address": None,
    },
    "freight_forwarder": {
        "name": "freight_forwarder_name",
        "country": "freight_forwarder_country",
        "address": None,
    },
    "payer": {"name": "payer_name", "country": "payer_country", "address": None},
}

H100_TPP: float = 15_832.0

# ---- The one flag schema -------------------------------------------------------------

FLAG_COLUMNS: tuple[str, ...] = (
    "transaction_id",
    "code",  # red-flag id, e.g. "L2", "P1", "ML-ANOMALY"
    "source",  # watchlist, rule or ml
    "title",
    "severity",  # high, medium, low
    "weight",  # 0..1 contribution to the risk score
    "reason",  # one readable sentence for this transaction
    "evidence",  # dict: the values that made the flag fire
    "citation",
    "recommended_action",
    "hard_stop",  # bool: this flag alone opens a case at high priority
)

SEVERITIES: tuple[str, ...] = ("high", "medium", "low")
FLAG_SOURCES: tuple[str, ...] = ("watchlist", "rule", "ml")


@dataclass(frozen=True)
class NotEvaluable:
    """A detector or rule that could not run on this input, and why."""

    code: str
    reason: str


def canonical_dtype(column: str) -> str:
    """The dtype a canonical frame column carries (see the conventions in flows/ingest/normalize.py)."""
    if column in DATE_COLUMNS:
        return "datetime64[ns]"
    if column in BOOLEAN_COLUMNS:
        return "boolean"
    if column in NUMBER_COLUMNS or column in (
        "tpp",
        "h100_equivalents",
        "list_price",
        "unit_price_usd",
        "order_value_usd",
    ):
        return "float64"
    if column in ("catalog_known", "prc_developed"):
        return "bool"
    if column == "source_row":
        return "int64"
    return "str"


def empty_canonical_frame() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=canonical_dtype(c)) for c in CANONICAL_COLUMNS})
