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
from collections.abc import Callable, Mapping
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
    present; a missing one gives no links of its kind), one row per (party, key): the
    first order line that gives it (its name and value texts).

    Made on integer codes: each column is numbered once (`pd.factorize`), a key computed
    once per distinct value, the first line of each (party, key) found on the codes, and
    only those lines become text. No two kinds of link share a (party, key) (a customer's
    keys are its contacts and the parties it names; a named party's keys its addresses),
    so each kind is made distinct on its own."""
    coded = _CodedOrders(orders)
    if "customer_id" not in coded.present:
        return empty_links()
    customer = coded.texts("customer_id", prefix="customer:")
    names = "customer_name" if "customer_name" in coded.present else None
    contacts = {
        "address": ("customer_address", lambda u: address_keys(u, rules.abbreviations)),
        "email_domain": ("customer_email", lambda u: email_domain_keys(u, rules.free_mail)),
        "website": ("customer_website", website_keys),
    }
    parts = []
    for link in CONTACT_LINKS:
        if link == "phone":
            if "customer_phone" in coded.present:
                parts.append(coded.links(customer, "customer", names, coded.phones(rules),
                                         link, "customer_phone"))  # fmt: skip
            continue
        column, keys = contacts[link]
        if column in coded.present:
            key = coded.keys(column, keys, prefix=link + ":")
            parts.append(coded.links(customer, "customer", names, key, link, column))
    for kind, name_column, address_column in ORDER_PARTIES:
        if name_column not in coded.present:
            continue
        party = coded.keys(name_column, name_key, prefix=kind + ":")
        # the customer names the party: the party itself is the key
        parts.append(coded.links(customer, "customer", names, party, kind, name_column))
        if address_column and address_column in coded.present:
            key = coded.keys(address_column, lambda u: address_keys(u, rules.abbreviations),
                             prefix="address:")  # fmt: skip
            parts.append(coded.links(party, kind, name_column, key, "address", address_column))
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_links()
    return pd.concat(parts, ignore_index=True).astype("str")


# a column of the orders as codes per line (-1: missing) and the text of each code
Coded = tuple[np.ndarray, pa.Array]


class _CodedOrders:
    """The orders' link columns numbered once each, and the links made on those numbers."""

    def __init__(self, orders: pd.DataFrame) -> None:
        self.orders = orders
        self.present = [c for c in order_columns() if c in orders]
        self._codes: dict[str, tuple[np.ndarray, pd.Series]] = {}

    def column(self, name: str) -> tuple[np.ndarray, pd.Series]:
        """The codes of a column's lines (-1 missing) and its distinct texts."""
        if name not in self._codes:
            codes, uniques = pd.factorize(self.orders[name].astype("str"))
            self._codes[name] = (codes, pd.Series(uniques, dtype="str"))
        return self._codes[name]

    def texts(self, name: str, prefix: str) -> Coded:
        codes, uniques = self.column(name)
        return codes, _text_array(prefix + uniques)

    def keys(self, name: str, keys: Callable[[pd.Series], pd.Series], prefix: str) -> Coded:
        """`keys` of each distinct text of a column, as codes per line (-1: no key)."""
        codes, uniques = self.column(name)
        return _rekeyed(codes, keys(uniques), prefix)

    def phones(self, rules: ContactRules) -> Coded:
        """The phone key of each line, computed once per distinct (phone, country)."""
        phones, phone_texts = self.column("customer_phone")
        if "customer_country" in self.present:
            countries, country_texts = self.column("customer_country")
        else:
            countries = np.full(len(phones), -1, dtype=np.int64)
            country_texts = pd.Series([], dtype="str")
        pair, _ = pd.factorize(phones.astype(np.int64) * (len(country_texts) + 1) + countries + 1)
        first = first_of_codes(pair)
        at_country = countries[first]
        country = pd.Series(pd.array(
            pa.array(country_texts.array).take(pa.array(at_country, mask=at_country < 0)),
            dtype="str",
        ))  # fmt: skip
        at_phone = phones[first]
        phone = pd.Series(pd.array(
            pa.array(phone_texts.array).take(pa.array(at_phone, mask=at_phone < 0)), dtype="str"
        ))  # fmt: skip
        keys = phone_keys(phone, country, rules.calling_codes)
        return _rekeyed(pair, keys, "phone:")

    def links(
        self,
        party: Coded,
        kind: str,
        names: str | None,
        key: Coded,
        link: str,
        values: str,
    ) -> pd.DataFrame:
        """LINK_COLUMNS of the first line of each (party, key) with both, in line order:
        `names` and `values` the columns of the party's name and of the value (no names
        column: the party's id)."""
        party_codes, party_texts = party
        key_codes, key_texts = key
        lines = np.flatnonzero((party_codes >= 0) & (key_codes >= 0))
        pairs = party_codes[lines].astype(np.int64) * (len(key_texts) + 1) + key_codes[lines]
        lines = lines[first_of_codes(pd.factorize(pairs)[0])]
        size = len(lines)
        party_text = party_texts.take(pa.array(party_codes[lines]))
        name_text = party_text if names is None else self._take(names, lines)
        return pd.DataFrame({
            "party": pd.array(party_text, dtype="str"),
            "party_kind": pd.array(_repeated(kind, size), dtype="str"),
            "party_name": pd.array(name_text, dtype="str"),
            "key": pd.array(key_texts.take(pa.array(key_codes[lines])), dtype="str"),
            "link": pd.array(_repeated(link, size), dtype="str"),
            "value": pd.array(self._take(values, lines), dtype="str"),
        })  # fmt: skip

    def _take(self, name: str, lines: np.ndarray) -> pa.Array:
        codes, uniques = self.column(name)
        at = codes[lines]
        return _text_array(uniques).take(pa.array(at, mask=at < 0))


def _repeated(text: str, size: int) -> pa.Array:
    return pa.array([text], type=pa.large_string()).take(pa.array(np.zeros(size, dtype=np.int64)))


def _text_array(texts: pd.Series) -> pa.Array:
    found = pa.array(texts.astype("str").array)
    return found.combine_chunks() if isinstance(found, pa.ChunkedArray) else found


def _rekeyed(codes: np.ndarray, keys: pd.Series, prefix: str) -> Coded:
    """Codes of distinct values (`codes`, -1 missing) turned into codes of their `keys`
    (one per distinct value; missing: -1), with the keys' texts behind `prefix`."""
    key_codes, key_texts = pd.factorize(keys.astype("str"))
    lookup = np.append(key_codes, -1)  # a missing value (-1) has no key
    return lookup[codes], _text_array(prefix + pd.Series(key_texts, dtype="str"))


def owner_links(
    ownership: pd.DataFrame, customers: pd.DataFrame, keys: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Links from ownership data: columns owner_name, owned_name, share (percent), source.
    An owned name that is a customer's name (same name key) is that customer; any other is
    a party of its own kind `company` (the owner's node when it owns another in turn). The
    owner is the key: two parties with the same owner are related through it. `keys`: the
    `owner_keys` of `ownership` when made already (they depend on it alone). One row per
    (party, key), the first (`distinct`): the rows `owner_keys` marks `first`, as an owned
    company's party depends on its name key alone, and tells names apart as the key does."""
    if ownership.empty:
        return empty_links()
    keys = owner_keys(ownership) if keys is None else keys
    first = keys["first"].to_numpy(dtype=bool)
    keys = rows_where(keys, first)
    # each customer's first row with a name (`drop_duplicates` hashed every line's object)
    named = customers[customers["customer_name"].notna().to_numpy(dtype=bool)]
    known = named.iloc[first_rows(named, ["customer_id"])]
    by_name = pd.Series(
        ("customer:" + known["customer_id"].astype("str")).to_numpy(),
        index=name_key(known["customer_name"]).to_numpy(),
    )
    by_name = by_name[~by_name.index.duplicated()]
    owned = keys["owned_key"].map(by_name)
    kind = pd.Series("customer", index=keys.index).where(owned.notna(), "company")
    frame = pd.DataFrame({
        "party": owned.fillna(keys["node"]).to_numpy(), "party_kind": kind.to_numpy(),
        "party_name": ownership["owned_name"].to_numpy()[first], "key": keys["key"].to_numpy(),
        "link": "owner", "value": keys["value"].to_numpy(),
    })  # fmt: skip
    return frame.astype("str")


# what `owner_keys` gives for the same ownership rows: bump it when that changes
OWNER_KEYS_FORMAT = "2"


def owner_keys(ownership: pd.DataFrame) -> pd.DataFrame:
    """What `owner_links` makes of the ownership rows alone, one row each: the name keys
    of the owned company and of the owner (`owned_key`, `owner_key`), whether the owned
    company owns another in turn (`owns`), the link's text (`value`: the owner, its share
    and the source), the owned company's node when it is no customer (`node`: the
    owner's node when it owns another, else a company's), the link's key (`key`: the
    owner's node) and whether the row is the first of its node and key (`first`: the one
    `owner_links` keeps). The same for the same rows whatever the orders: a run can keep
    them with its ownership snapshot."""
    owned_key = name_key(ownership["owned_name"])
    owner_key = name_key(ownership["owner_name"])
    source = ownership["source"] if "source" in ownership else pd.Series("", index=ownership.index)
    source = source.fillna("").astype("str")
    value = (
        ownership["owner_name"].astype("str")
        + share_texts(ownership.get("share"), ownership.index)
        + (", source " + source).where(source != "", "")
    )
    owns = among(owned_key, owner_key.dropna())
    node = ("owner:" + owned_key).where(owns.to_numpy(dtype=bool), "company:" + owned_key)
    keys = pd.DataFrame({
        "owned_key": owned_key.to_numpy(), "owner_key": owner_key.to_numpy(),
        "owns": owns.to_numpy(dtype=bool), "value": value.to_numpy(),
        "node": node.to_numpy(), "key": ("owner:" + owner_key).to_numpy(),
    }).astype({c: "str" for c in ("owned_key", "owner_key", "value", "node", "key")})  # fmt: skip
    first = np.zeros(len(keys), dtype=bool)
    first[first_rows(keys, ["node", "key"])] = True
    return keys.assign(first=first)


def share_texts(shares: pd.Series | None, index: pd.Index) -> pd.Series:
    """Each share (percent) as its value text says it, " (12.5 %)" (the `g` format), ""
    when none; each distinct share formatted once."""
    if shares is None:
        return pd.Series("", index=index, dtype="str")
    codes, uniques = pd.factorize(pd.to_numeric(shares, errors="coerce"))
    texts = np.array([f" ({s:g} %)" for s in uniques.tolist()] + [""], dtype=object)
    return pd.Series(pd.array(texts[codes], dtype="str"), index=index)


def distinct(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The links of several frames, one row per (party, key). Their text columns keep a
    chunk per frame (`rows_where`, not joined): the network filters its links again
    (`build_network`) and joins the rows it keeps then, instead of copying every row of
    a day's links twice."""
    return keyed_distinct(frames)[0]


def keyed_distinct(frames: list[pd.DataFrame]) -> tuple[pd.DataFrame, np.ndarray]:
    """`distinct`, and the key codes of its rows (a number per distinct key, -1 for none:
    `text_codes`' equivalence), which the rows were told apart on: `build_network` takes
    them instead of numbering a day's keys again."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_links(), np.empty(0, dtype=np.intp)
    links = pd.concat([f[list(LINK_COLUMNS)] for f in frames], ignore_index=True)
    rows, (_, key_codes) = coded_first_rows(links, ["party", "key"])
    first = np.zeros(len(links), dtype=bool)
    first[rows] = True
    return rows_where(links, first, joined=False).astype("str"), key_codes[first]


def joined_key_codes(
    links: pd.DataFrame, key_codes: np.ndarray | None, owned: pd.DataFrame
) -> np.ndarray | None:
    """The key codes of `links` followed by `owned` (ownership links), from those of
    `links` (None when not had): the owners' keys numbered after them, as no order link
    has an owner for key (checked: None if one has)."""
    if key_codes is None or len(key_codes) != len(links):
        return None
    if pc.any(pc.starts_with(pa.chunked_array(pa.array(links["key"].array)), "owner:")).as_py():
        return None
    codes, _ = text_codes(owned["key"])
    after = int(key_codes.max()) + 1 if len(key_codes) else 0
    joined: np.ndarray = np.concatenate([key_codes, np.where(codes >= 0, codes + after, -1)])
    return joined


def rows_where(
    frame: pd.DataFrame, keep: np.ndarray | pd.Series, joined: bool = True
) -> pd.DataFrame:
    """The rows of `frame` where `keep` (booleans), in order, on a fresh 0..n-1 index: what
    `frame[keep].reset_index(drop=True)` gives. A text column is filtered chunk by chunk
    and its rows kept joined once (`joined`): pandas takes the rows, and taking from a
    column of several chunks (a frame concatenated from several) first copies the whole
    column into one, a copy of every row for each selection of a million-row frame of
    links. Not `joined`: the rows stay in their chunks, for a frame filtered again."""
    mask = np.asarray(keep, dtype=bool)
    chosen = pa.array(mask)
    columns: dict[str, pd.Series] = {}
    for name in frame.columns:
        values = frame[name]
        if isinstance(values.array, pd.arrays.ArrowStringArray):
            found = pa.chunked_array(pa.array(values.array)).filter(chosen)
            if joined:
                found = found.combine_chunks()
            columns[name] = pd.Series(pd.array(found, dtype=values.dtype))
        else:
            columns[name] = values[mask].reset_index(drop=True)
    return pd.DataFrame(columns, columns=frame.columns, index=pd.RangeIndex(int(mask.sum())))


def first_rows(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """The positions of the first row of each distinct combination of `columns`, in
    order: the rows `drop_duplicates(columns)` keeps (missing values equal each other).
    The columns are numbered one at a time (pyarrow's dictionary encoding for text) and
    the rows compared on those numbers, never on the texts together (the first column's
    numbers as they are, missing 0: numbering them again would tell the same rows apart)."""
    return coded_first_rows(frame, columns)[0]


def coded_first_rows(
    frame: pd.DataFrame, columns: list[str]
) -> tuple[np.ndarray, list[np.ndarray]]:
    """`first_rows`, and the codes (`text_codes`) of each of the `columns` per row."""
    group: np.ndarray | None = None
    coded = []
    for column in columns:
        codes, distinct_values = text_codes(frame[column])
        coded.append(codes)
        if group is None:
            group = codes.astype(np.int64) + 1
        else:
            group, _ = pd.factorize(group * (distinct_values + 1) + (codes + 1))
    if group is None:
        return np.zeros(min(len(frame), 1), dtype=np.int64), coded
    if len(columns) == 1:  # in the order first met, as `first_of_codes` wants them
        group, _ = pd.factorize(group)
    return first_of_codes(group), coded


def text_codes(values: pd.Series) -> tuple[np.ndarray, int]:
    """The codes `pd.factorize` gives a column (numbered in the order first met, -1 for a
    missing value) and how many distinct values it has. A text column of several chunks
    (a frame concatenated from several) is numbered on the chunks as they are, by
    pyarrow's dictionary encoding: pandas joins them into one first, a copy of every
    text of a day's links."""
    array = values.array
    if isinstance(array, pd.arrays.ArrowStringArray):
        chunked = pa.chunked_array(pa.array(array))
        if chunked.num_chunks > 1:
            encoded = chunked.dictionary_encode()
            indices = pa.chunked_array(
                [c.indices for c in encoded.chunks], type=encoded.type.index_type
            )
            codes = pc.fill_null(indices, -1).to_numpy().astype(np.intp)
            return codes, int(codes.max()) + 1 if len(codes) else 0  # numbered from 0
    codes, uniques = pd.factorize(values)
    return codes, len(uniques)


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
