"""The parties frame `Matcher.screen` takes: party_id, name, optional country, address,
type (person/entity/unknown, or a FollowTheMoney-like schema name) and role."""

from __future__ import annotations

import numpy as np
import pandas as pd

PARTY_KINDS = ("person", "entity", "unknown")
KIND_SYNONYMS = {
    "individual": "person",
    "company": "entity",
    "organization": "entity",
    "organisation": "entity",
    "legalentity": "entity",
}


def prepare_parties(parties: pd.DataFrame) -> pd.DataFrame:
    """Parties with every optional column and a party kind (person, entity, unknown)."""
    frame = parties.copy()
    if "party_id" not in frame:
        frame["party_id"] = [str(i) for i in range(len(frame))]
    for column in ("country", "address", "type", "role"):
        if column not in frame:
            frame[column] = np.nan
    frame = frame[frame["name"].notna() & (frame["name"].astype(str).str.strip() != "")]
    frame["name"] = frame["name"].astype(str)
    kind = (
        frame["type"].astype(object).where(frame["type"].notna(), "unknown").astype(str).str.lower()
    )
    kind = kind.replace(KIND_SYNONYMS)
    frame["kind"] = kind.where(kind.isin(PARTY_KINDS), "unknown")
    frame["country"] = frame["country"].astype(object).where(frame["country"].notna(), None)
    frame["address"] = frame["address"].astype(object).where(frame["address"].notna(), None)
    frame["role"] = frame["role"].astype(object).where(frame["role"].notna(), "name")
    return frame.reset_index(drop=True)
