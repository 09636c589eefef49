"""The case as an investigator reads it: list hits as one card per (party, list entry)
with the party and the entry side by side, the customer's order history as a chart, the
timeline as sentences. Plain data for the templates (the case file and the review app)."""

from __future__ import annotations

import builtins
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from cases.model import Case, WatchlistMatch
from cases.presentation import country_label, money, quantity, when

STRONG = 0.90  # the matcher's `thresholds.strong`: a name hit at or above it is a hard stop
EXACT = 0.995
_DOB = re.compile(r"\b(?:DOB|Date of Birth)[:\s]+([^;]+)", re.IGNORECASE)
_IDENTIFIER = re.compile(
    r"\b(Passport|National ID No\.|Registration (?:Number|ID)|Tax ID No\.|Identification "
    r"Number|Unified Social Credit Code \(USCC\)|SWIFT/BIC|Website|Email Address|Phone Number"
    r"|Cedula No\.|D-U-N-S Number|Company Number)[:\s]+([^;]+)",
    re.IGNORECASE,
)
_FR_CITATION = re.compile(r"\b(\d{2,3})\s*FR\s*(\d{3,6})\b")
OFAC_RECORD = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={}"
FR_CITATION_URL = "https://www.federalregister.gov/citation/{}-FR-{}"


def strength(score: float, kind: str = "name") -> str:
    """exact, strong or weak: how sure the matcher is, in the words of its thresholds."""
    if kind == "name" and score >= EXACT:
        return "exact"
    return "strong" if kind == "name" and score >= STRONG else "weak"


def federal_register_links(citation: str | None) -> list[tuple[str, str]]:
    """(text, URL) of each Federal Register citation ("85 FR 83420") in a text."""
    return [
        (f"{volume} FR {page}", FR_CITATION_URL.format(volume, page))
        for volume, page in _FR_CITATION.findall(citation or "")
    ]


def official_record(entry_id: str, entry: Mapping[str, Any]) -> str | None:
    """The URL of the entry's record at its publisher, when the list gives or implies one."""
    source, _, number = entry_id.partition(":")
    if source in ("ofac-sdn", "ofac_sdn", "ofac-cons", "ofac_cons") and number.isdigit():
        return OFAC_RECORD.format(quote(number))
    urls = entry.get("source_urls") or []
    return str(urls[0]) if urls else None


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value if v]


def remarks_facts(remarks: str | None) -> tuple[list[str], list[str]]:
    """Dates of birth and identifiers that a list writes into its remarks (OFAC does)."""
    text = remarks or ""
    births = [m.strip() for m in _DOB.findall(text)]
    identifiers = [f"{kind} {value.strip()}" for kind, value in _IDENTIFIER.findall(text)]
    return births, identifiers


@dataclass
class MatchCard:
    party_name: str
    roles: list[str]
    entry_id: str
    list: str
    list_code: str
    matched_name: str
    score: float
    strength: str
    kind: str
    explanations: builtins.list[str]
    transaction_ids: builtins.list[str]
    rows: builtins.list[tuple[str, str, str]]  # (field, party side, entry side)
    links: builtins.list[tuple[str, str]]  # (text, URL)
    new: bool = False


def _party(case: Case, match: WatchlistMatch) -> Mapping[str, Any]:
    """The party of a match as the orders name it (the customer with its id and type)."""
    found: dict[str, Any] = {"name": match.party_name}
    for party in case.parties:
        if party.get("name") == match.party_name and party.get("role") == match.role:
            found = dict(party)
    subject = case.subject
    if match.role == "customer" and subject.get("name") == match.party_name:
        found |= {k: v for k, v in subject.items() if v not in (None, "")}
    return found


def _rows(parties: Sequence[Mapping[str, Any]], match: WatchlistMatch) -> list[tuple[Any, ...]]:
    entry = match.entry or {}
    party = parties[0]
    births, identifiers = remarks_facts(entry.get("remarks"))
    births = _listed(entry.get("dates_of_birth")) or births
    identifiers = _listed(entry.get("identifiers")) or identifiers
    party_ids = sorted({str(p.get("customer_id")) for p in parties if p.get("customer_id")})
    addresses = sorted({str(p.get("address")) for p in parties if p.get("address")})
    rows = [
        ("Name", party.get("name") or match.party_name, entry.get("name") or match.matched_name),
        ("Matched as", "", match.matched_name),
        ("Aliases", "", "; ".join(_listed(entry.get("aliases")))),
        ("Address", "; ".join(addresses), "; ".join(_listed(entry.get("addresses")))),
        ("Country", country_label(party.get("country")),
         "; ".join(country_label(c) for c in _listed(entry.get("countries")))),
        ("Identifiers", "; ".join(f"customer id {i}" for i in party_ids), "; ".join(identifiers)),
        ("Dates of birth", "", "; ".join(births)),
        ("Type", str(party.get("customer_type") or ""), str(entry.get("type") or "")),
        ("Programs", "", "; ".join(_listed(entry.get("programs")))),
        ("Licence requirement", "", str(entry.get("license_requirement") or "")),
        ("Listed since", "", str(entry.get("start_date") or "")),
        ("Remarks", "", str(entry.get("remarks") or "")),
    ]  # fmt: skip
    return [row for row in rows if row[1] or row[2]]


def match_cards(case: Case, new_entries: set[str] = frozenset()) -> list[MatchCard]:  # type: ignore[assignment]
    """One card per (party name, list entry), its roles merged, strongest first."""
    groups: dict[tuple[str, str], list[WatchlistMatch]] = {}
    for match in case.watchlist_matches:
        groups.setdefault((match.party_name, match.entry_id), []).append(match)
    cards = []
    for (party_name, entry_id), matches in groups.items():
        best = max(matches, key=lambda m: m.score)
        entry = best.entry or {}
        links = []
        if url := official_record(entry_id, entry):
            links.append(("Official record", url))
        links += [(f"Federal Register {text}", url)
                  for text, url in federal_register_links(entry.get("citation"))]  # fmt: skip
        cards.append(
            MatchCard(
                party_name=party_name,
                roles=sorted({m.role for m in matches}),
                entry_id=entry_id, list=best.list, list_code=best.list_code,
                matched_name=best.matched_name, score=best.score,
                strength=strength(best.score, best.match_kind), kind=best.match_kind,
                explanations=list(dict.fromkeys(m.explanation for m in matches if m.explanation)),
                transaction_ids=list(dict.fromkeys(t for m in matches for t in m.transaction_ids)),
                rows=_rows([_party(case, m) for m in matches], best),
                links=links, new=entry_id in new_entries,
            )
        )  # fmt: skip
    return sorted(cards, key=lambda c: -c.score)


@dataclass
class HistoryChart:
    """Order value by day, the case's own orders marked; geometry in SVG units."""

    bars: list[dict[str, Any]] = field(default_factory=list)
    width: int = 640
    height: int = 160
    top_value: float = 0.0
    first_day: str = ""
    last_day: str = ""
    summary: str = ""


def history_chart(case: Case) -> HistoryChart | None:
    """The customer's earlier order days and this case's orders, as bars over time."""
    days: dict[str, list[float]] = {}  # day -> [earlier value, this case's value]
    for day, value, *_ in case.order_history.get("points") or []:
        days.setdefault(str(day), [0.0, 0.0])[0] += float(value)
    for line in case.transactions:
        value, day = line.get("order_value_usd"), str(line.get("order_date") or "")[:10]
        if isinstance(value, int | float) and day:
            days.setdefault(day, [0.0, 0.0])[1] += float(value)
    if not days:
        return None
    ordered = sorted(days.items())
    top = max(earlier + mine for _, (earlier, mine) in ordered) or 1.0
    chart = HistoryChart(top_value=top, first_day=ordered[0][0], last_day=ordered[-1][0])
    plot_w, plot_h, left = chart.width - 70, chart.height - 30, 64
    step = plot_w / len(ordered)
    bar = min(step, 28.0)  # a few days do not make bars as wide as the chart
    for i, (day, (earlier, mine)) in enumerate(ordered):
        x = left + i * step + (step - bar) / 2
        for kind, value, base in (("earlier", earlier, 0.0), ("case", mine, earlier)):
            if value > 0:
                h = plot_h * value / top
                y = 10 + plot_h * (1 - (base + value) / top)
                chart.bars.append({"x": round(x + bar * 0.1, 1), "y": round(y, 1),
                                   "w": round(max(bar * 0.8, 1.0), 1), "h": round(h, 1),
                                   "kind": kind, "title": f"{day}: {money(value)}"})  # fmt: skip
    history = case.order_history
    seen = f"{history.get('lines', 0)} earlier order line(s) since {history.get('first_day')}"
    largest = money(history.get("largest_line_usd"))
    chart.summary = (
        f"{seen}, the largest {largest}" if history.get("lines") else "no earlier orders known"
    ) + f"; this case's orders {money(sum(v[1] for _, v in ordered))}"
    return chart


def _suppressed_sentence(item: Mapping[str, Any]) -> str:
    return (f"the hit of {item.get('party')} on list entry {item.get('entry_id')} is "
            f"suppressed until {when(item.get('until'))}")  # fmt: skip


def event_sentence(event: Mapping[str, Any]) -> str:
    """One timeline entry as a sentence (the raw details stay in the case's JSON)."""
    kind, details = event.get("event", ""), event.get("details") or {}
    if kind == "opened":
        evidence = len(details.get("evidence") or [])
        text = f"Opened by the {details.get('trigger') or 'screening'} with {evidence} piece(s) of evidence"
        return text + (
            f", as a follow-up of {details['follow_up_of']}" if details.get("follow_up_of") else ""
        )
    if kind == "updated":
        before, after = details.get("before") or {}, details.get("after") or {}
        text = f"{len(details.get('new_evidence') or [])} new piece(s) of evidence"
        if before.get("risk_score") != after.get("risk_score"):
            text += f"; risk {before.get('risk_score')} → {after.get('risk_score')}"
        if before.get("priority") != after.get("priority"):
            text += f"; priority {before.get('priority')} → {after.get('priority')}"
        return text
    if kind == "assigned":
        if details.get("from") and details.get("from") != details.get("to"):
            return f"Reassigned from {details.get('from')} to {details.get('to')}"
        return f"Assigned to {details.get('to')}"
    if kind == "decision_proposed":
        rules = ", ".join(details.get("four_eyes") or [])
        text = f"Proposed {details.get('outcome')}; waits for a second person ({rules})"
        if details.get("suppress_days"):
            text += f", suppressing the list hits for {details['suppress_days']} days"
        return text
    if kind == "decided":
        text = f"Decided: {details.get('outcome') or event.get('to')}"
        if details.get("proposed_by"):
            text += f", approving the proposal of {details['proposed_by']}"
        sentences = [_suppressed_sentence(s) for s in details.get("suppressed") or []]
        return text + ("; " + "; ".join(sentences) if sentences else "")
    if kind == "follow_up_opened":
        return f"New evidence opened the follow-up case {details.get('follow_up')}"
    if kind == "entry_removed":
        return f"List entries removed from the list: {', '.join(details.get('entry_ids') or [])}"
    if kind == "attachment_added":
        return (f"Attached {details.get('kind', 'a file')} “{details.get('file_name')}” "
                f"({quantity(details.get('size'))} bytes, sha256 {details.get('sha256')})")  # fmt: skip
    if kind == "suppression_revoked":
        return (f"Lifted the suppression of {details.get('party')} on list entry "
                f"{details.get('entry_id')}")  # fmt: skip
    if kind == "note":
        return "Note"
    label: str = kind.replace("_", " ").capitalize()
    return label
