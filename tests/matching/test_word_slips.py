"""A slip in a generic word, a legal-form word, a place or a common word, read as the
word the other name holds: both scoring paths say what was read, and a word is read
only against a name that holds the word it is a slip of."""

from __future__ import annotations

from detectors.matching.names import analyze_name
from detectors.matching.pairs import reference_weights
from detectors.matching.word_slips import SlipsRead, read_slips
from tests.matching.conftest import pair_explanations, screened_explanations

SLIPS = [
    ("NORTHSTAR TRADING CORPORAION", "NORTHSTAR TRADING CORPORATION", "corporaion=corporation"),
    ("KOREA TRADE BAK", "KOREA TRADE BANK", "bak=bank"),
    ("MIDDEL EAST BANK", "MIDDLE EAST BANK", "middel east=middleeast"),
    ("AL-BASHAAIR TRADING COMPANY, L TD", "AL-BASHAIR TRADING COMPANY, LTD", "l td=ltd"),
    ("public djoint stock company gazprom", "PUBLIC JOINT STOCK COMPANY GAZPROM", "djoint=joint"),
]
NOTE = "a slip read as the word: "


def test_match_pairs_says_which_word_a_slip_was_read_as(settings):
    pairs = [(one, other) for one, other, _ in SLIPS]
    pairs.append(("NORTHSTAR TRADING CORPORATION", "NORTHSTAR TRADING CORPORATION"))
    explained = pair_explanations(settings, pairs)
    for (one, _, said), (match, text) in zip(SLIPS, explained, strict=False):
        assert match and NOTE + said in text, (one, text)
    assert NOTE not in explained[-1][1]  # the same name: nothing read


def test_screening_says_which_word_a_slip_was_read_as(settings):
    screened = screened_explanations(settings, [(one, other) for one, other, _ in SLIPS])
    for (one, _, said), texts in zip(SLIPS, screened, strict=True):
        assert len(texts) == 1 and NOTE + said in texts[0], (one, texts)


def _read(one: str, other: str, settings) -> tuple[tuple[str, ...], tuple[str, ...]]:
    weights = reference_weights(settings)
    q = analyze_name(one, settings.tables, "entity")
    c = analyze_name(other, settings.tables, "entity")
    q, c = read_slips(q, c, weights)
    return q.tokens, c.tokens


def test_a_slip_is_read_only_as_a_word_the_other_name_holds(settings):
    assert _read("KOREA TRADE BAK", "KOREA TRADE BANK", settings)[0] == ("korea", "trade", "bank")
    # the other name holds no "bank": "bak" stays a word of its own
    assert _read("KOREA TRADE BAK", "KOREA TRADE CENTER", settings)[0] == ("korea", "trade", "bak")
    # nothing else agrees: "BAK" alone is no "BANK"
    assert _read("BAK", "BANK", settings)[0] == ("bak",)
    # a word one letter from a place is a name of its own ("Hongtong")
    tokens = _read("Hongtong Electronics Co., Ltd.", "HONG KONG ELECTRONICS", settings)[0]
    assert "hongtong" in tokens


def test_a_common_word_is_read_only_beside_a_rarer_word_every_other_word_agreeing(settings):
    weights = reference_weights(settings)
    q = analyze_name("SATE BANK LUHANSK PEOPLE'S", settings.tables, "entity")
    c = analyze_name("STATE BANK LUHANSK PEOPLE'S REPUBLIC", settings.tables, "entity")
    read, _ = read_slips(q, c, weights)
    assert isinstance(read, SlipsRead) and read.slips == (("sate", "state"),)
    # the word that names the firm, nothing rarer beside it: a near namesake
    assert _read("MEHL BANK", "MEHR BANK", settings)[0] == ("mehl", "bank")
    # another word differs too
    assert _read("Pals Isotope Trading", "PARS ISOTOPE COMPANY", settings)[0][0] == "pals"


def test_a_form_written_apart_is_read_as_the_others_form(settings):
    tokens, listed = _read("GUMMOBARO S.A..S", "GUMOBARO S.A.S.", settings)
    assert tokens == ("gummobaro",) and listed == ("gumobaro",)
    # a three-letter form only by a believable typo: "sze" is no "fze"
    tokens, _ = _read("BLUE SKY SZE", "BLUE SKY AVIATION CO FZE", settings)
    assert "sze" in tokens


def test_one_name_is_read_toward_the_other_never_toward_a_slip(settings):
    weights = reference_weights(settings)
    q = analyze_name("EVRO POLI SLTD.", settings.tables, "entity")
    c = analyze_name("EVRO POLIS LTD.", settings.tables, "entity")
    q_read, c_read = read_slips(q, c, weights)
    assert q_read.tokens == ("evro", "polis") and c_read is c
    # a space moved beside a generic word: the two words read agree
    assert _read("ARIA NBANK", "ARIAN BANK", settings)[0] == ("arian", "bank")
