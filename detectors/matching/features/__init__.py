"""Features of one (party, list name) pair, each a small named pure function, listed
once in `FEATURES` (name, function, description), which `model.py` reads.

A pair is first aligned token by token (`align`), weighing every token by its rarity in
the list (IDF; generic words and places weighed down). The features read the alignment
and the party's and entry's other attributes (`PairContext`, in `context.py`); the
scorer combines them. Each family has its module: `overlap.py` (how much of the names
agrees), `words.py` (near words in company names), `chinese.py` (pinyin and Chinese
characters), `scripts.py` (names in two scripts), `kinds.py` (person or company, legal
forms) and `attributes.py` (country, address, type, weak alias).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from detectors.matching.features.attributes import (
    address_similarity,
    country_agree,
    type_agree,
    weak_alias,
)
from detectors.matching.features.chinese import pinyin_syllable_changed
from detectors.matching.features.context import PairContext
from detectors.matching.features.kinds import (
    common_person_name,
    company_against_craft,
    legal_form_agree,
    legal_form_clash,
    person_against_company,
    person_company_one_word,
)
from detectors.matching.features.long_vowels import long_ya_clash
from detectors.matching.features.namesakes import distinctive_word_far
from detectors.matching.features.overlap import (
    acronym_in_name,
    acronym_match,
    compact_score,
    distinctive_tokens_matched,
    distinctive_tokens_missed,
    distinctive_words_agree,
    distinctive_words_only_fuzzy,
    list_name_covered,
    name_overlap,
    numbers_agree,
    only_generic_words,
    party_name_covered,
    single_token_name,
    token_set_score,
    token_sort_score,
)
from detectors.matching.features.patronymics import patronymic_differs
from detectors.matching.features.scripts import (
    child_name,
    long_vowels_differ,
    same_after_transliteration,
    short_skeleton_agreement,
)
from detectors.matching.features.words import (
    common_words_only_fuzzy,
    compound_word,
    lone_fuzzy_word,
    no_word_exact,
    one_word_differs,
    same_distinctive_words,
    short_word_changed,
)

__all__ = [
    "FEATURES",
    "FEATURE_NAMES",
    "Feature",
    "PairContext",
    "acronym_match",
    "country_agree",
    "feature_vector",
    "legal_form_clash",
    "one_word_differs",
]


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
    Feature(
        "acronym",
        acronym_match,
        "one name is the acronym of the other (with or without its trailing legal form)",
    ),
    Feature(
        "acronym_in_name",
        acronym_in_name,
        "a word of one company name is the initials of a run of words of the other "
        "(CB: commercial bank, J/V: joint venture), read as those words",
    ),
    Feature("numbers", numbers_agree, "numbers in the names agree (+1) or differ (-1)"),
    Feature("legal_form", legal_form_agree, "legal forms agree (+1) or differ (-1)"),
    Feature(
        "same_distinctive_words",
        same_distinctive_words,
        "every distinctive word agrees; the names differ only in places and generic words "
        "(a brand against its full legal name; a short name only by a place added)",
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
        "sounding otherwise (a generic word misspelt is no such word), and no other rare "
        "word of the names agrees, every other word the same",
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
    Feature(
        "child_name",
        child_name,
        "a person's name in Arabic script against a Latin one is the other with one given "
        "name more in front: a son's or daughter's name",
    ),
    Feature(
        "patronymic_differs",
        patronymic_differs,
        "two persons' names each name a father (the word after bin, ibn, bint, ben or "
        "ould) and neither father's name is found in the other name: two sons of two fathers",
    ),
    Feature(
        "long_ya_differs",
        long_ya_clash,
        "two persons' names align a word with one that sounds alike but writes a long i "
        "where the other writes a, o or u (Hussein against Hassan): another Arabic name",
    ),
    Feature(
        "distinctive_word_far",
        distinctive_word_far,
        "company names agree exactly only on generic words, places or common words, and "
        "the distinctive word is two edits or more from the other's, not a believable typo",
    ),
    Feature(
        "company_against_craft",
        company_against_craft,
        "a company-like name (legal form, business words) with a word more than the name "
        "of a listed vessel or aircraft that is none",
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
