"""How believable a spelling difference between two words is as a typo of one word.

"Sinno"/"Sino" (a doubled letter), "Haige"/"Haieg" (two letters swapped) and
"Rosoboroneksport"/"Rosoboronexport" (a long word, a transliteration variant) are one
name written twice. "Handa"/"Hana" or "Hanwa"/"Hana" are one letter apart too, but in a
word that short a changed letter is as likely another name as a slip: real lists and
real customer files are full of such near namesakes. The credibility (0..1) weighs the
kind of edit by the length of the word it happened in.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import groupby

from rapidfuzz.distance import OSA

from detectors.matching.korean import korean_word
from detectors.matching.names import phonetic_key
from detectors.matching.pinyin import MIN_LETTERS, syllable_splits

VOWELS = frozenset("aeiouy")
LONG_WORD = 8  # letters from which a word is long enough that one changed letter is a typo
_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_KEY_POSITION = {
    ch: (row, col + 0.5 * row) for row, keys in enumerate(_KEY_ROWS) for col, ch in enumerate(keys)
}


def keyboard_neighbours(a: str, b: str) -> bool:
    pa, pb = _KEY_POSITION.get(a), _KEY_POSITION.get(b)
    if pa is None or pb is None:
        return False
    return abs(pa[0] - pb[0]) <= 1 and abs(pa[1] - pb[1]) <= 1


def _substitution_kind(x: str, y: str, a: str, b: str) -> str:
    if keyboard_neighbours(x, y):
        return "slip"
    if x not in VOWELS and y not in VOWELS and phonetic_key(a) == phonetic_key(b):
        return "sound"  # v/w, c/k, s/z, "danesh"/"danech": one sound spelt two ways
    if x in VOWELS and y in VOWELS and min(len(a), len(b)) >= LONG_WORD:
        return "slip"
    return "change"


def _insertion_kind(long_: str, i: int) -> str:
    """The letter at `i` of the longer word is the one the shorter lacks."""
    letter = long_[i]
    before = long_[i - 1] if i > 0 else ""
    after = long_[i + 1] if i + 1 < len(long_) else ""
    if letter in (before, after):
        return "slip"  # a doubled letter typed once, or the other way round
    if letter == "h" and not after and before in VOWELS:
        return "sound"  # a final "h" after a vowel, written or not ("ayandeh", "ayande")
    # a consonant dropped inside a long word ("armament", "armamet"); one more at its
    # end is how words are made from words ("compute", "computer"), and an "h" after a
    # consonant another sound ("shabrina", "sabrina")
    digraph = letter == "h" and before not in VOWELS
    inside = 0 < i < len(long_) - 1
    if len(long_) >= LONG_WORD and letter not in VOWELS and inside and not digraph:
        return "slip"
    if letter in VOWELS:
        # a vowel dropped between consonants ("onerbnk") is a slip; one beside another
        # vowel makes another syllable in a short word ("jinxing"/"jinxiang")
        beside_vowel = before in VOWELS or after in VOWELS
        if not beside_vowel or len(long_) > LONG_WORD:
            return "slip"
    return "change"


def one_edit_kind(a: str, b: str) -> str | None:
    """How two words one edit apart differ: 'slip' for what a hand or a transliteration
    produces (swapped neighbours, a doubled or undoubled letter, a neighbouring key, a
    dropped vowel, in a long word one vowel for another), 'sound' for one consonant
    spelt another way with the same sound, 'change' for any other single edit; None
    when the words are not one edit apart. In a short word a vowel makes another
    syllable ("hanjin"/"hunjin"), so a change."""
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return _substitution_kind(a[diffs[0]], b[diffs[0]], a, b)
        if len(diffs) == 2 and diffs[1] == diffs[0] + 1:
            i = diffs[0]
            if a[i] == b[i + 1] and a[i + 1] == b[i]:
                return "slip"
        return None
    if abs(len(a) - len(b)) != 1:
        return None
    long_, short = (a, b) if len(a) > len(b) else (b, a)
    i = next((k for k, (x, y) in enumerate(zip(long_, short, strict=False)) if x != y), len(short))
    if long_[:i] + long_[i + 1 :] != short:
        return None
    return _insertion_kind(long_, i)


# English spellings of one sound that brand names swap ("brite" for "bright", "fone"
# for "phone", "tekniks" for "technics"), and British against American ones ("defence",
# "defense"): a word respelled so is the same word
RESPELLINGS = (
    ("ight", "ite"),
    ("ph", "f"),
    ("cks", "x"),
    ("ks", "x"),
    ("cs", "x"),
    ("nce", "nse"),
    ("dj", "j"),  # the French rendering of one Arabic or Persian letter ("fadjr", "fajr")
)


def respelled(word: str) -> str:
    for old, new in RESPELLINGS:
        word = word.replace(old, new)
    return word


ROMANIZED_WORD = 5  # letters from which a word's vowels spelt otherwise are one word
_VOWEL_RUN = re.compile(r"[aeiouyw]+")


def _vowel_class(run: str) -> str:
    """The sound a run of vowel letters writes, as romanizations of one name render it:
    "u" for o, u, w (ou, oo, ow); "i" for e, i, y (ee, ie, ey) and for the diphthong
    written ai, ay, ei ("zubaidi", "zubedi"); "a"; "au", "ia", ... for other mixtures."""
    if run[0] in "ae" and len(run) > 1 and all(ch in "eiy" for ch in run[1:]):
        return "i"
    out = "a" if "a" in run else ""
    if any(ch in run for ch in "ouw"):
        out += "u"
    if any(ch in run for ch in "eiy"):
        out += "i"
    return out


def pinyin_word(word: str) -> bool:
    """The word is pinyin syllables written together ("minghui", "cheng"), an apostrophe
    between them dropped or not."""
    return bool(syllable_splits(word, apostrophe=False))


@lru_cache(maxsize=262_144)
def romanized_alike(a: str, b: str) -> bool:
    """Two words of `ROMANIZED_WORD` letters or more with the same consonants in the
    same order (doubled letters made one, each consonant class of `sound_skeleton`
    written one way) whose vowels differ only in how a romanization writes one sound
    ("khaled"/"khalid", "moussa"/"musa", "duraid"/"dureid", "zubedi"/"zubaidi",
    "taufek"/"taufik", "donya"/"dunya", "bashaer"/"bashair"): one name romanized
    twice, and so are a short "a" written "e" ("razavi"/"rezavi"), qaf or ghayn
    written "q" or "gh" ("araqi"/"araghi"), shin written "ch" ("charia"/"sharia") and a
    hard "c" written "k" ("konsulting"/"consulting"). Another vowel sound
    ("hassan"/"hussein", "hamid"/"hamad", "hanjin"/"hunjin"), another consonant
    ("daejin"/"taijin", "kumsang"/"kumgang") or a consonant more or less
    ("garen"/"green") is another word; so is a vowel or a consonant of pinyin, where
    "e" and "i", "ch" and "sh" are other syllables ("menghui"/"minghui",
    "chenxi"/"shenxi": `syllabic_pair`)."""
    if min(len(a), len(b)) < ROMANIZED_WORD or not (a.isalpha() and b.isalpha()):
        return False
    consonants_x, runs_x, vowel_first_x = _skeleton_parts(a)
    consonants_y, runs_y, vowel_first_y = _skeleton_parts(b)
    if consonants_x != consonants_y or len(runs_x) != len(runs_y):
        return False
    if vowel_first_x != vowel_first_y:
        return False
    if not all(_one_vowel(u, v) for u, v in zip(runs_x, runs_y, strict=True)):
        return False
    # last, as the dearest test: most pairs of words are told apart above
    return not syllabic_pair(a, b)


# Consonants that romanizations of one Arabic, Persian, Russian or Korean name write
# two ways, each class spelt as one letter: shin "sh", "ch" (French) or "sch" (German);
# kha "kh" or "h"; qaf "q", "k" or "gh" and ghayn "gh" or "q" ("araghi"/"araqi",
# "dehghan"/"dahqan"); dhad and zah "dh" or "z" ("kadhim"/"kazim"); jim "j", "dj"
# (French) or, for the zhe of Russian and Persian, "zh"; "ph" and "f"; a hard "c" and
# "k" ("consulting"/"konsulting", "dockrat"/"dokrat"); "ks" and "x". Applied in this order,
# longest spelling first, so "sch" is not read as "s" + "ch". Shin's class holds in words
# of two syllables or more only: a word of one ("ching", "shing") is shaped as a Chinese
# syllable in Wade-Giles or Cantonese, where "ch" and "sh" are two initials.
_SHIN = (("sch", "\u0161"), ("sh", "\u0161"), ("ch", "\u0161"))
_CONSONANT_CLASSES = (
    ("kh", "h"),
    ("gh", "q"),
    ("q", "k"),
    ("dh", "z"),
    ("dj", "j"),
    ("zh", "j"),
    ("ph", "f"),
    ("ck", "k"),
)
_HARD_C = re.compile(r"c(?![eiy])")  # "c" before a, o, u or a consonant sounds "k"
# "v" is written "w" ("vahid"/"wahid", "davood"/"dawood"), which `romanized_alike`
# reads with the vowels, as it reads "ou" and "u" ("daoud", "dawud"); a "j" opening a
# syllable of e, o or u is "y", as Slavic and German romanizations write it
# ("jurij"/"yuriy", "jevgenij"/"yevgeniy")
_INITIAL_J = re.compile(r"^j(?=[eou])")
_KOREAN_MARK = re.compile(r"ae|eo|eu|oe|ng")


@lru_cache(maxsize=262_144)
def sound_skeleton(word: str) -> str:
    """The word with each consonant class of `_CONSONANT_CLASSES` written one way, "v"
    as "w" and "ks" as "x", its vowels as written: "machrek" and "mashrek", "konsalting" and
    "consalting", "djihad" and "jihad" share it. `romanized_alike` compares it."""
    if len(_VOWEL_RUN.findall(word)) >= 2:
        for old, new in _SHIN:
            word = word.replace(old, new)
    word = _INITIAL_J.sub("y", word).replace("v", "w")
    for old, new in _CONSONANT_CLASSES:
        word = word.replace(old, new)
    return _HARD_C.sub("k", word).replace("ks", "x")


@lru_cache(maxsize=262_144)
def _skeleton_parts(word: str) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """The word's `sound_skeleton` with doubled letters made one, cut into its
    consonant runs and its vowel runs, and whether it opens with a vowel; remembered
    per word, as `romanized_alike` meets each word in many pairs."""
    skeleton = "".join(letter for letter, _ in groupby(sound_skeleton(word)))
    runs = tuple(_VOWEL_RUN.findall(skeleton))
    return tuple(_VOWEL_RUN.split(skeleton)), runs, skeleton[:1] in VOWELS


def syllabic_pair(a: str, b: str) -> bool:
    """Either word may be a Chinese or Korean name, where a vowel or a consonant of one
    of the classes is another syllable, another character ("chen"/"shen",
    "menghui"/"minghui", "daesung"/"daesong"). For pinyin: both words split into
    syllables, or one does and is long enough to be taken for pinyin
    (`pinyin.MIN_LETTERS`) or is a single syllable; a short word that splits into pinyin
    only beside a word that does not ("dunya"/"donya", "yusong"/"iusong") is the
    romanization of another language as often. The split is the strict one: a syllable
    of a, e or o follows another only after an apostrophe, so "sharia" (sha + ri + a)
    and "bashaer" (ba + sha + er) are no pinyin. For Korean: both words one or two
    romanized Korean syllables (`korean.korean_word`), one of them with a vowel written
    in two letters (ae, eo, eu, oe) or a final "ng", which Arabic and Persian words
    hardly have ("donya" and "dunya" read as Korean syllables too). A pinyin word
    against such a Korean word is a Chinese name against a Korean one
    ("taijin"/"taejin")."""
    if korean_word(a) and korean_word(b) and _KOREAN_MARK.search(a + " " + b):
        return True
    split_a, split_b = syllable_splits(a), syllable_splits(b)
    if (split_a or _korean_marked(a)) and (split_b or _korean_marked(b)):
        return True  # "taijin"/"taejin": a Chinese name against a Korean one
    for word, splits in ((a, split_a), (b, split_b)):
        if splits and (len(word) >= MIN_LETTERS or any(len(s) == 1 for s in splits)):
            return True
    return False


def _korean_marked(word: str) -> bool:
    return korean_word(word) and _KOREAN_MARK.search(word) is not None


def _one_vowel(x: str, y: str) -> bool:
    """Two runs of vowel letters writing one sound: of one class (`_vowel_class`), or a
    short "a" written "e", as Persian names are ("morteza"/"mortaza", "razavi"/"rezavi").
    A "w" (or "v", which `sound_skeleton` writes "w") both runs open or close with is the
    consonant, not a vowel: "carvena"/"carvana" differ in "e" and "a" only."""
    if len(x) > 1 and len(y) > 1 and x[0] == y[0] == "w":
        x, y = x[1:], y[1:]
    if len(x) > 1 and len(y) > 1 and x[-1] == y[-1] == "w":
        x, y = x[:-1], y[:-1]
    return _vowel_class(x) == _vowel_class(y) or {x, y} == {"a", "e"}


@lru_cache(maxsize=262_144)
def typo_credibility(a: str, b: str) -> float:
    """1 for equal words; for different ones, how believable it is that one is a
    misspelling of the other (0 = certainly two words)."""
    if a == b:
        return 1.0
    if a.isdigit() or b.isdigit():
        return 0.0
    if respelled(a) == respelled(b):  # "sinobrite"/"sinobright"
        return 0.9
    if romanized_alike(a, b):  # "khaled"/"khalid"
        return 0.9
    shortest = min(len(a), len(b))
    if shortest < 3:
        return 0.0
    kind = one_edit_kind(a, b)
    first_letter_differs = a[0] != b[0]  # people rarely mistype the first letter
    if kind == "sound":  # "danech"/"danesh", but not "shengxing"/"chengxing"
        return 0.9 if shortest >= 4 and not first_letter_differs else 0.5
    if kind == "slip":
        return 0.9 if shortest >= 4 and not first_letter_differs else 0.5
    if kind == "change":
        if shortest >= LONG_WORD and not first_letter_differs:
            return 0.8
        return 0.5 if shortest >= 6 else 0.2
    same_sound = phonetic_key(a) == phonetic_key(b)
    if OSA.distance(a, b, score_cutoff=2) <= 2:
        if shortest >= 9:
            return 0.7
        if shortest >= 6:
            return 0.4 if same_sound else 0.2
        return 0.1 if same_sound else 0.0
    return 0.4 if same_sound and shortest >= 7 else 0.0
