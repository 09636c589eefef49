"""The nodes of the ownership graph screened against the watchlist: node keys, one batch
screening of every node name, and that screening kept on disk while the nodes stay the
same."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from typing import Any

import pandas as pd

NODE_LIST = "OWN"  # the list code of ownership nodes in the matcher that resolves parties
RESOLUTION_COLUMNS: tuple[str, ...] = ("entry_id", "list", "list_code", "matched_name", "score")


def normalized(names: pd.Series) -> pd.Series:
    """Node keys: case-folded, spaces collapsed."""
    return names.astype(str).str.casefold().str.split().str.join(" ")


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
