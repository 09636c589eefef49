"""A case's evidence export: one print-ready HTML page (and a PDF of it) with the case,
its evidence, the decisions taken, the attachments kept, and a draft voluntary
self-disclosure narrative (15 CFR 764.5) built from the case for counsel to edit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cases.attachments import Attachment
from cases.case_history import EarlierCase, decisions_of
from cases.case_view import MatchCard, match_cards
from cases.model import Case
from cases.presentation import country_label, money, quantity, when

VSD_CITATION = "15 CFR 764.5 (voluntary self-disclosure to BIS)"


def _orders_sentence(case: Case) -> str:
    lines = []
    for line in case.transactions[:20]:
        where = ", ".join(
            f"{label} {line.get(name)} ({country_label(line.get(country))})"
            for label, name, country in (
                ("shipped to", "ship_to_name", "ship_to_country"),
                ("for end user", "end_user_name", "end_user_country"),
            )
            if line.get(name)
        )
        lines.append(
            f"order line {line.get('transaction_id')} of {line.get('order_date')}: "
            f"{quantity(line.get('quantity'))} × {line.get('item_description') or line.get('item_sku')}"
            f"{' (ECCN ' + str(line['eccn']) + ')' if line.get('eccn') else ''}, "
            f"{money(line.get('order_value_usd'))}{', ' + where if where else ''}"
        )
    more = len(case.transactions) - len(lines)
    return "; ".join(lines) + (f"; and {more} more order lines" if more > 0 else "")


def _hit_sentence(card: MatchCard) -> str:
    return (
        f"{card.party_name} ({', '.join(r.replace('_', ' ') for r in card.roles)}) matches "
        f"{card.matched_name} on the {card.list} (entry {card.entry_id}), a {card.strength} "
        f"match with calibrated score {card.score:.2f}"
    )


def vsd_narrative(case: Case, exporter: str = "[the Company]") -> list[tuple[str, list[str]]]:
    """The draft narrative as (heading, paragraphs)."""
    subject = case.subject.get("name") or "the customer"
    country = country_label(case.subject.get("country"))
    cards = match_cards(case)
    flags = [f for f in case.flags if f.source != "watchlist"]
    decided = [e for e in decisions_of(case) if e.get("event") == "decided"]
    actions = [f"{e.get('by')} decided '{(e.get('details') or {}).get('outcome') or e.get('to')}' "
               f"on {when(e.get('at'))}: {e.get('rationale') or ''}".strip()
               for e in decided]  # fmt: skip
    return [
        ("Initial notification", [
            f"{exporter} submits this voluntary self-disclosure under {VSD_CITATION} concerning "
            f"transactions with {subject}{' of ' + country if country else ''} (internal case "
            f"{case.case_id}). This is a draft prepared from the case file for review by counsel; "
            "it is not a legal conclusion.",
        ]),
        ("The transactions", [f"The transactions concern {_orders_sentence(case)}."]),
        ("The apparent violations", [
            *(f"Screening found that {_hit_sentence(c)}." for c in cards),
            *(f"{f.code} — {f.title}: {f.reason}{' (' + f.citation + ')' if f.citation else ''}."
              for f in flags),
        ] or ["No red flag is recorded on the case."]),
        ("How it was found", [
            f"The {case.trigger} of {when(case.opened_at)} opened case {case.case_id} with a risk "
            f"score of {case.risk_score}/100 ({case.priority} priority)."
            + (f" {len(case.not_evaluable)} rule(s) could not be checked on these orders: "
               + ", ".join(n['code'] for n in case.not_evaluable) + "." if case.not_evaluable else ""),
        ]),
        ("Corrective actions", actions or [
            "[Describe the holds, cancellations, licence applications and process changes.]"
        ]),
    ]  # fmt: skip


def export_context(
    case: Case,
    attachments: Sequence[Attachment],
    earlier: Sequence[EarlierCase],
    at: datetime,
    by: str,
) -> dict[str, Any]:
    """What the export template shows besides the case file's own parts."""
    return {
        "decisions": decisions_of(case),
        "attachments": list(attachments),
        "earlier": list(earlier),
        "narrative": vsd_narrative(case),
        "exported_at": at,
        "exported_by": by,
    }
