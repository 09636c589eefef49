"""Explanations an investigator can read: which name matched, which words aligned,
and which features raised or lowered the score."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from detectors.matching.alignment import company_like, same_key
from detectors.matching.compound_names import is_compound_form
from detectors.matching.east_slavic import slavic_alike
from detectors.matching.features import PairContext
from detectors.matching.garbled_forms import FormRead
from detectors.matching.korean import korean_alike, korean_key, korean_name
from detectors.matching.scorer import ScorerModel, explain_contributions
from detectors.matching.spelling import romanized_alike
from detectors.matching.transliteration import METHOD_TEXT, TRANSLIT, key_method, translit_key
from detectors.matching.word_slips import SlipsRead


def aligned_words(ctx: PairContext, limit: int = 6) -> str:
    parts = [
        f"{q}={c}" if s >= 1.0 else f"{q}~{c} ({s:.2f})" for q, c, s in ctx.alignment.pairs[:limit]
    ]
    text = ", ".join(parts) if parts else "none"
    if ctx.alignment.acronyms:
        text += "; acronyms read as the words they stand for: " + ", ".join(
            f"{acronym.upper()}={words}" for acronym, words in ctx.alignment.acronyms
        )
    return text


def transliteration_note(ctx: PairContext, limit: int = 6) -> str:
    """For two names in different scripts, how they were compared and which words the
    transliteration made one ("Cyrillic against Latin script, compared by transliteration
    key ...: chen=jong [jn], yn=un [n], kim=kim"); "" for two names of one script."""
    method = key_method(ctx.query, ctx.candidate)
    if method is None:
        return ""
    words = []
    for q, c, _ in ctx.alignment.pairs:
        if q == c:
            words.append(f"{q}={c}")
        elif method == TRANSLIT and same_key(q, c, ctx.weights):
            words.append(f"{q}={c} [{translit_key(q)}]")
    agreed = ", ".join(words[:limit]) if words else "no word agrees"
    return (
        f"{ctx.query.script.capitalize()} against {ctx.candidate.script.capitalize()} "
        f"script, compared by {METHOD_TEXT[method]}: {agreed}"
    )


def romanization_note(ctx: PairContext, limit: int = 6) -> str:
    """For two Korean names, the words one sound key made one ("Korean names romanized
    two ways, compared by sound key: chong=jong [jonk], pok=bok [pok]"); for Arabic
    compound names written as one word on one side, the compounds read alike
    ("compound names read alike: abdalbassed~abdalbaset"); for persons' names, the East
    Slavic names read in another language's form ("Ukrainian, Belarusian and Russian
    forms of one name: oleksiy=aleksey"); else ""."""
    notes = []
    if korean_name(ctx.query.tokens) and korean_name(ctx.candidate.tokens):
        words = [
            f"{q}={c} [{korean_key(q)}]" for q, c, _ in ctx.alignment.pairs if korean_alike(q, c)
        ]
        if words:
            notes.append(
                "Korean names romanized two ways (McCune-Reischauer, Revised), compared by "
                "sound key: " + ", ".join(words[:limit])
            )
    compounds = [
        f"{q}~{c}"
        for q, c, _ in ctx.alignment.pairs
        if q not in ctx.query.tokens and is_compound_form(q)
    ]
    if compounds:
        notes.append("Arabic compound names read alike: " + ", ".join(compounds[:limit]))
    # only the words the Slavic forms alone made one: "ghaly"/"ghali" is one name
    # romanized two ways in any language
    slavic = [
        f"{q}={c}"
        for q, c, s in ctx.alignment.pairs
        if s < 1.0 and slavic_alike(q, c) and not romanized_alike(q, c)
    ]
    if slavic and not (
        company_like(ctx.query, ctx.weights) or company_like(ctx.candidate, ctx.weights)
    ):
        notes.append(
            "Ukrainian, Belarusian and Russian forms of one name: " + ", ".join(slavic[:limit])
        )
    return "; ".join(notes)


def translated_note(ctx: PairContext, limit: int = 6) -> str:
    """The business words of another language each name was read with as their English
    word ("business words read as their English translation: torgovoy=trade,
    kapital=capital"); "" when none was."""
    words = dict(ctx.query.translated + ctx.candidate.translated)
    if not words:
        return ""
    return "business words read as their English translation: " + ", ".join(
        f"{word}={english}" for word, english in list(words.items())[:limit]
    )


def form_read_note(ctx: PairContext) -> str:
    """The legal form written with a slip that was read as the other name's form
    ("legal form written with a slip read as S.A.S.: .A.S."); "" when none was."""
    read = [name for name in (ctx.query, ctx.candidate) if isinstance(name, FormRead)]
    return "; ".join(
        f"legal form written with a slip read as {name.read_as}: {name.written}"
        for name in read
        if name.written
    )


def slips_read_note(ctx: PairContext, limit: int = 6) -> str:
    """The words written with a slip that were read as a generic word, place, legal-form
    word or common word of the other name ("a slip read as the word:
    corporaion=corporation"); "" when none was."""
    slips = [
        f"{written}={word}"
        for name in (ctx.query, ctx.candidate)
        if isinstance(name, SlipsRead)
        for written, word in name.slips
    ]
    if not slips:
        return ""
    return "a slip read as the word: " + ", ".join(slips[:limit])


def titles_note(ctx: PairContext) -> str:
    """The persons' titles set aside where the names were compared ("title set aside:
    maulawi"); "" when none was."""
    titles = list(dict.fromkeys(ctx.query.titles + ctx.candidate.titles))
    if not titles:
        return ""
    return ("titles" if len(titles) > 1 else "title") + " set aside: " + ", ".join(titles)


def name_role(ctx: PairContext, entry: Mapping[str, str]) -> str:
    """Which of the entry's names matched: its primary name, an alias or a weak alias."""
    if ctx.candidate.raw == str(entry["name"]):
        return "primary name"
    return "weak alias" if ctx.weak_alias else "alias"


def explain_name_hit(
    ctx: PairContext, row: np.ndarray, score: float, entry: Mapping[str, str], model: ScorerModel
) -> str:
    return (
        f"'{ctx.query.raw}' matches {name_role(ctx, entry)} '{ctx.candidate.raw}' of "
        f"{entry['entry_id']} ({entry['list_code']}) with score {score:.2f}; "
        + pair_evidence(ctx, row, model)
    )


def pair_evidence(ctx: PairContext, row: np.ndarray, model: ScorerModel) -> str:
    """What a pair's score rests on, for both scoring paths (screening and `match-pairs`):
    the aligned words, how words were read (script, romanization, translation, a legal
    form or a generic word written with a slip, a person's title set aside) and the features that raised or lowered the score."""
    notes = (
        transliteration_note(ctx),
        romanization_note(ctx),
        translated_note(ctx),
        form_read_note(ctx),
        slips_read_note(ctx),
        titles_note(ctx),
    )
    return (
        f"aligned words: {aligned_words(ctx)}; "
        + "".join(f"{note}; " for note in notes if note)
        + explain_contributions(model, row)
    )


def explain_address_hit(address: str, listed: str, score: float, entry: Mapping[str, str]) -> str:
    return (
        f"Address '{address}' matches the listed address '{listed}' of '{entry['name']}' "
        f"({entry['entry_id']}, {entry['list_code']}) with similarity {score:.2f}"
    )
