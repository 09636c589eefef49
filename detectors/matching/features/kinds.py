"""Features of what kind of name each side is: a person against a company, legal forms
that agree or clash, a listed person's common name."""

from __future__ import annotations

from detectors.matching.alignment import STOP_WORDS, company_like
from detectors.matching.features.attributes import country_agree
from detectors.matching.features.context import PairContext
from detectors.matching.legal_forms import forms_agree, forms_clash


def person_against_company(p: PairContext) -> float:
    """A listed person against a name that reads as a company's (legal form, business
    words), or a stated person against a listed company's name."""
    if p.entry_type == "person" and company_like(p.query, p.weights):
        return 1.0
    if (
        p.query_type == "person"
        and p.entry_type != "person"
        and company_like(p.candidate, p.weights)
    ):
        return 1.0
    return 0.0


def person_company_one_word(p: PairContext) -> float:
    """1 when a person and a company's name (`person_against_company`) agree on one
    word at most ("Yurong Group Co., Ltd." against "DU, Yurong"): a company named like
    one of a person's names is not that person."""
    if not person_against_company(p):
        return 0.0
    return float(sum(q not in STOP_WORDS for q, _, _ in p.alignment.pairs) <= 1)


def company_against_craft(p: PairContext) -> float:
    """1 when a name that reads as a company's (legal form, business words) is compared
    with the name of a listed vessel or aircraft that does not, and has a word the
    craft's name lacks, a place aside ("Dallake AI GmbH" against the vessel "DAL
    LAKE"): a firm named like a ship is not the ship. An owner firm named after its
    ship is listed in its own right ("HADI SHIPPING COMPANY LIMITED" beside the vessel
    "HADI"), and is hit there. The craft's name with only a legal form or a place
    added, or a letter slipped ("ARZZIN Co., Ltd." against "ARZIN"), is left to the
    weights."""
    if not p.entry_craft or not company_like(p.query, p.weights):
        return 0.0
    if company_like(p.candidate, p.weights):
        return 0.0
    places = p.weights.tables.places
    return float(any(t not in STOP_WORDS and t not in places for t in p.alignment.unaligned[0]))


def legal_form_agree(p: PairContext) -> float:
    qf, cf = p.query.legal_forms, p.candidate.legal_forms
    if not qf or not cf:
        return 0.0
    return 1.0 if forms_agree(qf, cf) else -1.0


def legal_form_clash(p: PairContext) -> float:
    """1 when both names carry national legal forms of different kinds (AG, GmbH)."""
    return float(forms_clash(p.query.legal_forms, p.candidate.legal_forms))


def common_person_name(p: PairContext) -> float:
    """1 when a listed person's name is a given and a family name, both common in the
    list ("Ali Hassan"), the party's name is the same two words, and no country backs
    the match: many people carry that name, so it is a possible match to review, not a
    hard stop. An identical rare name, or a country that agrees, is not capped."""
    if p.entry_type != "person" or p.query_type == "entity":
        return 0.0
    a = p.alignment
    if len(a.pairs) != 2 or any(a.unaligned) or not a.all_exact:
        return 0.0
    if not all(p.weights.common(q) for q, _, _ in a.pairs):
        return 0.0
    return 1.0 if country_agree(p) <= 0 else 0.0
