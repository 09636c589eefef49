"""Acronyms inside a name read as the words they stand for (`acronyms.expand_acronyms`),
and whole-name acronyms with their trailing legal form."""

from __future__ import annotations

import pandas as pd

from detectors.matching import Matcher, score_pairs
from detectors.matching.acronyms import expand_acronyms, hyphenated_pairs
from detectors.matching.alignment import token_similarity
from detectors.matching.names import analyze_name
from tests.matching.conftest import entry
from watchlists.model import entries_to_frame

NO_HYPHENS: frozenset[tuple[str, str]] = frozenset()
GENERIC = frozenset({"bank", "trading", "marine", "society", "financial", "machinery"})


def distinctive(word: str) -> bool:
    return word not in GENERIC


def test_an_acronym_is_read_as_the_run_of_words_it_stands_for():
    tokens, read = expand_acronyms(
        ("cb", "verkhnevolzhsky"),
        ("commercial", "bank", "verkhnevolzhsky"),
        NO_HYPHENS,
        token_similarity,
        distinctive,
    )
    assert tokens == ("commercial", "bank", "verkhnevolzhsky")
    assert read == (("cb", "commercial bank"),)


def test_an_article_is_no_acronym():
    # "al" of "AL QA'IDA" is no initials of "AI Labs", whatever else agrees
    tokens, read = expand_acronyms(
        ("al", "qaida"), ("taida", "ai", "labs"), NO_HYPHENS, token_similarity, distinctive
    )
    assert (tokens, read) == (("al", "qaida"), ())


def test_a_hyphenated_word_is_one_word_of_the_acronym():
    raw = "NON-BANK CREDIT ORGANIZATION RUSSIAN FINANCIAL SOCIETY"
    other = ("non", "bank", "credit", "organization", "russian", "financial", "society")
    party = ("nco", "russian", "financial", "society")
    tokens, read = expand_acronyms(
        party, other, hyphenated_pairs(raw), token_similarity, distinctive
    )
    assert read == (("nco", "non bank credit organization"),)
    assert tokens == other
    # without the hyphen, "non bank" are two words and the initials "nbco"
    assert expand_acronyms(party, other, NO_HYPHENS, token_similarity, distinctive) == (party, ())


def test_letters_written_apart_are_one_acronym():
    tokens, read = expand_acronyms(
        ("korea", "ryenha", "machinery", "j", "v"),
        ("korea", "ryonha", "machinery", "joint", "venture"),
        NO_HYPHENS,
        token_similarity,
        distinctive,
    )
    assert read == (("jv", "joint venture"),)
    assert tokens[-2:] == ("joint", "venture")


def test_no_acronym_without_another_word_agreeing():
    tokens = ("cb", "marine")
    assert expand_acronyms(
        tokens, ("commercial", "bank", "oceanic"), NO_HYPHENS, token_similarity, distinctive
    ) == (tokens, ())


def test_no_acronym_when_a_distinctive_word_of_its_name_agrees_with_nothing():
    tokens = ("aerospace", "ch", "uav")
    other = ("aerospace", "communication", "holdings")
    assert expand_acronyms(tokens, other, NO_HYPHENS, token_similarity, distinctive) == (
        tokens,
        (),
    )


def test_letters_written_apart_are_no_words_of_an_acronym():
    tokens = ("plm", "sociedad", "corretaje")
    other = ("p", "l", "m", "sociedad", "corretaje")
    assert expand_acronyms(tokens, other, NO_HYPHENS, token_similarity, distinctive) == (
        tokens,
        (),
    )


def test_no_acronym_of_words_the_name_already_has():
    tokens = ("cb", "bank", "volga")
    assert expand_acronyms(
        tokens, ("commercial", "bank", "volga"), NO_HYPHENS, token_similarity, distinctive
    ) == (tokens, ())


def test_other_initials_are_no_acronym():
    tokens = ("abc", "trading")
    assert expand_acronyms(
        tokens, ("alpha", "bravo", "delta", "trading"), NO_HYPHENS, token_similarity, distinctive
    ) == (tokens, ())


def test_whole_name_initials_take_the_trailing_legal_form(settings):
    name = analyze_name("Yangtze Memory Technologies Co Ltd", settings.tables, "entity")
    assert {"ymt", "ymtc", "ymtcl"} <= name.initials
    assert "ymtl" not in name.initials


def test_the_explanation_names_the_acronym_and_its_words(settings):
    scored = score_pairs(
        pd.DataFrame(
            {
                "name1": ["OJSC CB VERKHNEVOLZHSKY"],
                "name2": ["OPEN JOINT STOCK COMPANY COMMERCIAL BANK VERKHNEVOLZHSKY"],
            }
        ),
        settings,
    )
    assert bool(scored["match"].iat[0])
    assert "CB=commercial bank" in scored["explanation"].iat[0]


def test_screening_finds_the_entry_through_an_acronym_and_says_so(settings):
    entries = [
        entry("t:vvb", "OPEN JOINT STOCK COMPANY COMMERCIAL BANK VERKHNEVOLZHSKY", list_code="SDN"),
        entry("t:vvi", "OPEN JOINT STOCK COMPANY INVESTMENT BANK VOLGOVYATSKY", list_code="SDN"),
    ]
    matcher = Matcher.build(entries_to_frame(entries), settings)
    names = ["OJSC CB Verkhnevolzhsky", "OJSC CB Volgovyatsky"]
    hits = matcher.screen(pd.DataFrame({"party_id": ["a", "b"], "name": names}))
    assert set(zip(hits["party_id"], hits["entry_id"], strict=True)) == {("a", "t:vvb")}
    assert "CB=commercial bank" in hits["explanation"].iat[0]
