"""Behaviour red flags: how the buyer responds to ordinary due diligence."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from detectors.rules.context import RuleContext
from detectors.rules.policy import first_match, is_false, is_true, matches, text, without
from detectors.rules.registry import RuleHits, rule


@rule("Q5")
def declined_installation(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """The buyer declined installation, testing, training or support."""
    mask = is_true(tx["declined_installation"])
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    reason = (
        "Buyer declined installation and support for "
        + text(hit["quantity"])
        + " x "
        + text(hit["item_sku"])
    )
    evidence = hit[["declined_installation", "item_sku", "quantity"]]
    return RuleHits(mask=mask, reason=reason, evidence=evidence)


@rule("B1")
def evasive_end_use(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """No end-use statement was received, or the stated end use is evasive
    (`evasive_end_use_patterns`: 'general use', 'resale', 'confidential', '保密', …), read
    after `evasive_end_use_exceptions` are blanked out (a label such as 'End use:', and real
    products such as 'confidential computing'). No statement and no real end use either
    (evasive or blank) weighs `weight_no_statement_no_use`."""
    no_statement = is_false(tx["end_use_statement_received"])
    patterns = ctx.policy.patterns("evasive_end_use_patterns")
    read = without(tx["end_use"], ctx.policy.patterns("evasive_end_use_exceptions"))
    evasive = matches(read, patterns)
    blank = (tx["end_use"].isna() | (tx["end_use"].astype("str").str.strip() == "")).astype(bool)
    if not ctx.has("end_use"):
        blank = pd.Series(False, index=tx.index)
    mask = no_statement | evasive
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    wording = first_match(read[mask], patterns).where(evasive[mask]).str.strip()
    statement = "No end-use statement received"
    stated = (
        "stated end use '"
        + text(hit["end_use"], "")
        + "' is evasive (it reads '"
        + text(wording, "")
        + "')"
    )
    reason = pd.Series(
        np.where(
            no_statement[mask] & evasive[mask],
            statement + "; " + stated,
            np.where(no_statement[mask], statement, "The " + stated),
        ),
        index=hit.index,
    )
    evidence = pd.DataFrame(
        {
            "end_use": hit["end_use"],
            "end_use_statement_received": hit["end_use_statement_received"],
            "evasive_end_use": evasive[mask],
            "evasive_wording": wording,
        }
    )
    both = (no_statement & (evasive | blank))[mask]
    heavier = params.get("weight_no_statement_no_use")
    weight = None
    if heavier is not None:
        weight = pd.Series(np.where(both, float(heavier), np.nan), index=hit.index)
    return RuleHits(mask=mask, reason=reason, evidence=evidence, weight=weight)
