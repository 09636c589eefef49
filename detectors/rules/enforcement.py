"""Enforcement patterns of 2025-26: Southeast-Asian data centres renting GPU capacity
onwards to Chinese firms."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from detectors.rules.context import RuleContext
from detectors.rules.policy import first_match, in_set, joined, matches, number, text, through
from detectors.rules.registry import RuleHits, rule


@rule("L5")
def sea_capacity_onwards(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """A data centre or cloud provider in a Southeast-Asian hub (by its declared type; when
    the type is missing or says only end user or other, by the words of its name or end
    use: `sea_data_centres.host_patterns`, data centre, colocation, hosting, GPU cloud, in
    English and the hubs' languages) whose end use rents the
    capacity to Chinese firms or remote users, or names a Chinese end user; or whose order
    alone is far beyond local demand (`min_h100e` H100-equivalents, or `min_chips`
    advanced chips of any class: a thousand A100s or L40S are as many accelerators to host
    and rent as a thousand H100s); or a host founded after the October 2022 controls
    (`new_host_since`) whose one line reaches `new_host_min_chips` advanced chips: a young
    company standing up a cluster of that size in a transshipment hub is the pattern of the
    2025-26 cases even when its end use reads as ordinary rental."""
    countries = ctx.policy.countries("sea_data_centres")
    declared = in_set(
        tx["customer_type"], params.get("customer_types") or ("data_center", "cloud_provider")
    )
    host_words = ctx.policy.patterns("sea_data_centres", "host_patterns")
    untyped = tx["customer_type"].isna() | in_set(
        tx["customer_type"].astype("str").str.strip().str.lower(),
        ["", *(params.get("untyped_customer_types") or ("end_user", "other"))],
    )
    in_hub = in_set(tx["customer_country"], countries)
    candidates = tx[in_hub & untyped]
    wording = (
        first_match(candidates["customer_name"], host_words)
        .fillna(first_match(candidates["end_use"], host_words))
        .reindex(tx.index)
    )
    worded = wording.notna().astype(bool)
    hosts = in_hub & (declared | worded)
    onward_words = ctx.policy.patterns("sea_data_centres", "onward_patterns")
    onward = matches(tx["end_use"], onward_words)
    china = ctx.policy.group("china_macau")
    chinese_user = in_set(tx["end_user_country"], china) | in_set(tx["payer_country"], china)
    volume = tx["h100_equivalents"].astype(float).fillna(0.0)
    chips = advanced_chips(tx, ctx)
    since = pd.to_datetime(
        tx["customer_since"] if "customer_since" in tx else pd.Series(pd.NaT, index=tx.index),
        errors="coerce",
    )
    young = (since > pd.Timestamp(params.get("new_host_since", "2022-10-07"))).fillna(False)
    young_large = (young & (chips >= float(params.get("new_host_min_chips", np.inf)))).astype(bool)
    large = (
        (volume >= float(params.get("min_h100e", 512.0)))
        | (chips >= float(params.get("min_chips", np.inf)))
        | young_large
    ).astype(bool)
    mask = (hosts & (onward | chinese_user | large)).astype(bool)
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    strong = (onward | chinese_user)[mask]
    clue = first_match(hit["end_use"], onward_words)
    why = pd.Series(
        np.where(
            onward[mask],
            "its end use rents capacity onwards ('" + text(clue) + "')",
            np.where(
                chinese_user[mask],
                "its end user or payer is in "
                + text(
                    hit["end_user_country"].where(
                        in_set(hit["end_user_country"], china), hit["payer_country"]
                    )
                ),
                "one line of "
                + number(chips[mask], 0)
                + " advanced chips ("
                + number(hit["h100_equivalents"], 0)
                + " H100-equivalents) is far beyond local demand"
                + pd.Series(
                    np.where(
                        young_large[mask],
                        " for a host founded "
                        + since[mask].dt.strftime("%Y-%m-%d").fillna("")
                        + ", after the October 2022 controls",
                        "",
                    ),
                    index=hit.index,
                ),
            ),
        ),
        index=hit.index,
    )
    kind = pd.Series(
        np.where(
            declared[mask],
            text(hit["customer_type"]),
            "host ('" + text(wording[mask], "") + "' in its name or end use)",
        ),
        index=hit.index,
    )
    reason = (
        kind
        + " "
        + text(hit["customer_name"])
        + " in "
        + text(hit["customer_country"])
        + ": "
        + why
    )
    weight = pd.Series(
        np.where(strong, 0.0, float(params.get("weight_volume_only", 0.3))), index=hit.index
    ).replace(0.0, np.nan)
    evidence = pd.DataFrame(
        {
            "customer_country": hit["customer_country"],
            "customer_type": hit["customer_type"],
            "host_wording": wording[mask].where(~declared[mask]),
            "end_use": hit["end_use"],
            "onward_wording": clue,
            "end_user_country": hit["end_user_country"],
            "payer_country": hit["payer_country"],
            "h100_equivalents": hit["h100_equivalents"],
            "advanced_chips": chips[mask],
            "customer_since": since[mask],
            "young_host": young[mask],
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence, weight=weight)


def advanced_chips(tx: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    """Advanced chips on each line: the quantity times the catalog's chips per unit (8 for
    an 8-GPU server; 1 for a chip, or a SKU the catalog does not know)."""
    catalog = ctx.catalog
    if "chips_per_unit" in catalog:
        per_unit = catalog.set_index(catalog["sku"].astype("str").str.upper())["chips_per_unit"]
        per_unit = per_unit[~per_unit.index.duplicated()].astype(float)
        sku = tx["item_sku"].astype("str").str.strip().str.upper()
        chips_per_unit = per_unit.reindex(sku).fillna(1.0).to_numpy(dtype=float)
    else:
        chips_per_unit = np.ones(len(tx))
    quantity = tx["quantity"].astype(float).fillna(0.0).to_numpy()
    return pd.Series(quantity * chips_per_unit, index=tx.index)


@rule("S1")
def straw_buyer(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """A buyer in a country that needs no licence (`straw_buyers.claim_countries`: the US,
    Taiwan, Thailand) keeping the goods at home, with China, Hong Kong or Macau money (the
    payer) or logistics (forwarder, intermediate consignee, route through Hong Kong). A
    stated domestic use ('our own data centre', 'not for export') weighs the full weight,
    the tie alone `weight_tie_only`."""
    spec = ctx.policy.get("straw_buyers") or {}
    claim = frozenset(str(c).upper() for c in spec.get("claim_countries") or ())
    china = ctx.policy.group("china_macau")
    home = in_set(tx["customer_country"], claim) & in_set(tx["ship_to_country"], claim)
    home &= tx["end_user_country"].isna() | in_set(tx["end_user_country"], claim)
    via = through(tx["route"], china)
    ties = pd.DataFrame(
        {
            "payer": in_set(tx["payer_country"], china),
            "forwarder": in_set(tx["freight_forwarder_country"], china),
            "consignee": in_set(tx["intermediate_consignee_country"], china),
            "route": via,
        }
    )
    tied = ties.any(axis=1)
    mask = (home & tied).astype(bool)
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    words = [str(p) for p in spec.get("domestic_use_patterns") or ()]
    claimed = matches(hit["end_use"], words)
    which = joined(
        [pd.Series(np.where(ties.loc[mask, k], k, ""), index=hit.index) for k in ties], ", "
    )
    reason = (
        "Customer "
        + text(hit["customer_name"])
        + " in "
        + text(hit["customer_country"])
        + " keeps the goods at home"
        + pd.Series(
            np.where(claimed, " and states domestic use ('" + text(hit["end_use"]) + "')", ""),
            index=hit.index,
        )
        + ", with China/Hong Kong/Macau ties: "
        + which
    )
    weight = pd.Series(
        np.where(claimed, np.nan, float(params.get("weight_tie_only", 0.3))), index=hit.index
    )
    evidence = pd.DataFrame(
        {
            "customer_country": hit["customer_country"],
            "end_use": hit["end_use"],
            "domestic_use_claimed": claimed,
            "payer_country": hit["payer_country"],
            "freight_forwarder_country": hit["freight_forwarder_country"],
            "intermediate_consignee_country": hit["intermediate_consignee_country"],
            "route": hit["route"],
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence, weight=weight)
