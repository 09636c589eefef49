"""Ownership screening: how much of each party listed parties own, through every chain.

The links (`watchlists.ownership.LINK_COLUMNS`) become a graph of named nodes. Every node
is screened once, in one batch, against the watchlist with the project's matcher; the
shares then flow down the chains as sparse-matrix products (multiplying down a chain,
adding across paths and across listed owners), a depth cap ending what a cycle would
repeat. Two figures per node and list group:

- `listed_share`: the share held by listed owners, through chains of unlisted companies,
  each path counted once (the effective share an investigator reads off the chain);
- `blocked_share`: the share held by listed owners *and* by companies themselves 50 % or
  more owned by them (OFAC's 50 % rule, applied again at every level until nothing
  changes): a listed owner holding 50 % of A, which holds 50 % of B, blocks B.

Order parties are resolved to nodes with the matcher too (`resolve_parties`), and the
chain behind a figure is traced back for the case file (`chains`).
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import math
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from scipy import sparse

T = TypeVar("T")

NODE_LIST = "OWN"  # the list code of ownership nodes in the matcher that resolves parties
RESOLUTION_COLUMNS: tuple[str, ...] = ("entry_id", "list", "list_code", "matched_name", "score")


@dataclass(frozen=True)
class ShareSettings:
    """How far the shares are followed (configs/pipeline.yaml `ownership`)."""

    max_depth: int = 30  # links followed down one chain; a cycle stops here
    tolerance: float = 1e-9  # shares below this are dropped while propagating
    max_chains: int = 3  # listed owners shown per flag, largest first

    @classmethod
    def from_config(cls, config: dict[str, Any] | None) -> ShareSettings:
        config = config or {}
        return cls(
            max_depth=int(config.get("max_depth", cls.max_depth)),
            tolerance=float(config.get("tolerance", cls.tolerance)),
            max_chains=int(config.get("max_chains", cls.max_chains)),
        )


def normalized(names: pd.Series) -> pd.Series:
    """Node keys: case-folded, spaces collapsed."""
    return names.astype(str).str.casefold().str.split().str.join(" ")


@dataclass
class GroupShares:
    """The shares of one list group (e.g. SDN; EL+MEU+SDN) in every node."""

    lists: tuple[str, ...]
    listed: np.ndarray  # bool per node: the node itself matches an entry of the group
    listed_share: np.ndarray  # 0..1 per node
    blocked_share: np.ndarray  # 0..1 per node
    blocked: np.ndarray  # bool per node: listed, or owned 50 % or more by blocked owners
    tops: sparse.csc_matrix  # (listed nodes x nodes) effective share of each listed owner
    top_nodes: np.ndarray  # node number of each row of `tops`


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


def kept_hits(path: Path | None, nodes: pd.DataFrame, matcher: Any) -> tuple[pd.DataFrame, bool]:
    """`screen_nodes`, kept at `path` (a pickle of the hits and the node keys they were
    found for) and read back from it while the node keys are the same; and whether it
    was read back."""
    keys = hashlib.sha256("\n".join(nodes["key"].astype(str)).encode()).hexdigest()
    if path is not None and path.exists():
        try:
            with path.open("rb") as fh:
                kept_keys, hits = pickle.load(fh)
            if kept_keys == keys:
                return hits, True
        except Exception:  # unreadable or from another version: screen again
            pass
    hits = screen_nodes(nodes, matcher)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        with temporary.open("wb") as fh:
            pickle.dump((keys, hits), fh, protocol=pickle.HIGHEST_PROTOCOL)
        temporary.replace(path)
    return hits, False


def screen_nodes(nodes: pd.DataFrame, matcher: Any) -> pd.DataFrame:
    """Every node name against the watchlist, in one batch: one row per (node, entry)."""
    columns = ["node", *RESOLUTION_COLUMNS, "explanation"]
    if matcher is None or nodes.empty:
        return pd.DataFrame(columns=columns)
    parties = pd.DataFrame(
        {
            "party_id": nodes["node"].astype(str),
            "name": nodes["name"],
            "country": nodes["country"],
            "type": nodes["type"],
        }
    )
    found = matcher.screen(parties)
    if found.empty:
        return pd.DataFrame(columns=columns)
    found = found[found["match_kind"] == "name"]
    return found.assign(node=found["party_id"].astype(int))[columns].reset_index(drop=True)


def propagate(
    w: sparse.csr_matrix, start: sparse.csr_matrix, passable: np.ndarray, settings: ShareSettings
) -> sparse.csr_matrix:
    """start + start·D·W + start·(D·W)² + …, D keeping the nodes a share passes through;
    stops when nothing above the tolerance moves, or at the depth cap (a cycle)."""
    through = sparse.diags(passable.astype(float)) @ w
    total = start.tocsr(copy=True)
    step = start.tocsr()
    for _ in range(settings.max_depth - 1):
        step = step @ through
        step.data[step.data < settings.tolerance] = 0.0
        step.eliminate_zeros()
        if step.nnz == 0:
            break
        total = total + step
    return total


def group_shares(
    w: sparse.csr_matrix,
    listed: np.ndarray,
    lists: tuple[str, ...],
    threshold: float,
    settings: ShareSettings,
) -> GroupShares:
    """Both figures of the module docstring for one list group, whole-matrix."""
    n = w.shape[0]
    top_nodes = np.flatnonzero(listed)
    pick = sparse.csr_matrix(
        (np.ones(len(top_nodes)), (np.arange(len(top_nodes)), top_nodes)), shape=(len(top_nodes), n)
    )
    tops = propagate(w, pick @ w, ~listed, settings)
    listed_share = np.minimum(np.asarray(tops.sum(axis=0)).ravel(), 1.0)
    blocked = listed.copy()
    held = np.zeros(n)
    for _ in range(settings.max_depth):
        start = sparse.csr_matrix(blocked.astype(float)) @ w
        held = np.minimum(
            np.asarray(propagate(w, start, ~blocked, settings).todense()).ravel(), 1.0
        )
        grown = blocked | (held >= threshold - 1e-12)
        if (grown == blocked).all():
            break
        blocked = grown
    return GroupShares(lists, listed, listed_share, held, blocked, tops.tocsc(), top_nodes)


def strongest_path(
    incoming: sparse.csc_matrix,
    top: int,
    node: int,
    passable: np.ndarray,
    settings: ShareSettings,
) -> list[int]:
    """The chain from `top` down to `node` with the largest product of shares, through
    passable nodes only (Dijkstra on -log share, searched upwards from `node`)."""
    best = {node: 0.0}
    after: dict[int, int] = {}
    depth = {node: 0}
    queue = [(0.0, node)]
    while queue:
        cost, current = heapq.heappop(queue)
        if current == top:
            break
        if cost > best.get(current, math.inf) or depth[current] >= settings.max_depth:
            continue
        if current != node and not passable[current]:
            continue
        start, end = incoming.indptr[current], incoming.indptr[current + 1]
        for owner, share in zip(incoming.indices[start:end], incoming.data[start:end], strict=True):
            owner = int(owner)
            if share <= 0:
                continue
            total = cost - math.log(share)
            if total < best.get(owner, math.inf) - 1e-15:
                best[owner], after[owner], depth[owner] = total, current, depth[current] + 1
                heapq.heappush(queue, (total, owner))
    if top not in after:
        return [top, node]
    path = [top]
    while path[-1] != node:
        path.append(after[path[-1]])
    return path


def directed_alongside(links: pd.DataFrame, listed: np.ndarray) -> np.ndarray:
    """Organisations that share a director with a listed organisation, or whose director
    is listed."""
    boards = directors(links)
    if boards.empty:
        return np.empty(0, dtype=np.int64)
    by_listed = boards[listed[boards["org"].to_numpy()]]
    shared = boards.merge(by_listed, on="director", suffixes=("", "_listed"))
    shared = shared[shared["org"] != shared["org_listed"]]
    listed_director = boards[listed[boards["director"].to_numpy()]]
    return np.unique(np.r_[shared["org"].to_numpy(), listed_director["org"].to_numpy()])


def directors(links: pd.DataFrame) -> pd.DataFrame:
    """(director, org) node pairs of the directorship links."""
    board = links[links["relation"] == "directorship"]
    return pd.DataFrame(
        {
            "director": board["owner_node"].to_numpy(dtype=np.int64),
            "org": board["owned_node"].to_numpy(dtype=np.int64),
        }
    ).drop_duplicates()


def shared_directors(screen: OwnershipScreen, lists: tuple[str, ...]) -> pd.DataFrame:
    """One row per (org, director, listed org or listed director): the org shares the
    director with an organisation on `lists`, or its director is listed himself."""
    columns = ["org", "director", "listed_node"]
    boards = directors(screen.links)
    if boards.empty:
        return pd.DataFrame(columns=columns)
    listed = screen.listed_nodes(lists)
    by_listed = boards[listed[boards["org"].to_numpy()]].rename(columns={"org": "listed_node"})
    shared = boards.merge(by_listed, on="director")
    shared = shared[shared["org"] != shared["listed_node"]]
    himself = boards[listed[boards["director"].to_numpy()]].assign(
        listed_node=lambda f: f["director"]
    )
    return pd.concat([shared, himself], ignore_index=True)[columns].drop_duplicates()


def resolved_links(screen: OwnershipScreen) -> pd.DataFrame:
    """The ownership and directorship links with the resolution of both ends to list
    entries (best hit each; empty when the name matched no entry): owner_name,
    owned_name, relation, share, source, as_of, origin, owner_node, owned_node, and
    owner_/owned_ entry_id, list, list_code, matched_name, score."""
    best = (
        screen.hits.sort_values("score", ascending=False, kind="stable")
        .drop_duplicates("node")
        .set_index("node")[list(RESOLUTION_COLUMNS)]
    )
    out = screen.links.rename(columns={"owner": "owner_name", "owned": "owned_name"})
    for end in ("owner", "owned"):
        found = best.reindex(out[f"{end}_node"].to_numpy())
        for column in RESOLUTION_COLUMNS:
            out[f"{end}_{column}"] = found[column].to_numpy()
    return out.reset_index(drop=True)


def resolution_report(screen: OwnershipScreen, sample: int = 20) -> dict[str, Any]:
    """What the run made of the ownership names, for run_summary.json: how many owners
    matched a list entry, how many did not, and the names the matcher cannot read at all
    (kept in the graph; they resolve to nothing and flag nothing)."""
    owning = screen.links[screen.links["relation"] == "ownership"]
    owners = np.unique(owning["owner_node"].to_numpy(dtype=np.int64))
    on_lists = np.isin(owners, screen.hits["node"].to_numpy(dtype=np.int64))
    names = screen.nodes["name"].astype(str)
    unusable = names[~names.str.contains(r"\w", regex=True)]
    return {
        "snapshot": screen.snapshot.get("id"),
        "links": len(screen.links),
        "names": screen.size,
        "owners": len(owners),
        "owners_on_lists": int(on_lists.sum()),
        "owners_not_on_lists": int((~on_lists).sum()),
        "names_unusable": unusable.head(sample).tolist(),
        "names_unusable_count": len(unusable),
        "resolution_seconds": screen.resolution.get("seconds"),
        "resolution_reused": bool(screen.resolution.get("reused", False)),
    }
