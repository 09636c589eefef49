"""Case files as an investigator reads them: Contract 4 JSON
(docs/ARCHITECTURE.md) and self-contained HTML.

Every text that came from input data goes through Jinja2 autoescaping, so a party named
`<script>alert(1)</script>` renders as text. Pages carry their CSS inline: a case file
opens from a folder, an e-mail or an archive with no other asset.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from cases.case_view import event_sentence, history_chart, match_cards
from cases.model import Case
from cases.network_view import network_view
from cases.presentation import filters as presentation_filters

TEMPLATES = Path(__file__).resolve().parent / "templates"
LIST_CELL_ITEMS = 12  # a list value in a table cell shows this many items, then a count


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _cell(value: Any) -> str:
    if _is_missing(value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) >= 1 or value == 0 else f"{value:.3g}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, list | tuple):
        shown = ", ".join(_cell(v) for v in value[:LIST_CELL_ITEMS])
        more = len(value) - LIST_CELL_ITEMS
        return f"{shown} … and {more} more" if more > 0 else shown
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _entry_value(value: Any) -> str:
    if isinstance(value, list | tuple):
        parts = []
        for item in value:
            if isinstance(item, Mapping):
                text = item.get("name") or item.get("text") or ""
                extra = item.get("country") or (
                    item.get("strength") if item.get("strength") == "weak" else ""
                )
                parts.append(f"{text} ({extra})" if extra else str(text))
            else:
                parts.append(str(item))
        return "; ".join(parts)
    return _cell(value)


def _details(value: Any) -> str:
    if not value:
        return ""
    return "; ".join(f"{k}: {_cell(v)}" for k, v in value.items())


def _evidence_text(value: Any) -> str:
    """One evidence value as a sentence-like line: a mapping (one transaction's evidence,
    say) reads `ship to country: MO; license number: none` instead of raw JSON, and a
    model's top features read as their own sentences with their contributions."""
    if isinstance(value, Mapping):
        return "; ".join(
            f"{str(k).replace('_', ' ')}: {'none' if _is_missing(v) else _evidence_text(v)}"
            for k, v in value.items()
        )
    if (
        isinstance(value, list | tuple)
        and value
        and all(isinstance(item, Mapping) and item.get("text") for item in value)
    ):
        return " | ".join(
            f"{item['text']} ({item.get('feature', '')}, contribution "
            f"{_cell(item.get('contribution'))})"
            for item in value
        )
    return _cell(value)


def template_environment(folder: Path | list[Path]) -> Environment:
    """Jinja2 over `folder` (or folders, searched in order) with autoescaping always on
    (case files and the review app), with the filters of both."""
    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters |= {
        "cell": _cell,
        "entry_value": _entry_value,
        "details": _details,
        "evidence_text": _evidence_text,
        "money": lambda v: f"{v:,.0f}",
        "event_sentence": event_sentence,
        **presentation_filters(),
    }
    return env


@cache
def _environment() -> Environment:
    return template_environment(TEMPLATES)


@cache
def _css() -> str:
    return (TEMPLATES / "base.css").read_text(encoding="utf-8")


def case_json(case: Case) -> dict[str, Any]:
    """Contract 4, with the full history."""
    return case.to_json()


def _new_evidence(case: Case) -> tuple[set[str], set[str]]:
    """Flag codes and entry ids that carry evidence new since the case was last seen."""
    new_keys = [item["key"] for item in case.evidence if item.get("new")]
    flags = {key.split(":")[1] for key in new_keys if key.startswith("flag:")}
    entries = {m.entry_id for m in case.watchlist_matches for key in new_keys
               if key.startswith(f"match:{m.entry_id}:")}  # fmt: skip
    return flags, entries


def _label(key: Any) -> str:
    return str(key).replace("_", " ")


def _evidence_rows(evidence: Mapping[str, Any]) -> list[tuple[str, Any, str | None]]:
    """A flag's evidence as the page lists it: (label, None, text) for a value, or
    (label, [(label, text), ...], None) for a mapping (per-transaction evidence, say).
    Texts are plain; the template escapes them."""
    rows: list[tuple[str, Any, str | None]] = []
    for key, value in evidence.items():
        if isinstance(value, Mapping):
            details = [(_label(sub), _evidence_text(detail)) for sub, detail in value.items()]
            rows.append((_label(key), details, None))
        else:
            rows.append((_label(key), None, _cell(value)))
    return rows


def _strongest_first(flags: Sequence[Any]) -> list[Any]:
    """Flags by weight, highest first (ties keep their order)."""
    return sorted(flags, key=lambda f: f.weight, reverse=True)


def case_context(case: Case) -> dict[str, Any]:
    """What the case templates show besides the case itself (the case file and the app)."""
    values = [row.get("order_value_usd") for row in case.transactions]
    known = [float(v) for v in values if isinstance(v, int | float) and not _is_missing(v)]
    new_flags, new_entries = _new_evidence(case)
    return {
        "case": case,
        "flag_views": [(f, _evidence_rows(f.evidence)) for f in _strongest_first(case.flags)],
        "total_value": sum(known) if known else None,
        "new_flags": new_flags,
        "cards": match_cards(case, new_entries),
        "chart": history_chart(case),
        "network": network_view(case),
    }


def case_html(case: Case, index_href: str | None = None) -> str:
    """The page an investigator works from (one file, inline CSS)."""
    template = _environment().get_template("case.html")
    return template.render(css=_css(), index_href=index_href, **case_context(case))


def run_index_html(cases: Sequence[Case], summary: Mapping[str, Any]) -> str:
    """The run's cases, highest risk first, each linking `cases/<case_id>.html`."""
    ordered = sorted(cases, key=lambda c: (-int(c.risk_score), c.case_id))
    template = _environment().get_template("run_index.html")
    return template.render(cases=ordered, summary=summary, css=_css())


def export_html(case: Case, extra: dict[str, Any], css_href: str | None = None,
                back_href: str | None = None) -> str:  # fmt: skip
    """The print-ready evidence export of a case (see `cases.evidence_export`)."""
    template = _environment().get_template("export.html")
    return template.render(css=_css(), css_href=css_href, back_href=back_href,
                           **case_context(case), **extra)  # fmt: skip
