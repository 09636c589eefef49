"""Payment red flags: who pays, from where, how, and at what price."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from detectors.rules.context import RuleContext
from detectors.rules.policy import extract, in_set, number, text
from detectors.rules.registry import RuleHits, rule


@rule("Q4")
def unusual_payment(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """Paid in one of `payment_methods` (cash, crypto), or a unit price at least
    `price_premium_ratio` times the catalog list price. Both signs weigh the rule's weight,
    one alone `weight_one_sign`."""
    odd_method = in_set(tx["payment_method"], params["payment_methods"])
    list_price = tx["list_price"].astype(float)
    ratio = tx["unit_price_usd"].astype(float) / list_price.where(list_price > 0)
    premium = (ratio >= float(params["price_premium_ratio"])).fillna(False).astype(bool)
    mask = odd_method | premium
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    paid = "Paid by " + text(hit["payment_method"])
    priced = (
        "unit price "
        + number(hit["unit_price_usd"], 0)
        + " USD is "
        + number(ratio[mask], 2)
        + "x the list price "
        + number(list_price[mask], 0)
    )
    both = odd_method[mask] & premium[mask]
    reason = pd.Series(
        np.where(both, paid + "; " + priced, np.where(odd_method[mask], paid, "The " + priced)),
        index=hit.index,
    )
    weight = pd.Series(np.where(both, np.nan, float(params["weight_one_sign"])), index=hit.index)
    evidence = pd.DataFrame(
        {
            "payment_method": hit["payment_method"],
            "unit_price_usd": hit["unit_price_usd"],
            "list_price": list_price[mask],
            "price_ratio": ratio[mask],
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence, weight=weight)


def first_word(series: pd.Series) -> pd.Series:
    """The first word of a name, lower case ('ACME Pte Ltd' -> 'acme')."""
    return extract(series, r"(?P<found>[0-9A-Za-z]+)").str.lower()


@rule("F1")
def third_party_payment(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """The payer is a third party (its name shares no leading word with the customer,
    ship-to or end user), or pays from `payer_countries_of_concern` (China, Hong Kong,
    Macau) while the goods ship elsewhere. Both signs weigh the rule's weight, one alone
    `weight_one_sign`."""
    payer = first_word(tx["payer_name"])
    own = (
        pd.concat(
            [
                first_word(tx[c]) == payer
                for c in ("customer_name", "ship_to_name", "end_user_name")
            ],
            axis=1,
        )
        .fillna(False)
        .any(axis=1)
    )
    third_party = (payer.notna() & ~own).astype(bool)
    concern = ctx.policy.countries("payer_countries_of_concern")
    from_concern = (
        in_set(tx["payer_country"], concern) & ~in_set(tx["ship_to_country"], concern)
    ).astype(bool)
    mask = third_party | from_concern
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    who = (
        "Paid by third party "
        + text(hit["payer_name"])
        + " for customer "
        + text(hit["customer_name"])
    )
    where = (
        "payment from "
        + text(hit["payer_country"])
        + " while goods ship to "
        + text(hit["ship_to_country"])
    )
    both = third_party[mask] & from_concern[mask]
    reason = pd.Series(
        np.where(
            both,
            who + "; " + where,
            np.where(
                third_party[mask],
                who,
                "Payer " + text(hit["payer_name"], "(unnamed)") + ": " + where,
            ),
        ),
        index=hit.index,
    )
    weight = pd.Series(np.where(both, np.nan, float(params["weight_one_sign"])), index=hit.index)
    evidence = pd.DataFrame(
        {
            "payer_name": hit["payer_name"],
            "payer_country": hit["payer_country"],
            "customer_name": hit["customer_name"],
            "ship_to_country": hit["ship_to_country"],
            "third_party": third_party[mask],
            "payer_country_of_concern": from_concern[mask],
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence, weight=weight)
