"""A person's title or honorific (Haji, Maulawi, Sheikh, Dr., General) is set aside where
two persons' names are compared: it is no missing word when one name lacks it and no
agreement when both hold it; a title that is the only other word of a name, or that the
other name holds as a name word, stays a word of the name."""

from __future__ import annotations

import pandas as pd

from detectors.matching import Matcher, score_pairs
from detectors.matching.names import analyze_name
from detectors.matching.pairs import reference_weights
from detectors.matching.title_table import title_words
from detectors.matching.titles import read_titles
from tests.matching.conftest import entry
from watchlists.model import entries_to_frame


def _read(one: str, other: str, settings, kind: str = "person"):
    weights = reference_weights(settings)
    q = analyze_name(one, settings.tables, kind)
    c = analyze_name(other, settings.tables, kind)
    return read_titles(q, c, weights)


def _scores(settings, pairs: list[tuple[str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        {"name1": [a for a, _ in pairs], "name2": [b for _, b in pairs], "schema": "Person"}
    )
    return score_pairs(frame, settings)


def test_the_table_holds_rigours_prefixes_and_the_configured_titles(settings):
    titles = settings.tables.titles.spellings
    for spelling in ("Lieutenant Colonel", "Dr.", "Sir", "General", "Maulawi", "Haji", "Al-Haj"):
        assert title_words(spelling) in titles, spelling
    assert settings.tables.titles.also_names >= {"amir", "imam", "hafez"}


def test_a_leading_title_is_set_aside_from_the_name_that_holds_it(settings):
    q, c = _read("Maulawi Ahmed Shah", "AHMED SHAH", settings)
    assert q.tokens == ("ahmed", "shah") and q.titles == ("maulawi",)
    assert c.tokens == ("ahmed", "shah") and c.titles == ()
    q, _ = _read("Haji Mullah Ahmad Shah", "Ahmad Shah", settings)
    assert q.tokens == ("ahmad", "shah") and q.titles == ("haji", "mullah")
    q, _ = _read("Lieutenant Colonel Innocent Kaina", "Innocent Kaina", settings)
    assert q.tokens == ("innocent", "kaina")


def test_a_title_shared_by_both_names_is_set_aside_from_both(settings):
    q, c = _read("Haji Abdul Rahman", "Haji Abdul Karim", settings)
    assert q.tokens == ("abdul", "rahman") and c.tokens == ("abdul", "karim")
    scored = _scores(settings, [("Haji Abdul Rahman", "Haji Abdul Karim")])
    assert scored["score"].iat[0] < 0.1


def test_a_title_that_carries_the_name_stays_a_word_of_it(settings):
    # one word besides the title: the title is all that carries the rest of the name
    q, c = _read("Sheikh Hassan", "Hassan Turki", settings)
    assert q.tokens == ("sheikh", "hassan") and not q.titles
    # an article is no word of the name: Hafez is the given name of Hafez al-Assad
    q, _ = _read("Hafez al-Assad", "Bashar al-Assad", settings)
    assert q.tokens[0] == "hafez" and not q.titles
    # written inside the name, "Haji" is a word of it
    q, _ = _read("Mohamed Haji Omar", "Mohamed Omar", settings)
    assert "haji" in q.tokens


def test_a_title_the_other_name_keeps_as_a_name_word_is_compared(settings):
    q, c = _read("Sheikh Umair Naeem", "Umair Naeem Sheikh", settings)
    assert q.tokens == ("sheikh", "umair", "naeem") and not q.titles
    # the short name keeps its Haji: the long one's Haji (and Mullah) are compared with it
    q, c = _read("Haji Mullah Ibrahim Khan", "Haji Ibrahim", settings)
    assert q.tokens == ("haji", "mullah", "ibrahim", "khan") and c.tokens == ("haji", "ibrahim")
    # a title misspelt, a word no list knows
    q, c = _read("Maulawi Ahmed Shah", "Maulaawi Shah", settings)
    assert q.tokens[0] == "maulawi" and not q.titles
    # another spelling of the title, written where the other's family name would be
    q, c = _read("Sheikh Ahmed Umar", "ahmed umar cheikh", settings)
    assert q.tokens[0] == "sheikh" and not q.titles
    # a name of its own that looks like the title ("Said", "Sayyed") is no misspelling
    q, c = _read("Sayyed Kamal Musavi", "Said Musavi", settings)
    assert q.tokens == ("kamal", "musavi") and q.titles == ("sayyed",)


def test_a_title_that_is_also_a_given_name_is_set_aside_only_where_both_lead_with_it(
    settings,
):
    q, c = _read("Amir Hashem Katranji", "Maher Hashem Katranji", settings)
    assert q.tokens[0] == "amir" and not q.titles
    q, c = _read("Amir Hossein Safari", "Amir Hossein Rahimyar", settings)
    assert q.tokens == ("hossein", "safari") and c.tokens == ("hossein", "rahimyar")


def test_names_in_arabic_script_are_compared_as_written(settings):
    q, c = _read("آدم خان اچکزی", "ACHEKZAI, Maulawi Adam Khan", settings)
    assert not q.titles and c.tokens[0] == "maulawi"


def test_company_names_keep_their_words(settings):
    q, c = _read("General Trading LLC", "Trading LLC", settings, kind="unknown")
    assert q.tokens[0] == "general" and not q.titles
    # "general" is also a business word: the words after the title say it is a person
    q, _ = _read("General Ali Darassa", "ALI DARASSA", settings, kind="unknown")
    assert q.tokens == ("ali", "darassa") and q.titles == ("general",)


def test_a_dropped_title_costs_nothing_and_a_shared_one_adds_nothing(settings):
    scored = _scores(
        settings,
        [
            ("Sayyid Hassan Nasrallah", "Hassan Nasrallah"),
            ("Hassan Nasrallah", "Hassan Nasrallah"),
            ("Seyed Mohammad Kalami", "Seyed Mohammad Adnani"),
            ("Mohammad Kalami", "Mohammad Adnani"),
        ],
    )
    titled, plain, shared, unshared = scored["score"]
    assert abs(titled - plain) < 1e-6
    assert abs(shared - unshared) < 1e-6 and shared < settings.default_threshold


def test_match_pairs_says_which_title_was_set_aside(settings):
    scored = _scores(settings, [("Maulawi Gul Mohammad", "Gul Mohammad"), ("A B", "A B")])
    assert scored["match"].iat[0]
    assert "title set aside: maulawi" in scored["explanation"].iat[0]
    assert "set aside" not in scored["explanation"].iat[1]


def test_screening_says_which_title_was_set_aside(settings):
    listed = [entry("t:1", "KHAIR ULLAH", kind="person", list_code="SDN")]
    matcher = Matcher.build(entries_to_frame(listed), settings)
    hits = matcher.screen(pd.DataFrame({"party_id": ["p1"], "name": ["Haji Khair Ullah"]}))
    assert len(hits) == 1
    assert "title set aside: haji" in hits["explanation"].iat[0]
