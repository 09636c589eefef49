"""Near namesakes are not hits; misspellings still are, also in a large list."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from detectors.matching import Matcher, score_pairs
from detectors.matching.near_words import (
    NearWords,
    deletion_variants,
    stable_hashes,
    typos_allowed,
    variant_hashes,
)
from detectors.matching.packed import PackedText
from watchlists.model import WatchlistEntry, entries_to_frame


def test_near_namesake_is_capped_below_the_threshold_and_says_why(settings):
    scored = score_pairs(
        pd.DataFrame({"name1": ["Handa Electronics Pte. Ltd."], "name2": ["HANA ELECTRONICS"]}),
        settings,
    )
    assert scored["score"].iat[0] < min(settings.role_thresholds.values())
    assert "capped at" in scored["explanation"].iat[0]
    assert "handa~hana" in scored["explanation"].iat[0]


def test_a_company_is_no_hit_on_a_listed_person_of_that_name(small_matcher):
    hits = small_matcher.screen(
        pd.DataFrame({"name": ["Haniya Trading Co., Ltd.", "Ismail Haniya Digital Ltd"]})
    )
    assert "t:haniya" not in set(hits["entry_id"])


def test_near_words_reach_two_typos_in_long_words_and_one_in_short_ones():
    words = ["zaidanfen", "tongmaikan", "hana", "haige", "sinno"]
    near = NearWords.build(words)
    found = near.lookup(["maidanjen", "tngmairan", "hanwa", "haieg", "sino", "hgie"], words)
    assert found["maidanjen"] == [("zaidanfen", 2)]
    assert found["tngmairan"] == [("tongmaikan", 2)]
    assert found["haieg"] == [("haige", 1)]
    assert found["sino"] == [("sinno", 1)]
    assert found["hanwa"] == [("hana", 1)]
    assert found["hgie"] == []  # two edits in a four-letter word: too far to look


def test_listed_words_packed_are_searched_as_the_words_themselves():
    """The index hands typo search its listed words packed in one buffer (reading them
    touches no string object); the closest words found are those found in the list."""
    words = ["zaidanfen", "tongmaikan", "hana", "haige", "sinno", "haiga", "hanna"]
    queried = ["maidanjen", "hanwa", "haieg", "sino", "zaidanfen"]
    near = NearWords.build(words)
    in_list = near.closest_arrays(queried, words)
    packed = near.closest_arrays(queried, PackedText(words))
    assert len(in_list.word_ids) > 0
    for field in ("positions", "word_ids", "edits", "counts", "bounds"):
        assert np.array_equal(getattr(packed, field), getattr(in_list, field)), field


def test_deletion_variants_hashed_in_arrays_are_those_of_the_strings():
    """Words of every length from 1 to 60 letters (past the hashed 32, and past the
    longest worked out in arrays), with repeated letters, at depths 0 to 2: the same set
    of hashes per word as hashing the strings."""
    rng = random.Random(5)
    words = ["".join(rng.choice("aab") for _ in range(n)) for n in range(1, 61)]
    words += [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(n)) for n in range(1, 61)
    ]
    words += ["zaidanfen", "mississippi"]
    depths = [i % 3 for i in range(len(words))]
    hashes, owners = variant_hashes(words, depths)
    for position, (word, depth) in enumerate(zip(words, depths, strict=True)):
        expected = set(stable_hashes(sorted(deletion_variants(word, depth))).tolist())
        assert set(hashes[owners == position].tolist()) == expected, (word, depth)


def test_near_words_store_each_words_variants_once_by_key_then_word():
    words = ["mississippi", "missisippi", "haige", "hai", "zaidanfen", "aaaa", "x1y2z3w4"]
    near = NearWords.build(words)
    expected = sorted(
        (int(key), word_id)
        for word_id, word in enumerate(words)
        if typos_allowed(word)
        for key in set(stable_hashes(sorted(deletion_variants(word, typos_allowed(word)))).tolist())
    )
    assert list(zip(near.keys.tolist(), near.word_ids.tolist(), strict=True)) == expected


def test_a_list_of_words_too_short_for_typos_builds_and_finds_none():
    near = NearWords.build(["ab", "co", "ltd"])
    assert len(near.keys) == 0
    assert near.lookup(["abcd", "colt"], ["ab", "co", "ltd"]) == {"abcd": [], "colt": []}


def _syllable_word(rng: random.Random) -> str:
    syllables = [c + v for c in "bdgklmnprstwxyz" for v in ("a", "e", "i", "o", "u", "ang")]
    return "".join(rng.choice(syllables) for _ in range(rng.choice((2, 3))))


def test_misspelt_party_finds_its_entry_among_many_similar_names(settings, small_entries):
    """Thousands of listed names sharing the generic words and the place of the listed
    party: the index still hands the misspelt party's own entry to the scorer."""
    rng = random.Random(3)
    crowd = [
        WatchlistEntry(
            entry_id=f"t:crowd{i}",
            source="custom",
            list="Specially Designated Nationals (SDN)",
            list_code="SDN",
            type="entity",
            name=f"Guangzhou {_syllable_word(rng).title()} Communication Group",
        )
        for i in range(6000)
    ]
    frame = pd.concat([small_entries, entries_to_frame(crowd)], ignore_index=True)
    matcher = Matcher.build(frame, settings)
    names = ["Guangzhou Hagie Comunication Group", "Guangzhuo Haiga Communication Grp"]
    hits = matcher.screen(pd.DataFrame({"party_id": ["a", "b"], "name": names}))
    assert set(hits.loc[hits["entry_id"] == "t:haige", "party_id"]) == {"a", "b"}


def test_a_letter_changed_in_the_firms_short_name_is_another_firm(settings):
    """A distinctive word of two company names, one letter apart and sounding otherwise
    ("qirun"/"qiqun"), is a near namesake; a transliteration variant that keeps its
    sound is not."""
    pairs = pd.DataFrame(
        {
            "name1": ["Qirun Computing Inc.", "Qirun Computing Inc.", "Bank Sepah Iran"],
            "name2": ["Qiqun Computing Co.", "QIRUN COMPUTING CO.", "BANK SEPEH IRAN"],
            "schema": ["Company", "Company", "Company"],
        }
    )
    scored = score_pairs(pairs, settings)
    assert scored["score"].iat[0] < min(settings.role_thresholds.values())
    assert "a letter changed and sounds otherwise" in scored["explanation"].iat[0]
    assert scored["match"].iat[1]
    assert "a letter changed" not in scored["explanation"].iat[2]


def test_a_slip_in_the_firms_short_name_beside_a_rare_word_that_agrees_is_no_change(
    settings,
):
    """Beside another rare word that agrees, every other word the same, a short word
    changed is a slip and the cap leaves the pair to the weights; a changed pinyin word,
    or another word that differs too, keeps the cap and says so."""
    pairs = pd.DataFrame(
        {
            "name1": ["Pals Isotope Company", "Handa Mandegar Electronics", "Pals Isotope Trading"],
            "name2": ["PARS ISOTOPE COMPANY", "HANA MANDEGAR ELECTRONICS", "PARS ISOTOPE COMPANY"],
            "schema": ["Company", "Company", "Company"],
        }
    )
    scored = score_pairs(pairs, settings)
    assert scored["match"].iat[0]
    assert "capped" not in scored["explanation"].iat[0]
    assert "no other rare word of the names agrees" in scored["explanation"].iat[1]
    assert not scored["match"].iat[2]


def test_edit_kinds_of_a_slip_and_of_another_name():
    from detectors.matching.spelling import one_edit_kind, typo_credibility

    assert one_edit_kind("armamet", "armament") == "slip"  # a consonant dropped, long word
    assert one_edit_kind("handa", "hana") == "change"  # ...but not from a short one
    assert one_edit_kind("ayande", "ayandeh") == "sound"  # a final h after a vowel
    assert one_edit_kind("handah", "hand") is None
    assert typo_credibility("karadj", "karaj") >= 0.9  # dj for j
    # one letter changed far from it on the keyboard is another name as often as a slip,
    # even in a word of seven letters (a key beside it is a slip: `keyboard_neighbours`)
    assert typo_credibility("eurolet", "eurobet") <= 0.5
    assert typo_credibility("sinotec", "sinopec") <= 0.5
    assert typo_credibility("kumsang", "kumgang") <= 0.5
    assert typo_credibility("garben", "garden") <= 0.5  # six letters
    assert typo_credibility("wurobet", "eurobet") <= 0.5  # the first letter
    assert typo_credibility("daesung", "daesong") <= 0.5  # a vowel: another syllable
    assert typo_credibility("peykasl", "peykasa") <= 0.5  # the last letter: a coinage
    assert one_edit_kind("compute", "computer") == "change"  # a letter more at the end
    assert one_edit_kind("sabrina", "shabrina") == "change"  # sh is another sound than s


def test_a_word_joined_to_another_word_is_no_abbreviation(settings):
    pairs = pd.DataFrame(
        {
            "name1": ["Silverwave Cloud LLC", "Silverwave Cloud LLC"],
            "name2": ["SILVER CLOUD", "SILVER WAVE CLOUD LLC"],
            "schema": ["Company", "Company"],
        }
    )
    scored = score_pairs(pairs, settings)
    assert not scored["match"].iat[0]
    assert "longer word made of two words" in scored["explanation"].iat[0]
    assert scored["match"].iat[1]  # the same two words written apart


def test_a_public_limited_company_clashes_with_a_private_ones_form():
    from detectors.matching.legal_forms import forms_clash

    assert forms_clash({"jsc.plc"}, {"llc.ltd"})
    assert forms_clash({"llc.coltd"}, {"jsc.plc"})
    assert not forms_clash({"jsc.plc"}, {"jsc.plc"})
    assert not forms_clash({"jsc.plc"}, {"llc.ltd", "jsc.jsc"})
    assert not forms_clash({"llc.ltd"}, {"llc.inc"})


def test_an_english_respelling_is_the_same_word():
    from detectors.matching.spelling import typo_credibility

    assert typo_credibility("sinobrite", "sinobright") >= 0.9
    assert typo_credibility("tekfone", "tekphone") >= 0.9
    assert typo_credibility("sinobrite", "sinosite") < 0.5


def test_one_name_romanized_twice_is_one_word_but_another_vowel_sound_is_not():
    from detectors.matching.spelling import romanized_alike, typo_credibility

    for one, other in [("khaled", "khalid"), ("orfali", "urfali"), ("mahrus", "mahrous"),
                       ("duraid", "dureid"), ("daoud", "dawud"), ("sayed", "sayyid")]:  # fmt: skip
        assert romanized_alike(one, other), (one, other)
        assert typo_credibility(one, other) >= 0.9
    for one, other in [("hassan", "hussein"), ("garen", "green"), ("hamid", "hamad"),
                       ("minghui", "menghui"), ("cheng", "ching"), ("hanjin", "hunjin")]:  # fmt: skip
        assert not romanized_alike(one, other), (one, other)  # pinyin: other syllables
    assert not romanized_alike("musa", "moosa")  # too short to tell


def test_screening_keeps_the_typo_and_drops_the_near_namesakes(settings):
    listed = [
        WatchlistEntry(
            entry_id=f"t:{i}", source="custom", list="SDN", list_code="SDN", type="entity", name=n
        )
        for i, n in enumerate(
            ["QIQUN COMPUTING CO.", "SILVER CLOUD", "SILVER BRIDGE SHIPPING CO., LIMITED"]
        )
    ]
    matcher = Matcher.build(entries_to_frame(listed), settings)
    parties = pd.DataFrame(
        {
            "party_id": ["near1", "near2", "near3", "typo"],
            "name": [
                "Qirun Computing Inc.",
                "Silverwave Cloud LLC",
                "Silverbridge Shipping plc",
                "Qiqun Computting Co., Ltd.",
            ],
        }
    )
    hits = matcher.screen(parties)
    assert set(hits["party_id"]) == {"typo"}


def test_a_shared_place_and_a_far_distinctive_word_is_capped_and_says_why(settings):
    scored = score_pairs(
        pd.DataFrame(
            {"name1": ["Dubai Hongha Logistics JSC"], "name2": ["DUBAI HONGBAI LOGISTICS GMBH"]}
        ),
        settings,
    )
    assert scored["score"].iat[0] < min(settings.role_thresholds.values())
    assert (
        "capped at 0.40: only generic words, places or common words agree"
        in scored["explanation"].iat[0]
    )


def test_a_legal_form_written_with_a_slip_is_read_as_the_other_names_form(settings):
    from detectors.matching.garbled_forms import read_garbled_forms
    from detectors.matching.names import analyze_name

    def read(one: str, other: str) -> tuple[tuple[str, ...], frozenset[str], frozenset[str]]:
        q, c = (analyze_name(n, settings.tables, "entity") for n in (one, other))
        q, c = read_garbled_forms(q, c)
        return q.tokens, q.legal_forms, c.legal_forms

    tokens, forms, listed = read("TRITCON .A.S.", "TRITCON S.A.S.")
    assert tokens == ("tritcon",) and forms == listed  # not the Norwegian AS
    tokens, forms, listed = read("GASOLINERA LA, l.A. DE C.V.", "GASOLINERA LA, S.A. DE C.V.")
    assert tokens == ("gasolinera", "la") and forms == listed
    tokens, forms, listed = read("GRUPO HORTA ZAVALA DE C.V.", "GRUPO HORTA ZAVALA S.A. DE C.V.")
    assert tokens == ("group", "horta", "zavala") and forms == listed  # a word left out
    # two letters changed into two others are a word; a form-like word of a name of two
    # letters is a word of that name; a form of the name's own is left alone
    assert read("Hotel La", "HOTEL S.A.")[0] == ("hotel", "la")
    assert read("EP-MMA", "EP-MMC")[0] == ("ep", "mma")
    tokens, forms, listed = read("Acme Trading Co", "ACME TRADING C.V.")
    assert tokens == ("acme", "trading") and forms and forms != listed
