"""Features of how much of two names agree: the rarity-weighted cover of the alignment,
the distinctive words matched or missed, rapidfuzz ratios of the texts compared,
acronyms, numbers and one-word names."""

from __future__ import annotations

from rapidfuzz import fuzz

from detectors.matching.features.context import PairContext


def name_overlap(p: PairContext) -> float:
    a = p.alignment
    if a.query_cover + a.candidate_cover == 0:
        return 0.0
    return 2 * a.query_cover * a.candidate_cover / (a.query_cover + a.candidate_cover)


def party_name_covered(p: PairContext) -> float:
    return p.alignment.query_cover


def list_name_covered(p: PairContext) -> float:
    return p.alignment.candidate_cover


def distinctive_tokens_matched(p: PairContext) -> float:
    return p.alignment.matched_info


def distinctive_words_agree(p: PairContext) -> float:
    return p.alignment.distinctive_agreement


def distinctive_words_only_fuzzy(p: PairContext) -> float:
    return p.alignment.fuzzy_only


def distinctive_tokens_missed(p: PairContext) -> float:
    return p.alignment.missed_info


def only_generic_words(p: PairContext) -> float:
    pairs = p.alignment.pairs
    if not pairs:
        return 0.0
    distinctive = p.weights.distinctive
    for q, _, _ in pairs:
        if distinctive(q):
            return 0.0
    return 1.0


def _texts(p: PairContext) -> tuple[str, str]:
    """The two names as compared: initials written out as the given name they align
    with, split words joined."""
    a = p.alignment
    return (a.query_text or p.query.core, a.candidate_text or p.candidate.core)


def token_set_score(p: PairContext) -> float:
    q, c = _texts(p)
    return fuzz.token_set_ratio(q, c) / 100.0


def token_sort_score(p: PairContext) -> float:
    q, c = _texts(p)
    return fuzz.token_sort_ratio(q, c) / 100.0


def compact_score(p: PairContext) -> float:
    q, c = _texts(p)
    return fuzz.ratio(q.replace(" ", ""), c.replace(" ", "")) / 100.0


def acronym_match(p: PairContext) -> float:
    q, c = p.query, p.candidate
    for short, long_ in ((q, c), (c, q)):
        if len(short.tokens) == 1 and len(long_.tokens) >= 2:
            token = short.tokens[0]
            if len(token) >= 2 and token in long_.initials:
                return 1.0
    return 0.0


def acronym_in_name(p: PairContext) -> float:
    """1 when a word of one company name was read as the run of the other's words whose
    initials it is ("cb": "commercial bank"; `acronyms.expand_acronyms`)."""
    return 1.0 if p.alignment.acronyms else 0.0


def numbers_agree(p: PairContext) -> float:
    qn, cn = p.query.numbers, p.candidate.numbers
    if not qn and not cn:
        return 0.0
    return 1.0 if qn == cn else -1.0


def single_token_name(p: PairContext) -> float:
    return float(min(len(p.query.tokens), len(p.candidate.tokens)) <= 1)
