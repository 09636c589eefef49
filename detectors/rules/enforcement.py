"""Enforcement patterns of 2025-26: Southeast-Asian data centres renting GPU capacity
onwards to Chinese firms."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from detectors.rules.context import RuleContext
from detectors.rules.policy import first_match, in_set, matches, number, text
from detectors.rules.registry import RuleHits, rule


@rule("L5")
def sea_capacity_onwards(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """A data centre or cloud provider in a Southeast-Asian hub whose end use rents the
    capacity to Chinese firms or remote users, or names a Chinese end user; or whose order
    alone is far beyond local demand (`min_h100e`)."""
    countries = ctx.policy.countries("sea_data_centres")
    hosts = in_set(tx["customer_country"], countries) & in_set(
        tx["customer_type"], params.get("customer_types") or ("data_center", "cloud_provider")
    )
    onward_words = ctx.policy.patterns("sea_data_centres", "onward_patterns")
    onward = matches(tx["end_use"], onward_words)
    china = ctx.policy.group("china_macau")
    chinese_user = in_set(tx["end_user_country"], china) | in_set(tx["payer_country"], china)
    volume = tx["h100_equivalents"].astype(float).fillna(0.0)
    large = (volume >= float(params.get("min_h100e", 512.0))).astype(bool)
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
                + number(hit["h100_equivalents"], 0)
                + " H100-equivalents is far beyond local demand",
            ),
        ),
        index=hit.index,
    )
    reason = (
        text(hit["customer_type"])
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
            "end_use": hit["end_use"],
            "onward_wording": clue,
            "end_user_country": hit["end_user_country"],
            "payer_country": hit["payer_country"],
            "h100_equivalents": hit["h100_equivalents"],
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence, weight=weight)
