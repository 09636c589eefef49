"""The dashboard's trends by ISO week: cases opened, cases with list hits by list, and the
false-positive share of each red flag (cleared among the decided cases that carried it),
each count linking to the queue filtered to the cases it counts."""

from __future__ import annotations

import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from cases import tables as t
from cases.queue_terms import FLAG, LIST
from cases.store import CaseStore
from cases.webapp.dashboard import BarChart, bar_chart

WEEKS = 12


def _day(value: date | datetime | str) -> date:
    """A day as SQLite (text) or PostgreSQL (a date) returns `date(...)`."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def iso_week(moment: date | datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def weeks_until(at: datetime, count: int = WEEKS) -> list[str]:
    """The last `count` ISO weeks, oldest first, ending with the week of `at`."""
    return list(dict.fromkeys(iso_week(at - timedelta(weeks=n)) for n in range(count - 1, -1, -1)))


def _queue(**params: str) -> str:
    return "/queue?" + urllib.parse.urlencode(params)


@dataclass(frozen=True)
class WeekTable:
    """Rows (a list, a red flag) by week; each cell (count, link)."""

    title: str
    weeks: list[str]
    rows: list[tuple[str, list[tuple[int, str]]]]
    empty_note: str
    row_title: str = "List"


def cases_opened_by_week(store: CaseStore, at: datetime) -> BarChart:
    weeks = weeks_until(at)
    since = datetime.strptime(f"{weeks[0]}-1", "%G-W%V-%u")
    day = sa.func.date(t.cases.c.opened_at)
    query = sa.select(day, sa.func.count()).where(t.cases.c.opened_at >= since).group_by(day)
    counted: Counter[str] = Counter()
    with store.engine.connect() as conn:
        for opened, n in conn.execute(query):
            counted[iso_week(_day(opened))] += int(n)
    return bar_chart(f"Cases opened by week, last {WEEKS} weeks",
                     [(w, counted.get(w, 0)) for w in weeks], "No case opened.",
                     link=lambda w: _queue(opened=w, status="all"))  # fmt: skip


def list_hits_by_week(store: CaseStore, at: datetime) -> WeekTable:
    """Cases opened each week with a hit on each list."""
    weeks = weeks_until(at)
    since = datetime.strptime(f"{weeks[0]}-1", "%G-W%V-%u")
    c, k = t.cases.c, t.case_terms.c
    day = sa.func.date(c.opened_at)
    query = (
        sa.select(day, k.term, sa.func.count())
        .join(t.case_terms, k.seq == c.seq)
        .where(k.kind == LIST, c.opened_at >= since)
        .group_by(day, k.term)
    )
    counted: dict[str, Counter[str]] = defaultdict(Counter)
    with store.engine.connect() as conn:
        for opened, code, n in conn.execute(query):
            counted[code][iso_week(_day(opened))] += int(n)
    rows = [(code, [(by_week.get(w, 0), _queue(list=code, opened=w, status="all")) for w in weeks])
            for code, by_week in sorted(counted.items())]  # fmt: skip
    return WeekTable("Cases with list hits, by list and week opened", weeks, rows,
                     f"No case with a list hit opened in the last {WEEKS} weeks.")  # fmt: skip


def false_positive_share(store: CaseStore, at: datetime) -> tuple[BarChart, WeekTable]:
    """Per red flag, the share cleared among the cases decided in the window that carried
    it (all weeks as bars, and week by week)."""
    weeks = weeks_until(at)
    since = datetime.strptime(f"{weeks[0]}-1", "%G-W%V-%u")
    c, k, e = t.cases.c, t.case_terms.c, t.events.c
    day = sa.func.date(e.at)
    query = (
        sa.select(day, e.to_status, k.term, sa.func.count())
        .join(t.cases, c.case_id == e.case_id)
        .join(t.case_terms, sa.and_(k.seq == c.seq, k.kind == FLAG))
        .where(e.event == "decided", e.at >= since)
        .group_by(day, e.to_status, k.term)
    )
    decided: dict[str, Counter[str]] = defaultdict(Counter)
    cleared: dict[str, Counter[str]] = defaultdict(Counter)
    with store.engine.connect() as conn:
        for moment, outcome, code, n in conn.execute(query):
            week = iso_week(_day(moment))
            decided[code][week] += int(n)
            cleared[code][week] += int(n) if outcome == "cleared" else 0
    shares = []
    texts = {}
    for code in sorted(decided, key=lambda x: -sum(cleared[x].values()) / sum(decided[x].values())):
        n, fp = sum(decided[code].values()), sum(cleared[code].values())
        shares.append((code, round(100 * fp / n)))
        texts[code] = f"{round(100 * fp / n)} % of {n} decided"
    chart = bar_chart(f"False-positive share by red flag, decided in the last {WEEKS} weeks",
                      shares, "No case decided in these weeks.",
                      link=lambda code: _queue(flag=code, status="cleared"), texts=texts)  # fmt: skip
    rows = []
    for code in sorted(decided):
        cells = []
        for w in weeks:
            n = decided[code].get(w, 0)
            share = round(100 * cleared[code].get(w, 0) / n) if n else 0
            cells.append((share if n else -1, _queue(flag=code, status="cleared")))
        rows.append((code, cells))
    table = WeekTable("False-positive share (%) by red flag and week decided", weeks, rows,
                      "No case decided in these weeks.", "Red flag")  # fmt: skip
    return chart, table
