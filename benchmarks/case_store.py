"""Case store benchmark: a large run's drafts into a store that already holds many cases.

A 1-million-row run flags a few per cent of its order lines; grouping turns them into
tens of thousands of case drafts. This script seeds a store with `--existing` cases
(10% of them cleared), then upserts `--drafts` drafts of which 40% hit open cases (half
with new evidence), 10% hit cleared cases (half with new evidence, which opens follow-ups)
and the rest are new subjects; then it lists the open queue and the overdue view.

    python benchmarks/case_store.py                      # SQLite, 100k + 50k
    python benchmarks/case_store.py --url postgresql+psycopg://...
    python benchmarks/case_store.py --load changed       # as a daily run upserts

With `--load changed` the upsert also returns the full cases it opened or updated (opened
ones built from what was written, updated ones read back), as `flows/daily.py` asks.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from cases.model import CaseDraft, CaseFlag, WatchlistMatch
from cases.store import CaseStore, RunInfo

CODES = ("L2", "F1", "P3", "Q1", "Q2", "Q4", "L1", "L4", "B1", "P4")


def order_line(tid: str, customer: str, rng: random.Random) -> dict:
    quantity = float(rng.choice((1, 2, 8, 16, 64)))
    return {
        "transaction_id": tid, "order_date": "2026-11-01", "customer_id": customer,
        "item_sku": "NV-HGX-H100-8", "item_description": "HGX H100 8-GPU server",
        "eccn": "4A090.a", "quantity": quantity, "unit_price": 289000.0, "currency": "USD",
        "order_value_usd": quantity * 289000.0, "h100_equivalents": quantity * 8,
        "ship_to_name": f"Consignee of {customer}", "ship_to_country": "SG", "route": "SG;MY",
        "payer_name": "Far East Payments Ltd", "payer_country": "HK",
    }  # fmt: skip


def make_draft(customer: int, tids: list[str], rng: random.Random, hit: bool) -> CaseDraft:
    cid = f"CUST-{customer:07d}"
    codes = dict.fromkeys((CODES[customer % 10], CODES[customer // 10 % 10]))  # stable per subject
    flags = [
        CaseFlag(code, "rule", f"red flag {code}", "medium", tids, {"ship_to_country": "SG"},
                 "KYC, Supplement 3 to 15 CFR Part 732", 0.25, f"{code} on {tids[0]}",
                 "Ask for an end-use statement")
        for code in codes
    ]  # fmt: skip
    matches = []
    if hit:
        matches.append(
            WatchlistMatch("end_user", f"End User {customer}", "Entity List", f"csl:EL-{customer}",
                           f"END USER {customer} LTD", 0.91, "token overlap", tids, "name", "EL",
                           {"name": f"END USER {customer} LTD", "addresses": []})
        )  # fmt: skip
    return CaseDraft(
        case_key=f"customer:{cid}",
        subject={"role": "customer", "name": f"Customer {customer}", "country": "SG",
                 "customer_id": cid},
        transaction_ids=tids,
        flags=flags,
        watchlist_matches=matches,
        risk_score=rng.randint(40, 95),
        priority=rng.choice(("high", "medium", "low")),
        recommended_actions=["Ask for an end-use statement", "Verify the consignee"],
        transactions=[order_line(t, cid, rng) for t in tids],
        parties=[{"role": "customer", "name": f"Customer {customer}", "country": "SG"},
                 {"role": "payer", "name": "Far East Payments Ltd", "country": "HK"}],
        versions={"watchlist": "snap-2026-11-01", "model": "gb-1"},
    )  # fmt: skip


def seed(store: CaseStore, existing: int, rng: random.Random) -> dict[int, list[str]]:
    """`existing` cases, one per customer, 10% of them cleared; returns their transactions."""
    tids = {c: [f"T-{c}-0"] for c in range(existing)}
    for start in range(0, existing, 25_000):
        chunk = range(start, min(start + 25_000, existing))
        drafts = [make_draft(c, tids[c], rng, hit=c % 20 == 0) for c in chunk]
        store.upsert_drafts(drafts, RunInfo(f"seed-{start}", datetime.now(UTC)))
    with store.engine.begin() as conn:  # bulk decisions stand in for months of review
        # a status changes only with an event recording it (the store's trigger); these
        # bulk events are not hash-chained: the benchmark store is not for `audit verify`
        conn.execute(sa.text(
            "INSERT INTO events (case_id, at, by, event, from_status, to_status, rationale) "
            "SELECT case_id, updated_at, 'bench', 'decided', status, 'cleared', 'bulk' "
            "FROM cases WHERE seq % 10 = 0"))  # fmt: skip
        conn.execute(sa.text("UPDATE cases SET status = 'cleared' WHERE seq % 10 = 0"))
    return tids


def run_drafts(existing: int, count: int, tids: dict[int, list[str]], rng: random.Random):
    drafts = []
    for n in range(count):
        roll = rng.random()
        if roll < 0.5 and existing:  # known subject: open (90%) or cleared (10%) case
            customer = rng.randrange(existing)
            new_evidence = rng.random() < 0.5
            lines = tids[customer] + ([f"T-{customer}-run-{n}"] if new_evidence else [])
        else:
            customer = existing + n
            lines = [f"T-{customer}-{i}" for i in range(rng.randint(1, 3))]
        drafts.append(make_draft(customer, lines, rng, hit=customer % 20 == 0))
    return drafts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="store URL (default: a fresh SQLite file)")
    parser.add_argument("--existing", type=int, default=100_000, help="cases already stored")
    parser.add_argument("--drafts", type=int, default=50_000, help="drafts in the run")
    parser.add_argument("--seed", type=int, default=7, help="random seed")
    parser.add_argument(
        "--load",
        choices=("none", "changed", "all"),
        default="none",
        help="which full cases the timed upsert returns (none: read separately below)",
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="redflag-bench-"))
    url = args.url or f"sqlite:///{folder / 'cases.db'}"
    store = CaseStore(url)

    started = time.perf_counter()
    tids = seed(store, args.existing, rng)
    seeded = time.perf_counter() - started
    drafts = run_drafts(args.existing, args.drafts, tids, rng)

    started, cpu = time.perf_counter(), time.process_time()
    results = store.upsert_drafts(drafts, RunInfo("bench-run", datetime.now(UTC)), load=args.load)
    upsert, upsert_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    changed = store.get_cases([r.case_id for r in results if r.action != "unchanged"])
    load_changed, load_cpu = time.perf_counter() - started, time.process_time() - cpu

    started = time.perf_counter()
    queue = store.open_queue()
    queue_s = time.perf_counter() - started
    started = time.perf_counter()
    overdue = store.overdue(at=datetime.now(UTC) + timedelta(days=4))
    overdue_s = time.perf_counter() - started
    started = time.perf_counter()
    first_page = store.list_cases(status=("open", "in_review"), limit=200)
    page_s = time.perf_counter() - started

    figures = {
        "store": url.split(":")[0],
        "existing_cases": args.existing,
        "seed_seconds": round(seeded, 1),
        "drafts": len(drafts),
        "upsert_load": args.load,
        "upsert_seconds": round(upsert, 2),
        "upsert_cpu_seconds": round(upsert_cpu, 2),
        "load_changed_cases": len(changed),
        "load_changed_seconds": round(load_changed, 2),
        "load_changed_cpu_seconds": round(load_cpu, 2),
        "actions": dict(Counter(r.action for r in results)),
        "open_queue_cases": len(queue),
        "open_queue_seconds": round(queue_s, 2),
        "overdue_cases": len(overdue),
        "overdue_seconds": round(overdue_s, 2),
        "first_page_seconds": round(page_s, 3),
        "first_page_cases": len(first_page),
    }
    figures["load_average_1min"] = round(os.getloadavg()[0], 1)  # other work on the machine
    print(json.dumps(figures, indent=2))
    store.close()


if __name__ == "__main__":
    main()
