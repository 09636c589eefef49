"""Ownership data: who owns how much of whom, and who sits on whose board.

Read from a CSV `owner,owned,share` (share in percent, 0-100; optional `owner_country`,
`owned_country`, `source`, `as_of`) or from OpenSanctions FollowTheMoney JSON lines
(`Ownership` entities: owner, asset, percentage; `Directorship`: director, organization;
the Company/Person/Organization/LegalEntity entities of the same file give the names).
Every file is read whole and checked before anything is kept: a bad row is one
`OwnershipFormatError` line naming the file and the row.

The links are kept in the workspace (`<workspace>/ownership/`) as snapshots, as the
watchlists are: `own-NNNN/links.parquet` with `snapshot.json` (files and their sha256,
loaded_at, counts), and `index.json` naming the active one, which later runs use.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from flows.errors import InputError
from watchlists.loader import file_sha256

LINK_COLUMNS: tuple[str, ...] = (
    "relation",  # ownership or directorship
    "owner",  # the owner, or the director
    "owned",  # the asset, or the organization directed
    "share",  # percent 0-100 (NaN: not stated, a directorship)
    "owner_type",  # person, entity or unknown
    "owner_country",
    "owned_country",
    "source",
    "as_of",
    "origin",  # file name and row the link was read from
)
REQUIRED_CSV = ("owner", "owned", "share")
OPTIONAL_CSV = ("owner_country", "owned_country", "source", "as_of")
FTM_SUFFIXES = (".json", ".jsonl", ".ndjson", ".ftm")
FTM_PARTIES = {"Company": "entity", "Organization": "entity", "LegalEntity": "entity",
               "PublicBody": "entity", "Person": "person"}  # fmt: skip
INDEX_FILE = "index.json"
LINKS_FILE = "links.parquet"
INFO_FILE = "snapshot.json"


class OwnershipFormatError(InputError):
    """An ownership file that cannot be used; the message names the file and the row."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


@dataclass
class OwnershipSnapshot:
    """One loaded set of ownership files."""

    id: str
    files: list[tuple[str, str]]  # (path as given, sha256)
    loaded_at: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def sha256_set(self) -> frozenset[str]:
        return frozenset(sha for _, sha in self.files)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OwnershipSnapshot:
        return cls(
            id=str(data["id"]),
            files=[(str(p), str(s)) for p, s in data.get("files", [])],
            loaded_at=str(data.get("loaded_at", "")),
            counts={str(k): int(v) for k, v in (data.get("counts") or {}).items()},
        )


# ---- reading ----------------------------------------------------------------------------


def read_ownership(path: str | Path) -> pd.DataFrame:
    """The links of one file (`LINK_COLUMNS`); the format is told by the suffix, else by
    the first character (`{`: FtM JSON lines)."""
    path = Path(path)
    if not path.is_file():
        raise OwnershipFormatError(f"{path}: no such ownership file")
    if path.suffix.lower() in FTM_SUFFIXES or _starts_with_brace(path):
        return read_ftm(path)
    return read_csv(path)


def _starts_with_brace(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{")


def read_csv(path: Path) -> pd.DataFrame:
    """An ownership CSV; each row checked (names present, share a number 0-100, as_of an
    ISO date); rows are numbered as a spreadsheet shows them (the header is row 1)."""
    try:
        raw = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skipinitialspace=True
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise OwnershipFormatError(f"{path}: not a readable CSV ({first_words(error)})") from None
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in REQUIRED_CSV if c not in raw.columns]
    if missing:
        raise OwnershipFormatError(
            f"{path}: missing column(s) {', '.join(missing)} "
            f"(expected owner,owned,share[,{','.join(OPTIONAL_CSV)}])"
        )
    frame = raw.apply(lambda column: column.str.strip())
    rows = pd.Series(range(2, len(frame) + 2), index=frame.index)
    for column in ("owner", "owned"):
        empty = frame[column] == ""
        if empty.any():
            raise OwnershipFormatError(f"{path}: row {rows[empty].iloc[0]}: empty {column}")
    share = checked_shares(frame["share"], rows, path, "row")
    as_of = checked_dates(frame.get("as_of"), rows, path, "row")
    return links_frame(
        relation="ownership",
        owner=frame["owner"],
        owned=frame["owned"],
        share=share,
        owner_type="unknown",
        owner_country=frame.get("owner_country"),
        owned_country=frame.get("owned_country"),
        source=frame["source"].where(frame["source"] != "", path.name)
        if "source" in frame
        else path.name,
        as_of=as_of,
        origin=path.name + ":" + rows.astype(str),
    )


def checked_shares(values: pd.Series, rows: pd.Series, path: Path, unit: str) -> pd.Series:
    """Percent 0-100 ('60', '60%', '60.5'); the first bad one raises naming its row."""
    text = values.astype(str).str.strip().str.rstrip("%").str.strip()
    share = pd.to_numeric(text, errors="coerce")
    bad = share.isna() & (text != "")
    if bad.any():
        first = bad.to_numpy().nonzero()[0][0]
        raise OwnershipFormatError(
            f"{path}: {unit} {rows.iloc[first]}: share {values.iloc[first]!r} is not a number "
            "(expected percent 0-100)"
        )
    out = (share < 0) | (share > 100)
    if out.any():
        first = out.to_numpy().nonzero()[0][0]
        raise OwnershipFormatError(
            f"{path}: {unit} {rows.iloc[first]}: share {values.iloc[first]!r} is outside 0-100"
        )
    return share.astype(float)


def checked_dates(values: pd.Series | None, rows: pd.Series, path: Path, unit: str) -> pd.Series:
    """ISO dates (the first ten characters of a timestamp); empty stays empty."""
    if values is None:
        return pd.Series(None, index=rows.index, dtype=object)
    text = values.astype(str).str.strip().str[:10]
    parsed = pd.to_datetime(text.where(text != ""), format="%Y-%m-%d", errors="coerce")
    bad = parsed.isna() & (text != "")
    if bad.any():
        first = bad.to_numpy().nonzero()[0][0]
        raise OwnershipFormatError(
            f"{path}: {unit} {rows.iloc[first]}: as_of {values.iloc[first]!r} is not an ISO date"
        )
    return text.where(text != "").astype(object)


def read_ftm(path: Path) -> pd.DataFrame:
    """OpenSanctions FollowTheMoney JSON lines: Ownership and Directorship entities, named
    through the party entities of the same file."""
    names: dict[str, tuple[str, str, str | None]] = {}  # id -> (name, type, country)
    links: list[dict[str, Any]] = []
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                entity = json.loads(line)
            except json.JSONDecodeError as error:
                raise OwnershipFormatError(
                    f"{path}: line {number}: not JSON ({error.msg})"
                ) from None
            if not isinstance(entity, dict) or "schema" not in entity:
                raise OwnershipFormatError(f"{path}: line {number}: not a FollowTheMoney entity")
            schema = str(entity["schema"])
            props = entity.get("properties") or {}
            if schema in FTM_PARTIES:
                name = first_of(props, "name")
                if name:
                    names[str(entity.get("id"))] = (
                        name,
                        FTM_PARTIES[schema],
                        first_of(props, "country", "jurisdiction", "mainCountry"),
                    )
            elif schema in ("Ownership", "Directorship"):
                links.append(ftm_link(entity, schema, props, number, path))
    for link in links:
        for role in ("owner", "owned"):
            ref = link[role]
            if ref not in names:
                raise OwnershipFormatError(
                    f"{path}: line {link['line']}: {link['relation']} refers to entity "
                    f"{ref!r}, which is not in the file (or has no name)"
                )
            link[f"{role}_name"], kind, link[f"{role}_country"] = names[ref]
            if role == "owner":
                link["owner_type"] = kind
    frame = pd.DataFrame(links)
    if frame.empty:
        return links_frame(relation=pd.Series([], dtype=object))
    rows = frame["line"]
    share = checked_shares(frame["share"].fillna(""), rows, path, "line")
    share[frame["relation"] == "directorship"] = float("nan")
    return links_frame(
        relation=frame["relation"],
        owner=frame["owner_name"],
        owned=frame["owned_name"],
        share=share,
        owner_type=frame["owner_type"],
        owner_country=frame["owner_country"],
        owned_country=frame["owned_country"],
        source=frame["source"],
        as_of=checked_dates(frame["as_of"].fillna(""), rows, path, "line"),
        origin=path.name + ":" + rows.astype(str),
    )


def ftm_link(
    entity: dict[str, Any], schema: str, props: dict[str, Any], number: int, path: Path
) -> dict[str, Any]:
    ends = ("owner", "asset") if schema == "Ownership" else ("director", "organization")
    refs = [first_of(props, end) for end in ends]
    for end, ref in zip(ends, refs, strict=True):
        if not ref:
            raise OwnershipFormatError(f"{path}: line {number}: {schema} without {end}")
    share = first_of(props, "percentage") if schema == "Ownership" else None
    datasets = entity.get("datasets") or []
    return {
        "relation": schema.lower(),
        "owner": refs[0],
        "owned": refs[1],
        "share": share,
        "source": first_of(props, "publisher", "sourceUrl")
        or (str(datasets[0]) if datasets else path.name),
        "as_of": first_of(props, "date", "startDate", "modifiedAt")
        or str(entity.get("last_change") or entity.get("last_seen") or "")[:10]
        or None,
        "line": number,
    }


def first_of(props: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = props.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if value is not None and str(value).strip():
            return str(value).strip()
    return None


def links_frame(**columns: Any) -> pd.DataFrame:
    """A links frame with every `LINK_COLUMNS` column (scalars broadcast, None: missing)."""
    length = next((len(v) for v in columns.values() if isinstance(v, pd.Series)), 0)
    index = pd.RangeIndex(length)
    frame = pd.DataFrame(index=index)
    for name in LINK_COLUMNS:
        value = columns.get(name)
        if isinstance(value, pd.Series):
            value = value.to_numpy()
        frame[name] = pd.Series(value, index=index, dtype=float if name == "share" else object)
    for name in ("owner_country", "owned_country"):
        text = frame[name].astype(object).where(frame[name].notna(), "").astype(str)
        frame[name] = text.str.strip().str.upper().where(text.str.strip() != "", None)
    return frame


def first_words(error: BaseException) -> str:
    return str(error).splitlines()[0] if str(error).strip() else type(error).__name__


def read_files(paths: list[Path]) -> pd.DataFrame:
    """Every file's links together; nothing is returned unless every file is good."""
    frames = [read_ownership(p) for p in paths]
    frames = [f for f in frames if len(f)]
    if not frames:
        names = ", ".join(str(p) for p in paths)
        raise OwnershipFormatError(f"{names}: no ownership or directorship links")
    return pd.concat(frames, ignore_index=True)


def link_counts(links: pd.DataFrame) -> dict[str, int]:
    owning = links[links["relation"] == "ownership"]
    return {
        "links": len(links),
        "ownership_links": len(owning),
        "directorships": int((links["relation"] == "directorship").sum()),
        "owners": int(owning["owner"].nunique()),
        "owned": int(owning["owned"].nunique()),
        "share_missing": int(owning["share"].isna().sum()),
    }


# ---- the workspace's snapshots ----------------------------------------------------------


class OwnershipStore:
    """The workspace's ownership snapshots (`<workspace>/ownership/`)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _index(self) -> dict[str, Any]:
        path = self.root / INDEX_FILE
        if not path.exists():
            return {"snapshots": [], "active": None}
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data

    def _write_index(self, index: dict[str, Any]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=self.root, suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(index, stream, indent=2)
        os.replace(temp, self.root / INDEX_FILE)

    def snapshots(self) -> list[OwnershipSnapshot]:
        return [OwnershipSnapshot.from_dict(s) for s in self._index()["snapshots"]]

    def active(self) -> OwnershipSnapshot | None:
        chosen = self._index().get("active")
        return next((s for s in self.snapshots() if s.id == chosen), None)

    def links(self, snapshot_id: str) -> pd.DataFrame:
        return pd.read_parquet(self.root / snapshot_id / LINKS_FILE)

    def resolution_path(self, snapshot_id: str, watchlist_id: str, matcher_version: str) -> Path:
        """Where a snapshot's names resolved against a watchlist snapshot by a matcher
        version are kept: the next run with the same three reads them instead of
        screening every name again."""
        return self.root / snapshot_id / f"resolved-{watchlist_id}-{matcher_version}.pickle"

    def add(self, paths: list[str] | list[Path]) -> tuple[OwnershipSnapshot, bool]:
        """Read and check every file, then keep them as the active snapshot (the same
        files again: the snapshot kept before becomes active). Returns (snapshot, created)."""
        files = [Path(p) for p in paths]
        for path in files:
            if not path.is_file():
                raise OwnershipFormatError(f"{path}: no such ownership file")
        digests = [(str(p), file_sha256(p)) for p in files]
        wanted = frozenset(sha for _, sha in digests)
        known = next((s for s in self.snapshots() if s.sha256_set == wanted), None)
        if known is not None:
            self._activate(known.id)
            return known, False
        links = read_files(files)
        index = self._index()
        number = 1 + max((int(s["id"].split("-")[1]) for s in index["snapshots"]), default=0)
        info = OwnershipSnapshot(
            id=f"own-{number:04d}",
            files=digests,
            loaded_at=datetime.now(UTC).isoformat(),
            counts=link_counts(links),
        )
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=self.root, prefix=".adding-"))
        try:
            links.to_parquet(staging / LINKS_FILE, index=False)
            (staging / INFO_FILE).write_text(json.dumps(info.to_dict(), indent=2), "utf-8")
            os.replace(staging, self.root / info.id)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        index["snapshots"].append(info.to_dict())
        index["active"] = info.id
        self._write_index(index)
        return info, True

    def _activate(self, snapshot_id: str) -> None:
        index = self._index()
        index["active"] = snapshot_id
        self._write_index(index)
