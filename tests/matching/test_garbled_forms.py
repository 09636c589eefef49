"""A legal form written with a slip: the explanation says what it was read as."""

from __future__ import annotations

import pandas as pd

from detectors.matching import Matcher, score_pairs
from watchlists.model import WatchlistEntry, entries_to_frame

SLIPS = [
    ("TRITCON .A.S.", "TRITCON S.A.S.", "read as S.A.S.: .A.S."),
    ("BIOFORESTAL S.AA.", "BIOFORESTAL S.A.", "read as S.A.: S.AA."),
    ("GASOLINERA LA PAZ, l.A. DE C.V.", "GASOLINERA LA PAZ S.A. DE C.V.", ": l.A. DE C.V."),
    ("GRUPO HORTA ZAVALA DE C.V.", "GRUPO HORTA ZAVALA S.A. DE C.V.", "S.A. DE C.V.: DE C.V."),
]
NOTE = "legal form written with a slip read as "


def test_match_pairs_says_which_legal_form_a_slip_was_read_as(settings):
    pairs = pd.DataFrame(
        {
            "name1": [one for one, _, _ in SLIPS] + ["TRITCON S.A.S."],
            "name2": [other for _, other, _ in SLIPS] + ["TRITCON S.A.S."],
            "schema": "Company",
        }
    )
    explanations = list(score_pairs(pairs, settings)["explanation"])
    for (one, _, said), text in zip(SLIPS, explanations, strict=False):
        assert NOTE in text and said in text, (one, text)
    assert NOTE not in explanations[-1]  # a form well written is no slip


def test_screening_says_which_legal_form_a_slip_was_read_as(settings):
    listed = [
        WatchlistEntry(
            entry_id=f"t:{i}", source="custom", list="SDN", list_code="SDN", type="entity", name=n
        )
        for i, (_, n, _) in enumerate(SLIPS)
    ]
    matcher = Matcher.build(entries_to_frame(listed), settings)
    parties = pd.DataFrame(
        {"party_id": [f"p{i}" for i in range(len(SLIPS))], "name": [n for n, _, _ in SLIPS]}
    )
    hits = matcher.screen(parties).set_index("party_id")
    for i, (one, _, said) in enumerate(SLIPS):
        text = hits.loc[f"p{i}", "explanation"]
        assert isinstance(text, str) and NOTE in text and said in text, (one, text)
