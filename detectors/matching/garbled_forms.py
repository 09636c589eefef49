"""A legal form written with a slip, read as the other name's form.

"TRITCON .A.S." against "TRITCON S.A.S.", "BIOFORESTAL S.AA." against "BIOFORESTAL
S.A.", "GASOLINERA ..., l.A. DE C.V." against "... S.A. DE C.V.": a dot or a letter lost
in the legal form leaves a few letters that are either no legal form (and weigh as the
rarest word of the name) or another one (".A.S." folds to "as", a Norwegian form, which
clashes with the "S.A.S." of the list). Where the short words that end one name are
one edit from the legal form that ends the other, they are read as that form: the
names are then compared without them and with the same form; so is a form of three
words or more with one left out ("GRUPO HORTA ZAVALA DE C.V."). Only words of a few
letters qualify (`FORM_LETTERS`), and against a form of two letters ("S.A.") only a
letter added ("S.AA."): two letters changed into two others are as often a word ("La").
A name's own legal form, well written, is another form ("RENTA S.A.S." against "RENTA
A.S."), unless a dot with no letter before it shows a letter lost (".A.S."); and a name
written without a dot keeps its words ("EUROBET TRADING EOOD", a Bulgarian form the
tables do not know, is no "OOD" misspelt).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from functools import lru_cache

from rapidfuzz.distance import OSA

from detectors.matching.legal_forms import forms_agree, forms_clash
from detectors.matching.names import AnalyzedName


@dataclass(frozen=True)
class FormRead(AnalyzedName):
    """A name whose legal form, written with a slip, was read as another name's form."""

    written: str = ""  # the words read as the form, as the name wrote them (".A.S.")
    read_as: str = ""  # the form they were read as, as the other name wrote it ("S.A.S.")


# a dot with no letter before it (".A.S.") or two dots: a form that lost a letter
_STRAY_DOT = re.compile(r"(?:^|[\s,(])\.\w|\.\.")
FORM_LETTERS = 5  # letters of a word, at most, that a legal form written with a slip has
SHORT_FORM = 3  # letters of a form below which only a letter added is read as a slip
MIN_REST = 3  # letters the name must keep beside the form read


def read_garbled_forms(
    query: AnalyzedName, candidate: AnalyzedName
) -> tuple[AnalyzedName, AnalyzedName]:
    """The two names, the form of one written with a slip read as the other's form."""
    # a name is read only when written with a dot and the other has a form (`_read_as`):
    # most pairs of a screening run are neither, and are passed over at once
    q_read = candidate.legal_forms and "." in query.raw
    c_read = query.legal_forms and "." in candidate.raw
    if not (q_read or c_read) or _agree(query.legal_forms, candidate.legal_forms):
        return query, candidate
    read = _read_as(query, candidate) if q_read else query
    if read is not query:
        return read, candidate
    return query, _read_as(candidate, query) if c_read else candidate


@lru_cache(maxsize=4096)
def _agree(a: frozenset[str], b: frozenset[str]) -> bool:
    """`forms_agree`, remembered: a run compares a few sets of forms many times."""
    return forms_agree(a, b)


def _form_suffix(name: AnalyzedName) -> tuple[str, ...]:
    """The words of the legal form that ends the name, as written ("sa", "de", "cv")."""
    core, full = name.tokens, name.full_tokens
    if not name.legal_forms or not core or full[: len(core)] != core:
        return ()
    return full[len(core) :]


def _read_as(name: AnalyzedName, other: AnalyzedName) -> AnalyzedName:
    """`name` with the short words that end it read as `other`'s legal form, when they
    are one edit from it or that form with one of its words left out; else `name`."""
    if name.legal_forms and not forms_clash(name.legal_forms, other.legal_forms):
        return name  # a form of its own that another form may translate ("Co." for "C.V.")
    suffix = _form_suffix(other)
    form = "".join(suffix)
    full = name.full_tokens
    if len(form) < 2 or not full or full[: len(name.tokens)] != name.tokens:
        return name
    if sum(map(len, other.tokens)) < MIN_REST:
        return name  # "EP-MMC": the form may be a word of so short a name
    if "." not in name.raw:
        return name  # a form is abbreviated with dots; a word without any ("EOOD") is kept
    # the most words first: "la de cv" is "sa de cv" misspelt, not "de cv" with a word out
    for width in range(min(len(suffix) + 1, len(full) - 1), 0, -1):
        tail = full[-width:]
        if not all(t.isalpha() and len(t) <= FORM_LETTERS for t in tail):
            continue
        if len(full) - width > len(name.tokens):
            continue  # the words read must reach into the name's own words, or be its form
        written = "".join(tail)
        if len(form) < SHORT_FORM and len(written) <= len(form):
            continue  # "la" for "sa": two letters changed into two others are a word
        slip = written != form and OSA.distance(written, form, score_cutoff=1) <= 1
        if not (slip or _word_dropped(tail, suffix)):
            continue
        if tail == _form_suffix(name) and not _STRAY_DOT.search(name.raw):
            continue  # a form of its own, well written ("RENTA S.A.S." against "RENTA A.S.")
        if sum(map(len, full[:-width])) < MIN_REST:
            continue  # too little left to be the same name
        kept = {f.name: getattr(name, f.name) for f in fields(AnalyzedName)}
        kept.update(tokens=full[:-width], legal_forms=other.legal_forms)
        return FormRead(
            **kept, written=_as_written(name.raw, tail), read_as=_as_written(other.raw, suffix)
        )
    return name


def _as_written(raw: str, words: tuple[str, ...]) -> str:
    """The end of `raw` that wrote `words`, dots and letter case kept ("l.A. DE C.V."
    for "l", "a", "de", "cv"); the words themselves where the folding hides it."""
    letters = r"\W*".join(r"\W*".join(map(re.escape, word)) for word in words)
    found = re.search(r"(?<!\S)[^\w\s]*" + letters + r"[^\w\s]*\W*$", raw, re.IGNORECASE)
    return found.group().strip(" ,") if found else " ".join(words)


def _word_dropped(tail: tuple[str, ...], suffix: tuple[str, ...]) -> bool:
    """`tail` is a form of three words or more with one of them left out ("de C.V." for
    "S.A. de C.V.")."""
    if len(suffix) < 3 or len(tail) != len(suffix) - 1:
        return False
    return any(suffix[:i] + suffix[i + 1 :] == tail for i in range(len(suffix)))
