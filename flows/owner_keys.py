"""The ownership snapshot's owner keys (`detectors.network.links.owner_keys`: the name keys
and link texts of its rows, which depend on the rows alone), kept beside the snapshot so
that each run reads them instead of making them again.

A kept file is named by a digest of the rows it was made from (their owner, owned, share
and source) and of `OWNER_KEYS_FORMAT`: other rows, or keys made by other code, look for
another file, and the one made then replaces the old.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from detectors.network.links import OWNER_KEYS_FORMAT, owner_keys

PREFIX = "network-owner-keys-"


def rows_digest(rows: pd.DataFrame) -> str:
    """A digest of the ownership rows' content, in their order."""
    hashed = pd.util.hash_pandas_object(rows.reset_index(drop=True), index=False)
    digest = hashlib.sha256(OWNER_KEYS_FORMAT.encode())
    digest.update(",".join(map(str, rows.columns)).encode())
    digest.update(hashed.to_numpy().tobytes())
    return digest.hexdigest()[:24]


def kept_owner_keys(folder: Path, rows: pd.DataFrame) -> pd.DataFrame:
    """The `owner_keys` of `rows`, read from `folder` when kept there, else made and kept
    (replacing those of other rows)."""
    path = folder / f"{PREFIX}{rows_digest(rows)}.parquet"
    if path.exists():
        try:
            keys = pd.read_parquet(path)
        except (OSError, ValueError):
            keys = None
        if keys is not None and len(keys) == len(rows):
            return keys
    keys = owner_keys(rows).reset_index(drop=True)
    folder.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    keys.to_parquet(temporary, index=False)
    temporary.replace(path)
    for other in folder.glob(f"{PREFIX}*.parquet"):
        if other != path:
            other.unlink(missing_ok=True)
    return keys
