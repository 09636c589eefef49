"""Name analysis: turn a party or list name into comparable parts.

A name becomes its distinctive tokens (lower case, Latin script, abbreviations expanded),
the legal forms set aside ("Co., Ltd.", "GmbH", "有限公司"), the numbers it carries, the
place tokens that may move within it, and a compact form without spaces that survives
different word splits of transliterated names. The tables live in configs/matching.yaml.
Chinese, Japanese and Korean characters are read in `cjk.py`, numbers spelt one way in
`numbers.py`, the business words of other languages as their English word in
`translation.py`.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from pypinyin import lazy_pinyin
from rigour.text.translit import maybe_ascii
from unidecode import unidecode

from detectors.matching.acronyms import acronym_forms, initials_of, with_trailing_forms
from detectors.matching.arabic import is_arabic, prepare_arabic
from detectors.matching.cjk import han_ordinals_as_digits, is_han, romanize_cjk, simplified
from detectors.matching.cjk import split_places as split_places
from detectors.matching.form_words import FormWords
from detectors.matching.legal_forms import form_code
from detectors.matching.numbers import NUMBER_WORDS, numbers_of, spell_numbers
from detectors.matching.title_table import PersonTitles
from detectors.matching.translation import Translations
from flows.errors import ConfigError

_BIS_SUFFIX = re.compile(r";?\s*(and\s+)?any\s+successor.*$", re.IGNORECASE)
# words in the scripts rigour transliterates (`maybe_ascii`): Greek, Cyrillic, Armenian,
# Georgian (Hangul is read a syllable a word, as Korean names are romanized: cjk.py)
_RIGOUR_SCRIPTS = re.compile(
    r"[\u0370-\u03ff\u1f00-\u1fff\u0400-\u052f\u0530-\u058f\u10a0-\u10ff]+"
    r"(?:[\s'’-]+[\u0370-\u03ff\u1f00-\u1fff\u0400-\u052f\u0530-\u058f\u10a0-\u10ff]+)*"
)
_INNER_DOT = re.compile(r"(?<=\w)[.'’`?](?=\w)")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class NameTables:
    """The curated tables of configs/matching.yaml `names:`, in lookup-ready form."""

    legal_forms: dict[tuple[str, ...], str]  # token sequence -> canonical legal form code
    native_legal_forms: dict[str, str]  # non-Latin spelling -> a Latin spelling of its code
    leading_legal_forms: frozenset[str]
    abbreviations: dict[str, tuple[str, ...]]
    places: frozenset[str]
    multiword_places: dict[tuple[str, ...], str]
    generic: frozenset[str]
    address_abbreviations: dict[str, str]
    cjk_words: dict[str, str]
    max_legal_len: int = 4
    # pinyin of the Chinese generic words ("keji" -> technology, "jinchukou" -> import
    # export), read from cjk_words with pypinyin: a name written in pinyin keeps them generic
    pinyin_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    pinyin_max_syllables: int = 1
    # the tables' words a misspelling is read back to ("compani" -> company)
    form_words: FormWords | None = field(default=None, compare=False, repr=False)
    # business words of other languages read as their English word ("banco" -> bank)
    translations: Translations = field(default_factory=Translations, compare=False, repr=False)
    # persons' titles and honorifics, set aside where two persons' names are compared
    titles: PersonTitles = field(default_factory=PersonTitles, compare=False, repr=False)

    @classmethod
    def from_config(cls, names_cfg: dict[str, Any]) -> NameTables:
        legal: dict[tuple[str, ...], str] = {}
        native: dict[str, str] = {}
        for code, spellings in names_cfg.get("legal_forms", {}).items():
            latin = [s for s in spellings if s.isascii()]
            # a spelling rigour does not know takes the form of one it knows in its group
            known = [c for c in map(form_code, spellings) if c]
            group_code = known[0] if known else code
            for spelling in spellings:
                if spelling.isascii():
                    legal[tuple(spelling.split())] = form_code(spelling) or group_code
                else:
                    native[spelling] = latin[0] if latin else code
        places: set[str] = set()
        multi: dict[tuple[str, ...], str] = {}
        for place in names_cfg.get("places", []):
            parts = tuple(str(place).split())
            joined = "".join(parts)
            places.add(joined)
            if len(parts) > 1:
                multi[parts] = joined
        cjk_words = {str(k): str(v) for k, v in names_cfg.get("cjk_words", {}).items()}
        for word in cjk_words:
            if word.isascii():  # fold_text skips these tables for ASCII text
                raise ConfigError(
                    f"names.cjk_words: {word!r} is not CJK script; "
                    "list Latin spellings under names.abbreviations"
                )
        abbreviations = {
            str(k): tuple(str(v).split()) for k, v in names_cfg.get("abbreviations", {}).items()
        }
        pinyin_words: dict[str, tuple[str, ...]] = {}
        syllables = 1
        for word, meaning in cjk_words.items():
            spelled = lazy_pinyin(word)
            joined, english = "".join(spelled), tuple(meaning.split())
            # words and places spelled as their pinyin (shenzhen) or dropped (市) stay as they are
            if (
                is_han(word)
                and english
                and joined not in english
                and len(spelled) > 1
                and english not in legal  # gongsi is a legal form, with youxian gongsi
            ):
                pinyin_words[joined] = english
                syllables = max(syllables, len(spelled))
        for spelling, english in pinyin_words.items():
            abbreviations.setdefault(spelling, english)
        translations = Translations.from_config(names_cfg.get("translations", {}))
        return cls(
            legal_forms=legal,
            native_legal_forms=dict(sorted(native.items(), key=lambda kv: -len(kv[0]))),
            leading_legal_forms=frozenset(names_cfg.get("leading_legal_forms", [])),
            abbreviations=abbreviations,
            places=frozenset(places),
            multiword_places=multi,
            generic=frozenset(str(g) for g in names_cfg.get("generic", [])),
            address_abbreviations={
                str(k): str(v) for k, v in names_cfg.get("address_abbreviations", {}).items()
            },
            cjk_words=dict(sorted(cjk_words.items(), key=lambda kv: -len(kv[0]))),
            max_legal_len=max((len(k) for k in legal), default=1),
            pinyin_words=pinyin_words,
            pinyin_max_syllables=syllables,
            form_words=FormWords.of(
                {word for spelling in legal for word in spelling}
                | {str(g) for g in names_cfg.get("generic", [])}
                | set(translations.words),
                NUMBER_WORDS,
                places,
            ),
            translations=translations,
            titles=PersonTitles.from_config(names_cfg),
        )


@dataclass(frozen=True)
class AnalyzedName:
    """One name taken apart for comparison."""

    raw: str
    tokens: tuple[str, ...]  # distinctive part, in order (places and generic words included)
    legal_forms: frozenset[str] = field(default_factory=frozenset)
    numbers: frozenset[str] = field(default_factory=frozenset)
    reordered: bool = False  # "SURNAME, Given" was turned into "Given SURNAME"
    full_tokens: tuple[str, ...] = ()  # tokens before the legal forms were set aside
    arabic: bool = False  # written in Arabic script (its vowels mostly unwritten)
    script: str = "latin"  # the script it was written in (`name_script`), before folding
    # business words of another language read as their English word (word, English)
    translated: tuple[tuple[str, str], ...] = ()
    # words set aside as a person's title where compared ("haji", "maulawi": `titles`)
    titles: tuple[str, ...] = ()

    @property
    def core(self) -> str:
        return " ".join(self.tokens)

    @property
    def compact(self) -> str:
        return "".join(self.tokens)

    @property
    def acronym(self) -> str:
        return initials_of(self.tokens)

    @cached_property
    def initials(self) -> frozenset[str]:
        """Possible acronyms of the name (computed when first asked)."""
        if len(self.tokens) < 2:
            return frozenset()
        forms = acronym_forms(list(self.full_tokens or self.tokens), list(self.tokens))
        return forms | with_trailing_forms(self.tokens, self.full_tokens)


# Unicode blocks of the scripts names are written in, other than Latin
_SCRIPT_BLOCKS: tuple[tuple[int, int, str], ...] = (
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0530, 0x058F, "armenian"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x06FF, "arabic"),
    (0x0750, 0x077F, "arabic"),
    (0x08A0, 0x08FF, "arabic"),
    (0x0900, 0x0DFF, "indic"),
    (0x0E00, 0x0EFF, "thai"),
    (0x10A0, 0x10FF, "georgian"),
    (0x1100, 0x11FF, "hangul"),
    (0x3040, 0x30FF, "kana"),
    (0x3400, 0x4DBF, "han"),
    (0x4E00, 0x9FFF, "han"),
    (0xAC00, 0xD7AF, "hangul"),
    (0xF900, 0xFAFF, "han"),
    (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"),
)
_SCRIPT_STARTS = [start for start, _, _ in _SCRIPT_BLOCKS]
LATIN_LAST = 0x024F  # Basic Latin to Latin Extended-B
LATIN_EXTENDED = (0x1E00, 0x1EFF)  # Latin Extended Additional (Vietnamese)


def _letter_script(ch: str) -> str:
    cp = ord(ch)
    if cp <= LATIN_LAST or LATIN_EXTENDED[0] <= cp <= LATIN_EXTENDED[1]:
        return "latin"
    i = bisect_right(_SCRIPT_STARTS, cp) - 1
    if i >= 0 and cp <= _SCRIPT_BLOCKS[i][1]:
        return _SCRIPT_BLOCKS[i][2]
    return "other"


def name_script(text: str) -> str:
    """The script a name is written in: "latin", or the script of most of its letters
    that are not Latin ("cyrillic", "arabic", "han", "hangul", "kana", "greek", ...);
    "" for a name without letters. Computed on the name as given, before folding."""
    if str(text).isascii():
        return "latin" if any(ch.isalpha() for ch in str(text)) else ""
    counts: dict[str, int] = {}
    for ch in str(text):
        if ch.isalpha():
            script = _letter_script(ch)
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return ""
    other = {k: v for k, v in counts.items() if k != "latin"}
    if not other:
        return "latin"
    return max(other.items(), key=lambda kv: kv[1])[0]


def fold_text(text: str, tables: NameTables) -> str:
    """NFKC, case folding, Chinese words by their English rendering, transliteration to
    Latin, and dots/apostrophes inside words removed ("S.A." -> "sa", "O'Neil" -> "oneil")."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    text = _BIS_SUFFIX.sub("", text)
    if not text.isascii():  # the native spellings and CJK words are not ASCII
        # traditional characters as simplified (the tables' words), ordinals as digits
        text = han_ordinals_as_digits(simplified(text))
        for spelling, latin in tables.native_legal_forms.items():
            text = text.replace(spelling, f" {latin} ")
        for word, latin in tables.cjk_words.items():
            text = text.replace(word, latin)
        # remaining CJK runs: one word per run, syllables joined ("华为" -> "huawei"),
        # places at either end a word of their own ("浙江宁波新世纪" -> "zhejiang ningbo
        # xinshiji"); Chinese characters by their pinyin (pypinyin reads "重庆" as chongqing)
        text = romanize_cjk(text, tables.places)
        # Cyrillic, Greek, Armenian and Georgian by rigour's transliteration, which
        # spells names as the lists do ("Юрий" yury, not iurii; "Евгений" evgeny)
        text = _RIGOUR_SCRIPTS.sub(lambda m: maybe_ascii(m.group(0)), text)
        text = unidecode(text).lower()
    text = text.replace("&", " and ").replace("+", " and ")
    text = _INNER_DOT.sub("", text)
    return text


def tokenize(text: str) -> list[str]:
    return [t for t in _NON_ALNUM.split(text) if t]


def join_pinyin_words(tokens: list[str], tables: NameTables) -> list[str]:
    """Join the syllables of a pinyin generic word written apart ("jin chu kou",
    "ke ji" -> "jinchukou", "keji")."""
    if len(tokens) < 2 or not tables.pinyin_words:
        return tokens
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for width in range(min(tables.pinyin_max_syllables, len(tokens) - i), 1, -1):
            joined = "".join(tokens[i : i + width])
            if joined in tables.pinyin_words:
                out.append(joined)
                i += width
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def expand_abbreviations(tokens: list[str], tables: NameTables) -> list[str]:
    out: list[str] = []
    for token in join_pinyin_words(tokens, tables):
        out.extend(tables.abbreviations.get(token, (token,)))
    return out


def join_places(tokens: list[str], tables: NameTables) -> list[str]:
    """Join multi-word places ("hong kong" -> "hongkong") and split syllables that form
    a place ("shen zhen" -> "shenzhen")."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for width in (3, 2):
            window = tuple(tokens[i : i + width])
            if len(window) == width and (
                window in tables.multiword_places or "".join(window) in tables.places
            ):
                out.append("".join(window))
                i += width
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


RIGOUR_FORM_WIDTH = 5  # longest legal form, in tokens, looked up in rigour's table


def _legal_form(words: list[str], tables: NameTables) -> str | None:
    """The code of a token sequence that is a legal form: the table of
    configs/matching.yaml first, then rigour's organisation types (every language)."""
    return tables.legal_forms.get(tuple(words)) or form_code(" ".join(words))


def split_legal_forms(tokens: list[str], tables: NameTables) -> tuple[list[str], set[str]]:
    """Strip legal-form token sequences from the end (repeatedly, longest first; before
    the places that end the name, which stay) and from the start ("OAO Gazprom", "Open
    Joint Stock Company Gazprom"). Never strips the last remaining token."""
    forms: set[str] = set()
    longest = max(tables.max_legal_len, RIGOUR_FORM_WIDTH)
    # places after the legal form ("Homa Shipping Co Ltd (Shenzhen)") stay at the end
    places: list[str] = []
    while len(tokens) > 2 and tokens[-1] in tables.places:
        places.insert(0, tokens[-1])
        tokens = tokens[:-1]
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for width in range(min(longest, len(tokens) - 1), 0, -1):
            code = _legal_form(tokens[-width:], tables)
            if code:
                forms.add(code)
                tokens = tokens[:-width]
                changed = True
                break
    tokens = tokens + places
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for width in range(min(longest, len(tokens) - 1), 0, -1):
            words = tokens[:width]
            if width == 1 and words[0] not in tables.leading_legal_forms:
                continue  # one leading word is a form only when listed ("PT", not "AS")
            code = _legal_form(words, tables)
            if code:
                forms.add(code)
                tokens = tokens[width:]
                changed = True
                break
    return tokens, forms


def reorder_person(text: str, tables: NameTables, kind: str) -> tuple[str, bool]:
    """'SURNAME, Given' -> 'Given SURNAME' when the name reads as a person's."""
    if kind in ("entity", "vessel", "aircraft") or text.count(",") != 1:
        return text, False
    surname, given = (part.strip() for part in text.split(","))
    given_tokens = tokenize(given)
    if not surname or not given_tokens or len(given_tokens) > 4:
        return text, False
    if any((t,) in tables.legal_forms for t in given_tokens):
        return text, False
    return f"{given} {surname}", True


# Bounds on the work one name can cause. Typo neighbours of a word grow with the square
# of its length (a 10,000-letter word took minutes and gigabytes), so the comparable
# parts of a name are cut to these sizes; the full name is still stored and shown
# (`AnalyzedName.raw`). The longest name in the CSL, OFAC and UN lists has 324
# characters, 56 words, and its longest word 24 letters, so no listed name is cut.
MAX_NAME_CHARS = 1000  # characters of a name read for matching
MAX_WORD_LETTERS = 40  # letters of a word kept for matching
MAX_WORDS = 80  # words of a name kept for matching
MAX_ADDRESS_CHARS = 2000  # characters of an address read for matching


def bounded_tokens(text: str) -> list[str]:
    """The words of folded text, each cut to MAX_WORD_LETTERS, at most MAX_WORDS of them."""
    return [t[:MAX_WORD_LETTERS] for t in tokenize(text)[:MAX_WORDS]]


_TRAILING_BRACKETS = re.compile(r"\(([^()]*)\)\W*$")


def _place_qualifier_read(text: str, words: list[str], form_words: FormWords) -> list[str]:
    """The words of a name whose qualifier in brackets at the end ("AIAI (Sanghai)",
    "GIA (Moscoow)") is a place misspelt by a slip, with the place spelt as the tables
    spell it (written as one word: "Hong Knog" is "hongkong")."""
    found = _TRAILING_BRACKETS.search(text)
    if not found:
        return words
    inner = tokenize(found.group(1))
    if not inner or len(inner) >= len(words) or words[-len(inner) :] != inner:
        return words
    place = form_words.correct_place("".join(inner))
    if place == "".join(inner) or place not in form_words.places:
        return words
    return [*words[: -len(inner)], place]


def analyze_name(name: str, tables: NameTables, kind: str = "unknown") -> AnalyzedName:
    """Take a name apart; `kind` is person, entity, vessel, aircraft or unknown. The
    parts compared are bounded (MAX_NAME_CHARS, MAX_WORD_LETTERS, MAX_WORDS)."""
    raw = str(name)
    script = name_script(raw[:MAX_NAME_CHARS])
    arabic = is_arabic(raw)
    if arabic:
        name = prepare_arabic(raw)
    text = fold_text(str(name)[:MAX_NAME_CHARS], tables)
    text, reordered = reorder_person(text, tables, kind)
    words = bounded_tokens(text)
    if tables.form_words is not None:
        words = tables.form_words.correct_all(words)
        words = _place_qualifier_read(text, words, tables.form_words)
    tokens = join_places(expand_abbreviations(spell_numbers(words), tables), tables)
    core, forms = split_legal_forms(tokens, tables)
    translated: tuple[tuple[str, str], ...] = ()
    if kind != "person" and tables.translations:
        # the words before the forms were set aside are read so too: the form is what
        # the two differ by ("grupo x s.a." is "group x" and "s.a.")
        core, translated = tables.translations.read(core)
        tokens, _ = tables.translations.read(tokens)
    return AnalyzedName(
        raw=raw,
        tokens=tuple(core),
        legal_forms=frozenset(forms),
        numbers=numbers_of(core),
        reordered=reordered,
        full_tokens=tuple(tokens),
        arabic=arabic,
        script=script or "latin",
        translated=translated,
    )


def normalize_address(text: str, tables: NameTables) -> str:
    """Comparable address text: folded, tokenized, street abbreviations unified."""
    tokens = tokenize(fold_text(str(text)[:MAX_ADDRESS_CHARS], tables))
    tokens = [t[:MAX_WORD_LETTERS] for t in tokens]
    return " ".join(tables.address_abbreviations.get(t, t) for t in tokens)


_PHONETIC_RULES = (
    ("ph", "f"),
    ("ck", "k"),
    ("sch", "s"),
    ("sh", "s"),
    ("ch", "s"),
    ("zh", "s"),
    ("kh", "k"),
    ("gh", "g"),
    ("x", "ks"),
    ("q", "k"),
    ("c", "k"),
    ("z", "s"),
    ("w", "v"),
    ("y", "i"),
)
_VOWELS = re.compile(r"[aeiouh]")
_REPEATS = re.compile(r"(.)\1+")


@lru_cache(maxsize=262_144)
def phonetic_key(token: str) -> str:
    """A coarse sound key for one token: spelling variants of transliterated names
    (Mohammed/Muhamad, Rosoboroneksport/Rosoboronexport) share it."""
    if not token or token.isdigit():
        return token
    key = token
    for old, new in _PHONETIC_RULES:
        key = key.replace(old, new)
    key = _REPEATS.sub(r"\1", key)
    return key[0] + _VOWELS.sub("", key[1:])
