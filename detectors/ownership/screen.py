"""`OwnershipScreen`: the ownership graph of a run, its nodes resolved to list entries; the
shares of a list group in every node, order parties resolved to nodes, and the chains
behind a figure as evidence for the case file."""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from scipy import sparse

from detectors.ownership.directors import directed_alongside
from detectors.ownership.nodes import NODE_LIST, RESOLUTION_COLUMNS, kept_hits, normalized
from detectors.ownership.shares import GroupShares, ShareSettings, group_shares, strongest_path

T = TypeVar("T")


@dataclass
class OwnershipScreen:
    """The ownership graph of a run, its nodes resolved to list entries."""

    links: pd.DataFrame  # LINK_COLUMNS plus owner_node, owned_node
    nodes: pd.DataFrame  # node, name, key, type, country
    hits: pd.DataFrame  # node, entry_id, list, list_code, matched_name, score (every hit)
    settings: ShareSettings = field(default_factory=ShareSettings)
    snapshot: dict[str, Any] = field(default_factory=dict)
    _groups: dict[tuple[str, ...], GroupShares] = field(default_factory=dict, repr=False)
    _party_matcher: Any = field(default=None, repr=False)
    _match_settings: Any = field(default=None, repr=False)
    resolution: dict[str, Any] = field(default_factory=dict)  # seconds, reused (a kept one)

    # ---- building -------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        links: pd.DataFrame,
        matcher: Any,
        settings: ShareSettings | None = None,
        snapshot: dict[str, Any] | None = None,
        resolved: Path | None = None,
    ) -> OwnershipScreen:
        """Nodes from the links' names, every node screened against the watchlist
        matcher (None: no list, no node is listed). `resolved`: where the screening of
        these nodes by this matcher is kept, read instead of screening again when there
        (the nodes of the same links are numbered the same way)."""
        links = links.reset_index(drop=True)
        ends = pd.DataFrame(
            {
                "name": pd.concat([links["owner"], links["owned"]], ignore_index=True),
                "type": pd.concat(
                    [links["owner_type"], pd.Series("unknown", index=links.index)],
                    ignore_index=True,
                ),
                "country": pd.concat(
                    [links["owner_country"], links["owned_country"]], ignore_index=True
                ),
            }
        )
        ends["key"] = normalized(ends["name"])
        codes, keys = pd.factorize(ends["key"])
        ends["node"] = codes
        firsts = ends.sort_values("node", kind="stable")
        countries = (
            firsts.dropna(subset=["country"]).drop_duplicates("node").set_index("node")["country"]
        )
        nodes = firsts.drop_duplicates("node")[["node", "name", "key", "type"]].reset_index(
            drop=True
        )
        nodes["country"] = countries.reindex(nodes["node"]).to_numpy()
        links = links.assign(owner_node=codes[: len(links)], owned_node=codes[len(links) :])
        started = time.perf_counter()
        hits, reused = kept_hits(resolved, nodes, matcher)
        screen = cls(links, nodes, hits, settings or ShareSettings(), dict(snapshot or {}))
        screen.resolution = {
            "seconds": round(time.perf_counter() - started, 3), "reused": reused,
        }  # fmt: skip
        return screen

    @property
    def size(self) -> int:
        return len(self.nodes)

    def matrix(self) -> sparse.csr_matrix:
        """W[i, j]: the share (0..1) node i holds directly in node j (duplicates added,
        capped at 1; a link without a share counts 0)."""
        owning = self.links[self.links["relation"] == "ownership"]
        share = owning["share"].astype(float).fillna(0.0).to_numpy() / 100.0
        w = sparse.csr_matrix(
            (share, (owning["owner_node"].to_numpy(), owning["owned_node"].to_numpy())),
            shape=(self.size, self.size),
        )
        w.sum_duplicates()
        w.data = np.minimum(w.data, 1.0)
        w.setdiag(0.0)  # a company holding its own shares gives no one control
        w.eliminate_zeros()
        return w

    # ---- shares ---------------------------------------------------------------------

    def listed_nodes(self, lists: tuple[str, ...]) -> np.ndarray:
        listed = np.zeros(self.size, dtype=bool)
        wanted = {code.upper() for code in lists}
        found = self.hits[self.hits["list_code"].astype(str).str.upper().isin(wanted)]
        listed[found["node"].to_numpy(dtype=np.int64)] = True
        return listed

    def shares(self, lists: tuple[str, ...], threshold: float = 0.5) -> GroupShares:
        """The shares of the listed parties of `lists` in every node (cached per group)."""
        key = tuple(sorted({code.upper() for code in lists})) + (f"@{threshold}",)
        if key not in self._groups:
            self._groups[key] = group_shares(
                self.matrix(), self.listed_nodes(lists), tuple(lists), threshold, self.settings
            )
        return self._groups[key]

    # ---- resolving order parties ----------------------------------------------------

    def resolve_parties(self, parties: pd.DataFrame, match_settings: Any) -> pd.DataFrame:
        """Order parties (party_id, name, optional country, role, customer_id) matched to
        the nodes that listed parties reach (owners' chains or shared directors): one row
        per (party_id, node) with the matcher's score and explanation; a customer whose
        customer_id is a node's name resolves with score 1."""
        columns = ["party_id", "node", "node_name", "score", "explanation"]
        candidates = self.reachable_nodes()
        if not len(candidates) or parties.empty:
            return pd.DataFrame(columns=columns)
        matcher = self.party_matcher(candidates, match_settings)
        found = matcher.screen(parties[[c for c in parties if c != "customer_id"]])
        if found.empty:
            found = pd.DataFrame(columns=columns)
        else:
            found = found.assign(node=found["entry_id"].str.removeprefix("own:").astype(int))
            found["node_name"] = self.nodes["name"].to_numpy()[found["node"].to_numpy()]
            found = found[columns]
        if "customer_id" in parties:
            by_key = pd.Series(candidates, index=self.nodes["key"].to_numpy()[candidates])
            ids = parties.dropna(subset=["customer_id"])
            ids = ids.assign(key=normalized(ids["customer_id"]))
            ids = ids[ids["key"].isin(by_key.index)]
            exact = pd.DataFrame(
                {
                    "party_id": ids["party_id"].to_numpy(),
                    "node": by_key.reindex(ids["key"]).to_numpy(dtype=np.int64),
                    "score": 1.0,
                    "explanation": "customer_id equals the name in the ownership data",
                }
            )
            exact["node_name"] = self.nodes["name"].to_numpy()[exact["node"].to_numpy()]
            found = pd.concat([exact[columns], found], ignore_index=True)
        found["node"] = found["node"].astype(np.int64)
        return found.sort_values("score", ascending=False, kind="stable").drop_duplicates(
            ["party_id", "node"]
        )

    def reachable_nodes(self) -> np.ndarray:
        """Nodes some listed party owns any share of, or that share a director with a
        listed organisation (the only ones an order party needs to be matched to)."""
        return self._cached("reachable", self._reachable)

    def _reachable(self) -> np.ndarray:
        listed = np.zeros(self.size, dtype=bool)
        listed[self.hits["node"].to_numpy(dtype=np.int64)] = True
        w = self.matrix()
        seen = listed.copy()
        frontier = listed.copy()
        for _ in range(self.settings.max_depth):
            step = (w.T @ frontier.astype(float)) > 0
            frontier = step & ~seen
            if not frontier.any():
                break
            seen |= frontier
        seen[directed_alongside(self.links, listed)] = True
        return np.flatnonzero(seen)

    def party_matcher(self, candidates: np.ndarray, match_settings: Any) -> Any:
        from detectors.matching import Matcher

        if self._party_matcher is None:
            nodes = self.nodes.iloc[candidates]
            entries = pd.DataFrame(
                {
                    "entry_id": "own:" + nodes["node"].astype(str),
                    "source": "ownership",
                    "list": "ownership data",
                    "list_code": NODE_LIST,
                    "type": nodes["type"].where(nodes["type"] != "unknown", "entity"),
                    "name": nodes["name"],
                    "aliases": [[] for _ in range(len(nodes))],
                    "addresses": [[] for _ in range(len(nodes))],
                    "countries": [[c] if isinstance(c, str) else [] for c in nodes["country"]],
                }
            ).reset_index(drop=True)
            self._party_matcher = Matcher.build(entries, match_settings)
        return self._party_matcher

    def _cached(self, key: str, compute: Callable[[], T]) -> T:
        """`compute()`, once per key: a key always names one computation."""
        store = self.__dict__.setdefault("_cache", {})
        if key not in store:
            store[key] = compute()
        value: T = store[key]
        return value

    # ---- evidence -------------------------------------------------------------------

    def best_hit(self, node: int, lists: tuple[str, ...]) -> dict[str, Any]:
        wanted = {code.upper() for code in lists}
        mine = self.hits[
            (self.hits["node"] == node)
            & self.hits["list_code"].astype(str).str.upper().isin(wanted)
        ]
        if mine.empty:
            return {}
        best = mine.sort_values("score", ascending=False).iloc[0]
        return {k: (float(best[k]) if k == "score" else str(best[k])) for k in RESOLUTION_COLUMNS}

    def chains(self, node: int, group: GroupShares) -> list[dict[str, Any]]:
        """The listed owners of `node` (largest effective share first, at most
        `max_chains`), each with its strongest chain of links."""
        column = group.tops.getcol(node)
        rows, shares = column.nonzero()[0], column.data
        order = np.argsort(-shares, kind="stable")[: self.settings.max_chains]
        out = []
        for row, share in zip(rows[order], shares[order], strict=True):
            top = int(group.top_nodes[row])
            path = strongest_path(self._incoming(), top, node, ~group.listed, self.settings)
            out.append(
                {
                    "listed_owner": str(self.nodes["name"].iloc[top]),
                    "listed_entry": self.best_hit(top, group.lists),
                    "effective_share": round(float(min(share, 1.0)) * 100.0, 2),
                    "links": [self.link_evidence(u, v) for u, v in itertools.pairwise(path)],
                }
            )
        return out

    def link_evidence(self, owner: int, owned: int) -> dict[str, Any]:
        row = self._link_of().get((owner, owned))
        link = self.links.iloc[row] if row is not None else None
        best = self.hits[self.hits["node"] == owner].sort_values("score", ascending=False)
        return {
            "owner": str(self.nodes["name"].iloc[owner]),
            "owned": str(self.nodes["name"].iloc[owned]),
            "share": None if link is None or pd.isna(link["share"]) else float(link["share"]),
            "source": None if link is None else clean(link["source"]),
            "as_of": None if link is None else clean(link["as_of"]),
            "origin": None if link is None else clean(link["origin"]),
            "owner_resolution_score": float(best["score"].iloc[0]) if len(best) else None,
        }

    def _incoming(self) -> sparse.csc_matrix:
        return self._cached("incoming", lambda: self.matrix().tocsc())

    def _link_of(self) -> dict[tuple[int, int], int]:
        def build() -> dict[tuple[int, int], int]:
            owning = self.links[self.links["relation"] == "ownership"]
            best = owning.sort_values("share", ascending=False, kind="stable").drop_duplicates(
                ["owner_node", "owned_node"]
            )
            keys = zip(best["owner_node"].tolist(), best["owned_node"].tolist(), strict=True)
            return dict(zip(keys, best.index.tolist(), strict=True))

        return self._cached("link_of", build)


def clean(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value
