"""A slip in a word that says what a company is, read as the word the other name holds.

Order entry is typed by people: "KOREA TRADE BAK" is "KOREA TRADE BANK", "NORTHSTAR
TRADING CORPORAION" is "... CORPORATION", "public djoint stock company gazprom" is
"PUBLIC JOINT STOCK COMPANY GAZPROM". A word no list holds weighs as the rarest,
most distinctive word of all, so the slip in a word that only says what kind of
business it is (a generic word, a place, a word of a legal form, a word common in the
lists) would sink the pair although the word that names the firm agrees exactly.
`form_words` reads such slips back in every name, but only in words of six letters or
more and with the same first letter; here a slip is read against the one name it is
compared with: a word one edit from a word of that kind which the other name holds
(`spelling.one_edit_kind`, or a believable typo by `spelling.typo_credibility`; for a
word of three letters only the latter) is read as it, and so is a slip of a word the
tables read as that English word ("ingenieaia": "ingenieria", engineering). So are
words written apart that the other name writes as one word of that kind, with or
without a slip ("L TD" for "LTD", "S.A..S" for "S.A.S.", "MIDDEL EAST" for the place
"middleeast"), and two words whose space was typed a letter off beside such a word
("ARIA NBANK" for "ARIAN BANK").

Only where the other name holds the word ("bak" is "bank" against "KOREA TRADE BANK",
not in general), never a word the tables or the reference lists know or that two
listed names carry, never a word as near another word of the other name, never a
single word as a place ("Hongtong" is no "Hongkong"), and only when another word of the
name agrees: "BAK" alone is no "BANK". A common word of the lists is as often the word
that names the firm ("Barakat", "Mehr"): it is read only beside a rarer word both names
hold, every other word agreeing ("SATE BANK LUHANSK PEOPLE'S"). One name is read toward
the other, never both toward each other. The word that names the firm is compared as
written, so a slip there against a near namesake stays the near namesake it is.
Screening retrieval is untouched: the reading happens where a pair is compared
(`compared`), for screening and `match-pairs` alike, and the explanation says what was
read ("a slip read as the word: corporaion=corporation").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from detectors.matching.alignment import (
    STOP_WORDS,
    Alignment,
    TokenWeights,
    align,
    company_like,
    reference_words,
)
from detectors.matching.garbled_forms import FormRead, read_garbled_forms
from detectors.matching.names import AnalyzedName, NameTables, split_legal_forms
from detectors.matching.spelling import one_edit_kind, typo_credibility
from detectors.matching.titles import read_titles


@dataclass(frozen=True)
class SlipsRead(FormRead):
    """A name with words written with a slip read as words of the other name."""

    slips: tuple[tuple[str, str], ...] = ()  # (as written, as read): ("corporaion", "corporation")


MIN_SLIP = 3  # letters of a word, at least, read as a slip ("bak")
MIN_WORD = 4  # letters of the word it is read as ("bank")
MIN_JOINED_SLIP = 6  # letters of words written apart read with a slip as one word
MAX_PIECES = 3  # words written apart read as one word ("s", "a", "s")
# the IDF a word of a single listed name falls short of the rarest by: log(2)
ONE_NAME_ONLY = math.log(2) + 1e-9
MIN_REST = 3  # letters a name keeps beside its legal form, at least
CREDIBLE = 0.5  # typo credibility from which two words are one word misspelt


def read_slips(
    query: AnalyzedName, candidate: AnalyzedName, weights: TokenWeights
) -> tuple[AnalyzedName, AnalyzedName]:
    """The two names, each word of one written with a slip of a generic word, place,
    legal-form word or common word of the other read as that word."""
    if query.full_tokens == candidate.full_tokens:
        return query, candidate
    if not (company_like(query, weights) or company_like(candidate, weights)):
        return query, candidate  # a slip in a person's name is another name as often
    read = _read(query, candidate, weights)
    if read is not query:  # one name read toward the other, not both toward each other
        return read, candidate
    return query, _read(candidate, query, weights)


def _words(name: AnalyzedName) -> tuple[str, ...]:
    return name.full_tokens or name.tokens


def _read(name: AnalyzedName, other: AnalyzedName, weights: TokenWeights) -> AnalyzedName:
    full = _words(name)
    theirs = frozenset(_words(other))
    # a word read needs a word that may be a slip, or words written apart ("l td")
    if _possible(full, weights) <= theirs:
        return name
    mine = set(full)
    spare = [w for w in dict.fromkeys(_words(other)) if w not in mine]  # the other's only
    if not spare:
        return name
    if sum(map(len, other.tokens)) < MIN_REST or sum(map(len, name.tokens)) < MIN_REST:
        return name  # "EP-MMC": the form may be a word of so short a name
    set_aside = theirs - frozenset(other.tokens)  # the other's legal-form words
    # the words read toward: words of their kind, none a slip itself ("sltd")
    wanted = {
        w for w in spare if _kind_word(w, set_aside, weights) and not _may_be_slip(w, weights)
    }
    if not wanted:
        return name
    out: list[str] = list(full)
    slips: list[tuple[str, str]] = []
    read: set[int] = set()
    spelt = _spellings(weights.tables)
    _read_moved_space(full, _words(other), wanted, spelt, out, slips, read)
    moved = set(read)  # the two words of a space moved agree: another word may be read
    single: dict[int, str] = {}  # a word read as a word of the other name
    for i, token in enumerate(full):
        if i in read or token in theirs or not _may_be_slip(token, weights):
            continue
        if _part_of(full, i, theirs):
            continue  # "engi neering": a word written apart, which the alignment joins
        near = [w for w in spare if _long_enough(w, set_aside) and _one_slip(token, w)]
        # a slip of a word the tables read as an English word the other name holds
        # ("ingenieaia" for "ingenieria", read "engineering"; "airwayr" for "airways")
        near += [
            e for e in spare if e not in near and any(_one_slip(token, w) for w in spelt.get(e, ()))
        ]
        if len(near) == 1 and near[0] in wanted and near[0] not in weights.tables.places:
            # a word one letter from a place is a name of its own as often ("Hongtong")
            single[i] = near[0]
    common = {i for i, w in single.items() if not _business_word(w, set_aside, weights.tables)}
    others_agree = all(t in theirs for i, t in enumerate(full) if i not in single)
    if common and not (others_agree and _anchored(full, set(single), other.tokens, weights)):
        # a common word is as often the word that names the firm ("Barakat", "Mehr",
        # "Pars"): read only beside a rarer word both names hold, every other word the
        # other's ("SATE BANK LUHANSK", not "Pals Isotope Trading")
        single = {i: w for i, w in single.items() if i not in common}
    for i, word in single.items():
        out[i] = word
        slips.append((full[i], word))
        read.add(i)
    _read_joined(full, theirs, wanted, set_aside, weights, out, slips, read)
    if not slips:
        return name
    if not any(_agrees(t, theirs) for i, t in enumerate(out) if i not in read - moved):
        return name  # nothing else agrees: "BAK" alone is no "BANK"
    words = [t for t in out if t]
    core, forms = split_legal_forms(words, weights.tables)
    return SlipsRead(
        raw=name.raw,
        tokens=tuple(core),
        legal_forms=name.legal_forms | forms,
        numbers=name.numbers,
        reordered=name.reordered,
        full_tokens=tuple(words),
        arabic=name.arabic,
        script=name.script,
        translated=name.translated,
        written=name.written if isinstance(name, FormRead) else "",
        read_as=name.read_as if isinstance(name, FormRead) else "",
        slips=(*(name.slips if isinstance(name, SlipsRead) else ()), *slips),
    )


def _read_moved_space(
    full: tuple[str, ...],
    theirs: tuple[str, ...],
    wanted: set[str],
    spelt: dict[str, tuple[str, ...]],
    out: list[str],
    slips: list[tuple[str, str]],
    read: set[int],
) -> None:
    """Two words with the space between them typed a letter off ("ARIA NBANK", "HUNJI
    NTRADING") read as the other name's two words ("arian bank", "hunjin trading"), one
    of which is a word of `wanted`; a word the other reads in English may be written
    as its own language writes it ("COMERCIA LJINAN": "commercial jinan")."""
    pairs = {
        x + y: (a, b)
        for a, b in zip(theirs, theirs[1:], strict=False)
        if a in wanted or b in wanted
        for x in (a, *spelt.get(a, ()))
        for y in (b, *spelt.get(b, ()))
    }
    if not pairs:
        return
    for i in range(len(full) - 1):
        a, b = full[i], full[i + 1]
        found = pairs.get(a + b)
        if found is None or found == (a, b) or i in read or i + 1 in read:
            continue
        if not (found[0] in wanted or found[1] in wanted):
            continue
        out[i], out[i + 1] = found
        read.update((i, i + 1))
        slips.append((f"{a} {b}", " ".join(found)))


def _read_joined(
    full: tuple[str, ...],
    theirs: frozenset[str],
    wanted: set[str],
    set_aside: frozenset[str],
    weights: TokenWeights,
    out: list[str],
    slips: list[tuple[str, str]],
    read: set[int],
) -> None:
    """Words written apart ("l td", "middel east") that are one word of `wanted` the
    other name writes as one ("ltd", "middleeast"), joined in `out` (the first piece
    becomes the word, the others empty)."""
    tables = weights.tables
    # the lengths a window of words must have to be read as one word of `wanted`
    lengths = {
        n
        for w in wanted
        if len(w) >= MIN_JOINED_SLIP
        or w in set_aside
        or w in tables.places
        or _form_word(w, tables)
        for n in (len(w) - 1, len(w), len(w) + 1)
    }
    if not lengths:
        return
    for width in range(MAX_PIECES, 1, -1):
        for i in range(len(full) - width + 1):
            span = range(i, i + width)
            pieces = full[i : i + width]
            if sum(map(len, pieces)) not in lengths:
                continue
            if any(k in read for k in span) or all(p in theirs for p in pieces):
                continue
            joined = "".join(pieces)
            if not joined.isalpha():
                continue
            as_one = joined in tables.places or joined in set_aside or _form_word(joined, tables)
            if joined in wanted and as_one:
                word = joined  # "l td": the form the other name writes as one word
            else:
                if len(joined) < MIN_JOINED_SLIP:
                    continue
                if all(weights.known_word(p) for p in pieces if len(p) > 1):
                    continue  # words of their own, misspelt nowhere
                near = [w for w in wanted if len(w) >= MIN_JOINED_SLIP and _one_slip(joined, w)]
                if len(near) != 1:
                    continue
                word = near[0]
            out[i] = word
            for k in span[1:]:
                out[k] = ""
            read.update(span)
            slips.append((" ".join(pieces), word))


def _part_of(full: tuple[str, ...], i: int, theirs: frozenset[str]) -> bool:
    """The word at `i`, joined to the word before or after it, is a word of the other."""
    before = i > 0 and full[i - 1] + full[i] in theirs
    return before or (i + 1 < len(full) and full[i] + full[i + 1] in theirs)


def _long_enough(word: str, set_aside: frozenset[str]) -> bool:
    """Long enough to read a slip as: four letters, three for the other name's legal
    form ("atd" for "LTD")."""
    return len(word) >= MIN_WORD or (word in set_aside and len(word) >= MIN_SLIP)


def _kind_word(word: str, set_aside: frozenset[str], weights: TokenWeights) -> bool:
    """A word that says what kind of business a company is, not which one: a generic
    word, a place, a word of a legal form, a word common in the lists."""
    if word in set_aside:
        return word.isalpha() and word not in STOP_WORDS
    _, kinds, _ = _memo(weights)
    found = kinds.get(word)
    if found is None:
        found = kinds[word] = (
            word.isalpha()
            and word not in STOP_WORDS
            and (_business_word(word, frozenset(), weights.tables) or weights.common(word))
        )
    return found


def _business_word(word: str, set_aside: frozenset[str], tables: NameTables) -> bool:
    """A generic word, a place or a word of a legal form (of the tables, or one the
    other name set aside as its form)."""
    return (
        word in tables.generic
        or word in tables.places
        or word in set_aside
        or _form_word(word, tables)
    )


def _anchored(
    words: tuple[str, ...], read: set[int], core: tuple[str, ...], weights: TokenWeights
) -> bool:
    """Another word of the name, distinctive and not common in the lists, is a word of
    the other name (no word of its legal form): the word read is no word that names
    the firm."""
    return any(
        i not in read
        and len(t) >= MIN_SLIP
        and t in core
        and weights.distinctive(t)
        and not weights.common(t)
        and not _form_word(t, weights.tables)
        for i, t in enumerate(words)
    )


def _agrees(token: str, theirs: frozenset[str]) -> bool:
    """A word of the name (no stop word) that the other holds, or a believable typo of
    one of its words ("gummobaro", "gumobaro")."""
    if token in STOP_WORDS or not token:
        return False
    if token in theirs:
        return True
    return len(token) >= MIN_WORD and any(
        len(w) >= MIN_WORD and typo_credibility(token, w) >= CREDIBLE for w in theirs
    )


_SPELLINGS: dict[int, tuple[NameTables, dict[str, tuple[str, ...]]]] = {}


def _spellings(tables: NameTables) -> dict[str, tuple[str, ...]]:
    """English word -> the words of other languages and abbreviations of
    configs/matching.yaml read as it alone ("engineering": "ingenieria"; "air":
    "airways", "airlines"), of `MIN_WORD` letters or more."""
    found = _SPELLINGS.get(id(tables))
    if found is None or found[0] is not tables:
        spelt: dict[str, set[str]] = {}
        tables_words = [*tables.abbreviations.items(), *tables.translations.words.items()]
        for word, english in tables_words:
            if len(english) == 1 and len(word) >= MIN_WORD and word.isalpha():
                spelt.setdefault(english[0], set()).add(word)
        found = _SPELLINGS[id(tables)] = (tables, {e: tuple(sorted(w)) for e, w in spelt.items()})
    return found[1]


_FORM_WORDS: dict[int, tuple[NameTables, frozenset[str]]] = {}


def _form_word(word: str, tables: NameTables) -> bool:
    """A word of the legal forms of configs/matching.yaml ("limited", "sas", "ltd")."""
    found = _FORM_WORDS.get(id(tables))
    if found is None or found[0] is not tables:
        words = frozenset(w for spelling in tables.legal_forms for w in spelling if len(w) > 1)
        found = _FORM_WORDS[id(tables)] = (tables, words)
    return word in found[1]


_MEMO: list[
    tuple[TokenWeights, dict[str, bool], dict[str, bool], dict[tuple[str, ...], frozenset[str]]]
] = []


def _memo(
    weights: TokenWeights,
) -> tuple[dict[str, bool], dict[str, bool], dict[tuple[str, ...], frozenset[str]]]:
    """Per word, remembered for the weights of a run: whether it may be a slip, and
    whether it is a word of a kind a slip is read as (but for the other's forms); per
    name, its words that may be slips or pieces of a word written apart."""
    if not _MEMO or _MEMO[0][0] is not weights or len(_MEMO[0][1]) > 500_000:
        _MEMO[:] = [(weights, {}, {}, {})]  # one run's weights at a time
    if len(_MEMO[0][3]) > 500_000:
        _MEMO[0][3].clear()
    return _MEMO[0][1], _MEMO[0][2], _MEMO[0][3]


def _possible(full: tuple[str, ...], weights: TokenWeights) -> frozenset[str]:
    """The words of a name that may be read: words that may be slips, and single
    letters (pieces of a word written apart), remembered per name."""
    _, _, names = _memo(weights)
    found = names.get(full)
    if found is None:
        found = names[full] = frozenset(t for t in full if len(t) == 1 or _may_be_slip(t, weights))
    return found


def _may_be_slip(token: str, weights: TokenWeights) -> bool:
    """A word that may be another written with a slip: long enough, letters only, and no
    word the tables or the reference lists know, nor one that two listed names or more
    carry (a word of one listed name may be its slip too: "bak")."""
    slips, _, _ = _memo(weights)
    found = slips.get(token)
    if found is None:
        found = slips[token] = _unknown_word(token, weights)
    return found


def _unknown_word(token: str, weights: TokenWeights) -> bool:
    if len(token) < MIN_SLIP or not token.isalpha():
        return False
    tables = weights.tables
    if token in tables.generic or token in tables.places or _form_word(token, tables):
        return False
    if token in reference_words():
        return False
    return weights.idf.get(token, weights.max_idf) > weights.max_idf - ONE_NAME_ONLY


@lru_cache(maxsize=262_144)
def _one_slip(a: str, b: str) -> bool:
    """`a` is `b` with one slip: one edit apart, or a believable typo of it; a word `b`
    of three letters only by a believable typo ("ltdd", not "sze" for "fze")."""
    if a == b:
        return False
    if len(b) >= MIN_WORD and one_edit_kind(a, b) is not None:
        return True
    return typo_credibility(a, b) >= CREDIBLE


def compared(
    query: AnalyzedName, candidate: AnalyzedName, weights: TokenWeights
) -> tuple[AnalyzedName, AnalyzedName, Alignment]:
    """The two names as the features compare them (a legal form written with a slip
    read as the other's: `garbled_forms`; a slip in a word that says what a company is
    read as the other's word; a person's title set aside: `titles`), and their alignment."""
    query, candidate = read_garbled_forms(query, candidate)
    query, candidate = read_slips(query, candidate, weights)
    query, candidate = read_titles(query, candidate, weights)
    return query, candidate, align(query, candidate, weights)
