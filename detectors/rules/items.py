"""Item red flags: what is bought, by whom, and how it is described."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from detectors.rules.context import RuleContext
from detectors.rules.policy import first_match, in_set, matches, text, without
from detectors.rules.registry import RuleHits, rule


@rule("Q1")
def unfitting_buyer(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """An advanced-IC order from a customer whose type does not fit such items
    (`customer_types_not_fitting_advanced_chips`), or whose name or stated end use points to
    an unrelated business (`unrelated_business_patterns`, e.g. real estate)."""
    unrelated = ctx.policy.patterns("unrelated_business_patterns")
    odd_type = in_set(
        tx["customer_type"], ctx.policy.get("customer_types_not_fitting_advanced_chips") or ()
    )
    exceptions = ctx.policy.patterns("unrelated_business_exceptions")
    names = without(tx["customer_name"], exceptions)
    uses = without(tx["end_use"], exceptions)
    odd_name = matches(names, unrelated)
    odd_use = matches(uses, unrelated)
    mask = odd_type | odd_name | odd_use
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    clue = (
        first_match(names[mask], unrelated)
        .where(odd_name[mask])
        .fillna(first_match(uses[mask], unrelated).where(odd_use[mask]))
    )
    reason = (
        "Customer "
        + text(hit["customer_name"])
        + " (type "
        + text(hit["customer_type"], "unknown")
        + ") buys "
        + text(hit["eccn"])
        + " item "
        + text(hit["item_sku"])
        + pd.Series(
            np.where(clue.notna(), ", and its name or end use mentions '" + text(clue) + "'", ""),
            index=hit.index,
        )
    )
    evidence = pd.DataFrame(
        {
            "customer_name": hit["customer_name"],
            "customer_type": hit["customer_type"],
            "end_use": hit["end_use"],
            "unrelated_business": clue,
            "item_sku": hit["item_sku"],
            "eccn": hit["eccn"],
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence)


@rule("Q3")
def prc_advanced_ic(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """A PRC-developed advanced IC (General Prohibition 10): the catalog marks the SKU as
    PRC-developed, or the SKU or description matches the pack's `gp10_chips` patterns."""
    flagged = tx["prc_developed"].astype("boolean").fillna(False).astype(bool)
    sku_patterns = ctx.policy.patterns("gp10_chips", "sku_patterns")
    text_patterns = ctx.policy.patterns("gp10_chips", "description_patterns")
    by_sku = matches(tx["item_sku"], sku_patterns)
    by_text = matches(tx["item_description"], text_patterns)
    mask = flagged | by_sku | by_text
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    matched = first_match(hit["item_sku"], sku_patterns).where(by_sku[mask])
    matched = matched.fillna(
        first_match(hit["item_description"], text_patterns).where(by_text[mask])
    )
    why = pd.Series(
        np.where(
            flagged[mask],
            " (the item catalog marks it PRC-developed)",
            " (matches the GP10 chip pattern '" + text(matched) + "')",
        ),
        index=hit.index,
    )
    reason = (
        "Item "
        + text(hit["item_sku"])
        + " ('"
        + text(hit["item_description"])
        + "') is a PRC-developed advanced IC under General Prohibition 10"
        + why
    )
    evidence = pd.DataFrame(
        {
            "item_sku": hit["item_sku"],
            "item_description": hit["item_description"],
            "vendor": hit["vendor"],
            "quantity": hit["quantity"],
            "catalog_prc_developed": flagged[mask],
            "gp10_pattern_match": matched,
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence)


def hs_heading(series: pd.Series) -> pd.Series:
    """The first six digits of an HS code ('8473.30.11' -> '847330')."""
    return series.astype("str").str.replace(r"\D", "", regex=True).str[:6].replace("", np.nan)


@rule("L4")
def mismatched_description(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """An advanced-IC line described generically (`generic_description_patterns`, e.g.
    'computer parts'), or carrying an HS code outside the headings expected for the catalog
    item's class (`hs_codes_by_item_class`)."""
    generic = matches(tx["item_description"], ctx.policy.patterns("generic_description_patterns"))
    expected = {
        cls: {h for h in hs_heading(pd.Series(codes, dtype="str")).dropna()}
        for cls, codes in (ctx.policy.get("hs_codes_by_item_class") or {}).items()
        if isinstance(codes, list)
    }
    heading = hs_heading(tx["hs_code"])
    item_class = tx["item_class"].astype(object)
    judged = heading.notna() & item_class.isin(list(expected))
    fits = pd.Series(False, index=tx.index)
    for cls, headings in expected.items():
        fits |= ((item_class == cls) & heading.isin(list(headings))).astype(bool)
    wrong_hs = (judged & ~fits).astype(bool)
    mask = generic | wrong_hs
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    described = pd.Series(
        np.where(generic[mask], "described as '" + text(hit["item_description"]) + "'", ""),
        index=hit.index,
    )
    coded = (
        "declared under HS "
        + text(hit["hs_code"])
        + ", not a "
        + text(hit["item_class"])
        + " heading"
    )
    coded = coded.where(wrong_hs[mask], "")
    joined = (described + " and " + coded).where(generic[mask] & wrong_hs[mask], described + coded)
    reason = "Controlled item " + text(hit["item_sku"]) + " (" + text(hit["eccn"]) + ") " + joined
    evidence = pd.DataFrame(
        {
            "item_sku": hit["item_sku"],
            "item_description": hit["item_description"],
            "hs_code": hit["hs_code"],
            "item_class": hit["item_class"],
            "generic_description": generic[mask],
            "hs_mismatch": wrong_hs[mask],
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence)
