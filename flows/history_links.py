"""The links of the network of related parties over the kept history, cached per history
part.

The history is kept in parts (`flows/history.py`: one Parquet file per partition of each
run), and a part never changes once written. The links of a part (`order_links` over its
orders) are therefore computed once and kept beside it, in `<history>/links/` (an Arrow
file per part, zstd-compressed: read back faster than Parquet), so that a
run recomputes only what is new: its own orders, and a part that straddles the start of
the look-back (whose older orders are left out). A cached file records what it was built
from (the part's name, size and modification time, and `rules_fingerprint`: the contact
rules and the link format, kept with `order_links` in `detectors/network/links.py`):
a cache that does not fit its part (rewritten, or built under other rules or by older
code) is stale, and built again.

The parts a run writes are linked by the partition tasks that write them (`keep_own_links`,
in parallel, on the files just written) and the network stage then reads their caches.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from detectors.network.links import (
    ContactRules,
    contact_rules,
    keyed_distinct,
    order_columns,
    order_links,
    rules_fingerprint,
)
from flows.history import TransactionHistory
from flows.paths import CONFIGS_DIR, read_yaml

if TYPE_CHECKING:
    from flows.settings import RunSettings

CACHE_KEY = b"redflag.history_links"
# a part's links are kept as an Arrow file (zstd): read back in a third of a Parquet
# file's time, and smaller
CACHE_SUFFIX = ".arrow"
CACHE_OPTIONS = pa.ipc.IpcWriteOptions(compression="zstd")


@dataclass
class LinkTally:
    """How a run's history links were had: parts read from the cache, parts computed (and
    cached), parts that straddle the look-back start (computed on their recent orders),
    parts left out as older than the look-back, stale caches built again."""

    cached: int = 0
    computed: int = 0
    straddling: int = 0
    older: int = 0
    stale: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "history_parts_cached": self.cached,
            "history_parts_computed": self.computed,
            "history_parts_straddling": self.straddling,
            "history_parts_older": self.older,
            "history_link_caches_stale": self.stale,
        }


class HistoryLinks:
    """The links of the history's parts, each kept in `<history>/links/<part name>`."""

    def __init__(self, history: Path, rules: ContactRules) -> None:
        self.history = TransactionHistory(history)
        self.folder = history / "links"
        self.rules = rules
        self.fingerprint = rules_fingerprint(rules)
        self.tally = LinkTally()

    def since(self, since: date | None, own_run: str | None = None) -> list[pd.DataFrame]:
        """The links of every part with orders on or after `since` (all parts when None),
        but for the parts `own_run` wrote; one frame per part, in the parts' order."""
        found = []
        for part in self.history.parts(own_run):
            links = self.part(part, since)
            if links is not None:
                found.append(links)
        self.prune()
        return found

    def own(
        self, run_id: str, partitions: list[str], linked: Collection[str] = ()
    ) -> list[pd.DataFrame]:
        """The links of the parts `run_id` wrote for the `partitions` named (their suffixes,
        such as "-0003"), cached for the next runs. Those of `linked` were computed and
        cached by their partition tasks (`keep_own_links`): read from that cache, they
        count as computed by this run, as they were."""
        found = []
        for suffix in partitions:
            path = self.history.root / f"part-{run_id}{suffix}.parquet"
            if path.exists():
                cached = self.tally.cached
                found.append(self.part(path, None))
                if suffix in linked and self.tally.cached > cached:
                    self.tally.cached, self.tally.computed = cached, self.tally.computed + 1
        return found

    def part(self, path: Path, since: date | None) -> pd.DataFrame | None:
        """A part's links over its orders on or after `since`; None when it has none."""
        identity = self._identity(path)
        cache = self.folder / f"{path.stem}{CACHE_SUFFIX}"
        first, last, links = self._read_cache(cache, identity)
        if first is None:
            first, last = _date_range(path)
        if since is not None and last is not None and last < pd.Timestamp(since):
            self.tally.older += 1
            return None
        if since is not None and first is not None and first < pd.Timestamp(since):
            self.tally.straddling += 1
            return order_links(self._orders(path, since), self.rules)
        if links is not None:
            self.tally.cached += 1
            return links
        links = order_links(self._orders(path, None), self.rules)
        self._write_cache(cache, identity, first, last, links)
        self.tally.computed += 1
        return links

    def prune(self) -> None:
        """Drops the caches of parts no longer in the history, and those kept as Parquet
        (by older code: the caches are Arrow files now)."""
        if not self.folder.exists():
            return
        kept = {p.stem for p in self.history.parts()}
        for cache in self.folder.glob("part-*"):
            if cache.suffix != CACHE_SUFFIX or cache.stem not in kept:
                cache.unlink(missing_ok=True)

    def _identity(self, path: Path) -> dict[str, str]:
        stat = path.stat()
        return {
            "part": path.name,
            "size": str(stat.st_size),
            "modified_ns": str(stat.st_mtime_ns),
            "rules": self.fingerprint,
        }

    def _read_cache(
        self, cache: Path, identity: dict[str, str]
    ) -> tuple[pd.Timestamp | None, pd.Timestamp | None, pd.DataFrame | None]:
        if not cache.exists():
            return None, None, None
        with pa.OSFile(str(cache), "rb") as file:
            try:
                reader = pa.ipc.open_file(file)
                meta = json.loads((reader.schema.metadata or {}).get(CACHE_KEY, b"{}"))
            except (OSError, ValueError, pa.ArrowException):
                meta = {}
            if {k: meta.get(k) for k in identity} != identity:
                self.tally.stale += 1
                return None, None, None
            table = reader.read_all()
        first, last = _timestamp(meta.get("first")), _timestamp(meta.get("last"))
        return first, last, table.to_pandas().astype("str")

    def _write_cache(
        self,
        cache: Path,
        identity: dict[str, str],
        first: pd.Timestamp | None,
        last: pd.Timestamp | None,
        links: pd.DataFrame,
    ) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        meta = identity | {
            "first": None if first is None else first.isoformat(),
            "last": None if last is None else last.isoformat(),
        }
        table = pa.Table.from_pandas(links, preserve_index=False)
        table = table.replace_schema_metadata({CACHE_KEY: json.dumps(meta).encode()})
        temporary = cache.with_suffix(".tmp")
        with pa.ipc.new_file(str(temporary), table.schema, options=CACHE_OPTIONS) as writer:
            writer.write_table(table)
        temporary.replace(cache)

    def _orders(self, path: Path, since: date | None) -> pd.DataFrame:
        """The part's orders (the columns the links read that it has), since a date."""
        present = set(pq.read_schema(path).names)
        columns = [c for c in order_columns() if c in present]
        dataset = ds.dataset(str(path), format="parquet")
        condition = None
        if since is not None:
            start = pa.scalar(pd.Timestamp(since), pa.timestamp("ns"))
            condition = ds.field("order_date") >= start
        return dataset.to_table(columns=columns, filter=condition).to_pandas()


def _date_range(path: Path) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    dates = pq.read_table(path, columns=["order_date"]).column(0)
    found = pc.min_max(dates)
    first, last = found["min"].as_py(), found["max"].as_py()
    return _timestamp(first), _timestamp(last)


def _timestamp(value: object) -> pd.Timestamp | None:
    if value is None:
        return None
    stamp = pd.Timestamp(value)
    return None if pd.isna(stamp) else stamp


def run_contact_rules(policy: Mapping[str, Any], settings: RunSettings) -> ContactRules | None:
    """The contact rules of a run's network (the policy pack's free-mail domains and
    calling codes, the network settings, the matcher tables' street abbreviations); None
    when the run's network is off."""
    if not settings.network_enabled:
        return None
    matching = read_yaml(CONFIGS_DIR / settings.matching_config)
    abbreviations = (matching.get("names") or {}).get("address_abbreviations") or {}
    return contact_rules(policy, abbreviations, settings.network)


def keep_own_links(history: Path, rules: ContactRules, run_id: str, partition: str) -> None:
    """Links the part `run_id` just wrote for a partition (`partition`: its suffix, such
    as "-0003") and caches them beside it: what the network stage would compute for it,
    done by the partition's task, which runs beside the others, instead of by the one
    network stage after them all."""
    HistoryLinks(history, rules).own(run_id, [partition])


def history_links(
    history: Path,
    rules: ContactRules,
    run_id: str,
    own_parts: list[str],
    fresh: list[pd.DataFrame],
    since: date | None,
    linked: Collection[str] = (),
) -> tuple[pd.DataFrame, np.ndarray, LinkTally]:
    """The links of a run's orders and of the kept history since `since`: the parts the
    run wrote (`own_parts`, whole partitions kept in the history; those of `linked`
    linked by their partition tasks already) and the earlier parts from their caches,
    `fresh` the links of the run's other orders. With the key codes of the links
    (`keyed_distinct`), which the network takes instead of numbering the keys again."""
    store = HistoryLinks(history, rules)
    own = store.own(run_id, own_parts, linked)
    earlier = store.since(since, own_run=run_id)
    links, key_codes = keyed_distinct([*own, *fresh, *earlier])
    return links, key_codes, store.tally
