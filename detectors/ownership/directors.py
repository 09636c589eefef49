"""Directorship links of the ownership graph: organisations that share a director with a
listed organisation, or whose director is listed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from detectors.ownership.screen import OwnershipScreen


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
