"""Licensing: a controlled item going where a license is required, with none recorded."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from detectors.rules.context import RuleContext
from detectors.rules.policy import in_set, text
from detectors.rules.registry import RuleHits, rule


def license_recorded(tx: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    """A license number or exception is on the line (placeholders like 'NLR' do not count)."""
    placeholders = {str(v).strip().upper() for v in ctx.policy.get("not_a_license") or ()}
    recorded = pd.Series(False, index=tx.index)
    for column in ("license_number", "license_exception"):
        value = tx[column].astype("str").str.strip().str.upper()
        recorded |= (value.notna() & ~value.isin(list(placeholders))).astype(bool)
    return recorded


@rule("E1")
def unlicensed_destination(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """A 3A090/4A090/.z item whose ship-to, end-user or intermediate-consignee country needs
    a license (China, Hong Kong, Macau, D:5, D:1/D:4 outside A:5/A:6), or whose customer or
    its parent is headquartered in D:5 or Macau, with no license number or exception."""
    destinations = ctx.policy.license_required
    headquarters = ctx.policy.headquarters_of_concern
    checks = [(c, destinations) for c in params.get("checked_parties", ())]
    checks += [(c, headquarters) for c in params.get("headquarters_parties", ())]
    caught = pd.DataFrame({column: in_set(tx[column], where) for column, where in checks})
    mask = caught.any(axis=1) & ~license_recorded(tx, ctx)
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    which = caught.loc[mask]
    first = which.to_numpy().argmax(axis=1)
    party = pd.Series(np.array(which.columns)[first], index=hit.index)
    country = pd.Series(
        hit[list(which.columns)].to_numpy()[np.arange(len(hit)), first], index=hit.index
    )
    role = party.str.replace("_country", "", regex=False).str.replace("_", " ", regex=False)
    reason = (
        "Controlled item "
        + text(hit["eccn"])
        + " ("
        + text(hit["item_sku"])
        + ") with "
        + role
        + " in "
        + country.astype(str)
        + ", a license-required destination, and no license number or exception recorded"
    )
    evidence = pd.DataFrame(
        {
            "eccn": hit["eccn"],
            "item_sku": hit["item_sku"],
            "party": party,
            "country": country,
            "ship_to_country": hit["ship_to_country"],
            "end_user_country": hit["end_user_country"],
            "customer_parent_country": hit["customer_parent_country"],
            "license_number": hit["license_number"],
            "license_exception": hit["license_exception"],
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence)
