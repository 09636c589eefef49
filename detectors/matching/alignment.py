"""Alignment of two analyzed names, word by word, and the rarity of their words.

Every word is weighed by its rarity in the list snapshot (IDF; generic words and places
weighed down: `TokenWeights`). `align` pairs the words of the two names one to one, best
first, order ignored: the same word, a believable typo, an initial against the given
name it begins, a known nickname, words written apart on one side joined (`word_forms`,
Arabic compounds: `compound_names`), an acronym in a company name read as the words of
the other that it stands for (`acronyms`), in persons' names one name romanized twice
(`spelling.romanized_alike`; two Korean names by their sound key: `korean`), and, for
names in two scripts, the same transliteration key or consonant skeleton. The features
(`features/`) read the alignment.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from detectors.matching.acronyms import Acronym, read_acronyms
from detectors.matching.arabic import long_vowels_agree, skeleton_tokens, skeleton_words
from detectors.matching.compound_names import join_compounds
from detectors.matching.east_slavic import slavic_alike
from detectors.matching.korean import korean_alike, korean_name
from detectors.matching.names import AnalyzedName, NameTables, phonetic_key
from detectors.matching.nicknames import is_nickname
from detectors.matching.spelling import romanized_alike, typo_credibility
from detectors.matching.translation import as_written_where_misspelt
from detectors.matching.transliteration import SKELETON, TRANSLIT, key_method, translit_key
from detectors.matching.word_forms import (
    join_letters,
    rejoin_both,
    without_forms_of,
    without_lone_patronymic,
)

REFERENCE_DF_PATH = Path(__file__).with_name("list_token_df.json")


@lru_cache(maxsize=1)
def reference_words() -> frozenset[str]:
    """The words of the reference lists (`list_token_df.json`), empty when absent."""
    if not REFERENCE_DF_PATH.exists():
        return frozenset()
    return frozenset(json.loads(REFERENCE_DF_PATH.read_text())["df"])


STOP_WORDS = frozenset({"the", "and", "of", "for", "de", "la", "el", "al", "du", "des", "a", "y"})
# a word carried by at least this share of the list's names is a common word of the list
# ("properties", "leasing", "marine"; "ali", "hassan" among given names): it says what a
# business does, or which family, not which one it is
COMMON_SHARE = 1 / 3000
COMMON_IDF = math.log(1 / COMMON_SHARE) + 1.0  # the IDF of a word at that share
SOUND_ALIKE = 0.85  # similarity of two words with one sound key
SOUND_ALIKE_MIN_RATIO = 0.6  # ...when their spellings are at least this alike


@dataclass(frozen=True)
class TokenWeights:
    """Rarity of each token in the list snapshot (IDF), with generic words and places
    weighed down. Unknown tokens count as the rarest."""

    idf: Mapping[str, float]
    max_idf: float
    tables: NameTables
    generic_factor: float = 0.25
    place_factor: float = 0.5
    known: dict[str, float] = field(default_factory=dict, compare=False, repr=False)
    profiles: dict[tuple[str, ...], tuple[list[float], list[bool]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    skeletons: list[TokenWeights] = field(default_factory=list, compare=False, repr=False)

    def skeletal(self) -> TokenWeights:
        """The same rarities keyed by consonant skeleton (`arabic.consonant_skeleton`), for
        a name in Arabic script against one in Latin: "bnk" weighs as little as "bank",
        the rarest word of a skeleton its commonest spelling's weight. Worked out once."""
        if not self.skeletons:
            idf: dict[str, float] = {}
            for token, value in self.idf.items():
                for key in skeleton_tokens((token,)):
                    idf[key] = min(value, idf.get(key, value))
            tables = replace(
                self.tables,
                generic=frozenset(k for t in self.tables.generic for k in skeleton_tokens((t,))),
                places=frozenset(k for t in self.tables.places for k in skeleton_tokens((t,))),
            )
            self.skeletons.append(
                TokenWeights(idf, self.max_idf, tables, self.generic_factor, self.place_factor)
            )
        return self.skeletons[0]

    def profile(self, tokens: tuple[str, ...]) -> tuple[list[float], list[bool]]:
        """The weight and distinctiveness of each token of a name, remembered per name:
        a party name meets several list names, a list name many party names."""
        found = self.profiles.get(tokens)
        if found is None:
            if len(self.profiles) > 500_000:
                self.profiles.clear()
            found = self.profiles[tokens] = (
                [self.weight(t) for t in tokens],
                [self.distinctive(t) for t in tokens],
            )
        return found

    def weight(self, token: str) -> float:
        """Remembered per token: a screening run asks for the same words many times."""
        w = self.known.get(token)
        if w is None:
            if len(self.known) > 1_000_000:
                self.known.clear()
            w = self.known[token] = self._weight(token)
        return w

    def _weight(self, token: str) -> float:
        if token in STOP_WORDS:
            return 0.05
        w = self.idf.get(token, self.max_idf)
        if token in self.tables.generic:
            w *= self.generic_factor
        elif token in self.tables.places:
            w *= self.place_factor
        return max(w, 0.05)

    def known_word(self, token: str) -> bool:
        """A word of the list snapshot, of the reference lists or of the name tables."""
        return (
            token in self.idf
            or token in reference_words()
            or token in self.tables.generic
            or token in self.tables.places
        )

    def common(self, token: str) -> bool:
        """A generic word, or one carried by at least `COMMON_SHARE` of the list's names
        (IDF as `list_token_df.json` and the index count: log((N+1)/(df+1)) + 1)."""
        if token in STOP_WORDS:
            return False
        if token in self.tables.generic:
            return True
        idf = self.idf.get(token)
        return idf is not None and idf <= COMMON_IDF

    def distinctive(self, token: str) -> bool:
        return not (
            token in STOP_WORDS or token in self.tables.generic or token in self.tables.places
        )


@dataclass(frozen=True)
class Alignment:
    pairs: tuple[tuple[str, str, float], ...]  # (party token, list token, similarity)
    query_cover: float  # weighted share of the party's tokens aligned
    candidate_cover: float  # weighted share of the list name's tokens aligned
    matched_info: float  # rarity of the distinctive tokens aligned, 0..1
    missed_info: float  # rarity of the rarest distinctive token left unaligned, 0..1
    distinctive_agreement: float = 0.0  # rarity-weighted typo credibility of distinctive words
    fuzzy_only: float = 0.0  # 1 - best typo credibility when no distinctive word is exact
    unaligned: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # party's, list name's
    all_exact: bool = False  # every aligned pair is the same word
    query_text: str = ""  # the party name as compared (initials written out, words joined)
    candidate_text: str = ""
    # a word left over on each side with one consonant skeleton but other long vowels
    # written in Arabic script ("حامد", Hamid, against "Ahmad")
    vowel_clash: bool = False
    # acronyms of one company name read as the words of the other they stand for
    # ("cb": "commercial bank"), the party's and the list name's
    acronyms: tuple[Acronym, ...] = ()


def token_similarity(a: str, b: str) -> float:
    """1 for equal tokens; typo, prefix-abbreviation and sound-alike tokens in between."""
    if a == b:
        return 1.0
    return _fuzzy_token_similarity(a, b)


INITIAL_SIMILARITY = 0.8  # an initial against a given name it begins
PREFIX_SIMILARITY = 0.8  # a word against a longer one it begins (an abbreviation)


@lru_cache(maxsize=262_144)
def _fuzzy_token_similarity(a: str, b: str) -> float:
    if a.isdigit() or b.isdigit():
        return 0.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) == 1:  # an initial: "j" for "jean"
        return INITIAL_SIMILARITY if long_.startswith(short) and long_.isalpha() else 0.0
    if len(short) >= 3 and long_.startswith(short) and len(short) / len(long_) >= 0.5:
        # an abbreviation ("intl"), or a letter added at the end ("diamonds", "behzadi"),
        # which is as close as any other one-letter slip
        return max(PREFIX_SIMILARITY, fuzz.ratio(a, b) / 100.0)
    if min(len(a), len(b)) < 4:
        return 0.0
    sim = fuzz.ratio(a, b) / 100.0
    # a shared sound key lifts a spelling variant ("husayn"/"hussein"), but only one
    # that already looks alike: the key drops every vowel ("dabo"/"dubai" share it)
    if sim < SOUND_ALIKE and sim >= SOUND_ALIKE_MIN_RATIO and phonetic_key(a) == phonetic_key(b):
        sim = SOUND_ALIKE
    return sim if sim >= 0.75 else 0.0


NICKNAME_SIMILARITY = 0.85  # a given name against one of its known nicknames


def _nickname_similarity(a: str, b: str) -> float:
    return NICKNAME_SIMILARITY if is_nickname(a, b) else 0.0


def _no_similarity(a: str, b: str) -> float:
    return 0.0


@lru_cache(maxsize=262_144)
def _romanized_similarity(a: str, b: str) -> float:
    """Two words of persons' names spelled too far apart for a typo but one name
    romanized twice ("araqi"/"araghi", "dahqan"/"dehghan": `romanized_alike`). Not
    for companies: a brand one letter or two away is another brand as often."""
    if a.isdigit() or b.isdigit() or min(len(a), len(b)) < 4:
        return 0.0
    if fuzz.ratio(a, b) / 100.0 < SOUND_ALIKE_MIN_RATIO or not romanized_alike(a, b):
        return 0.0
    return SOUND_ALIKE


SLAVIC_SIMILARITY = 0.85  # one East Slavic name in two languages' forms (`east_slavic`)


def _slavic_similarity(a: str, b: str) -> float:
    return SLAVIC_SIMILARITY if slavic_alike(a, b) else 0.0


KOREAN_SIMILARITY = 0.85  # two words of Korean names with one sound key (`korean.py`)


def _korean_similarity(a: str, b: str) -> float:
    return KOREAN_SIMILARITY if korean_alike(a, b) else 0.0


TRANSLIT_SIMILARITY = 0.85  # two words of names in two scripts with one transliteration key


def _translit_similarity(a: str, b: str) -> float:
    return TRANSLIT_SIMILARITY if translit_key(a) == translit_key(b) else 0.0


def same_key(a: str, b: str, weights: TokenWeights) -> bool:
    """Two words of names in two scripts are one word: the same word, or two distinctive
    words with one transliteration key ("chen", "jong"). A place, a generic word or a
    stop word is compared as spelled: folding writes it in English ("中国" is "china",
    "科技" "technology"), which is no romanization whose key may agree with a name's
    ("china" and "zhonghua" share the key "jn")."""
    if a == b:
        return True
    return weights.distinctive(a) and weights.distinctive(b) and translit_key(a) == translit_key(b)


def _long_vowel_check(
    query: AnalyzedName, q_tokens: tuple[str, ...], c_tokens: tuple[str, ...]
) -> Callable[[int, int], bool] | None:
    """For a name in Arabic script against a Latin one, whether the words at two
    positions of their skeletons (`skeleton_tokens`) agree in the long vowels the Arabic
    writes (`arabic.long_vowels_agree`): one skeleton is many names ("mhmd": Muhammad,
    Mahmud; "hmd": Ahmad, Hamid, Hammud), the written long vowels tell them apart."""
    q_words, c_words = skeleton_words(q_tokens), skeleton_words(c_tokens)
    if query.arabic:
        arabic, latin, arabic_first = q_words, c_words, True
    else:
        arabic, latin, arabic_first = c_words, q_words, False

    def agree(i: int, j: int) -> bool:
        (a, a_split), (b, b_split) = (
            (arabic[i], latin[j]) if arabic_first else (arabic[j], latin[i])
        )
        return long_vowels_agree(a, b, initial=not (a_split or b_split))

    return agree


def _as_compared(
    tokens: tuple[str, ...],
    other: tuple[str, ...],
    pairs: list[tuple[int, int, float]],
    nicknames: bool = False,
    korean: bool = False,
) -> str:
    """The name with its initials (and, when asked, its nicknames, its East Slavic names
    in another language's form and its Korean words romanized otherwise) written out as
    the words of the other that they align with."""
    out = list(tokens)
    for i, j, sim in pairs:
        initial = len(out[i]) == 1 and len(other[j]) > 1
        nickname = nicknames and sim == NICKNAME_SIMILARITY and is_nickname(out[i], other[j])
        nickname = nickname or (
            nicknames and sim == SLAVIC_SIMILARITY and slavic_alike(out[i], other[j])
        )
        romanized = korean and sim == KOREAN_SIMILARITY and korean_alike(out[i], other[j])
        if initial or nickname or romanized:
            out[i] = other[j]
    return " ".join(out)


def align(query: AnalyzedName, candidate: AnalyzedName, weights: TokenWeights) -> Alignment:
    """Greedy best one-to-one alignment of the two names' tokens, order ignored."""
    q_tokens, c_tokens = query.tokens, candidate.tokens
    # words one name set aside as its legal form and the other kept ("Arm SRO Guga"
    # against "GUGA ARM SRO") are no words of the name on either side
    q_tokens = without_forms_of(q_tokens, candidate)
    c_tokens = without_forms_of(c_tokens, query)
    # a translated word against a misspelling of it as written ("comercio", "commmercio")
    q_tokens, c_tokens = (
        as_written_where_misspelt(q_tokens, query.translated, c_tokens, _fuzzy_token_similarity),
        as_written_where_misspelt(
            c_tokens, candidate.translated, q_tokens, _fuzzy_token_similarity
        ),
    )
    method = key_method(query, candidate)
    acronyms: tuple[Acronym, ...] = ()
    if method is None and (company_like(query, weights) or company_like(candidate, weights)):
        q_tokens, c_tokens, acronyms = read_acronyms(
            q_tokens, c_tokens, query.raw, candidate.raw, _fuzzy_token_similarity, weights.distinctive
        )  # fmt: skip
    elif not (company_like(query, weights) or company_like(candidate, weights)):
        q_tokens, c_tokens = without_lone_patronymic(q_tokens, c_tokens)
        if method is None:  # "Abdelbassed" against "Abd al-Baset"
            q_tokens, c_tokens = join_compounds(q_tokens, c_tokens)
    vowels: Callable[[int, int], bool] | None = None
    if method == SKELETON:  # one name written in Arabic script
        vowels = _long_vowel_check(query, q_tokens, c_tokens)
        q_tokens, c_tokens = skeleton_tokens(q_tokens), skeleton_tokens(c_tokens)
        weights = weights.skeletal()
    # a word split on one side only (the other name may have a word more besides)
    before = (q_tokens, c_tokens)
    if len(q_tokens) != len(c_tokens):
        q_tokens, c_tokens = join_letters(q_tokens, c_tokens), join_letters(c_tokens, q_tokens)
    # initials stand for given names: a company's single letter ("M-Finance") is no initial
    initials = not (company_like(query, weights) or company_like(candidate, weights))
    q_tokens, c_tokens = rejoin_both(q_tokens, c_tokens, initials, weights.tables.places)
    if (q_tokens, c_tokens) != before:  # words joined: positions no longer the words'
        vowels = None
    fuzzy = _fuzzy_token_similarity
    # a given name against its nickname ("bill", "william"), as for initials: persons only
    nick = _nickname_similarity if initials else _no_similarity
    roman = _romanized_similarity if initials else _no_similarity
    # a Ukrainian or Belarusian name against its Russian form ("oleksiy", "aleksey")
    slavic = _slavic_similarity if initials else _no_similarity
    # two Korean names romanized in two systems ("Chang Kyong Hwa", "Jang Gyeong Hwa")
    korean = _no_similarity
    if initials and korean_name(q_tokens) and korean_name(c_tokens):
        korean = _korean_similarity
    # names of two scripts: words one after transliteration ("chen" and "jong": "jn")
    keyed = _no_similarity
    if method == TRANSLIT:
        distinctive = weights.distinctive

        def keyed(a: str, b: str) -> float:
            return _translit_similarity(a, b) if distinctive(a) and distinctive(b) else 0.0

    scored = sorted(
        [
            (
                1.0
                if q == c
                else fuzzy(q, c)
                or nick(q, c)
                or roman(q, c)
                or slavic(q, c)
                or korean(q, c)
                or keyed(q, c),
                i,
                j,
            )
            for i, q in enumerate(q_tokens)
            for j, c in enumerate(c_tokens)
            if (initials or (len(q) > 1 and len(c) > 1) or q == c)
            and (vowels is None or q != c or vowels(i, j))
        ],
        reverse=True,
    )
    used_q: set[int] = set()
    used_c: set[int] = set()
    aligned: list[tuple[int, int, float]] = []  # (party token, list token, similarity)
    for sim, i, j in scored:
        if sim <= 0 or i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        aligned.append((i, j, sim))
    clash = vowels is not None and any(
        q == c and i not in used_q and j not in used_c and not vowels(i, j)
        for i, q in enumerate(q_tokens)
        for j, c in enumerate(c_tokens)
    )
    qw, q_distinctive = weights.profile(q_tokens)
    cw, c_distinctive = weights.profile(c_tokens)
    q_hit = sum(qw[i] * s for i, _, s in aligned)
    c_hit = sum(cw[j] * s for _, j, s in aligned)
    info = sum(min(qw[i], cw[j]) * s for i, j, s in aligned if q_distinctive[i] or c_distinctive[j])
    missed = [qw[i] for i in range(len(q_tokens)) if i not in used_q and q_distinctive[i]] + [
        cw[j] for j in range(len(c_tokens)) if j not in used_c and c_distinctive[j]
    ]
    agreement, fuzzy_only = distinctive_agreement_of(
        aligned, q_tokens, c_tokens, qw, cw, q_distinctive, c_distinctive, weights.tables
    )
    return Alignment(
        pairs=tuple((q_tokens[i], c_tokens[j], s) for i, j, s in aligned),
        unaligned=(
            tuple(t for i, t in enumerate(q_tokens) if i not in used_q),
            tuple(t for j, t in enumerate(c_tokens) if j not in used_c),
        ),
        all_exact=all(s >= 1.0 for _, _, s in aligned),
        vowel_clash=clash,
        acronyms=acronyms,
        query_text=_as_compared(
            q_tokens, c_tokens, aligned, nicknames=initials, korean=korean is not _no_similarity
        ),
        candidate_text=_as_compared(c_tokens, q_tokens, [(j, i, s) for i, j, s in aligned]),
        distinctive_agreement=agreement,
        fuzzy_only=fuzzy_only,
        missed_info=min(1.0, max(missed, default=0.0) / weights.max_idf)
        if weights.max_idf
        else 0.0,
        query_cover=q_hit / sum(qw) if qw else 0.0,
        candidate_cover=c_hit / sum(cw) if cw else 0.0,
        matched_info=min(1.0, info / weights.max_idf) if weights.max_idf else 0.0,
    )


def distinctive_agreement_of(
    aligned: list[tuple[int, int, float]],
    q_tokens: tuple[str, ...],
    c_tokens: tuple[str, ...],
    qw: list[float],
    cw: list[float],
    q_distinctive: list[bool],
    c_distinctive: list[bool],
    tables: NameTables,
) -> tuple[float, float]:
    """(agreement, fuzzy_only) of the distinctive words of two names, from their
    alignment (`aligned`: party token, list token, similarity, as positions) and each
    token's weight and distinctiveness.

    agreement: the rarity-weighted share of both names' distinctive words whose aligned
    partner is the same word, a believable misspelling (`typo_credibility`) or a nickname.
    fuzzy_only: when generic words are shared exactly and nothing beyond them is (no
    distinctive word, no place) but distinctive words align fuzzily, how little the best
    of them is believable as a typo (1 - credibility); else 0. A generic word against a
    believable spelling of it ("international", "internacional") is a generic word
    shared, not a distinctive word spelled alike."""
    weighted = zip((*qw, *cw), (*q_distinctive, *c_distinctive), strict=True)
    total = sum(w for w, d in weighted if d)
    agreed, credibilities = 0.0, []
    place_shared = generic_shared = False
    for i, j, similarity in aligned:
        q, c = q_tokens[i], c_tokens[j]
        if q == c:
            place_shared = place_shared or q in tables.places
            generic_shared = generic_shared or (q in tables.generic and q not in STOP_WORDS)
        if not (q_distinctive[i] or c_distinctive[j]):
            continue
        nickname = similarity == NICKNAME_SIMILARITY and is_nickname(q, c)  # bill, william
        credibility = max(typo_credibility(q, c), NICKNAME_SIMILARITY * nickname)
        if _generic_respelled(q, c, credibility, tables):
            generic_shared = True  # "internacional" is "international": no distinctive word
        else:
            credibilities.append(credibility)
        agreed += credibility * (
            (qw[i] if q_distinctive[i] else 0.0) + (cw[j] if c_distinctive[j] else 0.0)
        )
    agreement = agreed / total if total else 0.0
    if not credibilities or max(credibilities) >= 1.0 or place_shared or not generic_shared:
        return agreement, 0.0
    return agreement, 1.0 - max(credibilities)


GENERIC_RESPELLING = 0.5  # typo credibility from which a word is a generic word respelled


def _generic_respelled(q: str, c: str, credibility: float, tables: NameTables) -> bool:
    """One word generic, the other a believable spelling of it ("international",
    "internacional"; "communication", "comunication"): a generic word on both sides."""
    generic = tables.generic
    return (q in generic or c in generic) and credibility >= GENERIC_RESPELLING


def company_like(name: AnalyzedName, weights: TokenWeights) -> bool:
    return bool(name.legal_forms) or has_business_word(name.tokens, weights.tables.generic)


@lru_cache(maxsize=262_144)
def has_business_word(tokens: tuple[str, ...], generic: frozenset[str]) -> bool:
    """Remembered per name: every pair of a screening run asks it of both names."""
    return any(t in generic and t not in STOP_WORDS for t in tokens)
