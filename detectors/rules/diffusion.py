"""Rules of the optional AI Diffusion Rule pack (15 Jan 2025; not enforced since 13 May
2025): kept for historical reruns and as volume heuristics. Its data sit under the pack's
`ai_diffusion:` key."""

from __future__ import annotations

from typing import Any

import pandas as pd

from detectors.rules.context import RuleContext
from detectors.rules.history import group_codes, recent_total
from detectors.rules.policy import in_set, number, text
from detectors.rules.registry import RuleHits, rule


@rule("AD1")
def tier2_customer_volume(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """A customer shipping to a Tier-2 country (neither Tier 1 nor Tier 3) whose advanced-IC
    orders over the last `window_days` days, this one included, exceed
    `per_customer_h100e` H100-equivalents."""
    outside_tier2 = ctx.policy.countries("ai_diffusion", "tier1") | ctx.policy.countries(
        "ai_diffusion", "tier3"
    )

    def compute() -> pd.Series:
        comb = ctx.combined
        tier2 = comb["controlled"] & ~in_set(comb["ship_to_country"], outside_tier2)
        volume = comb["h100_equivalents"].where(tier2, 0.0).to_numpy()
        customer = group_codes(ctx, "customer_id")
        total = recent_total(customer, comb["day"].to_numpy(), volume, int(params["window_days"]))
        return pd.Series(total, index=comb.index)

    running = ctx.for_current(
        ctx.cached(f"tier2_volume:{params['window_days']}", compute), tx
    ).fillna(0.0)
    in_tier2 = ~in_set(tx["ship_to_country"], outside_tier2)
    limit, window = float(params["per_customer_h100e"]), int(params["window_days"])
    mask = (in_tier2 & (running > limit)).astype(bool)
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    reason = (
        "Customer "
        + text(hit["customer_id"])
        + " has ordered "
        + number(running[mask])
        + f" H100-equivalents for Tier-2 destinations in {window} days, above the {limit:,.0f}"
        + " per-customer heuristic; this order ships to "
        + text(hit["ship_to_country"])
    )
    evidence = pd.DataFrame(
        {
            "customer_id": hit["customer_id"],
            "ship_to_country": hit["ship_to_country"],
            "window_h100e": running[mask],
            "per_customer_h100e": limit,
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence)


@rule("AD2")
def tier3_destination(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """The ship-to or end-user country is in Tier 3 (D:5 plus Macau)."""
    tier3 = ctx.policy.countries("ai_diffusion", "tier3")
    country = (
        tx["ship_to_country"]
        .where(in_set(tx["ship_to_country"], tier3))
        .fillna(tx["end_user_country"].where(in_set(tx["end_user_country"], tier3)))
    )
    mask = country.notna()
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    reason = (
        "Controlled item "
        + text(hit["item_sku"])
        + " goes to "
        + text(country[mask])
        + ", a Tier-3 country under the AI Diffusion Rule"
    )
    evidence = pd.DataFrame(
        {
            "item_sku": hit["item_sku"],
            "ship_to_country": hit["ship_to_country"],
            "end_user_country": hit["end_user_country"],
            "tier3_country": country[mask],
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence)
