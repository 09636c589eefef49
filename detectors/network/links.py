"""One table of links between parties, from the orders (this run's and the history's) and
from ownership data.

A link row says: party `party` (a node id such as `customer:C-1` or `payer:acme trading`)
has `key` (an address, a phone, an e-mail domain, a website, or another party such as its
payer), as `link` kind, read from the text `value`. Two parties that have the same key are
related through it; a key that is itself a party (a payer, a forwarder, a consignee, an
end user, an owner) also relates that party to every party that names it.

Every kind of link enters the same way: a frame of `LINK_COLUMNS`. Ownership data enters
through `owner_links` (owner_name, owned_name, share, source), so that an ownership
loader can add it without touching the rest.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from detectors.network.contacts import (
    address_keys,
    email_domain_keys,
    free_mail_test,
    phone_keys,
    website_keys,
)
from detectors.rules.policy import name_key

LINK_COLUMNS: tuple[str, ...] = ("party", "party_kind", "party_name", "key", "link", "value")
CONTACT_LINKS: tuple[str, ...] = ("address", "phone", "email_domain", "website")
LINK_TITLES: dict[str, str] = {
    "address": "shares the address",
    "phone": "shares the phone number",
    "email_domain": "shares the e-mail domain",
    "website": "shares the website",
    "payer": "paid by the same payer",
    "forwarder": "uses the same forwarder",
    "consignee": "ships to the same consignee",
    "end_user": "names the same end user",
    "owner": "has the same owner",
}
# parties named on an order line besides the customer: (kind, name column, address column)
ORDER_PARTIES: tuple[tuple[str, str, str | None], ...] = (
    ("consignee", "ship_to_name", "ship_to_address"),
    ("end_user", "end_user_name", "end_user_address"),
    ("payer", "payer_name", None),
    ("forwarder", "freight_forwarder_name", None),
)
CUSTOMER_COLUMNS: tuple[str, ...] = (
    "customer_id",
    "customer_name",
    "customer_country",
    "customer_address",
    "customer_phone",
    "customer_email",
    "customer_website",
)


@dataclass(frozen=True)
class ContactRules:
    """How contact fields become keys (from the policy pack and the matcher tables)."""

    abbreviations: Mapping[str, str] = field(default_factory=dict)
    calling_codes: Mapping[str, str] = field(default_factory=dict)
    free_mail: re.Pattern[str] = field(default_factory=lambda: free_mail_test([], []))


def among(series: pd.Series, values: pd.Series | pd.Index | list[str] | np.ndarray) -> pd.Series:
    """`series.isin(values)` for text, on pyarrow's hash set: pandas' own `isin` of a
    text column turns every value into a Python object first (seconds for 100,000)."""
    wanted = pc.unique(pa.array(pd.Series(np.asarray(values, dtype=object), dtype="str").array))
    text = pa.array(series.astype("str").array)
    found = pc.is_in(text, value_set=wanted.cast(text.type))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=series.index, dtype=bool)


def empty_links() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="str") for c in LINK_COLUMNS})


def order_columns() -> list[str]:
    """The order columns the links are read from."""
    return [*CUSTOMER_COLUMNS, *[c for _, n, a in ORDER_PARTIES for c in (n, a) if c]]


def order_links(orders: pd.DataFrame, rules: ContactRules) -> pd.DataFrame:
    """The links of every party the orders name (columns of `order_columns()` that are
    present; a missing one gives no links of its kind)."""
    present = [c for c in order_columns() if c in orders]
    rows = orders[present].take(first_rows(orders, present)).reset_index(drop=True)
    customer = "customer:" + rows["customer_id"].astype("str")
    names = rows.get("customer_name", customer)
    parts = []
    contacts = {
        "address": lambda: address_keys(rows["customer_address"], rules.abbreviations),
        "phone": lambda: phone_keys(
            rows["customer_phone"], _column(rows, "customer_country"), rules.calling_codes
        ),
        "email_domain": lambda: email_domain_keys(rows["customer_email"], rules.free_mail),
        "website": lambda: website_keys(rows["customer_website"]),
    }
    sources = {
        "address": "customer_address",
        "phone": "customer_phone",
        "email_domain": "customer_email",
        "website": "customer_website",
    }
    for link, column in sources.items():
        if column in rows:
            parts.append(_links(customer, "customer", names, contacts[link](), link, rows[column]))
    for kind, name_column, address_column in ORDER_PARTIES:
        if name_column not in rows:
            continue
        party_name = rows[name_column]
        party = kind + ":" + name_key(party_name)
        # the customer names the party: the party itself is the key
        parts.append(_links(customer, "customer", names, party, kind, party_name))
        if address_column and address_column in rows:
            keys = address_keys(rows[address_column], rules.abbreviations)
            parts.append(_links(party, kind, party_name, keys, "address", rows[address_column]))
    return distinct(parts)


def owner_links(ownership: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """Links from ownership data: columns owner_name, owned_name, share (percent), source.
    An owned name that is a customer's name (same name key) is that customer; any other is
    a party of its own kind `company` (the owner's node when it owns another in turn). The
    owner is the key: two parties with the same owner are related through it."""
    if ownership.empty:
        return empty_links()
    known = customers.dropna(subset=["customer_name"]).drop_duplicates("customer_id")
    by_name = pd.Series(
        ("customer:" + known["customer_id"].astype("str")).to_numpy(),
        index=name_key(known["customer_name"]).to_numpy(),
    )
    by_name = by_name[~by_name.index.duplicated()]
    owned_key = name_key(ownership["owned_name"])
    owner_key = name_key(ownership["owner_name"])
    owned = owned_key.map(by_name)
    kind = pd.Series("customer", index=ownership.index).where(owned.notna(), "company")
    # a company that owns another in turn is one node, its owner node: a chain stays a chain
    owned = owned.fillna(("owner:" + owned_key).where(among(owned_key, owner_key.dropna())))
    owned = owned.fillna("company:" + owned_key)
    source = ownership["source"] if "source" in ownership else pd.Series("", index=ownership.index)
    source = source.fillna("").astype("str")
    value = (
        ownership["owner_name"].astype("str")
        + share_texts(ownership.get("share"), ownership.index)
        + (", source " + source).where(source != "", "")
    )
    owner = "owner:" + owner_key
    frame = pd.DataFrame({
        "party": owned.to_numpy(), "party_kind": kind.to_numpy(),
        "party_name": ownership["owned_name"].to_numpy(), "key": owner.to_numpy(),
        "link": "owner", "value": value.to_numpy(),
    })  # fmt: skip
    return distinct([frame.astype("str")])


def share_texts(shares: pd.Series | None, index: pd.Index) -> pd.Series:
    """Each share (percent) as its value text says it, " (12.5 %)" (the `g` format), ""
    when none; each distinct share formatted once."""
    if shares is None:
        return pd.Series("", index=index, dtype="str")
    codes, uniques = pd.factorize(pd.to_numeric(shares, errors="coerce"))
    texts = np.array([f" ({s:g} %)" for s in uniques.tolist()] + [""], dtype=object)
    return pd.Series(pd.array(texts[codes], dtype="str"), index=index)


def _column(rows: pd.DataFrame, column: str) -> pd.Series:
    return rows[column] if column in rows else pd.Series(pd.NA, index=rows.index, dtype="str")


def _links(
    party: pd.Series,
    kind: str,
    names: pd.Series,
    keys: pd.Series,
    link: str,
    values: pd.Series,
) -> pd.DataFrame:
    key = (link + ":" + keys.astype("str")) if link in CONTACT_LINKS else keys.astype("str")
    usable = (keys.notna() & party.notna()).to_numpy(dtype=bool)
    return pd.DataFrame({
        "party": party[usable].astype("str").array, "party_kind": kind,
        "party_name": names[usable].astype("str").array,
        "key": key[usable].array, "link": link,
        "value": values[usable].astype("str").array,
    })  # fmt: skip


def distinct(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The links of several frames, one row per (party, key)."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_links()
    links = pd.concat([f[list(LINK_COLUMNS)] for f in frames], ignore_index=True)
    return links.take(first_rows(links, ["party", "key"])).reset_index(drop=True).astype("str")


def first_rows(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """The positions of the first row of each distinct combination of `columns`, in
    order: the rows `drop_duplicates(columns)` keeps (missing values equal each other).
    The columns are numbered one at a time (pyarrow's dictionary encoding for text) and
    the rows compared on those numbers, never on the texts together."""
    group = np.zeros(len(frame), dtype=np.int64)
    for column in columns:
        codes, uniques = pd.factorize(frame[column])
        group, _ = pd.factorize(group * (len(uniques) + 1) + (codes + 1))
    return first_of_codes(group)


def first_of_codes(codes: np.ndarray) -> np.ndarray:
    """The position of the first of each code, for codes numbered in the order first met
    (`pd.factorize`'s): where the code is a new high; in order, so first of code 0, 1 ..."""
    if not len(codes):
        return np.empty(0, dtype=np.int64)
    high = np.maximum.accumulate(codes)
    return np.flatnonzero(np.r_[True, codes[1:] > high[:-1]])


def contact_rules(
    policy: Mapping[str, object],
    abbreviations: Mapping[str, str],
    settings: Mapping[str, object],
) -> ContactRules:
    """The contact rules of a run: the pack's free-mail domains and calling codes, the
    network settings' free-mail provider names, the matcher's street abbreviations."""
    domains = policy.get("free_mail_domains") or []
    providers = settings.get("free_mail_providers") or []
    codes = policy.get("phone_country_codes") or {}
    return ContactRules(
        abbreviations=dict(abbreviations),
        calling_codes={str(k): str(v) for k, v in dict(codes).items()},  # type: ignore[call-overload]
        free_mail=free_mail_test(list(domains), list(providers)),  # type: ignore[call-overload]
    )


# what `order_links` gives for the same orders and rules: bump it when that changes
LINKS_FORMAT = "1"


def rules_fingerprint(rules: ContactRules) -> str:
    """What decides the links besides the orders: the contact rules and the link format."""
    described = {
        "format": LINKS_FORMAT,
        "columns": order_columns(),
        "abbreviations": sorted((str(k), str(v)) for k, v in rules.abbreviations.items()),
        "calling_codes": sorted((str(k), str(v)) for k, v in rules.calling_codes.items()),
        "free_mail": rules.free_mail.pattern,
    }
    return hashlib.sha256(json.dumps(described).encode()).hexdigest()[:16]
