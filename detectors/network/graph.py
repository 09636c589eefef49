"""The graph over the links: groups of related parties (scipy's connected components on a
sparse party-key graph), the parties one hop from a party (sharing a key, or the key
itself), a case's neighbourhood up to two hops, and the groups of new customers."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from detectors.network.links import CONTACT_LINKS, LINK_COLUMNS

PAIR_COLUMNS: tuple[str, ...] = (
    "party", "other", "other_kind", "other_name", "link", "value", "other_value", "key",
)  # fmt: skip


@dataclass
class Network:
    """The usable links (a key shared by at least two parties and at most
    `max_parties_per_key`: an address shared by five hundred customers is a logistics hub,
    not a ring) and the group of each party."""

    links: pd.DataFrame
    group: pd.Series  # party -> group label (the smallest party id of its group)
    common_keys: pd.DataFrame  # key, link, parties: the keys left out as too common

    @property
    def parties(self) -> int:
        return int(self.group.size)

    @cached_property
    def index(self) -> LinkIndex:
        """The links indexed by party and by key, built on first use."""
        return LinkIndex.build(self.links)


def among(series: pd.Series, values: pd.Series | pd.Index | list[str] | np.ndarray) -> pd.Series:
    """`series.isin(values)` for text, on pyarrow's hash set: pandas' own `isin` of a
    text column turns every value into a Python object first (seconds for 100,000)."""
    wanted = pc.unique(pa.array(pd.Series(np.asarray(values, dtype=object), dtype="str").array))
    text = pa.array(series.astype("str").array)
    found = pc.is_in(text, value_set=wanted.cast(text.type))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=series.index, dtype=bool)


def key_kinds(keys: pd.Series) -> pd.Series:
    """The kind before the colon of each key ("payer" of "payer:acme"), NaN when none."""
    found = pc.extract_regex(pa.array(keys.astype("str").array), r"^(?P<kind>[a-z_]+):")
    kinds = pc.struct_field(found, [0])
    return pd.Series(pd.array(kinds, dtype="str"), index=keys.index)


def build_network(links: pd.DataFrame, max_parties_per_key: int = 25) -> Network:
    links = with_key_parties(links)
    sharing = links.groupby("key", sort=False)["party"].transform("size")
    common = links[sharing > max_parties_per_key]
    common_keys = common.groupby(["key", "link"], sort=True).size().rename("parties").reset_index()
    usable = links[(sharing >= 2) & (sharing <= max_parties_per_key)].reset_index(drop=True)
    return Network(usable, groups(usable), common_keys)


def with_key_parties(links: pd.DataFrame) -> pd.DataFrame:
    """`links` plus, for every key that is a party (a payer, a forwarder, an owner ...), the
    party's own row on its key, so that it is found among the parties sharing the key."""
    kinds = key_kinds(links["key"])
    named = ~among(kinds, list(CONTACT_LINKS)) & kinds.notna()
    if not named.any():
        return links
    own = links[named].drop_duplicates("key")
    own = pd.DataFrame({
        "party": own["key"].array, "party_kind": kinds[named].loc[own.index].array,
        "party_name": own["value"].array, "key": own["key"].array,
        "link": own["link"].array, "value": own["value"].array,
    })  # fmt: skip
    both = pd.concat([links[list(LINK_COLUMNS)], own], ignore_index=True)
    return both.drop_duplicates(["party", "key"], ignore_index=True)


def groups(links: pd.DataFrame) -> pd.Series:
    """Party -> the smallest party id of its connected group."""
    if links.empty:
        return pd.Series(dtype="str", name="group")
    party_codes, parties = pd.factorize(links["party"])
    key_codes, keys = pd.factorize(links["key"])
    size = len(parties) + len(keys)
    graph = coo_matrix(
        (np.ones(len(links), dtype=np.int8), (party_codes, len(parties) + key_codes)),
        shape=(size, size),
    )
    _count, labels = connected_components(graph, directed=False)
    ids = pd.Series(np.asarray(parties, dtype=object), dtype="str")
    first = ids.groupby(labels[: len(parties)]).transform("min")
    return pd.Series(first.to_numpy(), index=pd.Index(ids, name="party"), name="group")


@dataclass
class LinkIndex:
    """The links indexed once by party and by key (integer codes, and the rows of each code
    in links order, as compressed sparse rows), so that the pairs of a few parties are
    found by slicing instead of a merge against every link."""

    links: pd.DataFrame
    parties: pd.Index  # party text by code
    party_of_row: np.ndarray
    key_of_row: np.ndarray
    party_rows: tuple[np.ndarray, np.ndarray]  # (offsets, rows) per party code
    key_rows: tuple[np.ndarray, np.ndarray]  # (offsets, rows) per key code

    @classmethod
    def build(cls, links: pd.DataFrame) -> LinkIndex:
        party_codes, parties = pd.factorize(links["party"])
        # NaN keys match each other, as they would in a merge on the key
        key_codes, keys = pd.factorize(links["key"], use_na_sentinel=False)
        return cls(
            links, pd.Index(parties), party_codes, key_codes,
            _rows_by_code(party_codes, len(parties)), _rows_by_code(key_codes, len(keys)),
        )  # fmt: skip

    def rows_of(self, parties: pd.Series | list[str] | np.ndarray) -> np.ndarray:
        """The rows (in links order) of the links of `parties`."""
        wanted = pd.unique(pd.Series(np.asarray(parties, dtype=object), dtype="str"))
        codes = self.parties.get_indexer(wanted)
        offsets, rows = self.party_rows
        return np.sort(rows[_spans(offsets, codes[codes >= 0])])

    def pairs(self, parties: pd.Series | list[str] | np.ndarray) -> pd.DataFrame:
        """One row per (party of `parties`, other party sharing one of its keys) and key:
        PAIR_COLUMNS, `value` as the party's text, `other_value` as the other's. The rows
        come in the order of a merge of the parties' links with all links on the key: by
        the party's link row, then by the other's."""
        mine = self.rows_of(parties)
        offsets, rows = self.key_rows
        keys = self.key_of_row[mine]
        other = rows[_spans(offsets, keys)]
        left = np.repeat(mine, offsets[keys + 1] - offsets[keys])
        keep = self.party_of_row[left] != self.party_of_row[other]
        left, other = left[keep], other[keep]
        links = self.links
        column = lambda name, at: links[name].to_numpy()[at]  # noqa: E731
        return pd.DataFrame({
            "party": column("party", left), "other": column("party", other),
            "other_kind": column("party_kind", other),
            "other_name": column("party_name", other), "link": column("link", left),
            "value": column("value", left), "other_value": column("value", other),
            "key": column("key", left),
        }).astype("str")  # fmt: skip


def _rows_by_code(codes: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, rows): the rows of code c are rows[offsets[c]:offsets[c + 1]], ascending."""
    offsets = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(codes, minlength=size), out=offsets[1:])
    return offsets, np.argsort(codes, kind="stable")


def _spans(offsets: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The positions offsets[c]:offsets[c + 1] of every code, one after another."""
    starts = offsets[codes]
    counts = offsets[codes + 1] - starts
    ends = np.cumsum(counts)
    return np.repeat(starts - ends + counts, counts) + np.arange(int(ends[-1]) if len(ends) else 0)


def neighbourhood(
    links: LinkIndex | pd.DataFrame, subjects: list[str], hops: int = 2, limit: int = 40
) -> pd.DataFrame:
    """The parties within `hops` of each subject: PAIR_COLUMNS with `party` the one they
    were reached from, plus `subject` and `hop` (1 or 2); at most `limit` parties per
    subject, the nearest first. `links` indexed (`Network.index`), or a frame of links
    indexed for this call."""
    index = links if isinstance(links, LinkIndex) else LinkIndex.build(links)
    first = index.pairs(subjects).assign(subject=lambda f: f["party"], hop=1)
    found = [first]
    if hops >= 2 and len(first):
        via = first[["subject", "other"]].drop_duplicates()
        second = index.pairs(via["other"].unique()).merge(
            via.rename(columns={"other": "party"}), on="party"
        )
        near = first[["subject", "other"]].drop_duplicates().assign(near=True)
        seen = second[["subject", "other"]].merge(near, on=["subject", "other"], how="left")
        keep = (second["subject"] != second["other"]).to_numpy() & seen["near"].isna().to_numpy()
        found.append(second[keep].assign(hop=2))
    every = pd.concat(found, ignore_index=True)
    if every.empty:
        return every.assign(subject=pd.Series(dtype="str"), hop=pd.Series(dtype="int64"))
    nearest = every.groupby(["subject", "other"], sort=False)["hop"].transform("min")
    every = every[every["hop"] == nearest]
    rank = every.drop_duplicates(["subject", "other"]).assign(
        order=lambda f: f.groupby("subject", sort=False).cumcount()
    )
    allowed = rank[rank["order"] < limit][["subject", "other"]]
    return every.merge(allowed, on=["subject", "other"]).reset_index(drop=True)


def new_customer_groups(
    network: Network, since: pd.Series, as_of: pd.Timestamp, days: int, min_size: int
) -> pd.DataFrame:
    """Customers created within `days` of `as_of` (`since`: customer node -> date) that
    share contact details (address, phone, e-mail domain, website) with other such
    customers, in groups of at least `min_size`: columns party, group, size."""
    recent = since[(since >= as_of - pd.Timedelta(days=days)) & (since <= as_of)]
    links = network.links
    contact = links[among(links["link"], list(CONTACT_LINKS)) & among(links["party"], recent.index)]
    shared = contact[contact.groupby("key")["party"].transform("size") >= 2]
    group = groups(shared)
    size = group.groupby(group).transform("size")
    big = size >= min_size
    return pd.DataFrame({
        "party": group.index[big].to_numpy(), "group": group[big].to_numpy(),
        "size": size[big].to_numpy(),
    })  # fmt: skip
