"""What changed between two versions of the watchlist entries.

Entries are compared by `entry_id`: added (only in the new version), removed (only in the
old one), and changed (in both, with a different name, aliases, addresses, countries,
type, programs or license requirement; `changed_fields` names which, `;`-joined).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from watchlists.model import items_of

CSV_COLUMNS: tuple[str, ...] = (
    "change",
    "entry_id",
    "list_code",
    "type",
    "name",
    "changed_fields",
    "aliases",
    "addresses",
    "countries",
    "programs",
    "license_requirement",
)


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)


def _aliases_key(value: object) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((a["name"], a["strength"]) for a in items_of(value)))


def _addresses_key(value: object) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((a["text"], _text(a.get("country"))) for a in items_of(value)))


def _sorted_texts(value: object) -> tuple[str, ...]:
    # a missing item (None from Parquet, NaN from a parser) is no value, not the text "nan"
    return tuple(sorted(t for t in (_text(v) for v in items_of(value)) if t and t != "nan"))


# every field the matcher or the flag reads: a change in any of them can turn a miss into a hit
FIELD_KEYS: dict[str, Callable[[object], object]] = {
    "name": _text,
    "aliases": _aliases_key,
    "addresses": _addresses_key,
    "countries": _sorted_texts,
    "type": _text,
    "programs": _sorted_texts,
    "license_requirement": _text,
}
COMPARED_FIELDS: tuple[str, ...] = tuple(FIELD_KEYS)


@dataclass
class WatchlistDiff:
    """Added, removed and changed entries (frames in the entries layout)."""

    added: pd.DataFrame
    removed: pd.DataFrame
    changed: pd.DataFrame  # new version of each changed entry, plus `changed_fields`

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "removed": len(self.removed),
            "changed": len(self.changed),
        }

    def screening_entries(self) -> pd.DataFrame:
        """The entries a rescreen must look at: added and changed, in the new version."""
        return pd.concat(
            [self.added, self.changed.drop(columns="changed_fields")], ignore_index=True
        )

    def to_frame(self) -> pd.DataFrame:
        """One flat row per change (lists joined with `; `), in `CSV_COLUMNS` order."""
        parts = [
            self.added.assign(change="added", changed_fields=""),
            self.removed.assign(change="removed", changed_fields=""),
            self.changed.assign(change="changed"),
        ]
        frame = pd.concat([p for p in parts if not p.empty] or [parts[0]], ignore_index=True)
        flat = pd.DataFrame({"change": frame["change"], "entry_id": frame["entry_id"]})
        for column in CSV_COLUMNS[2:]:
            flat[column] = frame[column].map(_flat_text) if column in frame else ""
        return flat.loc[:, list(CSV_COLUMNS)]

    def to_csv(self, path: str | Path) -> Path:
        path = Path(path)
        self.to_frame().to_csv(path, index=False)
        return path


def _flat_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    items = items_of(value)
    if items and isinstance(items[0], dict):
        items = [i.get("name") or i.get("text") for i in items]
    return "; ".join(str(i) for i in items)


def diff_entries(old: pd.DataFrame, new: pd.DataFrame) -> WatchlistDiff:
    """Compare two entries frames (as built by `entries_to_frame` or read from a snapshot)."""
    old = old.drop_duplicates("entry_id").reset_index(drop=True)
    new = new.drop_duplicates("entry_id").reset_index(drop=True)
    added = new[~new["entry_id"].isin(old["entry_id"])].reset_index(drop=True)
    removed = old[~old["entry_id"].isin(new["entry_id"])].reset_index(drop=True)
    both_new = new[new["entry_id"].isin(old["entry_id"])].set_index("entry_id")
    both_old = old.set_index("entry_id").loc[both_new.index]
    changed_fields = pd.Series("", index=both_new.index, dtype="str")
    for name, key in FIELD_KEYS.items():
        before = both_old[name].map(key).tolist()
        after = both_new[name].map(key).tolist()
        # a plain bool array: an empty list would be taken as object dtype and `~` fails
        differs = np.array([b != a for b, a in zip(before, after, strict=True)], dtype=bool)
        changed_fields = changed_fields.mask(differs, changed_fields + ";" + name)
    changed_fields = changed_fields.str.lstrip(";")
    changed = both_new[changed_fields != ""].reset_index()
    changed["changed_fields"] = changed_fields[changed_fields != ""].to_numpy()
    return WatchlistDiff(added=added, removed=removed, changed=changed)


def combine_diffs(diffs: list[WatchlistDiff]) -> WatchlistDiff:
    """Several sources' diffs as one (their entry ids never overlap: ids carry the source)."""
    if len(diffs) == 1:
        return diffs[0]

    def joined(frames: list[pd.DataFrame]) -> pd.DataFrame:
        kept = [f for f in frames if not f.empty]
        return pd.concat(kept, ignore_index=True) if kept else frames[0]

    return WatchlistDiff(
        added=joined([d.added for d in diffs]),
        removed=joined([d.removed for d in diffs]),
        changed=joined([d.changed for d in diffs]),
    )
