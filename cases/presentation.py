"""How values read on a page: human dates ("due in 23 h"), money, whole quantities,
countries by name with their code. Shared by the case files and the review app."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from cases.queue_terms import country_label
from cases.store import as_utc

__all__ = ["country_label", "due_text", "moment", "money", "quantity", "since_text", "span"]


def moment(value: Any) -> datetime | None:
    """A stored timestamp (a datetime or an ISO string) as naive UTC, None when absent."""
    if value is None or value == "":
        return None
    try:
        return as_utc(value) if isinstance(value, datetime | str) else None
    except ValueError:
        return None


def span(seconds: float) -> str:
    """A duration as people say it: '45 min', '23 h', '3 d', '5 wk'."""
    seconds = abs(seconds)
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min"
    if seconds < 48 * 3600:
        return f"{round(seconds / 3600)} h"
    if seconds < 14 * 86400:
        return f"{round(seconds / 86400)} d"
    return f"{round(seconds / (7 * 86400))} wk"


def due_text(due: Any, now: datetime, status: str = "open") -> str:
    """'due in 23 h', 'overdue by 2 d'; '' without a due date or once decided."""
    at = moment(due)
    if at is None or status in ("cleared", "reported"):
        return ""
    left = (at - now).total_seconds()
    return f"due in {span(left)}" if left >= 0 else f"overdue by {span(left)}"


def since_text(value: Any, now: datetime) -> str:
    """'3 h ago', 'in 2 d' for a moment in the future."""
    at = moment(value)
    if at is None:
        return ""
    delta = (now - at).total_seconds()
    return f"{span(delta)} ago" if delta >= 0 else f"in {span(delta)}"


def when(value: Any) -> str:
    """'2026-11-27 14:05 UTC'."""
    at = moment(value)
    return at.strftime("%Y-%m-%d %H:%M UTC") if at else ("" if value is None else str(value))


def money(value: Any, currency: str = "USD") -> str:
    """'1,156,000 USD'; '' when not a number."""
    if not isinstance(value, int | float) or isinstance(value, bool) or math.isnan(value):
        return ""
    return f"{value:,.0f} {currency}"


def quantity(value: Any) -> str:
    """A count of items as a whole number ('4', not '4.00')."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    if isinstance(value, float) and math.isnan(value):
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def filters() -> dict[str, Any]:
    """The Jinja filters of these helpers."""
    return {
        "country": country_label,
        "due_text": due_text,
        "since": since_text,
        "when_utc": when,
        "usd": money,
        "qty": quantity,
    }
