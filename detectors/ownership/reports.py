"""What a run made of the ownership data, for its outputs: the links with both ends resolved
to list entries (`resolved_links`) and the resolution summary of run_summary.json
(`resolution_report`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from detectors.ownership.nodes import RESOLUTION_COLUMNS

if TYPE_CHECKING:
    from detectors.ownership.screen import OwnershipScreen


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
