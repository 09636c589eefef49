"""Licensing rules that depend on the order date: the H20/MI308 licence requirement by
letter (April 2025) and the plausibility of a licence recorded for China or Macau against
the January 2026 review policy."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from detectors.rules.context import RuleContext
from detectors.rules.license import license_recorded
from detectors.rules.policy import in_set, joined, matches, text, through
from detectors.rules.registry import RuleHits, RuleNotEvaluable, rule

DESTINATION_COLUMNS: tuple[str, ...] = (
    "ship_to_country",
    "end_user_country",
    "intermediate_consignee_country",
)


def on_or_after(tx: pd.DataFrame, day: Any) -> pd.Series:
    """Order lines dated on or after `day` (an ISO date); all lines when `day` is empty."""
    if not day:
        return pd.Series(True, index=tx.index)
    return (pd.to_datetime(tx["order_date"]) >= pd.Timestamp(str(day))).astype(bool)


def destined_to(tx: pd.DataFrame, countries: frozenset[str]) -> tuple[pd.Series, pd.Series]:
    """Lines whose ship-to, end-user or intermediate-consignee country is in `countries`,
    and the first such country of each line."""
    caught = pd.DataFrame({c: in_set(tx[c], countries) for c in DESTINATION_COLUMNS})
    first = caught.to_numpy().argmax(axis=1)
    country = pd.Series(
        tx[list(DESTINATION_COLUMNS)].to_numpy(dtype=object)[np.arange(len(tx)), first],
        index=tx.index,
    )
    return caught.any(axis=1), country


def letter_items(tx: pd.DataFrame, ctx: RuleContext) -> pd.Series:
    """Lines carrying an H20/MI308-class chip, by SKU or description, whatever the ECCN."""
    return matches(tx["item_sku"], ctx.policy.patterns("letter_licence_items", "sku_patterns")) | (
        matches(
            tx["item_description"],
            ctx.policy.patterns("letter_licence_items", "description_patterns"),
        )
    )


@rule("E2")
def letter_licence(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """An H20 or MI308-class chip (by SKU or description, whatever its ECCN) for China,
    Hong Kong, Macau or D:5, with no licence; brought by the dated layer of the licence
    requirement by letter, it judges the lines dated while that layer is in force."""
    spec = ctx.policy.get("letter_licence_items") or {}
    where = ctx.policy.countries("letter_licence_items", "destinations")
    letter = letter_items(tx, ctx)  # few lines: the rest is judged on them alone
    if not letter.any():
        return RuleHits.none(tx)
    lines, tx = tx, tx[letter]
    going, country = destined_to(tx, where)
    mask = (going & ~license_recorded(tx, ctx)).astype(bool)
    if not mask.any():
        return RuleHits.none(lines)
    hit = tx[mask]
    reason = (
        "Item "
        + text(hit["item_sku"])
        + " ('"
        + text(hit["item_description"])
        + "', ECCN "
        + text(hit["eccn"])
        + ") is of the H20/MI308 class, licensed by letter for "
        + text(country[mask])
        + " since "
        + str(spec.get("in_force_from"))
        + ", and no licence is recorded"
    )
    evidence = pd.DataFrame(
        {
            "item_sku": hit["item_sku"],
            "item_description": hit["item_description"],
            "eccn": hit["eccn"],
            "country": country[mask],
            "order_date": hit["order_date"],
            "in_force_from": str(spec.get("in_force_from")),
            "license_number": hit["license_number"],
        }
    )
    return RuleHits(
        mask=mask.reindex(lines.index, fill_value=False), reason=reason, evidence=evidence
    )


def item_figures(tx: pd.DataFrame, ctx: RuleContext) -> pd.DataFrame:
    """Chip TPP and DRAM bandwidth of each line's item from the catalog (NaN when unknown)."""
    catalog = ctx.catalog.set_index("sku")
    sku = tx["item_sku"].astype("str").str.strip().str.upper()
    chips = (
        catalog["chips_per_unit"]
        if "chips_per_unit" in catalog
        else pd.Series(1.0, index=catalog.index)
    )
    bandwidth = (
        catalog["dram_bandwidth_gbps"]
        if "dram_bandwidth_gbps" in catalog
        else pd.Series(np.nan, index=catalog.index)
    )
    chip_tpp = catalog["tpp"].astype(float) / chips.astype(float).fillna(1.0)
    return pd.DataFrame(
        {
            "chip_tpp": chip_tpp.reindex(sku).to_numpy(dtype=float),
            "dram_bandwidth_gbps": bandwidth.astype(float).reindex(sku).to_numpy(dtype=float),
        },
        index=tx.index,
    )


@rule("E3")
def implausible_licence(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """A licence recorded for an advanced IC going to China, Hong Kong or Macau that cannot
    exist: the item is above the case-by-case line (chip TPP or DRAM bandwidth at or above
    the pack's figures), it leaves from another country than the exporter's (a re-export),
    or the order predates the licence policy for its class."""
    review = ctx.policy.get("case_by_case_review") or {}
    letter = ctx.policy.get("letter_licence_items") or {}
    where = ctx.policy.countries("case_by_case_review", "destinations")
    lines = tx
    written = (tx["license_number"].notna() | tx["license_exception"].notna()).to_numpy()
    tx = tx[written]  # the rest only on lines with a licence written on them
    going, country = destined_to(tx, where)
    advanced = ctx.controlled.reindex(tx.index, fill_value=False).astype(bool) | letter_items(
        tx, ctx
    )
    candidates = (going & license_recorded(tx, ctx) & advanced).astype(bool)
    if not candidates.any():
        return RuleHits.none(lines)
    tx, country = tx[candidates], country[candidates]
    candidates = candidates[candidates]
    figures = item_figures(tx, ctx)
    tpp_line = float(review.get("tpp_line", 21_000))
    bandwidth_line = float(review.get("dram_bandwidth_line_gbps", 6_500))
    by_text = matches(
        tx["item_description"],
        ctx.policy.patterns("case_by_case_review", "above_line_description_patterns"),
    )
    above = (
        (figures["chip_tpp"] >= tpp_line)
        | (figures["dram_bandwidth_gbps"] >= bandwidth_line)
        | by_text
    )
    ship_from = tx["ship_from_country"].astype(object)
    abroad = (
        ship_from.notna() & (ship_from.astype(str).str.upper() != ctx.exporter_country)
    ).astype(bool)
    is_letter = letter_items(tx, ctx)
    too_early = np.where(
        is_letter,
        ~on_or_after(tx, letter.get("licences_issued_from")),
        ~on_or_after(tx, review.get("in_force_from")),
    )
    too_early = pd.Series(too_early, index=tx.index).astype(bool)
    above = above.astype(bool) & ~is_letter
    mask = (candidates & (above | abroad | too_early)).astype(bool)
    if not mask.any():
        return RuleHits.none(lines)
    hit = tx[mask]
    f = figures[mask]
    why_above = (
        "the item is above the case-by-case line (chip TPP "
        + f["chip_tpp"].round(0).astype("Int64").astype(str).replace("<NA>", "unknown")
        + ", DRAM bandwidth "
        + f["dram_bandwidth_gbps"].round(0).astype("Int64").astype(str).replace("<NA>", "unknown")
        + f" GB/s; line TPP {tpp_line:,.0f} or {bandwidth_line:,.0f} GB/s)"
    ).where(above[mask], "")
    why_abroad = (
        "it leaves from "
        + text(hit["ship_from_country"])
        + ", not from the exporter's country "
        + ctx.exporter_country
    ).where(abroad[mask], "")
    policy_date = pd.Series(
        np.where(
            is_letter[mask],
            str(letter.get("licences_issued_from")),
            str(review.get("in_force_from")),
        ),
        index=hit.index,
    )
    why_early = ("the order predates the licence policy for its class (" + policy_date + ")").where(
        too_early[mask], ""
    )
    why = joined([why_above, why_abroad, why_early], "; ")
    reason = (
        "Licence "
        + text(hit["license_number"])
        + " recorded for "
        + text(hit["item_sku"])
        + " to "
        + text(country[mask])
        + " cannot exist: "
        + why
    )
    evidence = pd.DataFrame(
        {
            "license_number": hit["license_number"],
            "item_sku": hit["item_sku"],
            "country": country[mask],
            "order_date": hit["order_date"],
            "chip_tpp": f["chip_tpp"],
            "dram_bandwidth_gbps": f["dram_bandwidth_gbps"],
            "above_line": above[mask],
            "ship_from_country": hit["ship_from_country"],
            "re_export": abroad[mask],
            "predates_policy": too_early[mask],
        }
    )
    return RuleHits(
        mask=mask.reindex(lines.index, fill_value=False), reason=reason, evidence=evidence
    )


@rule("M1")
def malaysian_permit(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """An advanced-IC line that leaves Malaysia, is consigned there (an intermediate
    consignee) or transits it, while Malaysia requires a Strategic Trade Permit for
    US-origin AI chips: the permit is to be asked for. A Malaysian end user receiving the
    goods is not an export from Malaysia and does not fire."""
    countries = ctx.policy.countries("malaysia_permit")
    leaves = in_set(tx["ship_from_country"], countries)
    consigned = in_set(tx["intermediate_consignee_country"], countries)
    onward = in_set(tx["ship_to_country"], countries) & ~in_set(tx["end_user_country"], countries)
    onward &= tx["end_user_country"].notna()
    transit = through(tx["route"], countries)
    mask = (leaves | consigned | onward | transit).astype(bool)
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    how = pd.Series(
        np.select(
            [leaves[mask], consigned[mask], onward[mask]],
            [
                "leaves from Malaysia",
                "is consigned to an intermediate in Malaysia",
                "is shipped to Malaysia for an end user elsewhere",
            ],  # fmt: skip
            default="transits Malaysia (route " + text(hit["route"]) + ")",
        ),
        index=hit.index,
    )
    reason = (
        "Advanced IC "
        + text(hit["item_sku"])
        + " "
        + how
        + ": a Malaysian Strategic Trade Permit is needed"
    )
    evidence = pd.DataFrame(
        {
            "item_sku": hit["item_sku"],
            "ship_from_country": hit["ship_from_country"],
            "ship_to_country": hit["ship_to_country"],
            "intermediate_consignee_country": hit["intermediate_consignee_country"],
            "end_user_country": hit["end_user_country"],
            "route": hit["route"],
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence)


@rule("P7")
def listed_parent(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """The customer's parent (`customer_parent_name`) matches an entry of the lists the
    affiliates rule names (Entity List, MEU, SDN) on a date the rule is in force: the
    customer takes on its owner's restrictions."""
    if ctx.watchlist is None:
        raise RuleNotEvaluable("needs a restricted-party list (no watchlist in this run)")
    parents = tx[["customer_parent_name", "customer_parent_country"]].dropna(
        subset=["customer_parent_name"]
    )
    if parents.empty:
        return RuleHits.none(tx)
    distinct = parents.drop_duplicates().reset_index(drop=True)
    screened = distinct.rename(
        columns={"customer_parent_name": "name", "customer_parent_country": "country"}
    )
    screened = screened.assign(type="entity", party_id=[str(i) for i in range(len(screened))])
    hits = ctx.watchlist.screen(screened)
    lists = {str(x).upper() for x in (ctx.policy.get("affiliates_rule") or {}).get("lists") or ()}
    if hits.empty:
        return RuleHits.none(tx)
    hits = hits[hits["list_code"].astype(str).str.upper().isin(lists)]
    if hits.empty:
        return RuleHits.none(tx)
    best = (
        hits.sort_values("score", ascending=False).drop_duplicates("party_id").set_index("party_id")
    )
    distinct["party_id"] = [str(i) for i in range(len(distinct))]
    keyed = tx[["customer_parent_name", "customer_parent_country"]].merge(
        distinct, how="left", on=["customer_parent_name", "customer_parent_country"]
    )
    party = pd.Series(keyed["party_id"].to_numpy(), index=tx.index)
    mask = party.isin(best.index).astype(bool)
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    found = best.reindex(party[mask].to_numpy())
    found.index = hit.index
    reason = (
        "Customer "
        + text(hit["customer_name"])
        + "'s parent '"
        + text(hit["customer_parent_name"])
        + "' matches "
        + text(found["list_code"])
        + " entry '"
        + text(found["matched_name"])
        + "' (score "
        + found["score"].astype(float).round(2).astype(str)
        + "); under the affiliates rule the customer is restricted as its owner"
    )
    evidence = pd.DataFrame(
        {
            "customer_parent_name": hit["customer_parent_name"],
            "entry_id": found["entry_id"],
            "list": found["list_code"],
            "matched_name": found["matched_name"],
            "score": found["score"].astype(float),
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence)
