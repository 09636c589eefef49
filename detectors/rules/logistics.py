"""Logistics red flags: who receives the goods, where they go and how they get there."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from detectors.rules.context import RuleContext
from detectors.rules.policy import extract, in_set, is_true, matches, name_key, text
from detectors.rules.registry import RuleHits, rule


@rule("L1")
def intermediary_consignee(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """The ultimate consignee (the end user, else the ship-to party) is a freight forwarder,
    trading company or bank — by name (`intermediary_name_patterns`; a bank,
    `consignee_only_name_patterns`, only as the ship-to with no end user named, since a
    bank named as the end user uses the goods itself), by being the named forwarder, or by
    the customer's own type with no end user named. Only the end user missing weighs
    `weight_no_end_user_only`."""
    named_end_user = tx["end_user_name"].notna()
    consignee = tx["end_user_name"].where(named_end_user, tx["ship_to_name"])
    by_name = matches(consignee, ctx.policy.patterns("intermediary_name_patterns"))
    if (~named_end_user).any():
        open_rows = tx.loc[~named_end_user, "ship_to_name"]
        by_name |= matches(open_rows, ctx.policy.patterns("consignee_only_name_patterns")).reindex(
            tx.index, fill_value=False
        )
    is_forwarder = (
        (name_key(consignee) == name_key(tx["freight_forwarder_name"])).fillna(False).astype(bool)
    )
    intermediary_type = in_set(
        tx["customer_type"], ctx.policy.get("intermediary_customer_types") or ()
    )
    no_end_user = ~named_end_user if ctx.has("end_user_name") else pd.Series(False, index=tx.index)
    intermediary = by_name | is_forwarder | (intermediary_type & ~named_end_user)
    mask = (intermediary | no_end_user).astype(bool)
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    role = pd.Series(np.where(named_end_user[mask], "end user", "consignee"), index=hit.index)
    reason = pd.Series(
        np.where(
            intermediary[mask],
            "Ultimate "
            + role
            + " "
            + text(consignee[mask])
            + " in "
            + text(hit["ship_to_country"])
            + " is a forwarder, trading company or bank"
            + pd.Series(np.where(no_end_user[mask], "; no end user named", ""), index=hit.index),
            "No end user named; goods ship to "
            + text(hit["ship_to_name"])
            + " in "
            + text(hit["ship_to_country"]),
        ),
        index=hit.index,
    )
    weight = pd.Series(
        np.where(intermediary[mask], np.nan, float(params["weight_no_end_user_only"])),
        index=hit.index,
    )
    evidence = pd.DataFrame(
        {
            "ship_to_name": hit["ship_to_name"],
            "ship_to_country": hit["ship_to_country"],
            "end_user_name": hit["end_user_name"],
            "freight_forwarder_name": hit["freight_forwarder_name"],
            "customer_type": hit["customer_type"],
            "intermediary_consignee": intermediary[mask],
            "end_user_named": named_end_user[mask],
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence, weight=weight)


def route_hub(route: pd.Series, hubs: frozenset[str]) -> pd.Series:
    """The first transshipment hub on a ';'-joined route (NaN when none)."""
    if not hubs:
        return pd.Series(np.nan, index=route.index, dtype=object)
    pattern = r"(?:^|;) *(?P<found>" + "|".join(sorted(hubs)) + r") *(?:;|$)"
    return extract(route.astype("str").str.upper(), pattern)


@rule("L2")
def transshipment_route(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """The ship-to, end-user or intermediate-consignee country is a transshipment hub, the
    route passes through one, or customer, ship-to and end-user countries all differ."""
    hubs = ctx.policy.hubs

    def hub(column: str) -> pd.Series:
        # as text: a column with no value at all is read as float
        country = tx[column].astype("str")
        return country.where(in_set(country, hubs))

    hub_destination = (
        hub("ship_to_country")
        .fillna(hub("end_user_country"))
        .fillna(hub("intermediate_consignee_country"))
    )
    via = route_hub(tx["route"], hubs)
    customer, ship, end = tx["customer_country"], tx["ship_to_country"], tx["end_user_country"]
    three_countries = (
        (end.notna() & (customer != ship) & (end != ship) & (end != customer))
        .fillna(False)
        .astype(bool)
    )
    mask = (hub_destination.notna() | via.notna() | three_countries).astype(bool)
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    parts = pd.DataFrame(
        {
            "hub": np.where(
                hub_destination[mask].notna(),
                "Goes to " + text(hub_destination[mask]) + ", a transshipment hub",
                "",
            ),
            "via": np.where(
                via[mask].notna(),
                "routed via " + text(via[mask]) + " (route " + text(hit["route"]) + ")",
                "",
            ),
        },
        index=hit.index,
    )
    lead = (
        (parts["hub"] + "; " + parts["via"])
        .str.strip("; ")
        .replace("", "Three different countries")
    )
    reason = (
        lead
        + "; customer in "
        + text(customer[mask])
        + ", ship-to in "
        + text(ship[mask])
        + ", end user in "
        + text(end[mask], "(not named)")
    )
    evidence = pd.DataFrame(
        {
            "customer_country": customer[mask],
            "ship_to_country": ship[mask],
            "end_user_country": end[mask],
            "intermediate_consignee_country": hit["intermediate_consignee_country"],
            "route": hit["route"],
            "hub": hub_destination[mask].fillna(via[mask]),
            "three_countries": three_countries[mask],
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence)


@rule("L3")
def changed_after_order(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """The consignee, destination or route was changed after the order was placed."""
    mask = is_true(tx["changed_after_order"])
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    reason = (
        "Consignee, destination or route changed after the order; now ships to "
        + text(hit["ship_to_name"])
        + " in "
        + text(hit["ship_to_country"])
    )
    evidence = hit[["changed_after_order", "ship_to_name", "ship_to_country", "route"]]
    return RuleHits(mask=mask, reason=reason, evidence=evidence)
