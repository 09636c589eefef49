"""A legal form written with a slip: the explanation says what it was read as."""

from __future__ import annotations

from tests.matching.conftest import pair_explanations, screened_explanations

SLIPS = [
    ("TRITCON .A.S.", "TRITCON S.A.S.", "read as S.A.S.: .A.S."),
    ("BIOFORESTAL S.AA.", "BIOFORESTAL S.A.", "read as S.A.: S.AA."),
    ("GASOLINERA LA PAZ, l.A. DE C.V.", "GASOLINERA LA PAZ S.A. DE C.V.", ": l.A. DE C.V."),
    ("GRUPO HORTA ZAVALA DE C.V.", "GRUPO HORTA ZAVALA S.A. DE C.V.", "S.A. DE C.V.: DE C.V."),
]
NOTE = "legal form written with a slip read as "


def test_match_pairs_says_which_legal_form_a_slip_was_read_as(settings):
    pairs = [(one, other) for one, other, _ in SLIPS] + [("TRITCON S.A.S.", "TRITCON S.A.S.")]
    explained = pair_explanations(settings, pairs)
    for (one, _, said), (_, text) in zip(SLIPS, explained, strict=False):
        assert NOTE in text and said in text, (one, text)
    assert NOTE not in explained[-1][1]  # a form well written is no slip


def test_screening_says_which_legal_form_a_slip_was_read_as(settings):
    screened = screened_explanations(settings, [(one, other) for one, other, _ in SLIPS])
    for (one, _, said), texts in zip(SLIPS, screened, strict=True):
        assert len(texts) == 1 and NOTE in texts[0] and said in texts[0], (one, texts)
