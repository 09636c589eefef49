"""Near namesakes: company names that share what and where a business is (generic words,
places, words common in the list) while the word naming it is another name."""

from __future__ import annotations

from rapidfuzz.distance import OSA

from detectors.matching.features.context import PairContext
from detectors.matching.features.words import _company_pair, _one_word
from detectors.matching.spelling import typo_credibility

# typo credibility from which two words two edits apart are one word: a long word, one
# sound spelt otherwise ("saiyong"/"zayong"), one name romanized twice ("khaled"/"khalid")
FAR_CREDIBILITY = 0.4
# share of the longer word's letters above which two or more edits make another word: a
# long name transliterated twice keeps three in four ("eghtesad"/"eqtesad",
# "novokuibyshevsk"/"novokuybyshev"), a short coined name changed in two does not
FAR_SHARE = 0.25


def distinctive_word_far(p: PairContext) -> float:
    """1 when two company names agree exactly only on generic words, places or words
    common in the list, and every distinctive word aligned is two edits or more from its
    partner, more than a quarter of its letters, and hardly a typo of it ("Dubai Hongha
    Logistics" against "DUBAI HONGBAI LOGISTICS", "Vusai International" against "VESA
    INTERNATIONAL"): the shared words say what and where the business is, the
    distinctive word names another one. One letter changed is left to the features of
    near words (`short_word_changed`)."""
    if not _company_pair(p) or p.query.arabic != p.candidate.arabic:
        return 0.0
    weights = p.weights
    shared = far = 0
    for q, c, _ in p.alignment.pairs:
        if q == c:
            if weights.distinctive(q) and not weights.common(q):
                return 0.0  # a word naming the business agrees
            shared += 1
        elif weights.distinctive(q) and weights.distinctive(c):
            if q.isdigit() or c.isdigit() or _one_word(p, q, c):
                return 0.0
            if q.startswith(c) or c.startswith(q):
                return 0.0  # an abbreviation ("constr" for "construction")
            if typo_credibility(q, c) >= FAR_CREDIBILITY or not _far(q, c):
                return 0.0
            far += 1
    return 1.0 if shared and far else 0.0


def _far(q: str, c: str) -> bool:
    """Two edits or more apart, and more than `FAR_SHARE` of the longer word's letters."""
    edits = OSA.distance(q, c)
    return edits >= 2 and edits > FAR_SHARE * max(len(q), len(c))
