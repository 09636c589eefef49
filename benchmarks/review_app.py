"""Review app benchmark: queue and case page latency with many cases in the store.

Fills a fresh case store with `--cases` cases (through `CaseStore.upsert_drafts`, in
batches; a tenth cleared, a fifth assigned), serves the review app with uvicorn on
127.0.0.1 and requests, as a logged-in reviewer over one keep-alive connection: the
queue's first page; filtered searches (a customer's name, a party's, a transaction id,
flag and country, list, a saved view, other sort orders, each on a random page of the
first five); queue pages with random filters and page numbers; random case pages,
`--requests` of each. Prints median and p95 latency per kind (target: first page and
filtered search each under 100 ms median).

    python benchmarks/review_app.py --cases 100000 --requests 300
    python benchmarks/review_app.py --url postgresql+psycopg://...
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import socket
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa
import uvicorn

from cases.model import CaseDraft, CaseFlag, WatchlistMatch
from cases.store import CaseStore, RunInfo
from cases.webapp import create_app

CODES = ("L2", "F1", "P3", "Q1", "Q2", "Q4", "L1", "L4", "B1", "P4")
BATCH = 25_000
PASSWORD = "maple-kettle-orbit-93"
NAMES = ("Harbour Trading", "Kunlun Photonics", "Alpine Servers", "Lotus Cloud", "Delta Micro",
         "Sunrise Logistics", "Orbital Compute", "Meridian Systems")  # fmt: skip
COUNTRIES = ("SG", "HK", "AE", "MY", "CN", "US", "DE", "TH", "VN", "JP")


def draft(number: int, rng: random.Random) -> CaseDraft:
    cid = f"CUST-{number:07d}"
    tids = [f"T-{number}-{i}" for i in range(rng.randint(1, 3))]
    flags = [
        CaseFlag(code, "rule", f"red flag {code}", "medium", tids, {"ship_to_country": "SG"},
                 "Supplement 3 to 15 CFR Part 732", 0.3, f"{code} fired on {tids[0]}",
                 "Ask for an end-use statement")
        for code in dict.fromkeys((CODES[number % 10], CODES[number // 10 % 10]))
    ]  # fmt: skip
    matches = []
    if number % 20 == 0:
        matches.append(
            WatchlistMatch("end_user", f"End User {number}", "Entity List", f"csl:EL-{number}",
                           f"END USER {number} LTD", 0.91, "token overlap", tids, "name", "EL",
                           {"name": f"END USER {number} LTD"})
        )  # fmt: skip
    lines = [
        {"transaction_id": t, "order_date": "2026-11-01", "item_sku": "NV-HGX-H100-8",
         "item_description": "HGX H100 8-GPU server", "eccn": "4A090.a", "quantity": 8.0,
         "unit_price": 289000.0, "currency": "USD", "order_value_usd": 2312000.0,
         "ship_to_name": f"Consignee of {cid}", "ship_to_country": "SG", "route": "SG;MY",
         "payer_name": "Far East Payments Ltd", "payer_country": "HK"}
        for t in tids
    ]  # fmt: skip
    return CaseDraft(
        case_key=f"customer:{cid}",
        subject={
            "role": "customer",
            "name": f"{NAMES[number % 8]} {number}",
            "country": COUNTRIES[number % 10],
            "customer_id": cid,
        },  # fmt: skip
        transaction_ids=tids,
        flags=flags,
        watchlist_matches=matches,
        risk_score=rng.randint(40, 95),
        priority=rng.choice(("high", "medium", "low")),
        recommended_actions=["Ask for an end-use statement"],
        transactions=lines,
        parties=[
            {
                "role": "customer",
                "name": f"{NAMES[number % 8]} {number}",
                "country": COUNTRIES[number % 10],
            },
            {"role": "payer", "name": f"Payer {number % 997} Ltd", "country": "HK"},
        ],
        versions={"watchlist": "snap-2026-11-01", "model": "gb-1"},
    )


def fill(store: CaseStore, count: int, rng: random.Random) -> float:
    started = time.perf_counter()
    for start in range(0, count, BATCH):
        drafts = [draft(n, rng) for n in range(start, min(start + BATCH, count))]
        opened_at = datetime.now(UTC) - timedelta(days=rng.randint(0, 40))
        store.upsert_drafts(drafts, RunInfo(f"bench-{start}", opened_at))
    with store.engine.begin() as conn:  # months of review, in bulk
        # a status changes only with an event recording it (the store's trigger); these
        # bulk events are not hash-chained: the benchmark store is not for `audit verify`
        conn.execute(sa.text(
            "INSERT INTO events (case_id, at, by, event, from_status, to_status, rationale) "
            "SELECT case_id, updated_at, 'bench', 'decided', status, 'cleared', 'bulk' "
            "FROM cases WHERE seq % 10 = 0"))  # fmt: skip
        conn.execute(sa.text("UPDATE cases SET status = 'cleared' WHERE seq % 10 = 0"))
        conn.execute(sa.text(
            "INSERT INTO events (case_id, at, by, event, from_status, to_status) "
            "SELECT case_id, updated_at, 'bench', 'assigned', status, 'in_review' "
            "FROM cases WHERE seq % 5 = 1"))  # fmt: skip
        conn.execute(sa.text("UPDATE cases SET status = 'in_review', assignee = 'bench' "
                             "WHERE seq % 5 = 1"))  # fmt: skip
    store.add_user("bench", "reviewer", PASSWORD)
    return time.perf_counter() - started


def serve(store: CaseStore) -> tuple[uvicorn.Server, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(store, os.urandom(32))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))  # fmt: skip
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def log_in(client: httpx.Client) -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    response = client.post("/login", data={"csrf_token": token, "username": "bench",
                                           "password": PASSWORD, "next": "/queue"})  # fmt: skip
    if response.status_code != 303:
        raise SystemExit(f"login failed: {response.status_code}")


def timed(client: httpx.Client, paths: list[str]) -> dict[str, float]:
    seconds = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        seconds.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"GET {path}: {response.status_code}")
    ordered = sorted(seconds)
    return {
        "requests": len(seconds),
        "median_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(1000 * ordered[max(0, int(0.95 * len(ordered)) - 1)], 1),
        "max_ms": round(1000 * ordered[-1], 1),
    }


FILTERS = ("", "priority=high&", "status=in_review&", "assignee=bench&", "overdue=1&",
           "status=all&", "status=cleared&priority=low&")  # fmt: skip


def searches(rng: random.Random, cases: int) -> list[str]:
    """Filtered searches an investigator makes, on one of the first five pages."""
    n = rng.randrange(cases)
    return [
        f"/queue?q={NAMES[n % 8].split()[0].lower()}+{n}",
        f"/queue?q=payer+{n % 997}",
        f"/queue?q=t-{n}-0",
        f"/queue?flag={CODES[n % 10]}&country={COUNTRIES[n % 10]}&page={rng.randint(1, 5)}",
        f"/queue?list=EL&page={rng.randint(1, 5)}",
        f"/queue?view=mine&sort=value&page={rng.randint(1, 5)}",
        f"/queue?q={NAMES[n % 8].split()[0].lower()}&sort=due&page={rng.randint(1, 5)}",
        f"/queue?country={COUNTRIES[n % 10]}&sort=age&page={rng.randint(1, 5)}",
    ]


def measure(client: httpx.Client, requests: int, cases: int, rng: random.Random) -> dict:
    timed(client, ["/queue", "/cases/C-000001"] * 5)  # warm-up
    wanted = [path for _ in range(requests) for path in searches(rng, cases)][:requests]
    return {
        "queue_first_page": timed(client, ["/queue"] * requests),
        "queue_filtered_search": timed(client, wanted),
        "queue_filtered_random_page": timed(
            client,
            [f"/queue?{rng.choice(FILTERS)}page={rng.randint(1, 40)}" for _ in range(requests)],
        ),
        "case_page": timed(
            client, [f"/cases/C-{rng.randint(1, cases):06d}" for _ in range(requests)]
        ),
        "dashboard": timed(client, ["/dashboard"] * 5),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases to put in the store")
    parser.add_argument("--requests", type=int, default=300, help="requests per page kind")
    parser.add_argument("--url", help="store URL (default: a fresh SQLite file)")
    parser.add_argument("--seed", type=int, default=7, help="random seed")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    url = args.url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='redflag-review-')) / 'cases.db'}"
    store = CaseStore(url)
    fill_seconds = fill(store, args.cases, rng)
    server, base = serve(store)
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
        log_in(client)
        figures = {"store": url.split(":")[0], "cases": args.cases,
                   "fill_seconds": round(fill_seconds, 1),
                   "schema_as_migrated": measure(client, args.requests, args.cases, rng)}  # fmt: skip
    figures["load_average_1min"] = round(os.getloadavg()[0], 1)  # other work on the machine
    print(json.dumps(figures, indent=2))
    server.should_exit = True
    store.close()


if __name__ == "__main__":
    main()
