"""History rules: each current order judged against the same customer's (or address's, or
payer's) earlier orders, over history plus the current frame, strictly in time order.

Window counts use one sort per grouping and `searchsorted`, never a loop over rows."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from detectors.rules.context import RuleContext
from detectors.rules.policy import name_key, number
from detectors.rules.registry import RuleHits, rule


def recent_total(
    codes: np.ndarray, day: np.ndarray, values: np.ndarray, window_days: int | None
) -> np.ndarray:
    """For rows in time order: the sum of `values` over the rows of the same group (integer
    `codes`, -1 for none) up to and including this one, within the last `window_days` days
    (all earlier rows when None). Rows without a group get 0."""
    order = np.argsort(codes, kind="stable")
    c, d, v = codes[order], day[order], np.asarray(values, dtype=float)[order]
    first = np.searchsorted(c, c, side="left")  # each row's group start
    running: np.ndarray = pd.Series(v).groupby(first).cumsum().to_numpy()  # restarts per group
    if window_days is None:
        lower = first
    else:
        span = int(d.max() - d.min()) + 2 * window_days + 2 if len(d) else 1
        offset = d - (d.min() if len(d) else 0) + window_days
        key = c.astype(np.int64) * span + offset
        lower = np.searchsorted(key, key - window_days + 1, side="left")
    before = np.where(lower > first, running[np.maximum(lower - 1, 0)], 0.0)
    total = np.empty_like(running)
    total[order] = running - before
    total[codes < 0] = 0.0
    return total


def group_codes(ctx: RuleContext, column: str) -> np.ndarray:
    """Integer codes of a combined column (-1 when missing); party names and addresses are
    compared by `name_key`. Cached per run."""

    def compute() -> np.ndarray:
        values = ctx.combined[column]
        if column != "customer_id":
            values = name_key(values.astype("str"))
        codes: np.ndarray = pd.factorize(values)[0]
        return codes

    return ctx.cached(f"codes:{column}", compute)


def customers_sharing(
    ctx: RuleContext, column: str, window_days: int | None, controlled: bool
) -> pd.Series:
    """Per combined row: distinct customers first seen at this row's `column` value (an
    address or a payer) up to this row, within the window. Cached per run."""

    def compute() -> pd.Series:
        comb = ctx.combined
        key = group_codes(ctx, column)
        if controlled:
            key = np.where(comb["controlled"].to_numpy(), key, -1)
        customer = group_codes(ctx, "customer_id")
        pair = pd.Series(key.astype(np.int64) * (customer.max(initial=-1) + 2) + customer)
        firsts = (~pair.duplicated().to_numpy()) & (key >= 0)
        total = recent_total(key, comb["day"].to_numpy(), firsts, window_days)
        return pd.Series(total, index=comb.index)

    return ctx.cached(f"sharing:{column}:{window_days}:{controlled}", compute)


def customer_prior_orders(ctx: RuleContext) -> pd.DataFrame:
    """Per combined row: the customer's earlier orders of any goods (`prior_lines`), its
    earlier advanced-IC orders (`prior_orders`), the largest of those (`prior_max_h100e`) and
    the second largest (`prior_second_h100e`)."""

    def compute() -> pd.DataFrame:
        comb = ctx.combined
        chips = comb[comb["controlled"]]
        by_customer = chips.groupby("customer_id", sort=False)
        running_max = by_customer["h100_equivalents"].cummax()
        before_max = running_max.groupby(chips["customer_id"]).shift(1)
        # the second largest so far: the largest of each order capped by the largest before it
        capped = np.minimum(chips["h100_equivalents"], before_max)
        running_second = capped.groupby(chips["customer_id"]).cummax()
        stats = pd.DataFrame(
            {
                "prior_orders": by_customer.cumcount(),
                "prior_max_h100e": before_max,
                "prior_second_h100e": running_second.groupby(chips["customer_id"]).shift(1),
            }
        ).reindex(comb.index)
        stats["prior_lines"] = comb.groupby("customer_id", sort=False).cumcount()
        return stats

    return ctx.cached("customer_prior_orders", compute)


def history_baseline(
    prior: pd.Series, largest: pd.Series, second: pd.Series, params: dict[str, Any]
) -> tuple[pd.Series, pd.Series]:
    """The earlier order a new one is compared with: the largest, unless it is one outlier —
    at least `outlier_factor` times the second largest, among `outlier_min_orders` or more
    earlier orders — in which case the second largest. Returns the baseline and whether the
    outlier was left out."""
    factor = float(params.get("outlier_factor", np.inf))
    outlier = (
        (prior >= int(params.get("outlier_min_orders", 3)))
        & (second > 0)
        & (largest >= factor * second)
    ).astype(bool)
    return largest.where(~outlier, second), outlier


@rule("Q2")
def volume_above_history(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """Volume against the customer's own history, in H100-equivalents:

    - a first advanced-IC order of at least `first_order_min_h100e` by a new customer (an
      account younger than `new_customer_days`, or of unknown age), or by an established
      one, whose `min_history_orders` or more earlier order lines carried no advanced IC;
    - an order `spike_factor` times the customer's largest earlier advanced-IC order (and at
      least `spike_min_h100e`), `thin_history_spike_factor` times when the customer has
      fewer than `thin_history_orders` earlier advanced-IC orders (one or two earlier
      orders say little about its usual size); one outlier among the earlier orders
      (`outlier_factor` times the second largest, with `outlier_min_orders` or more) is
      left out of that baseline. An earlier volume of 0 (items of unknown TPP) is no
      baseline."""
    stats = customer_prior_orders(ctx)
    prior = ctx.for_current(stats["prior_orders"], tx).fillna(0)
    prior_lines = ctx.for_current(stats["prior_lines"], tx).fillna(0)
    prior_max = ctx.for_current(stats["prior_max_h100e"], tx)
    prior_second = ctx.for_current(stats["prior_second_h100e"], tx)
    baseline, outlier = history_baseline(prior, prior_max, prior_second, params)
    volume = tx["h100_equivalents"].astype(float).fillna(0.0)
    age_days = (tx["order_date"] - tx["customer_since"]).dt.days
    new_account = age_days.isna() | (age_days <= float(params["new_customer_days"]))
    min_history = int(params.get("min_history_orders", 3))
    established = ~new_account & (prior_lines >= min_history)
    first_order = (prior == 0) & (volume >= float(params["first_order_min_h100e"]))
    first_large = first_order & new_account
    first_advanced = first_order & established
    thin = prior < int(params.get("thin_history_orders", 0))
    factor = pd.Series(
        np.where(
            thin,
            float(params.get("thin_history_spike_factor", params["spike_factor"])),
            float(params["spike_factor"]),
        ),
        index=tx.index,
    )
    spike = (
        (prior > 0)
        & (baseline > 0)
        & (volume >= factor * baseline.fillna(np.inf))
        & (volume >= float(params["spike_min_h100e"]))
    ).fillna(False)
    mask = (first_large | first_advanced | spike).astype(bool)
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    ratio = volume[mask] / baseline[mask]
    kind = np.where(
        first_large[mask], "first_order", np.where(first_advanced[mask], "first_advanced", "spike")
    )
    left_out = pd.Series(
        np.where(
            outlier[mask],
            "; its largest (" + number(prior_max[mask]) + ") left out as one outlier",
            "",
        ),
        index=hit.index,
    )
    compared = pd.Series(
        np.where(outlier[mask], "second-largest", "largest"), index=hit.index, dtype=object
    )
    reason = pd.Series(
        np.where(
            kind == "first_order",
            "First advanced-IC order of this customer is "
            + number(volume[mask])
            + " H100-equivalents",
            np.where(
                kind == "first_advanced",
                "First advanced-IC order of this customer, "
                + number(volume[mask])
                + " H100-equivalents, after "
                + number(prior_lines[mask], 0)
                + " earlier order lines without one",
                "Order of "
                + number(volume[mask])
                + " H100-equivalents is "
                + number(ratio)
                + "x the customer's "
                + compared
                + " earlier order ("
                + number(baseline[mask])
                + "), among "
                + number(prior[mask], 0)
                + " earlier advanced-IC orders"
                + left_out,
            ),
        ),
        index=hit.index,
    )
    evidence = pd.DataFrame(
        {
            "customer_id": hit["customer_id"],
            "h100_equivalents": volume[mask],
            "earlier_orders": prior[mask].astype(int),
            "earlier_lines": prior_lines[mask].astype(int),
            "largest_earlier_h100e": prior_max[mask],
            "second_largest_earlier_h100e": prior_second[mask],
            "baseline_h100e": baseline[mask],
            "outlier_left_out": outlier[mask],
            "ratio_to_baseline": ratio.where(kind == "spike"),
            "spike_factor": factor[mask],
            "customer_since": hit["customer_since"],
            "kind": kind,
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence)


@rule("B4")
def split_orders(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """Orders split to stay under review: at least `min_related_customers` customers first
    seen at one address or with one payer within `window_days`; or `min_orders_under`
    orders of one customer within the window each just under a `thresholds_h100e` value."""
    window = int(params["window_days"])
    by_address = ctx.for_current(customers_sharing(ctx, "customer_address", window, True), tx)
    by_payer = ctx.for_current(customers_sharing(ctx, "payer_name", window, True), tx)
    related = np.maximum(by_address.fillna(0), by_payer.fillna(0))
    split = related >= int(params["min_related_customers"])
    under_count, threshold = orders_just_under(ctx, params)
    under_count = ctx.for_current(under_count, tx).fillna(0)
    threshold = ctx.for_current(threshold, tx)
    under = under_count >= int(params["min_orders_under"])
    mask = (split | under).astype(bool)
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    shared = pd.Series(
        np.where(by_address[mask] >= by_payer[mask].fillna(0), "address", "payer"), index=hit.index
    )
    reason_split = (
        number(related[mask], 0)
        + " customers sharing one "
        + shared
        + " ordered advanced ICs within "
        + str(window)
        + " days"
    )
    reason_under = (
        number(under_count[mask], 0)
        + " orders within "
        + str(window)
        + " days each just under "
        + number(threshold[mask], 0)
        + " H100-equivalents"
    )
    reason = pd.Series(np.where(split[mask], reason_split, reason_under), index=hit.index)
    evidence = pd.DataFrame(
        {
            "customer_id": hit["customer_id"],
            "customer_address": hit["customer_address"],
            "payer_name": hit["payer_name"],
            "related_customers": related[mask].astype(int),
            "shared_by": shared.where(split[mask]),
            "orders_just_under": under_count[mask].astype(int),
            "threshold_h100e": threshold[mask],
            "h100_equivalents": hit["h100_equivalents"],
            "window_days": window,
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence)


def orders_just_under(ctx: RuleContext, params: dict[str, Any]) -> tuple[pd.Series, pd.Series]:
    """Per combined row: how many of the customer's orders within the window were just under
    the threshold this row is just under (0 when the row is under none), and that threshold."""
    comb = ctx.combined
    volume = comb["h100_equivalents"].to_numpy()
    margin = float(params["under_margin"])
    best = np.zeros(len(comb))
    which = np.full(len(comb), np.nan)
    for limit in sorted(float(t) for t in params["thresholds_h100e"]):
        under = comb["controlled"].to_numpy() & (volume >= limit * (1 - margin)) & (volume < limit)
        count = recent_total(
            group_codes(ctx, "customer_id"),
            comb["day"].to_numpy(),
            under,
            int(params["window_days"]),
        )
        count = np.where(under, count, 0.0)
        better = count > best
        best = np.where(better, count, best)
        which = np.where(better, limit, which)
    return pd.Series(best, index=comb.index), pd.Series(which, index=comb.index)


def shared_address_customers(ctx: RuleContext, tx: pd.DataFrame) -> pd.Series:
    """Distinct customers seen so far at each current row's customer address (all orders)."""
    return ctx.for_current(customers_sharing(ctx, "customer_address", None, False), tx).fillna(0)
