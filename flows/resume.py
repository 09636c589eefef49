"""A daily run killed part-way is finished by the next run on the same inputs.

Each run leaves a pending marker, `<workspace>/runs/.pending/<key>.json`, from its start
until its `run_summary.json` is written; the key is a digest of what the run was given
(order and list files by content, settings file by content, column map, partitions,
output folder). A run that finds a marker for its key takes over the killed run: the same
run id, start time and output folder. Its leftover work folder is removed, its history
parts are rewritten (they are named by run id), and the case store, which already holds
the batches the killed run committed, reports their cases as unchanged: those are
counted and written as the action the killed run recorded for them (opened, follow-up,
updated), so that the rerun's counts and case files are those of a clean run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PENDING_FOLDER = ".pending"
RUN_SUMMARY = "run_summary.json"


def _fingerprint(item: str) -> Any:
    """A file by its content, a folder by its files' names, sizes and times, else the text."""
    from flows.ingest.sources import is_url

    if is_url(item) and not item.startswith("file://"):
        return item
    path = Path(item.removeprefix("file://"))
    if path.is_file():
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return [str(path.resolve()), digest.hexdigest()]
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file())
        return [str(path.resolve())] + [
            [str(p.relative_to(path)), p.stat().st_size, p.stat().st_mtime_ns] for p in files
        ]
    if any(ch in item for ch in "*?["):
        import glob

        return [item] + [_fingerprint(m) for m in sorted(glob.glob(item))]
    return item


def run_key(
    transactions: Sequence[str],
    watchlist: Sequence[str] | None,
    config: str | None,
    column_map: str | None,
    partitions: int | None,
    out: str | None,
) -> str:
    """The digest a rerun of the same run finds again."""
    given = {
        "transactions": [_fingerprint(str(t)) for t in transactions],
        "watchlist": [_fingerprint(str(w)) for w in watchlist or []],
        "config": _fingerprint(config) if config else None,
        "column_map": _fingerprint(column_map) if column_map else None,
        "partitions": partitions,
        "out": str(Path(out).resolve()) if out else None,
    }
    text = json.dumps(given, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Claimed:
    run_id: str
    started_at: datetime
    out: Path
    resumed: bool


def marker_path(runs: Path, key: str) -> Path:
    return runs / PENDING_FOLDER / f"{key}.json"


def claim_run(
    runs: Path, work: Path, key: str, out: str | None, prefix: str, new_id: Callable[[], str]
) -> Claimed:
    """The run to do for `key`: the killed one it finds pending (its work folder removed),
    else a new one, marked pending."""
    marker = marker_path(runs, key)
    if marker.is_file():
        try:
            found = json.loads(marker.read_text(encoding="utf-8"))
            claimed = Claimed(
                found["run_id"],
                datetime.fromisoformat(found["started_at"]),
                Path(found["out"]),
                True,
            )
        except (ValueError, KeyError, TypeError):
            claimed = None  # an unreadable marker: start afresh
            found = {}
        if (
            claimed is not None
            and not (claimed.out / RUN_SUMMARY).is_file()
            and not still_running(found)
        ):
            shutil.rmtree(work / claimed.run_id, ignore_errors=True)
            claimed.out.mkdir(parents=True, exist_ok=True)
            return claimed
    run_id = new_id()
    out_dir = Path(out) if out else runs / f"{prefix}{run_id}"
    out_dir.mkdir(parents=True, exist_ok=True)
    claimed = Claimed(run_id, datetime.now(UTC), out_dir, False)
    marker.parent.mkdir(parents=True, exist_ok=True)
    temporary = marker.with_suffix(".tmp")
    temporary.write_text(
        json.dumps(
            {
                "run_id": run_id,
                "started_at": claimed.started_at.isoformat(),
                "out": str(out_dir.resolve()),
                "pid": os.getpid(),
                "host": socket.gethostname(),
            }
        ),
        encoding="utf-8",
    )
    temporary.replace(marker)
    return claimed


def still_running(marker: dict[str, Any]) -> bool:
    """Whether the run of a marker is still going in another process of this machine (the
    same inputs run twice at once): that run is not taken over."""
    pid = marker.get("pid")
    if not isinstance(pid, int) or pid == os.getpid() or marker.get("host") != socket.gethostname():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie has ended
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def finish_run(runs: Path, key: str) -> None:
    """The run's summary is written: it is no longer pending."""
    marker_path(runs, key).unlink(missing_ok=True)


# What the killed run did to a case, by the events it recorded.
def actions_before(store: Any, run_id: str, upserts: list[Any]) -> list[Any]:
    """`upserts` of a resumed run, with each case reported unchanged because the killed
    run had already stored it given back the action that run recorded, and the case loaded
    (its files are written again)."""
    import sqlalchemy as sa

    from cases import tables as t
    from cases.dedup import chunks

    waiting = sorted({u.case_id for u in upserts if u.action == "unchanged" and u.case_id})
    if not waiting:
        return upserts
    recorded: dict[str, str] = {}
    with store.engine.connect() as conn:
        for ids in chunks(waiting, 500):
            rows = conn.execute(
                sa.select(t.events.c.case_id, t.events.c.event, t.events.c.details_json).where(
                    t.events.c.run_id == run_id,
                    t.events.c.case_id.in_(list(ids)),
                    t.events.c.event.in_(("opened", "updated")),
                )
            ).all()
            for case_id, event, details in rows:
                if event == "opened":
                    follow = "follow_up_of" in json.loads(details or "{}")
                    recorded[case_id] = "follow_up" if follow else "opened"
                else:
                    recorded.setdefault(case_id, "updated")
    if not recorded:
        return upserts
    cases = {c.case_id: c for c in store.get_cases(sorted(recorded))}
    for upsert in upserts:
        if upsert.action == "unchanged" and upsert.case_id in recorded:
            upsert.action = recorded[upsert.case_id]
            upsert.case = cases.get(upsert.case_id)
    return upserts
