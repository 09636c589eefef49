"""The one error a user sees when a file is not the watchlist it claims to be."""

from __future__ import annotations

from flows.errors import ListFormatError

EXPECTED_FORMATS = (
    "expected CSL CSV with columns _id,source,entity_number,type,programs,name,…, "
    "CSL JSON with a results array, OFAC sdn.csv/add.csv/alt.csv/sdn_comments.csv, "
    "OFAC cons_prim.csv/cons_add.csv/cons_alt.csv/cons_comments.csv, UN consolidated XML, "
    "OpenSanctions FtM JSON lines or targets.simple.csv, "
    "or a custom CSV id,name,aliases,country,address,list,notes"
)


class WatchlistFormatError(ListFormatError):
    """A file that is not a watchlist, or not the format it claims; the message is one line."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))
