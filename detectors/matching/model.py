"""The matcher's model in one place: every feature with its description, its weight,
and the caps and floors that bound the score.

The features are computed in `features/`, a module per family, and listed once in its
`FEATURES` (name, function, description); their weights are learned offline
(`benchmarks/train_matcher.py` writes `scorer_weights.json`); the caps and floors are
set here, by hand, for kinds of pairs no sum of weights tells apart. Both scoring paths
(`match-pairs` through `score_pairs`, and screening through `Matcher`) score with the
one `ScorerModel` loaded from these, and every explanation names the features (with
their descriptions) that moved a score.

    python -m detectors.matching.model      # the table: feature, weight, bound, description
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from detectors.matching.features import FEATURES


@dataclass(frozen=True)
class ScoreCap:
    """A bound on the score when `feature` is at least `at_least`: at most `score` for a
    cap, at least `score` for a floor."""

    feature: str
    at_least: float
    score: float
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "at_least": self.at_least,
            "score": self.score,
            "reason": self.reason,
        }


DESCRIPTIONS: dict[str, str] = {f.name: f.description for f in FEATURES}

# Caps sit below every threshold of configs/matching.yaml (0.45 at the lowest), but for
# the cap of a common person's name, which sits below the hard stop only.
CAPS: tuple[ScoreCap, ...] = (
    # Pairs whose only agreement beyond generic words is a distinctive word that is hardly
    # a typo of the listed one ("handa"/"hana", "garen"/"green"): the long exact agreement
    # of generic words is worth nothing when the word that names the company differs.
    # How believable a typo is grows with the word's length and the kind of edit
    # (`spelling.typo_credibility`): a consonant dropped inside a word of eight letters, a
    # final "h" after a vowel or "dj" for "j" is believable enough to lift this cap
    # and the next.
    ScoreCap(
        "distinctive_words_only_fuzzy",
        at_least=0.5,
        score=0.40,
        reason="only generic words agree (spelled alike or respelled); the distinctive word "
        "is another spelling, not a believable typo",
    ),
    ScoreCap(
        "no_word_exact",
        at_least=0.5,
        score=0.40,
        reason="no word is the same word and none is a believable typo of the other",
    ),
    # A letter changed in a short word that names the firm is another firm as often as
    # a slip ("Qirun"/"Qiqun"); a transliteration variant keeps its sound key. Beside
    # another rare word that agrees, every other word the same, it is a slip ("Pals
    # Isotope Company"/"PARS ISOTOPE COMPANY"), which the cap leaves to the weights.
    ScoreCap(
        "short_word_changed",
        at_least=1.0,
        score=0.40,
        reason="a short distinctive word has a letter changed and sounds otherwise, and no "
        "other rare word of the names agrees: a near namesake",
    ),
    # Pinyin has some four hundred syllables: a letter changed in a pinyin word is
    # mostly another syllable, another character ("Mingcheng"/"Mingzheng").
    ScoreCap(
        "pinyin_syllable_changed",
        at_least=1.0,
        score=0.40,
        reason="a pinyin word of the name has one syllable changed into another: "
        "another Chinese name",
    ),
    ScoreCap(
        "compound_word",
        at_least=1.0,
        score=0.40,
        reason="a word agrees only as part of a longer word made of two words",
    ),
    ScoreCap(
        "person_company_one_word",
        at_least=1.0,
        score=0.40,
        reason="a person against a company's name, one word alike at most: a company named "
        "like the person is not the person",
    ),
    ScoreCap(
        "legal_form_clash",
        at_least=1.0,
        score=0.40,
        reason="national legal forms of different kinds: another company of the same name",
    ),
    # The list's common words ("properties", "leasing") tell no more than generic ones
    # ("Binya Properties Inc." against "BENA PROPERTIES").
    ScoreCap(
        "common_words_only_fuzzy",
        at_least=0.7,
        score=0.40,
        reason="only words common in the list agree exactly; the distinctive word is "
        "another spelling, not a believable typo",
    ),
    ScoreCap(
        "lone_fuzzy_word",
        at_least=1.0,
        score=0.40,
        reason="one word spelled alike is all that agrees, each name has a word the other "
        "lacks and the countries differ: another company",
    ),
    # Not below the thresholds: a common two-word name of a person is a possible match
    # to review, but no hard stop (thresholds.strong, 0.90) without a country or more.
    ScoreCap(
        "common_person_name",
        at_least=1.0,
        score=0.70,
        reason="a common given and family name with nothing else to back it: a possible "
        "match to review, not a hard stop",
    ),
    ScoreCap(
        "long_vowels_differ",
        at_least=1.0,
        score=0.40,
        reason="a word of the Arabic-script name has the consonants of a word of the Latin "
        "one but other long vowels: another name (Hamid, Ahmad)",
    ),
    # Two or three letters are the skeleton of many names ("h" and "hsn": Yahya Hasan,
    # Yahya Husayn, Hajj Hasan, ...).
    ScoreCap(
        "short_skeleton_agreement",
        at_least=1.0,
        score=0.40,
        reason="a name in Arabic script agrees with the Latin one only through skeletons of "
        "fewer than four letters, which many names share",
    ),
    # An Arabic name chains the person's, the father's and the grandfather's names: the
    # same chain behind one given name more is a child's name.
    ScoreCap(
        "child_name",
        at_least=1.0,
        score=0.40,
        reason="the longer name is the other with one given name more in front: in Arabic "
        "naming, the name of a son or daughter",
    ),
    # A place or "International" shared is no more telling than a generic word: "Dubai
    # Hongha Logistics" against "DUBAI HONGBAI LOGISTICS" is another firm in one city.
    ScoreCap(
        "distinctive_word_far",
        at_least=1.0,
        score=0.40,
        reason="only generic words, places or common words agree; the distinctive word is "
        "two edits or more from the listed one and no believable typo of it",
    ),
    # The father's name in an Arabic name (Mohammed bin Salman) identifies as the given
    # name does: the same given name with another father is another person.
    ScoreCap(
        "patronymic_differs",
        at_least=1.0,
        score=0.40,
        reason="each name names a father (bin, ibn, bint, ben, ould) and the fathers' names "
        "differ: another person",
    ),
    # Hasan (حسن) and Husayn (حسين) share a sound key and a consonant skeleton; the long
    # i Arabic writes in one, spelled "ei", "ai" or "ay", tells the names apart.
    ScoreCap(
        "long_ya_differs",
        at_least=1.0,
        score=0.40,
        reason="a word sounds like the other's but writes a long i where the other has a, o "
        "or u (Hussein, Hassan): another name",
    ),
    ScoreCap(
        "one_word_differs",
        at_least=1.0,
        score=0.40,
        reason="all words agree but one other word on each side: another company",
    ),
    # Of the SDN's 864 vessel and aircraft names, 2 read as a company's; 71 have every
    # word in a listed company's alias (owner firms named after their ships, "HADI
    # SHIPPING COMPANY LIMITED" beside the vessel "HADI", each hit in its own right;
    # and namesakes, "KASHMIR FREEDOM MOVEMENT" beside the vessel "FREEDOM").
    ScoreCap(
        "company_against_craft",
        at_least=1.0,
        score=0.40,
        reason="a company's name with a word more than a listed vessel's or aircraft's "
        "name: a firm named like a ship is not the ship",
    ),
)

# A brand alone against its full legal name ("Hikvision" against "Hangzhou Hikvision
# Digital Technology Co., Ltd."): every distinctive word agrees and only places and
# generic words differ, which the weighted coverage of the names reads as a weak match.
FLOORS: tuple[ScoreCap, ...] = (
    ScoreCap(
        "same_distinctive_words",
        at_least=1.0,
        score=0.60,
        reason="every distinctive word agrees; only places and generic words differ",
    ),
    # A name in another script against its listed rendering ("Ким Чен Ын" against "KIM
    # Jong Un"): the words agree only through a transliteration key, which the spelling
    # features read as poor agreement. Every word of both names must agree; a word that
    # differs leaves the score to the weights, and the caps still apply.
    ScoreCap(
        "same_after_transliteration",
        at_least=0.999,
        score=0.60,
        reason="every word of the two names is the same once transliterated",
    ),
)


def model_table(weights: dict[str, float] | None = None) -> list[dict[str, Any]]:
    """One row per feature: name, weight, the caps and floors it triggers, description."""
    if weights is None:
        from detectors.matching.scorer import ScorerModel

        scorer = ScorerModel.load()
        weights = dict(zip(scorer.features, map(float, scorer.coef), strict=True))
    rows = []
    for feature in FEATURES:
        bounds = [
            f"cap {c.score:.2f} at >= {c.at_least:g}" for c in CAPS if c.feature == feature.name
        ]
        bounds += [
            f"floor {f.score:.2f} at >= {f.at_least:g}" for f in FLOORS if f.feature == feature.name
        ]
        rows.append(
            {
                "feature": feature.name,
                "weight": round(weights.get(feature.name, 0.0), 4),
                "bounds": "; ".join(bounds),
                "description": feature.description,
            }
        )
    return rows


def main() -> None:
    for row in model_table():
        bounds = f" [{row['bounds']}]" if row["bounds"] else ""
        print(f"{row['feature']:<28} {row['weight']:>+8.3f}{bounds}  {row['description']}")


if __name__ == "__main__":
    main()
