"""Features of one (party, list name) pair, each a small named pure function.

A pair is first aligned token by token (`align`), weighing every token by its rarity in
the list (IDF; generic words and places weighed down). The features read the alignment
and the party's and entry's other attributes; the scorer combines them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from detectors.matching.alignment import (
    STOP_WORDS,
    Alignment,
    TokenWeights,
    company_like,
    same_key,
)
from detectors.matching.arabic import skeleton_tokens, skeleton_words
from detectors.matching.legal_forms import forms_agree, forms_clash
from detectors.matching.names import AnalyzedName, phonetic_key
from detectors.matching.pinyin import han_readings, read_otherwise, syllable_changed
from detectors.matching.spelling import one_edit_kind, typo_credibility
from detectors.matching.transliteration import SKELETON, TRANSLIT, key_method


@dataclass(frozen=True)
class PairContext:
    """Everything the features of one pair may read."""

    query: AnalyzedName
    candidate: AnalyzedName
    alignment: Alignment
    weights: TokenWeights
    query_country: str | None = None
    query_address: str | None = None  # normalized
    query_type: str = "unknown"  # person, entity, unknown
    entry_countries: frozenset[str] = field(default_factory=frozenset)
    entry_addresses: tuple[str, ...] = ()  # normalized
    entry_type: str = "unknown"
    weak_alias: bool = False


# ---- the features ----------------------------------------------------------------------


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


def numbers_agree(p: PairContext) -> float:
    qn, cn = p.query.numbers, p.candidate.numbers
    if not qn and not cn:
        return 0.0
    return 1.0 if qn == cn else -1.0


def legal_form_agree(p: PairContext) -> float:
    qf, cf = p.query.legal_forms, p.candidate.legal_forms
    if not qf or not cf:
        return 0.0
    return 1.0 if forms_agree(qf, cf) else -1.0


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
    Ltd.")."""
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
    if not shared or max(map(len, shared)) < 5:
        return 0.0
    if any(distinctive(q) and q != c for q, c, _ in a.pairs):
        return 0.0
    return 1.0


def short_word_changed(p: PairContext) -> float:
    """1 when, in two company names, a distinctive word aligned is a short word with one
    letter changed, added or dropped so that it sounds otherwise ("Qirun Computing Inc."
    against "Qiqun Computing Co.", "Kangrong" against "Kangbong"): in a word that short
    the change is another name as often as a slip. Abbreviations, slips of the hand and
    one sound spelt two ways are no change."""
    if "person" in (p.query_type, p.entry_type):
        return 0.0
    distinctive = p.weights.distinctive
    for q, c, _ in p.alignment.pairs:
        if q == c or max(len(q), len(c)) > SHORT_WORD or q in c or c in q:
            continue
        if _one_word(p, q, c):  # one word in two scripts, romanized two ways
            continue
        if not (distinctive(q) or distinctive(c)):
            continue
        if one_edit_kind(q, c) == "change" and phonetic_key(q) != phonetic_key(c):
            return 1.0
    return 0.0


SHORT_WORD = 8  # letters up to which one changed consonant makes another name


def _name_word(token: str, weights: TokenWeights) -> bool:
    """A distinctive word the list does not carry often: a word many listed names carry
    is a word of a language ("defense", "house") or a brand of many entries, whose
    spellings vary ("defence")."""
    return weights.distinctive(token) and not weights.common(token)


def pinyin_syllable_changed(p: PairContext) -> float:
    """1 when, in two company names, a distinctive word aligned is a pinyin word with one
    syllable changed into another ("Mingcheng" against "MINGZHENG", "Hongxing" against
    "HONGXIANG"): another character, another name, however few letters differ
    (`pinyin.syllable_changed`). A slip stays believable where the rest of both names,
    a place among it, is the same word for word ("Guangzhou Haiga Communication Group"
    against "... Haige ..."). A name in Chinese characters against a Latin one: the
    Latin word is pinyin that no reading of the characters gives ("华源", hua + yuan,
    against "HONGYAN"; `pinyin.read_otherwise`)."""
    if "person" in (p.query_type, p.entry_type):
        return 0.0
    scripts = (p.query.script, p.candidate.script)
    if scripts == ("latin", "latin"):
        return float(_syllable_changed_in_latin(p))
    if sorted(scripts) == ["han", "latin"]:
        return float(_read_otherwise_in_han(p))
    return 0.0


def _syllable_changed_in_latin(p: PairContext) -> bool:
    a, weights = p.alignment, p.weights
    changed = [
        (q, c)
        for q, c, _ in a.pairs
        if q != c and _name_word(q, weights) and _name_word(c, weights) and syllable_changed(q, c)
    ]
    if not changed:
        return False
    places = weights.tables.places
    rest_same = len(changed) == 1 and not any(a.unaligned)
    rest_same = rest_same and all(q == c for q, c, _ in a.pairs if (q, c) != changed[0])
    return not (rest_same and any(q == c and q in places for q, c, _ in a.pairs))


def _read_otherwise_in_han(p: PairContext) -> bool:
    han_first = p.query.script == "han"
    readings = han_readings((p.query if han_first else p.candidate).raw)
    for q, c, _ in p.alignment.pairs:
        han, latin = (q, c) if han_first else (c, q)
        if han == latin or han not in readings or not _name_word(latin, p.weights):
            continue
        if read_otherwise(latin, readings[han]):
            return True
    return False


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
    (`alignment.same_key`)."""
    if q == c:
        return True
    return key_method(p.query, p.candidate) == TRANSLIT and same_key(q, c, p.weights)


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


def legal_form_clash(p: PairContext) -> float:
    """1 when both names carry national legal forms of different kinds (AG, GmbH)."""
    return float(forms_clash(p.query.legal_forms, p.candidate.legal_forms))


def same_after_transliteration(p: PairContext) -> float:
    """For two names written in different scripts, the rarity-weighted share of both
    names' words that are one word once transliterated: the same word, or the same key
    (`transliteration.key_method`: the consonant skeleton against Arabic script, the
    transliteration key against other scripts). 1 when every word agrees; 0 for two
    names of one script, or when fewer than two words agree."""
    method = key_method(p.query, p.candidate)
    if method is None:
        return 0.0
    a = p.alignment
    weight = (p.weights.skeletal() if method == SKELETON else p.weights).weight
    one = [
        (q, c)
        for q, c, _ in a.pairs
        if q == c or (method == TRANSLIT and same_key(q, c, p.weights))
    ]
    if len(one) < 2:  # one word alike by its consonants is a collision as often as a name
        return 0.0
    agreed = sum(weight(q) + weight(c) for q, c in one)
    total = sum(weight(q) + weight(c) for q, c, _ in a.pairs)
    total += sum(weight(t) for side in a.unaligned for t in side if t not in STOP_WORDS)
    return agreed / total if total else 0.0


def long_vowels_differ(p: PairContext) -> float:
    """1 when a name in Arabic script and a Latin one each keep a word the other lacks
    whose consonants are the same but whose long vowels, as the Arabic writes them, are
    not ("حامد كريم" against "AHMAD KARIM": Hamid is not Ahmad): another person."""
    return float(p.alignment.vowel_clash)


SKELETON_EVIDENCE = 4  # letters of agreeing skeleton words below which they prove little


def short_skeleton_agreement(p: PairContext) -> float:
    """1 when a name in Arabic script and a Latin one agree only through skeleton words
    with fewer than `SKELETON_EVIDENCE` letters in all, counting the consonants and the
    long vowels the Arabic writes (which `long_vowels_agree` checked): "يحى حسن" against
    "YAHYA HASAN" agrees on "h" and "hsn" alone, the skeleton of many names."""
    if key_method(p.query, p.candidate) != SKELETON:
        return 0.0
    pairs = [q for q, _, s in p.alignment.pairs if s >= 1.0]
    if not pairs:
        return 0.0
    arabic = p.query if p.query.arabic else p.candidate
    vowels: dict[str, int] = {}
    for word, _ in skeleton_words(arabic.tokens):
        key = skeleton_tokens((word,))[0]
        vowels[key] = max(vowels.get(key, 0), sum(ch in "awy" for ch in word))
    letters = sum(len(q) + vowels.get(q, 0) for q in pairs if not q.isdigit())
    return 1.0 if letters < SKELETON_EVIDENCE else 0.0


def weak_alias(p: PairContext) -> float:
    return float(p.weak_alias)


# China's special administrative regions: a party there against an entry of China (an
# address "..., Hong Kong, China") is no country mismatch
SAR_CITIES = {"HK": ("hong kong", "hongkong"), "MO": ("macau", "macao")}


def country_agree(p: PairContext) -> float:
    if not p.query_country or not p.entry_countries:
        return 0.0
    if p.query_country in p.entry_countries:
        return 1.0
    sar = {p.query_country} | set(p.entry_countries)
    if "CN" in sar and sar & SAR_CITIES.keys():
        cities = SAR_CITIES.get(p.query_country, ())
        said = any(city in address for city in cities for address in p.entry_addresses)
        return 1.0 if said else 0.0
    return -1.0


def address_similarity(p: PairContext) -> float:
    if not p.query_address or not p.entry_addresses:
        return 0.0
    return max(fuzz.token_set_ratio(p.query_address, a) for a in p.entry_addresses) / 100.0


def type_agree(p: PairContext) -> float:
    kinds = {p.query_type, p.entry_type}
    if "unknown" in kinds or not kinds <= {"person", "entity"}:
        return 0.0
    return 1.0 if p.query_type == p.entry_type else -1.0


def single_token_name(p: PairContext) -> float:
    return float(min(len(p.query.tokens), len(p.candidate.tokens)) <= 1)


@dataclass(frozen=True)
class Feature:
    name: str
    compute: Callable[[PairContext], float]
    description: str


FEATURES: tuple[Feature, ...] = (
    Feature("name_overlap", name_overlap, "rarity-weighted share of tokens aligned on both sides"),
    Feature(
        "party_name_covered", party_name_covered, "share of the party name found in the list name"
    ),
    Feature(
        "list_name_covered", list_name_covered, "share of the list name found in the party name"
    ),
    Feature(
        "distinctive_tokens_matched",
        distinctive_tokens_matched,
        "rarity of the distinctive words that align",
    ),
    Feature(
        "distinctive_word_unmatched",
        distinctive_tokens_missed,
        "rarity of the rarest distinctive word found on one side only",
    ),
    Feature(
        "distinctive_words_agree",
        distinctive_words_agree,
        "rarity-weighted share of distinctive words spelled alike or as a believable typo",
    ),
    Feature(
        "distinctive_words_only_fuzzy",
        distinctive_words_only_fuzzy,
        "generic words agree (or one is respelled: internacional), nothing else does, and "
        "the closest distinctive word is hardly a typo of the listed one",
    ),
    Feature(
        "person_vs_company",
        person_against_company,
        "a listed person against a company-like name, or the other way round",
    ),
    Feature(
        "person_company_one_word",
        person_company_one_word,
        "a person against a company-like name, the two agreeing on one word at most",
    ),
    Feature(
        "only_generic_words", only_generic_words, "only generic words, places or stop words align"
    ),
    Feature("token_set", token_set_score, "rapidfuzz token-set ratio of the distinctive parts"),
    Feature("token_sort", token_sort_score, "order-insensitive rapidfuzz ratio"),
    Feature(
        "compact", compact_score, "similarity with spaces removed (word splits, transliteration)"
    ),
    Feature("acronym", acronym_match, "one name is the acronym of the other"),
    Feature("numbers", numbers_agree, "numbers in the names agree (+1) or differ (-1)"),
    Feature("legal_form", legal_form_agree, "legal forms agree (+1) or differ (-1)"),
    Feature(
        "same_distinctive_words",
        same_distinctive_words,
        "every distinctive word agrees; the names differ only in places and generic words "
        "(a brand against its full legal name)",
    ),
    Feature(
        "one_word_differs",
        one_word_differs,
        "company names agree word for word but for one other word on each side",
    ),
    Feature(
        "short_word_changed",
        short_word_changed,
        "company names with a distinctive short word one letter changed, added or dropped, "
        "sounding otherwise",
    ),
    Feature(
        "pinyin_syllable_changed",
        pinyin_syllable_changed,
        "company names with a distinctive pinyin word one syllable changed into another "
        "(cheng against zheng), or read otherwise than its Chinese characters: another "
        "Chinese name",
    ),
    Feature(
        "compound_word",
        compound_word,
        "a word of one company name is a word of the other joined to another whole word",
    ),
    Feature(
        "no_word_exact",
        no_word_exact,
        "no word of the names is the same word, and the closest pair is hardly a typo",
    ),
    Feature(
        "legal_form_clash",
        legal_form_clash,
        "national legal forms of different kinds (AG against GmbH, OOO against OAO)",
    ),
    Feature(
        "common_words_only_fuzzy",
        common_words_only_fuzzy,
        "company names agree exactly only on words common in the list, and the closest "
        "distinctive word is hardly a typo of the other",
    ),
    Feature(
        "lone_fuzzy_word",
        lone_fuzzy_word,
        "company names share no word exactly, one word is spelled alike, each name has "
        "a word the other lacks, and the countries differ",
    ),
    Feature(
        "common_person_name",
        common_person_name,
        "a listed person's given and family name, both common in the list, agree and no "
        "country backs the match",
    ),
    Feature(
        "same_after_transliteration",
        same_after_transliteration,
        "names in two scripts: rarity-weighted share of words that are one word once "
        "transliterated (consonant skeleton against Arabic script, transliteration key "
        "against others)",
    ),
    Feature(
        "long_vowels_differ",
        long_vowels_differ,
        "a name in Arabic script and a Latin one each keep a word of the same consonants "
        "but other written long vowels (Hamid against Ahmad)",
    ),
    Feature(
        "short_skeleton_agreement",
        short_skeleton_agreement,
        "a name in Arabic script against a Latin one agrees only through skeleton words of "
        "fewer than four letters in all (consonants and written long vowels)",
    ),
    Feature("weak_alias", weak_alias, "the list name is a weak alias"),
    Feature("country", country_agree, "party country is (+1) or is not (-1) one of the entry's"),
    Feature("address", address_similarity, "similarity of the party address to the entry's"),
    Feature("entity_type", type_agree, "person/entity types agree (+1) or differ (-1)"),
    Feature("single_token", single_token_name, "one of the names has a single distinctive token"),
)
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)


def feature_vector(pair: PairContext) -> list[float]:
    return [f.compute(pair) for f in FEATURES]
