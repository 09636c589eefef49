"""The evidence export as a PDF (fpdf2, pure Python): the same sections as the HTML
export, in DejaVu Sans (shipped with matplotlib); a character that font lacks (Chinese,
say) is written in Latin letters, and the PDF says so."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from unidecode import unidecode

from cases.case_view import event_sentence, match_cards
from cases.model import Case
from cases.presentation import country_label, money, quantity, when


def available() -> bool:
    try:
        import fpdf  # noqa: F401
        import matplotlib
    except ImportError:
        return False
    return _font_path() is not None and bool(matplotlib)


@cache
def _font_path() -> Path | None:
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    return path if path.exists() else None


@cache
def _covered() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(_font_path())).getBestCmap())


class _Writer:
    def __init__(self) -> None:
        from fpdf import FPDF

        self.pdf = FPDF(format="A4")
        self.pdf.set_auto_page_break(True, margin=15)
        self.pdf.add_font("DejaVu", "", str(_font_path()))
        self.pdf.add_page()
        self.transliterated = False

    def text(self, value: Any) -> str:
        text = "" if value is None else str(value)
        covered = _covered()
        if all(ord(ch) in covered or ch in "\n\t" for ch in text):
            return text
        self.transliterated = True
        return "".join(ch if ord(ch) in covered else unidecode(ch) for ch in text)

    def heading(self, text: str, size: int = 13) -> None:
        self.pdf.set_font("DejaVu", size=size)
        self.pdf.ln(2)
        self.pdf.multi_cell(0, size * 0.55, self.text(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def para(self, text: str, size: int = 9) -> None:
        self.pdf.set_font("DejaVu", size=size)
        self.pdf.multi_cell(0, 4.6, self.text(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1)

    def pairs(self, rows: list[tuple[str, Any]]) -> None:
        for label, value in rows:
            if value not in (None, ""):
                self.para(f"{label}: {value}")


def _sections(w: _Writer, case: Case, extra: dict[str, Any]) -> None:
    w.heading(f"{case.case_id} — {case.subject.get('name') or ''}", 16)
    w.pairs([("Priority", case.priority), ("Risk", f"{case.risk_score}/100"),
             ("Status", case.status.replace("_", " ")),
             ("Country", country_label(case.subject.get("country"))),
             ("Opened", when(case.opened_at)), ("Assignee", case.assignee or "unassigned")])  # fmt: skip
    if case.not_evaluable:
        w.heading("Rules that could not run on these orders")
        for n in case.not_evaluable:
            w.para(f"{n['code']} {n.get('title', '')} — {n.get('reason', '')}")
    for card in match_cards(case):
        w.heading(f"List hit ({card.strength}, score {card.score:.2f}): {card.party_name} ↔ "
                  f"{card.matched_name}", 11)  # fmt: skip
        w.para(f"{card.list} · entry {card.entry_id} · as {', '.join(card.roles)}")
        for label, party, entry in card.rows:
            w.para(f"{label}: party {party or '—'} | entry {entry or '—'}", 8)
        for text, url in card.links:
            w.para(f"{text}: {url}", 8)
    w.heading("Red flags")
    for flag in case.flags:
        w.para(f"{flag.code} — {flag.title} ({flag.severity}): {flag.reason} [{flag.citation}]")
    w.heading("Orders")
    for line in case.transactions:
        w.para(f"{line.get('transaction_id')} {line.get('order_date')}: "
               f"{quantity(line.get('quantity'))} × {line.get('item_description') or line.get('item_sku')}, "
               f"{money(line.get('order_value_usd'))}, ship to {line.get('ship_to_name')} "
               f"({country_label(line.get('ship_to_country'))})", 8)  # fmt: skip
    w.heading("Decisions")
    for event in extra["decisions"] or [{"event": "none"}]:
        if event.get("event") == "none":
            w.para("No decision is recorded yet.")
            continue
        w.para(f"{when(event.get('at'))} {event.get('by')}: {event_sentence(event)} "
               f"“{event.get('rationale') or ''}”")  # fmt: skip
    w.heading("Attachments")
    for a in extra["attachments"]:
        w.para(f"{a.file_name} ({a.kind_title}, {a.size} bytes, {a.added_by}, "
               f"{when(a.added_at)}) sha256 {a.sha256}", 8)  # fmt: skip
    if not extra["attachments"]:
        w.para("No file is kept with this case.")
    w.heading("Draft voluntary self-disclosure narrative")
    for heading, paragraphs in extra["narrative"]:
        w.heading(heading, 11)
        for text in paragraphs:
            w.para(text)


def export_pdf(case: Case, extra: dict[str, Any]) -> bytes:
    """The evidence export as PDF bytes (`extra` from `cases.evidence_export.export_context`)."""
    writer = _Writer()
    writer.para(f"Evidence export of case {case.case_id}, made {when(extra['exported_at'])} "
                f"by {extra['exported_by']} from the redflag case store.", 8)  # fmt: skip
    _sections(writer, case, extra)
    if writer.transliterated:
        writer.para("Names in scripts this PDF's font lacks are written in Latin letters; the "
                    "HTML export and the case file keep them as written.", 8)  # fmt: skip
    return bytes(writer.pdf.output())
