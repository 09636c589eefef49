"""Payment red flags: who pays, from where, how, and at what price."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from detectors.rules.context import RuleContext
from detectors.rules.policy import extract, in_set, name_key, number, per_value, text
from detectors.rules.registry import RuleHits, rule


@rule("Q4")
def unusual_payment(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """Paid in one of `payment_methods` (cash, crypto), or a unit price well above what the
    SKU sells for. Where the SKU has a going price — the median of at least
    `going_price_min_lines` priced lines (over the run) — the price must be at least
    `going_price_ratio` times it and more than `going_price_robust_sd` robust standard
    deviations above it; else at least `price_premium_ratio` times the catalog list price.
    Both signs weigh the rule's weight, one alone `weight_one_sign`."""
    odd_method = in_set(tx["payment_method"], params["payment_methods"])
    price = tx["unit_price_usd"].astype(float)
    list_price = tx["list_price"].astype(float)
    going = going_price_of(tx["item_sku"], ctx.going_prices)
    going_price, going_lines, spread = (going[c] for c in going.columns)
    has_going = (going_lines >= int(params.get("going_price_min_lines", 20))).astype(bool)
    going_ratio = price / going_price.where(has_going & (going_price > 0))
    sd_above = (price - going_price) / spread.where(spread > 0)
    over_going = (
        (going_ratio >= float(params.get("going_price_ratio", 1.25)))
        & ((sd_above > float(params.get("going_price_robust_sd", 4.0))) | (spread <= 0))
    ).fillna(False)
    list_ratio = price / list_price.where(list_price > 0)
    over_list = (~has_going & (list_ratio >= float(params["price_premium_ratio"]))).fillna(False)
    premium = (over_going | over_list).astype(bool)
    mask = odd_method | premium
    if not mask.any():
        return RuleHits.none(tx)
    hit = tx[mask]
    by_going = has_going[mask]
    ratio = going_ratio.where(has_going, list_ratio)
    paid = "Paid by " + text(hit["payment_method"])
    priced = (
        "unit price "
        + number(price[mask], 0)
        + " USD is "
        + number(ratio[mask], 2)
        + "x "
        + pd.Series(
            np.where(
                by_going,
                "the SKU's going price "
                + number(going_price[mask], 0)
                + " USD (median of "
                + number(going_lines[mask], 0)
                + " priced lines; "
                + number(sd_above[mask], 1)
                + " robust SD above)",
                "the list price "
                + number(list_price[mask], 0)
                + " USD (fewer than "
                + str(int(params.get("going_price_min_lines", 20)))
                + " priced lines of the SKU)",
            ),
            index=hit.index,
        )
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
            "compared_with": np.where(by_going, "going_price", "list_price"),
            "going_price_usd": going_price[mask],
            "going_price_lines": going_lines[mask],
            "going_price_robust_sd_usd": spread[mask],
            "robust_sd_above": sd_above[mask].where(by_going),
            "premium_price": premium[mask],
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence, weight=weight)


def going_price_of(sku: pd.Series, prices: pd.DataFrame) -> pd.DataFrame:
    """Each line's going price, line count and spread (`detectors.catalog.going_prices`),
    NaN for a SKU without one. SKUs are looked up trimmed and in upper case, normalising
    the distinct values only."""
    columns = ["going_price_usd", "going_price_lines", "going_price_spread_usd"]
    codes, distinct = pd.factorize(sku)  # -1 for a missing SKU
    keys = pd.Index(distinct, dtype=object).str.strip().str.upper()
    rows = np.append(prices.index.get_indexer(keys), -1)[codes]  # -1: no going price
    table = np.vstack([prices[columns].to_numpy(dtype=float), np.full((1, len(columns)), np.nan)])
    return pd.DataFrame(table[rows], index=sku.index, columns=columns)


def first_word(series: pd.Series) -> pd.Series:
    """The first word of a name, lower case ('ACME Pte Ltd' -> 'acme')."""
    return extract(series, r"(?P<found>[0-9A-Za-z]+)").str.lower()


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def romanise(value: str) -> str:
    """A name in Latin letters: Chinese characters in pinyin syllables (pypinyin, loaded
    only when a name holds them), other scripts by unidecode ('深圳华强' ->
    'shen zhen hua qiang', 'Müller' -> 'Muller')."""
    if value.isascii():
        return value
    from unidecode import unidecode

    if not _HAN.search(value):
        return unidecode(value)
    from pypinyin import lazy_pinyin

    return unidecode(" ".join(lazy_pinyin(value)))


def romanised(series: pd.Series) -> pd.Series:
    """`romanise` once per distinct value; names already in Latin letters are unchanged."""
    return per_value(series, lambda values: values.map(romanise, na_action="ignore").astype("str"))


def all_ascii(series: pd.Series) -> pd.Series:
    """Whether each name is written in ASCII alone (missing names count as ASCII)."""

    def ascii_only(values: pd.Series) -> pd.Series:
        found = pc.string_is_ascii(pa.array(values.array))
        return pd.Series(found.fill_null(True).to_numpy(zero_copy_only=False), dtype=bool)

    return per_value(series, ascii_only) | series.isna()


def same_text(a: pd.Series, b: pd.Series) -> pd.Series:
    """Whether two names are written the same, in any script (names in Latin letters that
    differ in case or form are compared by their first word)."""
    return (a == b).fillna(False).astype(bool)


def same_party(first_a: pd.Series, key_a: pd.Series, first_b: pd.Series, key_b: pd.Series,
               romanised_a: pd.Series, romanised_b: pd.Series) -> pd.Series:  # fmt: skip
    """Whether two names stand for the same party: the same first word, or, when one was
    written in another script, the other's first word (four letters or more) within its
    romanised letters ('Shenzhen Huaqiang' and '深圳华强电子')."""
    same = (first_a == first_b).fillna(False).astype(bool)
    rows = np.flatnonzero((romanised_a | romanised_b).to_numpy() & ~same.to_numpy())
    if len(rows):
        pairs = pd.DataFrame(
            {
                "fa": first_a.to_numpy(object)[rows],
                "ka": key_a.to_numpy(object)[rows],
                "fb": first_b.to_numpy(object)[rows],
                "kb": key_b.to_numpy(object)[rows],
            }
        )
        codes, distinct = pd.factorize(pd.MultiIndex.from_frame(pairs.fillna("")))
        found = np.array(
            [(len(x) >= 4 and x in kb) or (len(y) >= 4 and y in ka) for x, ka, y, kb in distinct],
            dtype=bool,
        )
        values = same.to_numpy().copy()
        values[rows] = found[codes]
        same = pd.Series(values, index=same.index)
    return same


@rule("F1")
def third_party_payment(tx: pd.DataFrame, ctx: RuleContext, params: dict[str, Any]) -> RuleHits:
    """The payer is a third party (its name shares no leading word with the customer,
    ship-to or end user; names in Chinese or another script are compared in Latin letters,
    pinyin for Chinese), or pays from `payer_countries_of_concern` (China, Hong Kong,
    Macau) while the goods ship elsewhere. Both signs weigh the rule's weight, one alone
    `weight_one_sign`."""
    parties = ("customer_name", "ship_to_name", "end_user_name")
    plain = {c: first_word(tx[c]) for c in ("payer_name", *parties)}
    own = pd.concat(
        [(plain[c] == plain["payer_name"]) | same_text(tx[c], tx["payer_name"]) for c in parties],
        axis=1,
    )
    own = own.fillna(False).any(axis=1).astype(bool)
    payer = plain["payer_name"].astype(object)
    payer_latin = pd.Series(np.nan, index=tx.index, dtype=object)
    open_rows = (tx["payer_name"].notna() & ~own).to_numpy()
    if open_rows.any():  # only a name outside ASCII reads otherwise once romanised
        open_rows = open_rows & (
            pd.concat([~all_ascii(tx[c]) for c in ("payer_name", *parties)], axis=1)
            .any(axis=1)
            .to_numpy()
        )
    if open_rows.any():  # names in another script are compared again, romanised
        sub = tx.loc[open_rows]
        names = {c: sub[c] for c in ("payer_name", *parties)}
        stacked = romanised(pd.concat(list(names.values()), ignore_index=True))  # once a name
        latin = {
            c: stacked.iloc[k * len(sub) : (k + 1) * len(sub)].set_axis(sub.index)
            for k, c in enumerate(names)
        }
        changed = {
            c: (latin[c] != names[c].astype("str")).fillna(False).astype(bool) for c in names
        }
        first = {c: first_word(latin[c]) for c in names}
        key = {c: name_key(latin[c]).str.replace(" ", "", regex=False) for c in names}
        same = pd.concat(
            [
                same_party(
                    first["payer_name"],
                    key["payer_name"],
                    first[c],
                    key[c],
                    changed["payer_name"],
                    changed[c],
                )  # fmt: skip
                for c in parties
            ],
            axis=1,
        ).any(axis=1)
        own.loc[open_rows] = same.to_numpy()
        payer.loc[open_rows] = first["payer_name"].astype(object).to_numpy()
        payer_latin.loc[open_rows] = (
            latin["payer_name"].astype(object).where(changed["payer_name"]).to_numpy()
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
            "payer_name_romanised": payer_latin[mask],
            "payer_country": hit["payer_country"],
            "customer_name": hit["customer_name"],
            "ship_to_country": hit["ship_to_country"],
            "third_party": third_party[mask],
            "payer_country_of_concern": from_concern[mask],
        }
    )
    return RuleHits(mask=mask, reason=reason, evidence=evidence, weight=weight)
