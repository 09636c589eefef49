"""Features of names in two scripts: words that are one word once transliterated, and
the Arabic-script checks (long vowels written otherwise, too short a skeleton)."""

from __future__ import annotations

from detectors.matching.alignment import STOP_WORDS, same_key
from detectors.matching.arabic import skeleton_tokens, skeleton_words
from detectors.matching.features.context import PairContext
from detectors.matching.transliteration import SKELETON, TRANSLIT, key_method


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


CHAIN_WORDS = 3  # words of a name from which it reads as a chain of forebears' names


def child_name(p: PairContext) -> float:
    """1 when, of a person's name in Arabic script and one in Latin letters, one is the
    other with one given name more in front ("سعد سبعاوي إبراهيم حسن التكريتي", Saad
    Sabawi Ibrahim Hasan al-Tikriti, against "AL-TAKRITI, Sabawi Ibrahim Hassan"): an
    Arabic name is a chain of the person's, the father's and the grandfather's names,
    so the longer name is the son's or daughter's, another person."""
    if key_method(p.query, p.candidate) != SKELETON or "entity" in (p.query_type, p.entry_type):
        return 0.0
    q_left, c_left = ([t for t in side if t not in STOP_WORDS] for side in p.alignment.unaligned)
    if bool(q_left) == bool(c_left) or len(q_left) + len(c_left) != 1:
        return 0.0
    longer, extra = (p.query, q_left[0]) if q_left else (p.candidate, c_left[0])
    shorter = p.candidate if q_left else p.query
    # the alignment of two scripts compares consonant skeletons, articles left out
    words, chain = skeleton_tokens(longer.tokens), skeleton_tokens(shorter.tokens)
    if len(chain) < CHAIN_WORDS or not words or words[0] != extra:
        return 0.0
    # a name repeated in the chain ("Mubarak ... Sanad Mubarak") or a particle before a
    # name (Abu, Umm, Bin; the Abd of Abd al-Rauf) is no other given name
    return 0.0 if words.count(extra) > 1 or extra in PARTICLE_SKELETONS else 1.0


# Abu, Umm, Bin/Ibn, Bint, Abd/Abdul by their consonants
PARTICLE_SKELETONS = frozenset({"b", "m", "bn", "bnt", "bd", "bdl"})
