"""Features of near words in company names: a word changed, added, joined or only
almost alike, which names another company as often as it is a slip."""

from __future__ import annotations

from rapidfuzz import fuzz

from detectors.matching.alignment import STOP_WORDS, company_like, same_key
from detectors.matching.east_slavic import slavic_alike
from detectors.matching.features.attributes import country_agree
from detectors.matching.features.context import PairContext
from detectors.matching.korean import korean_alike, korean_name
from detectors.matching.names import phonetic_key
from detectors.matching.spelling import one_edit_kind, pinyin_word, respelled, typo_credibility
from detectors.matching.transliteration import TRANSLIT, key_method

# words naming what kind of body a name is: lists give one body under several of them
BODY_WORDS = frozenset(
    [
        "association",
        "organization",
        "organisation",
        "foundation",
        "society",
        "institute",
        "institution",
        "center",
        "centre",
        "committee",
        "council",
        "union",
        "agency",
        "bureau",
        "office",
        "department",
        "house",
        "company",
        "group",
        "holding",
        "holdings",
        "enterprise",
        "enterprises",
        "corporation",
        "firm",
        "establishment",
        "movement",
        "front",
        "network",
        "party",
        "unit",
        "force",
        "forces",
        "brigade",
        "battalion",
    ]
)


def one_word_differs(p: PairContext) -> float:
    """1 when two company names agree word for word but for one word on each side that
    is neither a typo nor a place of the other, nor both words naming a kind of body
    ("China State Construction Equipment Corporation" against "... Engineering
    Corporation", "Westline Supply" against "WESTLINE ENTERPRISES"): another company."""
    if "person" in (p.query_type, p.entry_type):
        return 0.0
    a = p.alignment
    q_left, c_left = a.unaligned
    if len(q_left) != 1 or len(c_left) != 1 or not a.all_exact or not a.pairs:
        return 0.0
    q, c = q_left[0], c_left[0]
    if q in STOP_WORDS or c in STOP_WORDS or q.isdigit() or c.isdigit():
        return 0.0
    places = p.weights.tables.places
    if q in places or c in places:  # a place added or moved is the same company
        return 0.0
    if min(len(q), len(c)) < 4 or q[:4] == c[:4] or fuzz.ratio(q, c) >= 70:
        return 0.0  # a short word, an abbreviation, another form or a misspelling
    if q in BODY_WORDS and c in BODY_WORDS:
        return 0.0  # "Association" for "Organization": the same body named two ways
    # a body word against a business word ("Westline Supply" against "WESTLINE
    # ENTERPRISES") names another company, as two business words do
    return 1.0


def same_distinctive_words(p: PairContext) -> float:
    """1 when every distinctive word of both names is the same word on the other side
    and the names differ only in places and generic words: the brand alone against the
    full legal name ("Hikvision" against "Hangzhou Hikvision Digital Technology Co.,
    Ltd."). A distinctive word of four letters or fewer counts only when the one
    difference is a place added to one name ("SSM (Shanghai)" against "SSM")."""
    if "person" in (p.query_type, p.entry_type):
        return 0.0
    a = p.alignment
    q_left, c_left = a.unaligned
    if not (q_left or c_left) or not a.pairs:
        return 0.0
    distinctive = p.weights.distinctive
    if any(distinctive(t) for t in (*q_left, *c_left)):
        return 0.0
    shared = [q for q, c, s in a.pairs if distinctive(q) and q == c and s >= 1.0]
    if not shared:
        return 0.0
    # a short name ("SSM", "CRCC") with generic words is weak evidence, with a place added
    # ("SSM (Shanghai)", "Shenzhen CRCC") it is the name said with where the firm is
    places = p.weights.tables.places
    place_added = not (q_left and c_left) and all(t in places for t in (*q_left, *c_left))
    if max(map(len, shared)) < 5 and not place_added:
        return 0.0
    if any(distinctive(q) and q != c for q, c, _ in a.pairs):
        return 0.0
    return 1.0


def short_word_changed(p: PairContext) -> float:
    """1 when, in two company names, a distinctive word aligned is a short word with one
    letter changed, added or dropped so that it sounds otherwise ("Qirun Computing Inc."
    against "Qiqun Computing Co.", "Kangrong" against "Kangbong"): in a word that short
    the change is another name as often as a slip. Abbreviations, slips of the hand, one
    sound spelt two ways and a generic word misspelt ("North Groun Holding") are no
    change, nor is a word changed beside another rare word that agrees, every other word
    the same ("Pals Isotope Company" against "PARS ISOTOPE COMPANY"). From six letters
    on only a pinyin word pair counts (one letter makes another syllable: "Daxing",
    "Danxing"); in other words of six letters or more a letter more, less or changed is
    a typo as often as another name ("Albanian", "Abanian"; "Valpark", "Valpalk"), left
    to the weights."""
    if "person" in (p.query_type, p.entry_type):
        return 0.0
    distinctive, generic = p.weights.distinctive, p.weights.tables.generic
    for q, c, _ in p.alignment.pairs:
        if q == c or max(len(q), len(c)) > SHORT_WORD or q in c or c in q:
            continue
        if _one_word(p, q, c):  # one word in two scripts, romanized two ways
            continue
        if respelled(q) == respelled(c):  # "defense", "defence"
            continue
        if not (distinctive(q) or distinctive(c)):
            continue
        if q in generic or c in generic:
            continue  # a generic word misspelt ("groun" for "group") names no other firm
        if max(len(q), len(c)) > ANY_WORD and not (pinyin_word(q) and pinyin_word(c)):
            continue
        if one_edit_kind(q, c) != "change" or phonetic_key(q) == phonetic_key(c):
            continue
        if not _slip_among_agreeing_words(p, q, c):
            return 1.0
    return 0.0


def _slip_among_agreeing_words(p: PairContext, q: str, c: str) -> bool:
    """Every other word aligned is the same word, one of them a distinctive word, and
    neither name has a word the other lacks ("Pals Isotope Company" against "PARS
    ISOTOPE COMPANY"): a rare word already names the same firm, and the changed word
    beside it is a slip. A name whose one distinctive word changed ("Handa
    Electronics" against "HANA ELECTRONICS") has no such word. Two pinyin words stay
    changed whatever agrees beside them: one letter makes another syllable, another
    Chinese name ("Qirun Computing" against "Qiqun Computing")."""
    if pinyin_word(q) and pinyin_word(c):
        return False
    a, distinctive = p.alignment, p.weights.distinctive
    if any(t not in STOP_WORDS for t in (*a.unaligned[0], *a.unaligned[1])):
        return False
    others = [(x, y) for x, y, _ in a.pairs if (x, y) != (q, c)]
    if not all(x == y for x, y in others):
        return False
    return any(distinctive(x) for x, _ in others)


SHORT_WORD = 8  # letters up to which one changed letter makes another pinyin name
ANY_WORD = 5  # ...and another name of any kind


def compound_word(p: PairContext) -> float:
    """1 when a word of one company name is a listed word of the other with more letters
    joined to it: another listed word ("silverwave" against "silver", "gazpromneft"
    against "gazprom"), or letters that make a word no list holds ("falconwell",
    "silverar" against "falcon", "silver"). A name coined from a word, not the word
    abbreviated ("constr", "intl"), nor a word the other name writes apart
    ("bashiruddin" against "bashir ud din")."""
    if "person" in (p.query_type, p.entry_type) or p.query.arabic != p.candidate.arabic:
        return 0.0
    known = p.weights.known_word
    for q, c, s in p.alignment.pairs:
        if q == c or s >= 1.0:
            continue
        (short, long_), other = ((q, c), p.query) if len(q) < len(c) else ((c, q), p.candidate)
        if len(short) < 3 or not long_.isalpha():
            continue
        if long_.startswith(short):
            rest = long_[len(short) :]
        elif long_.endswith(short):
            rest = long_[: -len(short)]
        else:
            continue
        if rest in other.compact or not known(short):
            continue
        # the rest a listed word, or the longer word a coined one no list holds
        coined = not (known(long_) or long_ in p.candidate.tokens)
        if (len(rest) >= 3 and known(rest)) or (len(rest) >= 2 and coined):
            return 1.0
    return 0.0


def no_word_exact(p: PairContext) -> float:
    """When no word of the two names is the same word, how little the most believable
    of the aligned words is a typo of its partner (1 - typo credibility; else 0):
    "Falconis Integration" against "FALCON INTERNATIONAL" shares no word."""
    pairs = p.alignment.pairs
    if not pairs or any(_one_word(p, q, c) for q, c, _ in pairs):
        return 0.0
    return 1.0 - max(typo_credibility(q, c) for q, c, _ in pairs)


def _one_word(p: PairContext, q: str, c: str) -> bool:
    """The same word, or, for names in two scripts, the same transliteration key
    (`alignment.same_key`), or, for two Korean names, the same sound key (`korean.py`),
    or, for two persons' names, one East Slavic name in two languages' forms
    (`east_slavic.py`)."""
    if q == c:
        return True
    if slavic_alike(q, c) and not _company_side(p):
        return True
    if korean_alike(q, c) and korean_name(p.query.tokens) and korean_name(p.candidate.tokens):
        return True
    return key_method(p.query, p.candidate) == TRANSLIT and same_key(q, c, p.weights)


def _company_side(p: PairContext) -> bool:
    """One of the names reads as a company's."""
    return company_like(p.query, p.weights) or company_like(p.candidate, p.weights)


def _company_pair(p: PairContext) -> bool:
    """Neither side is a person's name, and one of them reads as a company's."""
    if "person" in (p.query_type, p.entry_type):
        return False
    return company_like(p.query, p.weights) or company_like(p.candidate, p.weights)


def common_words_only_fuzzy(p: PairContext) -> float:
    """In two company names whose only exact agreement is on words common in the list
    (generic words, or words many listed names carry: "Binya Properties Inc." against
    "BENA PROPERTIES", "Daya Leasing K.K." against "DAY LEASING COMPANY"), how little the
    most believable distinctive word aligned is a typo of its partner (1 - typo
    credibility; else 0). The list's own word frequencies, not a word table, say which
    words are common."""
    if not _company_pair(p):
        return 0.0
    weights = p.weights
    generic = weights.tables.generic
    exact, fuzzy = [], []
    for q, c, _ in p.alignment.pairs:
        if q == c:
            exact.append(q)
        elif (weights.distinctive(q) or weights.distinctive(c)) and not (
            q in generic or c in generic
        ):
            fuzzy.append((q, c))  # a misspelled generic word ("grup") is no distinctive word
    if not fuzzy or not any(weights.common(q) for q in exact):
        return 0.0
    if any(q not in STOP_WORDS and not weights.common(q) for q in exact):
        return 0.0  # a rarer word agrees exactly, or a place
    if any(q in weights.tables.places for q in exact):
        return 0.0
    return 1.0 - max(typo_credibility(q, c) for q, c in fuzzy)


def lone_fuzzy_word(p: PairContext) -> float:
    """1 when two company names share no word exactly, their only agreement is a word
    spelled alike, and each name has another word the other lacks ("Blueland Research
    Corp." against "BLUELANE OVERSEAS SA") and the party's country is none of the
    entry's: one word almost alike is all the evidence, and the rest disagrees."""
    if not _company_pair(p) or p.query.arabic != p.candidate.arabic:
        return 0.0
    if country_agree(p) >= 0:  # a transliterated alias of the same country keeps its score
        return 0.0
    a = p.alignment
    if not a.pairs or any(_one_word(p, q, c) for q, c, _ in a.pairs):
        return 0.0
    q_left, c_left = a.unaligned
    if any(t not in STOP_WORDS for t in q_left) and any(t not in STOP_WORDS for t in c_left):
        return 1.0
    return 0.0
