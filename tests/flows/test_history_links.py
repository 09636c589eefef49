"""The network's links over the kept history, cached per history part: the same links as
computed over all the orders at once, a cache reused while its part is unchanged, a stale
cache (part rewritten, other contact rules) built again, and a part that straddles the
look-back start linked over its recent orders only."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml

from detectors.network.links import contact_rules, distinct, order_links
from detectors.schema import CANONICAL_COLUMNS, canonical_dtype
from flows.history import TransactionHistory
from flows.history_links import HistoryLinks, history_links, keep_own_links, run_contact_rules

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


POLICY = yaml.safe_load((CONFIGS / "policy" / "default.yaml").read_text())
NETWORK = yaml.safe_load((CONFIGS / "pipeline.yaml").read_text())["network"]


@pytest.fixture(scope="module")
def rules():
    matching = yaml.safe_load((CONFIGS / "matching.yaml").read_text())
    return contact_rules(POLICY, matching["names"]["address_abbreviations"], NETWORK)


def canonical(rows: list[dict]) -> pd.DataFrame:
    """Canonical order lines (every canonical column, typed) from a few fields each."""
    base = {"customer_country": "SG", "ship_to_country": "SG", "item_sku": "X",
            "item_description": "x", "quantity": 1.0, "unit_price": 1.0, "currency": "USD"}  # fmt: skip
    frame = pd.DataFrame([{**base, **r} for r in rows])
    blank = {"int64": 0, "bool": False}
    return pd.DataFrame({
        c: (frame[c] if c in frame else pd.Series([blank.get(canonical_dtype(c))] * len(frame)))
        .astype(canonical_dtype(c))
        for c in CANONICAL_COLUMNS
    })  # fmt: skip


def day(day_text: str, prefix: str, shared: str) -> pd.DataFrame:
    """A day's orders: customers sharing an address and a payer with the other days'."""
    return canonical([
        {"transaction_id": f"{prefix}-1", "order_date": day_text, "customer_id": f"{prefix}A",
         "customer_name": f"{prefix} Alpha Pte Ltd",
         "customer_address": "12 Jalan Besar Rd, #03-01, Singapore", "payer_name": shared},
        {"transaction_id": f"{prefix}-2", "order_date": day_text, "customer_id": f"{prefix}B",
         "customer_name": f"{prefix} Beta Pte Ltd", "customer_phone": "+65 6123 4567",
         "customer_email": f"sales@{prefix.lower()}beta.com.sg", "ship_to_name": "Gamma Logistics",
         "ship_to_address": "3 Changi South Lane, Singapore 486118"},
    ])  # fmt: skip


def as_set(links: pd.DataFrame) -> set[tuple[str, str, str]]:
    return set(zip(links["party"], links["key"], links["link"], strict=True))


def test_cached_history_links_are_the_links_of_all_the_orders_at_once(tmp_path, rules):
    history = TransactionHistory(tmp_path / "history")
    days = {
        "run1": day("2026-01-05", "D1", "Orchid Pay"),
        "run2": day("2026-02-05", "D2", "Orchid Pay"),
    }
    for run, orders in days.items():
        history.append(orders, run, part="-0000")
    today = day("2026-03-05", "D3", "Orchid Pay")
    history.append(today, "run3", part="-0000")
    every = order_links(pd.concat([today, *days.values()], ignore_index=True), rules)

    links, _codes, tally = history_links(
        tmp_path / "history", rules, "run3", ["-0000"], [], date(2025, 1, 1)
    )
    assert as_set(links) == as_set(every)
    assert len(links) == len(every)  # one row per (party, key), as before
    assert (tally.cached, tally.computed) == (0, 3)

    again, _codes, tally = history_links(
        tmp_path / "history", rules, "run3", ["-0000"], [], date(2025, 1, 1)
    )
    assert as_set(again) == as_set(every)
    assert (tally.cached, tally.computed, tally.stale) == (3, 0, 0)
    assert sorted(p.name for p in (tmp_path / "history" / "links").iterdir()) == [
        "part-run1-0000.arrow", "part-run2-0000.arrow", "part-run3-0000.arrow"
    ]  # fmt: skip


def test_a_rewritten_part_or_other_contact_rules_make_its_cache_stale(tmp_path, rules):
    root = tmp_path / "history"
    history = TransactionHistory(root)
    history.append(day("2026-01-05", "D1", "Orchid Pay"), "run1", part="-0000")
    store = HistoryLinks(root, rules)
    assert store.since(None)
    # the part replaced by other orders (another payer): the cache no longer fits it
    part = root / "part-run1-0000.parquet"
    part.unlink()
    history.append(day("2026-01-05", "D1", "Lotus Remit"), "run1", part="-0000")
    os.utime(part, ns=(part.stat().st_atime_ns, part.stat().st_mtime_ns + 10**9))
    store = HistoryLinks(root, rules)
    links = pd.concat(store.since(None))
    assert store.tally.stale == 1 and store.tally.computed == 1
    assert "payer:lotus remit" in set(links["key"]) and "payer:orchid pay" not in set(links["key"])
    # other contact rules (no street abbreviations): built again, with the new keys
    bare = contact_rules(POLICY, {}, NETWORK)
    store = HistoryLinks(root, bare)
    links = pd.concat(store.since(None))
    assert store.tally.stale == 1
    assert as_set(links) == as_set(order_links(day("2026-01-05", "D1", "Lotus Remit"), bare))


def test_a_part_straddling_the_look_back_start_is_linked_over_its_recent_orders(tmp_path, rules):
    root = tmp_path / "history"
    history = TransactionHistory(root)
    old, recent = day("2020-01-05", "OLD", "Orchid Pay"), day("2026-01-05", "NEW", "Orchid Pay")
    history.append(pd.concat([old, recent], ignore_index=True), "run1", part="-0000")
    history.append(day("2019-06-01", "OLDER", "Lotus Remit"), "run0", part="-0000")
    store = HistoryLinks(root, rules)
    links = distinct(store.since(date(2025, 1, 1)))
    assert as_set(links) == as_set(order_links(recent, rules))
    assert (store.tally.straddling, store.tally.older, store.tally.computed) == (1, 1, 0)
    # from further back, the whole part counts, and is cached
    store = HistoryLinks(root, rules)
    links = distinct(store.since(date(2019, 12, 1)))
    assert as_set(links) == as_set(order_links(pd.concat([old, recent]), rules))
    assert (store.tally.computed, store.tally.older) == (1, 1)


def test_the_cache_of_a_part_gone_from_the_history_is_dropped(tmp_path, rules):
    root = tmp_path / "history"
    TransactionHistory(root).append(day("2026-01-05", "D1", "Orchid Pay"), "run1", part="-0000")
    HistoryLinks(root, rules).since(None)
    assert (root / "links" / "part-run1-0000.arrow").exists()
    (root / "part-run1-0000.parquet").unlink()
    HistoryLinks(root, rules).since(None)
    assert not (root / "links" / "part-run1-0000.arrow").exists()


def test_a_part_linked_by_its_partition_task_is_read_from_its_cache(tmp_path, rules):
    root = tmp_path / "history"
    history = TransactionHistory(root)
    history.append(day("2026-01-05", "D1", "Orchid Pay"), "run1", part="-0000")
    today = day("2026-02-05", "D2", "Orchid Pay")
    history.append(today, "run2", part="-0000")
    every = order_links(pd.concat([today, day("2026-01-05", "D1", "Orchid Pay")]), rules)
    # the partition task links the part it wrote: cached beside it, nothing returned
    keep_own_links(root, rules, "run2", "-0000")
    cache = root / "links" / "part-run2-0000.arrow"
    assert cache.exists()
    written = cache.stat().st_mtime_ns
    links, _codes, tally = history_links(root, rules, "run2", ["-0000"], [], None, linked={"-0000"})
    assert as_set(links) == as_set(every) and len(links) == len(every)
    assert cache.stat().st_mtime_ns == written  # read, not built again
    # the run's part counts as computed (by its task), the earlier one as computed here
    assert (tally.cached, tally.computed, tally.stale) == (0, 2, 0)
    # a later run reads both from their caches, and says so
    _links, _codes, tally = history_links(root, rules, "run3", [], [], None)
    assert (tally.cached, tally.computed) == (2, 0)


def test_a_run_without_the_network_has_no_contact_rules(tmp_path):
    from flows.settings import RunSettings

    on = RunSettings.load()
    config = tmp_path / "no-network.yaml"
    config.write_text("network: {enabled: false}\n")
    assert run_contact_rules(POLICY, on) is not None
    assert run_contact_rules(POLICY, RunSettings.load(config)) is None


def test_a_cache_kept_as_parquet_by_older_code_is_dropped_and_built_again(tmp_path, rules):
    root = tmp_path / "history"
    TransactionHistory(root).append(day("2026-01-05", "D1", "Orchid Pay"), "run1", part="-0000")
    links = HistoryLinks(root, rules).since(None)
    older = root / "links" / "part-run1-0000.parquet"
    pd.concat(links).to_parquet(older)
    store = HistoryLinks(root, rules)
    again = store.since(None)
    assert as_set(pd.concat(again)) == as_set(pd.concat(links))
    assert store.tally.cached == 1 and not older.exists()
    # an Arrow cache that cannot be read is stale: built again, and read the next time
    (root / "links" / "part-run1-0000.arrow").write_bytes(b"not an Arrow file")
    store = HistoryLinks(root, rules)
    assert as_set(pd.concat(store.since(None))) == as_set(pd.concat(links))
    assert (store.tally.stale, store.tally.computed) == (1, 1)
    store = HistoryLinks(root, rules)
    store.since(None)
    assert (store.tally.cached, store.tally.stale) == (1, 0)
