"""Party red flags: who the customer is (address, age, web presence, ownership, phone)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from detectors.rules.context import RuleContext
from detectors.rules.history import shared_address_customers
from detectors.rules.policy import extract, in_set, matches, number, per_value, text
from detectors.rules.registry import RuleHits, rule


def address_kind(address: pd.Series, ctx: RuleContext) -> pd.Series:
    """The kind of premises (a key of the pack's `address_patterns`: po_box, virtual_office,
    residential) whose patterns the address matches; the first kind listed wins."""
    kinds = [
        k for k, v in (ctx.policy.get("address_patterns") or {}).items() if isinstance(v, list)
    ]

    def classify(values: pd.Series) -> pd.Series:
        kind = pd.Series(np.nan, index=values.index, dtype=object)
        for name in reversed(kinds):
            kind = kind.mask(matches(values, ctx.policy.patterns("address_patterns", name)), name)
        return kind

    return per_value(address, classify)


@rule("P2")
def suspicious_address(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """The customer or ship-to address is residential, a virtual office or a PO box while
    the order is a commercial quantity (`commercial_min_h100e`), or the customer's address
    has been used by at least `shared_min_customers` distinct customers."""
    customer_kind = address_kind(tx["customer_address"], ctx)
    ship_kind = address_kind(tx["ship_to_address"], ctx)
    kind = customer_kind.fillna(ship_kind)
    commercial = tx["h100_equivalents"].astype(float).fillna(0.0) >= float(
        params["commercial_min_h100e"]
    )
    odd_premises = kind.notna() & commercial
    sharing = shared_address_customers(ctx, tx)
    shared = sharing >= int(params["shared_min_customers"])
    mask = (odd_premises | shared).astype(bool)
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    where = pd.Series(np.where(customer_kind[mask].notna(), "customer", "ship-to"), index=hit.index)
    premises = (
        "The "
        + where
        + " address '"
        + text(hit["customer_address"].where(where == "customer", hit["ship_to_address"]))
        + "' looks like a "
        + text(kind[mask]).str.replace("_", " ", regex=False)
        + " for an order of "
        + number(hit["h100_equivalents"])
        + " H100-equivalents"
    )
    sharing_text = (
        "The address '"
        + text(hit["customer_address"])
        + "' is used by "
        + number(sharing[mask], 0)
        + " different customers"
    )
    reason = pd.Series(
        np.where(
            odd_premises[mask] & shared[mask],
            premises + "; " + sharing_text,
            np.where(odd_premises[mask], premises, sharing_text),
        ),
        index=hit.index,
    )
    evidence = pd.DataFrame(
        {
            "customer_address": hit["customer_address"],
            "ship_to_address": hit["ship_to_address"],
            "address_kind": kind[mask],
            "customers_at_address": sharing[mask].astype(int),
            "h100_equivalents": hit["h100_equivalents"],
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence)


@rule("P3")
def new_entity(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """The customer's account (or incorporation) dates from after the October 2022 controls
    (`controls_date`), or was opened at most `recent_account_days` before an order of at
    least `large_order_h100e` H100-equivalents."""
    since = tx["customer_since"]
    controls = pd.Timestamp(params["controls_date"])
    age_days = (tx["order_date"] - since).dt.days
    volume = tx["h100_equivalents"].astype(float).fillna(0.0)
    after_controls = (since > controls).fillna(False).astype(bool)
    recent = (age_days >= 0) & (age_days <= float(params["recent_account_days"]))
    rushed = (recent & (volume >= float(params["large_order_h100e"]))).fillna(False).astype(bool)
    mask = after_controls | rushed
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    since_text = hit["customer_since"].dt.strftime("%Y-%m-%d")
    reason = pd.Series(
        np.where(
            rushed[mask],
            "Account opened "
            + since_text
            + ", "
            + number(age_days[mask], 0)
            + " days before an order of "
            + number(volume[mask])
            + " H100-equivalents",
            "Customer since "
            + since_text
            + ", after the "
            + controls.strftime("%Y-%m-%d")
            + " controls",
        ),
        index=hit.index,
    )
    evidence = pd.DataFrame(
        {
            "customer_since": hit["customer_since"],
            "order_date": hit["order_date"],
            "account_age_days": age_days[mask],
            "h100_equivalents": volume[mask],
            "after_controls": after_controls[mask],
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence)


@rule("P4")
def little_web_presence(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """No website given, or an e-mail address at a free-mail domain; both at full weight,
    one alone at `weight_one_sign`."""
    no_site = pd.Series(False, index=tx.index)
    if ctx.has("customer_website"):
        site = tx["customer_website"].astype("str").str.strip()
        no_site = (site.isna() | (site == "")).astype(bool)
    domain = extract(tx["customer_email"].astype("str").str.lower(), r"@(?P<found>[^@ >]+)[ >]*$")
    free_mail = in_set(domain, [d.lower() for d in ctx.policy.get("free_mail_domains") or ()])
    mask = no_site | free_mail
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    mail = "a free-mail e-mail address (" + text(domain[mask]) + ")"
    both, site_only = no_site[mask] & free_mail[mask], no_site[mask] & ~free_mail[mask]
    reason = pd.Series(
        np.where(
            both,
            "Customer has no website and " + mail,
            np.where(site_only, "Customer has no website", "Customer uses " + mail),
        ),
        index=hit.index,
    )
    weight = pd.Series(
        np.where(no_site[mask] & free_mail[mask], np.nan, float(params["weight_one_sign"])),
        index=hit.index,
    )
    evidence = pd.DataFrame(
        {
            "customer_website": hit["customer_website"],
            "customer_email": hit["customer_email"],
            "free_mail_domain": domain[mask].where(free_mail[mask]),
            "no_website": no_site[mask],
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence, weight=weight)


@rule("P5")
def parent_of_concern(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """The customer's parent company is in Country Group D:5 or Macau (per the pack)."""
    mask = in_set(tx["customer_parent_country"], ctx.policy.headquarters_of_concern)
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    reason = (
        "Customer's parent "
        + text(hit["customer_parent_name"], "(unnamed)")
        + " is in "
        + text(hit["customer_parent_country"])
        + " (D:5 or Macau); customer in "
        + text(hit["customer_country"])
    )
    evidence = hit[["customer_parent_name", "customer_parent_country", "customer_country"]]
    return RuleHits(mask=mask, reason=reason, evidence=evidence)


def phone_calling_code(phone: pd.Series) -> pd.Series:
    """The digits after an international prefix ('+' or '00'); NaN for national numbers."""
    international = extract(phone, r"^ *(?:\+|00) *(?P<found>[0-9][0-9 ().\-/]*)")
    return international.str.replace(r"[^0-9]", "", regex=True)


@rule("P6")
def phone_country_mismatch(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """The customer's phone number carries an international calling code other than its
    stated country's (codes from `phone_country_codes`; national numbers are not judged)."""
    codes = {
        str(k).upper(): str(v) for k, v in (ctx.policy.get("phone_country_codes") or {}).items()
    }
    digits = phone_calling_code(tx["customer_phone"])
    expected = tx["customer_country"].map(codes)
    judged = digits.notna() & expected.notna()
    same = pd.Series(False, index=tx.index)
    for length in sorted({len(c) for c in codes.values()}):
        same |= (
            ((expected.str.len() == length) & (digits.str[:length] == expected))
            .fillna(False)
            .astype(bool)
        )
    mask = (judged & ~same).astype(bool)
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    by_code = pd.Series(codes).reset_index().groupby(0)["index"].agg(lambda c: "/".join(sorted(c)))
    dialled_code = pd.Series(np.nan, index=hit.index, dtype=object)
    for length in sorted({len(c) for c in codes.values()}, reverse=True):
        prefix = digits[mask].str[:length]
        dialled_code = dialled_code.fillna(prefix.where(prefix.isin(by_code.index)).astype(object))
    dialled = dialled_code.map(by_code)
    reason = (
        "Phone "
        + text(hit["customer_phone"])
        + " has calling code +"
        + text(dialled_code, "?")
        + " ("
        + text(dialled, "unknown")
        + ") but the customer states "
        + text(hit["customer_country"])
        + " (+"
        + text(expected[mask])
        + ")"
    )
    evidence = pd.DataFrame(
        {
            "customer_phone": hit["customer_phone"],
            "customer_country": hit["customer_country"],
            "expected_code": expected[mask],
            "phone_countries": dialled,
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence)
