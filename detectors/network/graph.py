"""The graph over the links: groups of related parties (scipy's connected components on a
sparse party-key graph), the parties one hop from a party (sharing a key, or the key
itself), a case's neighbourhood up to two hops, and the groups of new customers."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from detectors.network.links import (
    CONTACT_LINKS,
    LINK_COLUMNS,
    among,
    first_of_codes,
    rows_where,
    text_codes,
)

# the link columns of a few distinct texts (kinds of party and of link)
KIND_COLUMNS: tuple[str, ...] = ("party_kind", "link")
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
    built_index: LinkIndex | None = None

    @property
    def parties(self) -> int:
        return int(self.group.size)

    @property
    def index(self) -> LinkIndex:
        """The links indexed by party and by key (built on first use when not given)."""
        if self.built_index is None:
            self.built_index = LinkIndex.build(self.links)
        return self.built_index


def key_kinds(keys: pd.Series) -> pd.Series:
    """The kind before the colon of each key ("payer" of "payer:acme"), NaN when none."""
    found = pc.extract_regex(pa.array(keys.astype("str").array), r"^(?P<kind>[a-z_]+):")
    kinds = pc.struct_field(found, [0])
    return pd.Series(pd.array(kinds, dtype="str"), index=keys.index)


def build_network(
    links: pd.DataFrame, max_parties_per_key: int = 25, key_codes: np.ndarray | None = None
) -> Network:
    """The network over `links` (LINK_COLUMNS, one row per party and key: `distinct`).
    `key_codes`: a number per distinct key of each row, -1 for none, when had already
    (`keyed_distinct`); else the keys are numbered here."""
    if key_codes is None:
        key_codes, _ = text_codes(links["key"])
    links, key_codes = with_key_parties(links, key_codes)
    # the parties on each row's key (none on a missing key)
    keys = int(key_codes.max()) + 1 if len(key_codes) else 0
    sharing = np.bincount(key_codes[key_codes >= 0], minlength=keys + 1)[key_codes]
    sharing[key_codes < 0] = 0
    common = rows_where(links[["key", "link"]], sharing > max_parties_per_key)
    common_keys = common.groupby(["key", "link"], sort=True).size().rename("parties").reset_index()
    usable = (sharing >= 2) & (sharing <= max_parties_per_key)
    index = LinkIndex.build(rows_where(links, usable), key_codes[usable])
    return Network(index.links, index_groups(index), common_keys, index)


def with_key_parties(links: pd.DataFrame, key_codes: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """`links` (one row per party and key) plus, for every key that is a party (a payer, a
    forwarder, an owner ...), the party's own row on its key, so that it is found among the
    parties sharing the key (unless `links` has that row already); with the rows' key
    codes (`key_codes`: those of `links`, a number per distinct key, -1 for none)."""
    kinds = key_kinds(links["key"])
    named = (~among(kinds, list(CONTACT_LINKS)) & kinds.notna()).to_numpy(dtype=bool)
    if not named.any():
        return links, key_codes
    rows = np.flatnonzero(named)
    rows = rows[first_of_codes(pd.factorize(key_codes[rows])[0])]  # each key's first row
    first = np.zeros(len(links), dtype=bool)
    first[rows] = True  # `rows` ascend: the rows where `first`, in the same order
    own = rows_where(links, first)
    # the one (party, key) an own row can repeat: a party already on its own key
    on_own_key = (links["party"] == links["key"]).to_numpy(dtype=bool)
    fresh = ~among(own["key"], rows_where(links[["key"]], on_own_key)["key"]).to_numpy()
    own, rows = own[fresh], rows[fresh]
    own = pd.DataFrame({
        "party": own["key"].array, "party_kind": kinds.take(rows).array,
        "party_name": own["value"].array, "key": own["key"].array,
        "link": own["link"].array, "value": own["value"].array,
    })  # fmt: skip
    frame = pd.concat([links[list(LINK_COLUMNS)], own], ignore_index=True)
    return frame, np.concatenate([key_codes, key_codes[rows]])


def groups(links: pd.DataFrame) -> pd.Series:
    """Party -> the smallest party id of its connected group."""
    if links.empty:
        return pd.Series(dtype="str", name="group")
    party_codes, parties = pd.factorize(links["party"])
    key_codes, keys = pd.factorize(links["key"])
    return _groups(party_codes, parties, key_codes, len(keys))


def index_groups(index: LinkIndex) -> pd.Series:
    """`groups` of the links of `index`, on the codes it has already."""
    if index.links.empty:
        return pd.Series(dtype="str", name="group")
    keys = len(index.key_rows[0]) - 1
    return _groups(index.party_of_row, index.parties, index.key_of_row, keys)


def _groups(
    party_codes: np.ndarray, parties: pd.Index, key_codes: np.ndarray, keys: int
) -> pd.Series:
    size = len(parties) + keys
    graph = coo_matrix(
        (np.ones(len(party_codes), dtype=np.int8), (party_codes, len(parties) + key_codes)),
        shape=(size, size),
    )
    _count, labels = connected_components(graph, directed=False)
    ids = pd.Series(parties, dtype="str")  # the texts as they are, no Python strings
    first = ids.groupby(labels[: len(parties)]).transform("min")
    return pd.Series(first.array, index=pd.Index(ids, name="party"), name="group")


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
    # the party texts by code, NaN last (code -1), made on first use
    _party_texts: np.ndarray | None = field(default=None, repr=False)
    # texts by party code made from a frame of the run (`flags._text_by_party`), by column:
    # (the frame, the texts), reused while the frame is the same object
    texts: dict[str, tuple[pd.DataFrame, np.ndarray]] = field(default_factory=dict, repr=False)
    # the columns of a few kinds (KIND_COLUMNS) numbered on first use: (codes, texts, NaN last)
    _kinds: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)

    def texts_at(self, name: str, rows: np.ndarray) -> list[Any]:
        """A column of the links at the link rows `rows` as Python text, missing values NaN.
        Only those rows become text (a party's id from its code): numbering whole columns
        of a day's millions of link rows cost more than the rows its cases reach."""
        if name == "party":
            if self._party_texts is None:
                self._party_texts = np.append(np.asarray(self.parties, dtype=object), np.nan)
            texts: list[Any] = self._party_texts[self.party_of_row[rows]].tolist()
            return texts
        if name in KIND_COLUMNS:  # each of its few texts made once, and shared
            if name not in self._kinds:
                codes, uniques = pd.factorize(self.links[name])
                self._kinds[name] = (codes, np.append(np.asarray(uniques, dtype=object), np.nan))
            codes, kinds = self._kinds[name]
            texts = kinds[codes[rows]].tolist()
            return texts
        texts = self.links[name].array.take(rows).astype("str").tolist()
        return texts

    @classmethod
    def build(cls, links: pd.DataFrame, key_codes: np.ndarray | None = None) -> LinkIndex:
        """The index of `links`; `key_codes`, when given, number its keys already (one
        code per distinct key, none missing), in any order."""
        party_codes, parties = pd.factorize(links["party"])
        if key_codes is None:
            # NaN keys match each other, as they would in a merge on the key
            key_codes, texts = pd.factorize(links["key"], use_na_sentinel=False)
            keys = len(texts)
        else:  # the codes made consecutive, in the same order: no hashing of every row
            present = np.zeros(int(key_codes.max()) + 1 if len(key_codes) else 0, dtype=bool)
            present[key_codes] = True
            keys = int(present.sum())
            key_codes = (np.cumsum(present) - 1)[key_codes]
        return cls(
            links, pd.Index(parties), party_codes, key_codes,
            _rows_by_code(party_codes, len(parties)), _rows_by_code(key_codes, keys),
        )  # fmt: skip

    @cached_property
    def key_is_party(self) -> np.ndarray:
        """Per link row: whether the party is the key itself (a payer's own row on its
        key, `with_key_parties`)."""
        same: np.ndarray = (self.links["party"] == self.links["key"]).to_numpy(
            dtype=bool, na_value=False
        )
        return same

    def codes_of(self, parties: pd.Series | list[str] | np.ndarray) -> np.ndarray:
        """The codes of the `parties` that have links, each once."""
        if not isinstance(parties, pd.Series):  # a Series of text is taken as it is
            parties = pd.Series(np.asarray(parties, dtype=object), dtype="str")
        codes: np.ndarray = self.parties.get_indexer(parties.astype("str").drop_duplicates())
        return codes[codes >= 0]

    def pair_rows(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(party's link row, other's link row) of every pair of the parties of `codes`
        and another party on one key, in the order of a merge of the parties' links
        with all links on the key: by the party's link row, then by the other's."""
        offsets, rows = self.party_rows
        mine = np.sort(rows[_spans(offsets, codes)])
        offsets, rows = self.key_rows
        keys = self.key_of_row[mine]
        other = rows[_spans(offsets, keys)]
        left = np.repeat(mine, offsets[keys + 1] - offsets[keys])
        keep = self.party_of_row[left] != self.party_of_row[other]
        return left[keep], other[keep]

    def pair_frame(self, left: np.ndarray, other: np.ndarray) -> pd.DataFrame:
        """PAIR_COLUMNS of the pairs of link rows (`pair_rows`)."""
        links = self.links

        def column(name: str, at: np.ndarray) -> pd.api.extensions.ExtensionArray:
            return links[name].array.take(at)

        return pd.DataFrame({
            "party": column("party", left), "other": column("party", other),
            "other_kind": column("party_kind", other),
            "other_name": column("party_name", other), "link": column("link", left),
            "value": column("value", left), "other_value": column("value", other),
            "key": column("key", left),
        }).astype("str")  # fmt: skip

    def pairs(self, parties: pd.Series | list[str] | np.ndarray) -> pd.DataFrame:
        """One row per (party of `parties`, other party sharing one of its keys) and key:
        PAIR_COLUMNS, `value` as the party's text, `other_value` as the other's, in the
        order of `pair_rows`."""
        return self.pair_frame(*self.pair_rows(self.codes_of(parties)))


@dataclass
class Reach:
    """The parties within reach of subjects (`neighbourhood_rows`), as link rows: the row
    of the party each was reached from and the other's row (its own link on the key),
    the subject's code and the hop (1 or 2), one entry per link followed."""

    left: np.ndarray
    other: np.ndarray
    subject: np.ndarray
    hop: np.ndarray


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
    reach = neighbourhood_rows(index, subjects, hops, limit)
    subject = index.parties.take(reach.subject).astype("str")
    frame = index.pair_frame(reach.left, reach.other)
    return frame.assign(subject=subject.to_numpy(), hop=reach.hop)


def neighbourhood_rows(
    index: LinkIndex, subjects: list[str], hops: int = 2, limit: int = 40
) -> Reach:
    """`neighbourhood` on the codes of the index: the pairs of the subjects (hop 1), then
    of the parties they reach (hop 2: a party not already one hop away, nor the subject),
    each party counted once per subject in the order met, the first `limit` kept."""
    party = index.party_of_row
    size = np.int64(len(index.parties) + 1)
    subject_codes = index.codes_of(subjects)
    left, other = index.pair_rows(subject_codes)
    subject, hop = party[left], np.ones(len(left), dtype=np.int64)
    if hops >= 2 and len(left):
        near = subject * size + party[other]
        codes, known = pd.factorize(near)
        via = first_of_codes(codes)  # (subject, other) once each, in the order met
        via_subject, via_party = subject[via], party[other[via]]
        left2, other2 = index.pair_rows(np.unique(via_party))
        # each second pair once per subject that reached its party, in the order of `via`
        order = np.argsort(via_party, kind="stable")
        offsets = np.zeros(len(index.parties) + 1, dtype=np.int64)
        np.cumsum(np.bincount(via_party, minlength=len(index.parties)), out=offsets[1:])
        reached = party[left2]
        at = _spans(offsets, reached)
        pair = np.repeat(np.arange(len(left2)), offsets[reached + 1] - offsets[reached])
        subject2 = via_subject[order[at]]
        left2, other2 = left2[pair], other2[pair]
        keep = (subject2 != party[other2]) & ~_among(subject2 * size + party[other2], known)
        left = np.concatenate([left, left2[keep]])
        other = np.concatenate([other, other2[keep]])
        subject = np.concatenate([subject, subject2[keep]])
        hop = np.concatenate([hop, np.full(int(keep.sum()), 2, dtype=np.int64)])
    # the first `limit` parties of each subject, in the order met
    met = subject * size + party[other]
    which, _ = pd.factorize(met)  # the distinct (subject, party), numbered in the order met
    first = first_of_codes(which)
    rank = _rank_within(subject[first], subject_codes, len(index.parties))
    # each entry kept when its (subject, party) is among the subject's first `limit`
    keep = (rank < limit)[which]
    return Reach(left[keep], other[keep], subject[keep], hop[keep])


def _rank_within(owner: np.ndarray, owners: np.ndarray, size: int) -> np.ndarray:
    """Each entry's rank among the entries of its owner (a party code among the distinct
    `owners`, codes below `size`), in order: 0 for an owner's first entry, 1 for its
    second ... The owners are numbered 0..n-1 first, so that a batch's few thousand of them
    fit 16 bits and sort by radix (a stable sort of small integers) in one pass."""
    dense = np.full(size, -1, dtype=np.int64)
    dense[owners] = np.arange(len(owners))
    numbered = dense[owner]
    if len(owners) < np.iinfo(np.int16).max:
        numbered = numbered.astype(np.int16)
    order = np.argsort(numbered, kind="stable")
    grouped = numbered[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])
    counts = np.diff(np.r_[starts, len(grouped)])
    rank = np.empty(len(owner), dtype=np.int64)
    rank[order] = np.arange(len(owner)) - np.repeat(starts, counts)
    return rank


def _among(values: np.ndarray, known: np.ndarray) -> np.ndarray:
    """`np.isin(values, known)` for integers, on a hash table (pandas') instead of a sort
    or a binary search per value: a tenth of the time for millions of values."""
    found: np.ndarray = pd.Series(values).isin(known).to_numpy(dtype=bool)
    return found


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
