"""Features of Chinese names: a pinyin syllable changed into another, or a Latin word
that no reading of the Chinese characters gives."""

from __future__ import annotations

from detectors.matching.alignment import TokenWeights
from detectors.matching.features.context import PairContext
from detectors.matching.pinyin import han_readings, read_otherwise, syllable_changed


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


def _name_word(token: str, weights: TokenWeights) -> bool:
    """A distinctive word the list does not carry often: a word many listed names carry
    is a word of a language ("defense", "house") or a brand of many entries, whose
    spellings vary ("defence")."""
    return weights.distinctive(token) and not weights.common(token)
