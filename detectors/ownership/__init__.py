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

`screen` holds `OwnershipScreen`, which the rest of the package serves: `nodes` (node keys
and their screening against the list, kept on disk), `shares` (the sparse-matrix
arithmetic of both figures and the strongest chain), `directors` (shared directors) and
`reports` (the resolved links and the resolution summary of a run).
"""

from detectors.ownership.directors import shared_directors
from detectors.ownership.reports import resolution_report, resolved_links
from detectors.ownership.screen import OwnershipScreen
from detectors.ownership.shares import GroupShares, ShareSettings

__all__ = [
    "GroupShares", "OwnershipScreen", "ShareSettings", "resolution_report", "resolved_links",
    "shared_directors",
]  # fmt: skip
