"""The ML feature table: one row of numbers per transaction, computed point-in-time.

`FEATURES` documents every column `build_features` returns (name, meaning, unit) and how an
explanation words it. Flags (unit "flag") are 1/0, NaN where the input did not carry the
column. Country risk levels (0..3) come from the policy pack's country groups, with the
defaults of `configs/ml.yaml` for any group the pack lacks (see `feature_reference`).
History features see only orders before the transaction (see `history_features`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from detectors.ml.feature_reference import FeatureReference
from detectors.ml.history_features import (
    COUNTRY_WINDOWS_DAYS,
    WINDOWS_DAYS,
    customer_history_features,
    customers_sharing,
    timeline,
)
from detectors.ml.order_columns import (
    OrderColumns,
    all_or_nan,
    differs,
    distinct_per_row,
    normalised,
    present_flag,
    squeezed,
)


@dataclass(frozen=True)
class Feature:
    name: str
    meaning: str
    unit: str  # USD, H100-eq, units, TPP, ratio, days, count, level 0-3, flag, sd
    says: str  # explanation wording: a format string of {v}; for a flag, the "1" wording
    says_off: str = ""  # for a flag: the "0" wording


def _window_features() -> list[Feature]:
    rows = []
    for w in WINDOWS_DAYS:
        rows.append(
            Feature(
                f"prior_orders_{w}d",
                f"customer's earlier orders in the last {w} days",
                "count",
                f"{{v:.0f}} earlier orders in {w} days",
            )
        )
        rows.append(
            Feature(
                f"prior_value_usd_{w}d",
                f"value of the customer's earlier orders in the last {w} days",
                "USD",
                f"${{v:,.0f}} ordered in the previous {w} days",
            )
        )
    for role, label in (("ship_to", "ship-to"), ("end_user", "end-user"), ("payer", "payer")):
        for w in COUNTRY_WINDOWS_DAYS:
            rows.append(
                Feature(
                    f"{role}_countries_{w}d",
                    f"distinct {label} countries of the customer in the last {w} days, this order included",
                    "count",
                    f"{{v:.0f}} {label} countries in {w} days",
                )
            )
    return rows


FEATURES: tuple[Feature, ...] = (
    # ---- the order itself
    Feature("order_value_usd", "order line value (quantity x unit price in USD)", "USD", "order value ${v:,.0f}"),
    Feature("h100_equivalents", "quantity x TPP / 15,832", "H100-eq", "{v:,.1f} H100-equivalents"),
    Feature("quantity", "units ordered", "units", "quantity {v:,.0f}"),
    Feature("unit_tpp", "Total Processing Performance of one unit", "TPP", "{v:,.0f} TPP per unit"),
    Feature("price_to_list_ratio", "unit price in USD / catalog list price", "ratio", "unit price {v:.1f}x list price"),
    Feature("advanced_item", "GPU/server class or TPP at or above the advanced threshold", "flag", "advanced AI compute item", "not an advanced AI compute item"),
    Feature("prc_developed_item", "catalog marks the item as a PRC-developed advanced IC", "flag", "PRC-developed AI chip", "not a PRC-developed chip"),
    Feature("unknown_sku", "SKU is not in the item catalog", "flag", "SKU not in the item catalog", "SKU in the item catalog"),
    Feature("hs_code_mismatch", "HS code heading (4 digits) differs from the catalog's for the SKU", "flag", "HS code differs from the catalog's for this item", "HS code matches the catalog"),
    Feature("cash_or_crypto", "payment method is cash or crypto", "flag", "paid in cash or crypto", "paid by ordinary means"),
    Feature("license_recorded", "a license number or license exception is recorded", "flag", "license or exception recorded", "no license number or exception recorded"),
    # ---- the customer
    Feature("customer_tenure_days", "days from customer_since to the order date", "days", "customer account {v:,.0f} days old"),
    Feature("unlikely_buyer_for_item", "advanced item bought by a customer type whose business does not call for it", "flag", "buyer's business does not call for AI compute", "buyer's business fits the item"),
    Feature("customer_type_missing", "customer type not given", "flag", "customer type not given", "customer type given"),
    Feature("free_mail_email", "customer e-mail on a free-mail domain", "flag", "free-mail e-mail address", "company e-mail domain"),
    Feature("no_website", "customer has no website", "flag", "no website", "has a website"),
    Feature("customer_country_risk", "risk level of the customer's country", "level 0-3", "customer country at risk level {v:.0f} of 3"),
    Feature("parent_country_risk", "risk level of the customer's parent company country", "level 0-3", "parent company country at risk level {v:.0f} of 3"),
    # ---- where it goes and who pays
    Feature("ship_to_country_risk", "risk level of the ship-to country", "level 0-3", "ship-to country at risk level {v:.0f} of 3"),
    Feature("end_user_country_risk", "risk level of the end-user country", "level 0-3", "end-user country at risk level {v:.0f} of 3"),
    Feature("payer_country_risk", "risk level of the payer's country", "level 0-3", "payer country at risk level {v:.0f} of 3"),
    Feature("route_max_risk", "highest risk level among transit countries", "level 0-3", "route through a country at risk level {v:.0f} of 3"),
    Feature("ship_to_hub", "ship-to country is a transshipment hub", "flag", "ships to a transshipment hub", "ship-to is not a hub"),
    Feature("route_via_hub", "route passes a transshipment hub", "flag", "routed via a transshipment hub", "route avoids hubs"),
    Feature("ship_to_country_differs", "ship-to country differs from the customer's", "flag", "ships to another country than the customer's", "ships to the customer's country"),
    Feature("end_user_country_differs", "end-user country differs from the ship-to country", "flag", "end user in another country than the ship-to", "end user in the ship-to country"),
    Feature("payer_country_differs", "payer country differs from the ship-to country", "flag", "payer in another country than the ship-to", "payer in the ship-to country"),
    Feature("third_party_payer", "payer is neither the customer nor the end user", "flag", "paid by a third party", "paid by the customer"),
    Feature("ship_to_name_differs", "consignee is not the customer", "flag", "consignee is not the customer", "consignee is the customer"),
    Feature("party_country_count", "distinct countries among customer, ship-to, end user and payer", "count", "parties in {v:.0f} countries"),
    # ---- end use
    Feature("end_user_missing", "no end user named", "flag", "no end user named", "end user named"),
    Feature("end_use_missing_or_vague", "end use missing or vague (e.g. 'resale')", "flag", "end use missing or vague", "end use stated"),
    Feature("end_use_statement_missing", "end-use statement not received", "flag", "end-use statement not received", "end-use statement received"),
    Feature("declined_installation", "customer declined installation or support", "flag", "declined installation", "accepted installation"),
    Feature("changed_after_order", "consignee, destination or route changed after the order", "flag", "changed after the order", "unchanged since the order"),
    # ---- the customer's history before this order
    Feature("prior_orders_total", "customer's earlier orders, all time", "count", "{v:.0f} earlier orders in all"),
    Feature("days_since_prior_order", "days since the customer's previous order", "days", "{v:,.0f} days since the previous order"),
    Feature("value_ratio_to_history", "order value / mean value of the customer's earlier orders", "ratio", "order value {v:.1f}x the customer's average"),
    Feature("value_zscore_to_history", "log order value against the customer's earlier orders", "sd", "order value {v:+.1f} sd from the customer's usual"),
    Feature("h100e_ratio_to_prior_max", "H100-equivalents / the customer's largest earlier order", "ratio", "{v:.1f}x the customer's largest earlier order in compute"),
    *_window_features(),
    Feature("customers_sharing_address", "distinct customers that used this customer address so far", "count", "{v:.0f} customers at this address"),
    Feature("customers_sharing_payer", "distinct customers paid for by this payer so far", "count", "{v:.0f} customers paid for by this payer"),
)  # fmt: skip

FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
FEATURES_BY_NAME: dict[str, Feature] = {f.name: f for f in FEATURES}
# absolute amounts and sizes describe one population's prices and order sizes; a model
# meant to carry over to other populations uses the rest (ratios, levels, flags, counts)
ABSOLUTE = frozenset(
    {"order_value_usd", "h100_equivalents", "quantity", "unit_tpp"}
    | {f for f in FEATURE_NAMES if f.startswith("prior_value_usd_")}
)
CARRY_OVER: tuple[str, ...] = tuple(f for f in FEATURE_NAMES if f not in ABSOLUTE)


def build_features(
    tx: pd.DataFrame,
    history: pd.DataFrame,
    policy: Mapping[str, Any],
    catalog: pd.DataFrame,
    defaults: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """The feature table for `tx` (index aligned with `tx`, columns `FEATURE_NAMES`).

    `history` holds earlier runs' canonical transactions; `defaults` is the `features`
    section of configs/ml.yaml (used for what the policy pack does not carry)."""
    ref = FeatureReference.from_policy(policy, defaults or {})
    out = pd.DataFrame(index=tx.index)
    cols = OrderColumns(tx)
    _order_features(cols, catalog, ref, out)
    _customer_features(cols, ref, out)
    _destination_features(cols, ref, out)
    _end_use_features(cols, ref, out)
    _history_features(tx, history, out)
    return out[list(FEATURE_NAMES)].astype(float)


def _order_features(
    cols: OrderColumns, catalog: pd.DataFrame, ref: FeatureReference, out: pd.DataFrame
) -> None:
    out["order_value_usd"] = cols.num("order_value_usd")
    out["h100_equivalents"] = cols.num("h100_equivalents")
    out["quantity"] = cols.num("quantity")
    out["unit_tpp"] = cols.num("tpp")
    list_price = cols.num("list_price").where(lambda s: s > 0)
    out["price_to_list_ratio"] = cols.num("unit_price_usd") / list_price
    item_class = cols.text("item_class").str.lower()
    advanced = item_class.isin(ref.advanced_item_classes) | (
        cols.num("tpp") >= ref.advanced_tpp_min
    )
    out["advanced_item"] = advanced.astype(float)
    out["prc_developed_item"] = cols.flag("prc_developed").fillna(0.0)
    out["unknown_sku"] = 1.0 - cols.flag("catalog_known").fillna(0.0)
    out["hs_code_mismatch"] = _hs_code_mismatch(cols, catalog)
    method = cols.text("payment_method").str.lower()
    out["cash_or_crypto"] = present_flag(cols, "payment_method", method.isin(["cash", "crypto"]))
    licensed = cols.text("license_number").notna() | cols.text("license_exception").notna()
    out["license_recorded"] = licensed.astype(float)


def _customer_features(cols: OrderColumns, ref: FeatureReference, out: pd.DataFrame) -> None:
    if "customer_since" in cols.tx:
        tenure = pd.to_datetime(cols.tx["order_date"]) - pd.to_datetime(
            cols.tx["customer_since"], errors="coerce"
        )
        out["customer_tenure_days"] = tenure.dt.days.astype(float)
    else:
        out["customer_tenure_days"] = np.nan
    ctype = cols.text("customer_type").str.lower()
    unlikely = ctype.isin(ref.unlikely_buyer_types) & (out["advanced_item"] == 1)
    out["unlikely_buyer_for_item"] = present_flag(cols, "customer_type", unlikely)
    out["customer_type_missing"] = all_or_nan(cols, "customer_type", ctype.isna())
    free_mail = cols.each(
        "customer_email",
        lambda u: (
            u.str.lower().str.extract(r"@([^@\s]+)\s*$", expand=False).isin(ref.free_mail_domains)
        ),
    )
    out["free_mail_email"] = free_mail.astype(float)
    out["no_website"] = all_or_nan(cols, "customer_website", cols.text("customer_website").isna())
    out["customer_country_risk"] = _country_risk(cols, "customer_country", ref)
    out["parent_country_risk"] = _country_risk(cols, "customer_parent_country", ref)


def _destination_features(cols: OrderColumns, ref: FeatureReference, out: pd.DataFrame) -> None:
    for role in ("ship_to", "end_user", "payer"):
        out[f"{role}_country_risk"] = _country_risk(cols, f"{role}_country", ref)
    route = cols.text("route").dropna().str.upper().str.split(";").explode().str.strip()
    levels = route.map(ref.country_level).astype(float).fillna(float(ref.default_country_level))
    out["route_max_risk"] = levels.groupby(level=0).max().reindex(cols.index)
    out["route_via_hub"] = all_or_nan(
        cols,
        "route",
        route.isin(ref.hubs).groupby(level=0).any().reindex(cols.index, fill_value=False),
    )
    ship_to = cols.text("ship_to_country")
    customer, end_user, payer = (
        cols.text(c) for c in ("customer_country", "end_user_country", "payer_country")
    )
    out["ship_to_hub"] = ship_to.isin(ref.hubs).astype(float)
    out["ship_to_country_differs"] = differs(ship_to, customer)
    out["end_user_country_differs"] = differs(end_user, ship_to)
    out["payer_country_differs"] = differs(payer, ship_to)
    names = {
        c: cols.each(c, squeezed)
        for c in ("customer_name", "ship_to_name", "end_user_name", "payer_name")
    }
    own = (names["payer_name"] == names["customer_name"]) | (
        names["payer_name"] == names["end_user_name"]
    )
    out["third_party_payer"] = np.where(
        names["payer_name"].isna(), np.nan, (~own.fillna(False)).astype(float)
    )
    out["ship_to_name_differs"] = differs(names["ship_to_name"], names["customer_name"])
    out["party_country_count"] = distinct_per_row([customer, ship_to, end_user, payer])


def _end_use_features(cols: OrderColumns, ref: FeatureReference, out: pd.DataFrame) -> None:
    out["end_user_missing"] = all_or_nan(cols, "end_user_name", cols.text("end_user_name").isna())
    end_use = cols.text("end_use")
    pattern = ref.vague_end_use_pattern
    evasive = cols.each("end_use", lambda u: u.str.contains(pattern, regex=True, case=False), False)
    vague = end_use.isna() | evasive
    out["end_use_missing_or_vague"] = all_or_nan(cols, "end_use", vague)
    out["end_use_statement_missing"] = 1.0 - cols.flag("end_use_statement_received")
    out["declined_installation"] = cols.flag("declined_installation")
    out["changed_after_order"] = cols.flag("changed_after_order")


def _history_features(tx: pd.DataFrame, history: pd.DataFrame, out: pd.DataFrame) -> None:
    line = timeline(tx, history)
    current = line["is_current"].to_numpy()
    positions = line["current_pos"].to_numpy()[current]
    per_customer = customer_history_features(line)
    address = normalised(line["customer_address"])
    payer = normalised(line["payer_name"])
    per_customer["customers_sharing_address"] = customers_sharing(line, address)
    per_customer["customers_sharing_payer"] = customers_sharing(line, payer)
    picked = per_customer.loc[current]
    picked.index = tx.index[positions]
    for name in picked.columns:
        out[name] = picked[name].reindex(tx.index)


def _country_risk(cols: OrderColumns, col: str, ref: FeatureReference) -> pd.Series:
    def level(countries: pd.Series) -> pd.Series:
        found = countries.str.upper().map(ref.country_level).astype(float)
        return found.fillna(float(ref.default_country_level))

    return cols.each(col, level).astype(float)


def _hs_code_mismatch(cols: OrderColumns, catalog: pd.DataFrame) -> pd.Series:
    if "hs_code" not in catalog or "sku" not in catalog:
        return pd.Series(np.nan, index=cols.index, dtype=float)
    heading = (
        catalog.set_index("sku")["hs_code"].astype("str").str.replace(r"\D", "", regex=True).str[:4]
    )
    expected = cols.text("item_sku").map(heading[~heading.index.duplicated()])
    given = cols.each("hs_code", lambda u: u.str.replace(r"\D", "", regex=True).str[:4])
    return differs(given, expected)


class SharedFeatures:
    """Builds the feature table once per (transactions, history) pair, so that the anomaly
    and supervised detectors of one run share it. Holds only the latest table."""

    def __init__(self, defaults: Mapping[str, Any] | None = None) -> None:
        self.defaults = dict(defaults or {})
        self._key: tuple[int, int, int, int] | None = None
        self._table: pd.DataFrame | None = None

    def table(
        self,
        tx: pd.DataFrame,
        history: pd.DataFrame,
        policy: Mapping[str, Any],
        catalog: pd.DataFrame,
    ) -> pd.DataFrame:
        if self._table is None or self._key != self._key_of(tx, history):
            self.remember(tx, history, build_features(tx, history, policy, catalog, self.defaults))
        return self._table

    def remember(self, tx: pd.DataFrame, history: pd.DataFrame, table: pd.DataFrame) -> None:
        """Keep a table built elsewhere for these frames."""
        self._key, self._table = self._key_of(tx, history), table

    @staticmethod
    def _key_of(tx: pd.DataFrame, history: pd.DataFrame) -> tuple[int, int, int, int]:
        return (id(tx), len(tx), id(history), len(history))
