"""The share arithmetic of the ownership graph, on sparse matrices: shares flowing down the
chains (`propagate`), both figures of one list group (`group_shares`: the listed share and
the blocked share of OFAC's 50 % rule) and the strongest chain behind a figure
(`strongest_path`)."""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse


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
