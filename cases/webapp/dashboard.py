"""The dashboard's figures and the geometry of its bar charts (drawn as inline SVG).

Open cases by priority come from the store's counts, by age from its indexed columns;
cases with list hits by list from the cases touched in the last 30 days; flags by red
flag from the run summaries of the last 30 days (`counts.flags_by_code`), which count
every flag raised, not only those that reached a case.
"""

from __future__ import annotations

import json
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from cases import tables as t
from cases.content import OPEN_STATUSES
from cases.model import PRIORITIES
from cases.queue_terms import LIST
from cases.store import CaseStore, as_utc

WINDOW_DAYS = 30
AGE_BUCKETS: tuple[tuple[str, int], ...] = (
    ("under 1 day", 1), ("1-3 days", 3), ("3-7 days", 7), ("7-30 days", 30),
)  # fmt: skip
OLDEST_BUCKET = "over 30 days"
MAX_BARS = 15  # a chart shows this many bars, the rest summed as "other"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int  # top of the bar, in SVG units
    width: float  # bar length in SVG units
    tone: str  # CSS class of the bar
    href: str = ""  # the queue filtered to what the bar counts
    text: str = ""  # the value as shown (a share, say); the count by default


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    height: int
    empty_note: str

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)


CHART_WIDTH = 300  # SVG units available for the longest bar
ROW_HEIGHT = 26


def bar_chart(
    title: str,
    counts: list[tuple[str, int]],
    empty_note: str,
    tones: dict[str, Any] | None = None,
    link: Callable[[str], str] | None = None,
    texts: dict[str, str] | None = None,
) -> BarChart:
    """Horizontal bars scaled to the largest value, in the order given; `link(label)` is
    the queue page a bar opens, `texts` what a bar says instead of its value."""
    if len(counts) > MAX_BARS:
        counts = [*counts[: MAX_BARS - 1], ("other", sum(v for _, v in counts[MAX_BARS - 1 :]))]
    top = max((value for _, value in counts), default=0)
    bars = [
        Bar(label, value, i * ROW_HEIGHT, CHART_WIDTH * value / top if top else 0.0,
            (tones or {}).get(label, "bar"),
            link(label) if link and label != "other" else "", (texts or {}).get(label, ""))
        for i, (label, value) in enumerate(counts)
    ]  # fmt: skip
    return BarChart(title, bars, max(len(bars), 1) * ROW_HEIGHT, empty_note)


def open_by_priority(store: CaseStore) -> list[tuple[str, int]]:
    k = t.case_counts.c
    query = (
        sa.select(k.priority, sa.func.sum(k.n))
        .where(k.status.in_(OPEN_STATUSES))
        .group_by(k.priority)
    )
    with store.engine.connect() as conn:
        found = dict(conn.execute(query).all())
    return [(p, int(found.get(p) or 0)) for p in PRIORITIES]


def open_by_age(store: CaseStore, at: datetime) -> list[tuple[str, int]]:
    """Open cases by time since they were opened."""
    c, now = t.cases.c, as_utc(at)
    bucket = sa.case(
        *((c.opened_at > now - timedelta(days=days), label) for label, days in AGE_BUCKETS),
        else_=OLDEST_BUCKET,
    )
    query = sa.select(bucket, sa.func.count()).where(c.status.in_(OPEN_STATUSES)).group_by(bucket)
    with store.engine.connect() as conn:
        found: dict[str, int] = dict(conn.execute(query).all())
    labels = [label for label, _ in AGE_BUCKETS] + [OLDEST_BUCKET]
    return [(label, int(found.get(label, 0))) for label in labels]


def hits_by_list(store: CaseStore, at: datetime) -> list[tuple[str, int]]:
    """Cases with a list hit, touched in the window, by list, most first."""
    c, k = t.cases.c, t.case_terms.c
    since = as_utc(at) - timedelta(days=WINDOW_DAYS)
    query = (
        sa.select(k.term, sa.func.count())
        .join(t.cases, c.seq == k.seq)
        .where(k.kind == LIST, c.updated_at >= since)
        .group_by(k.term)
    )
    with store.engine.connect() as conn:
        found = [(str(term), int(n)) for term, n in conn.execute(query)]
    return sorted(found, key=lambda item: (-item[1], item[0]))


def flags_by_code(store: CaseStore, at: datetime) -> list[tuple[str, int]]:
    """Flags raised by the runs of the window, by red flag code, most first."""
    r = t.runs.c
    since = as_utc(at) - timedelta(days=WINDOW_DAYS)
    query = sa.select(r.summary_json).where(r.started_at >= since, r.summary_json.is_not(None))
    counter: Counter[str] = Counter()
    with store.engine.connect() as conn:
        for (summary,) in conn.execute(query):
            counts = (json.loads(summary) or {}).get("counts") or {}
            counter.update({str(k): int(v) for k, v in (counts.get("flags_by_code") or {}).items()})
    return counter.most_common()


def _queue(**params: str) -> str:
    return "/queue?" + urllib.parse.urlencode(params)


def dashboard_charts(store: CaseStore, at: datetime) -> list[BarChart]:
    tones = {p: f"bar {p}" for p in PRIORITIES}
    return [
        bar_chart("Open cases by priority", open_by_priority(store), "No open cases.", tones,
                  lambda p: _queue(priority=p)),
        bar_chart("Open cases by age", open_by_age(store, at), "No open cases.",
                  link=lambda _: _queue(sort="age")),
        bar_chart(f"Cases with list hits by list, last {WINDOW_DAYS} days", hits_by_list(store, at),
                  f"No watchlist hits in the last {WINDOW_DAYS} days.",
                  link=lambda code: _queue(list=code, status="all")),
        bar_chart(f"Flags by red flag, last {WINDOW_DAYS} days", flags_by_code(store, at),
                  f"No run finished in the last {WINDOW_DAYS} days.",
                  link=lambda code: _queue(flag=code, status="all")),
    ]  # fmt: skip
