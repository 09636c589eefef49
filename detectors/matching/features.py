"""Features of one (party, list name) pair, each a small named pure function.

A pair is first aligned token by token (`align`), weighing every token by its rarity in
the list (IDF; generic words and places weighed down). The features read the alignment
and the party's and entry's other attributes; the scorer combines them.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from detectors.matching.legal_forms import forms_agree, forms_clash
from detectors.matching.names import AnalyzedName, NameTables, phonetic_key, skeleton_tokens
from detectors.matching.nicknames import is_nickname
from detectors.matching.spelling import one_edit_kind, typo_credibility
from detectors.matching.transliteration import SKELETON, TRANSLIT, key_method, translit_key

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
        """The same rarities keyed by consonant skeleton (`names.consonant_skeleton`), for
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


def token_similarity(a: str, b: str) -> float:
    """1 for equal tokens; typo, prefix-abbreviation and sound-alike tokens in between."""
    if a == b:
        return 1.0
    return _fuzzy_token_similarity(a, b)


INITIAL_SIMILARITY = 0.8  # an initial against a given name it begins


def rejoin(tokens: tuple[str, ...], other: tuple[str, ...]) -> tuple[str, ...]:
    """Two tokens whose concatenation, in either order, is a token of the other name
    that this one lacks, joined ("patr ushev" against "patrushev", "sergei chemezov"
    against "chemezovsergei", "hong yuan" against "hongyuan")."""
    if len(tokens) < 2:
        return tokens
    mine = set(tokens)
    wanted = {t for t in other if t not in mine and len(t) >= 4}
    # most pairs have no such token: look for a split of a wanted token into two of
    # this name's before pairing every two tokens
    wanted = {t for t in wanted if any(t[:k] in mine and t[k:] in mine for k in range(1, len(t)))}
    if not wanted:
        return tokens
    out = list(tokens)
    spare = Counter(tokens)  # copies of a token beyond those the other name has
    spare.subtract(Counter(other))
    for i in range(len(out)):
        for j in range(len(out)):
            if i == j or not out[i] or not out[j] or out[i] in wanted or out[j] in wanted:
                continue
            joined = out[i] + out[j]
            if joined in wanted and spare[out[i]] > 0 and spare[out[j]] > 0:
                out[i], out[j] = joined, ""
                wanted.discard(joined)
    return tuple(t for t in out if t)


def join_letters(tokens: tuple[str, ...], other: tuple[str, ...]) -> tuple[str, ...]:
    """Letters written apart that the other name writes as one word, joined ("M D S
    THMORDA" against "MDS THMORDA")."""
    if len(tokens) < 2 or not any(len(t) == 1 for t in tokens):
        return tokens
    words = set(other)
    out: list[str] = []
    run: list[str] = []
    for token in (*tokens, ""):
        if len(token) == 1 and token.isalpha():
            run.append(token)
            continue
        joined = "".join(run)
        out.extend([joined] if len(run) >= 2 and joined in words else run)
        run = []
        if token:
            out.append(token)
    return tuple(out)


@lru_cache(maxsize=262_144)
def _fuzzy_token_similarity(a: str, b: str) -> float:
    if a.isdigit() or b.isdigit():
        return 0.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) == 1:  # an initial: "j" for "jean"
        return INITIAL_SIMILARITY if long_.startswith(short) and long_.isalpha() else 0.0
    if len(short) >= 3 and long_.startswith(short) and len(short) / len(long_) >= 0.5:
        return 0.8
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


TRANSLIT_SIMILARITY = 0.85  # two words of names in two scripts with one transliteration key


def _translit_similarity(a: str, b: str) -> float:
    return TRANSLIT_SIMILARITY if translit_key(a) == translit_key(b) else 0.0


def _without_forms_of(tokens: tuple[str, ...], other: AnalyzedName) -> tuple[str, ...]:
    if len(other.full_tokens) == len(other.tokens) or len(tokens) < 2:
        return tokens
    forms = set(other.full_tokens) - set(other.tokens)
    kept = tuple(t for t in tokens if t not in forms)
    return kept or tokens


def _as_compared(
    tokens: tuple[str, ...],
    other: tuple[str, ...],
    pairs: list[tuple[int, int, float]],
    nicknames: bool = False,
) -> str:
    """The name with its initials (and, when asked, its nicknames) written out as the
    given names of the other that they align with."""
    out = list(tokens)
    for i, j, sim in pairs:
        initial = len(out[i]) == 1 and len(other[j]) > 1
        nickname = nicknames and sim == NICKNAME_SIMILARITY and is_nickname(out[i], other[j])
        if initial or nickname:
            out[i] = other[j]
    return " ".join(out)


def align(query: AnalyzedName, candidate: AnalyzedName, weights: TokenWeights) -> Alignment:
    """Greedy best one-to-one alignment of the two names' tokens, order ignored."""
    q_tokens, c_tokens = query.tokens, candidate.tokens
    # words one name set aside as its legal form and the other kept ("Arm SRO Guga"
    # against "GUGA ARM SRO") are no words of the name on either side
    q_tokens = _without_forms_of(q_tokens, candidate)
    c_tokens = _without_forms_of(c_tokens, query)
    method = key_method(query, candidate)
    if method == SKELETON:  # one name written in Arabic script
        q_tokens, c_tokens = skeleton_tokens(q_tokens), skeleton_tokens(c_tokens)
        weights = weights.skeletal()
    if len(q_tokens) != len(c_tokens):  # a word split on one side only
        q_tokens, c_tokens = join_letters(q_tokens, c_tokens), join_letters(c_tokens, q_tokens)
        q_tokens, c_tokens = rejoin(q_tokens, c_tokens), rejoin(c_tokens, q_tokens)
    # initials stand for given names: a company's single letter ("M-Finance") is no initial
    initials = not (_company_like(query, weights) or _company_like(candidate, weights))
    fuzzy = _fuzzy_token_similarity
    # a given name against its nickname ("bill", "william"), as for initials: persons only
    nick = _nickname_similarity if initials else _no_similarity
    # names of two scripts: words one after transliteration ("chen" and "jong": "jn")
    keyed = _translit_similarity if method == TRANSLIT else _no_similarity
    scored = sorted(
        [
            (1.0 if q == c else fuzzy(q, c) or nick(q, c) or keyed(q, c), i, j)
            for i, q in enumerate(q_tokens)
            for j, c in enumerate(c_tokens)
            if initials or (len(q) > 1 and len(c) > 1) or q == c
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
        query_text=_as_compared(q_tokens, c_tokens, aligned, nicknames=initials),
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
    partner is the same word or a believable misspelling of it (`typo_credibility`).
    fuzzy_only: when generic words are shared exactly and nothing beyond them is (no
    distinctive word, no place) but distinctive words align fuzzily, how little the best
    of them is believable as a typo (1 - credibility); else 0."""
    total = sum(w for w, d in zip(qw, q_distinctive, strict=True) if d) + sum(
        w for w, d in zip(cw, c_distinctive, strict=True) if d
    )
    agreed, credibilities = 0.0, []
    place_shared = generic_shared = False
    for i, j, _ in aligned:
        q, c = q_tokens[i], c_tokens[j]
        if q == c:
            place_shared = place_shared or q in tables.places
            generic_shared = generic_shared or (q in tables.generic and q not in STOP_WORDS)
        if not (q_distinctive[i] or c_distinctive[j]):
            continue
        credibility = typo_credibility(q, c)
        credibilities.append(credibility)
        agreed += credibility * (
            (qw[i] if q_distinctive[i] else 0.0) + (cw[j] if c_distinctive[j] else 0.0)
        )
    agreement = agreed / total if total else 0.0
    if not credibilities or max(credibilities) >= 1.0 or place_shared or not generic_shared:
        return agreement, 0.0
    return agreement, 1.0 - max(credibilities)


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


def _company_like(name: AnalyzedName, weights: TokenWeights) -> bool:
    return bool(name.legal_forms) or _has_business_word(name.tokens, weights.tables.generic)


@lru_cache(maxsize=262_144)
def _has_business_word(tokens: tuple[str, ...], generic: frozenset[str]) -> bool:
    """Remembered per name: every pair of a screening run asks it of both names."""
    return any(t in generic and t not in STOP_WORDS for t in tokens)


def person_against_company(p: PairContext) -> float:
    """A listed person against a name that reads as a company's (legal form, business
    words), or a stated person against a listed company's name."""
    if p.entry_type == "person" and _company_like(p.query, p.weights):
        return 1.0
    if (
        p.query_type == "person"
        and p.entry_type != "person"
        and _company_like(p.candidate, p.weights)
    ):
        return 1.0
    return 0.0


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
    is neither a typo nor a place of the other ("China State Construction Equipment
    Corporation" against "... Engineering Corporation"): another company."""
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
    if q in BODY_WORDS or c in BODY_WORDS:
        return 0.0  # "Association" for "Organization": the same body named two ways
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
    """The same word, or, for names in two scripts, the same transliteration key."""
    if q == c:
        return True
    return key_method(p.query, p.candidate) == TRANSLIT and translit_key(q) == translit_key(c)


def _company_pair(p: PairContext) -> bool:
    """Neither side is a person's name, and one of them reads as a company's."""
    if "person" in (p.query_type, p.entry_type):
        return False
    return _company_like(p.query, p.weights) or _company_like(p.candidate, p.weights)


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
        if q == c or (method == TRANSLIT and translit_key(q) == translit_key(c))
    ]
    if len(one) < 2:  # one word alike by its consonants is a collision as often as a name
        return 0.0
    agreed = sum(weight(q) + weight(c) for q, c in one)
    total = sum(weight(q) + weight(c) for q, c, _ in a.pairs)
    total += sum(weight(t) for side in a.unaligned for t in side if t not in STOP_WORDS)
    return agreed / total if total else 0.0


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
        "generic words agree exactly, nothing else does, and the closest distinctive word "
        "is hardly a typo of the listed one",
    ),
    Feature(
        "person_vs_company",
        person_against_company,
        "a listed person against a company-like name, or the other way round",
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
    Feature("weak_alias", weak_alias, "the list name is a weak alias"),
    Feature("country", country_agree, "party country is (+1) or is not (-1) one of the entry's"),
    Feature("address", address_similarity, "similarity of the party address to the entry's"),
    Feature("entity_type", type_agree, "person/entity types agree (+1) or differ (-1)"),
    Feature("single_token", single_token_name, "one of the names has a single distinctive token"),
)
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)


def feature_vector(pair: PairContext) -> list[float]:
    return [f.compute(pair) for f in FEATURES]
