"""Name analysis: turn a party or list name into comparable parts.

A name becomes its distinctive tokens (lower case, Latin script, abbreviations expanded),
the legal forms set aside ("Co., Ltd.", "GmbH", "有限公司"), the numbers it carries, the
place tokens that may move within it, and a compact form without spaces that survives
different word splits of transliterated names. The tables live in configs/matching.yaml.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from unidecode import unidecode

_BIS_SUFFIX = re.compile(r";?\s*(and\s+)?any\s+successor.*$", re.IGNORECASE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")
_INNER_DOT = re.compile(r"(?<=\w)[.'’`?](?=\w)")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_HAS_DIGIT = re.compile(r"\d")


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

    @classmethod
    def from_config(cls, names_cfg: dict[str, Any]) -> NameTables:
        legal: dict[tuple[str, ...], str] = {}
        native: dict[str, str] = {}
        for code, spellings in names_cfg.get("legal_forms", {}).items():
            latin = [s for s in spellings if s.isascii()]
            for spelling in spellings:
                if spelling.isascii():
                    legal[tuple(spelling.split())] = code
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
                raise ValueError(
                    f"names.cjk_words: {word!r} is not CJK script; "
                    "list Latin spellings under names.abbreviations"
                )
        abbreviations = {
            str(k): tuple(str(v).split()) for k, v in names_cfg.get("abbreviations", {}).items()
        }
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
        return acronym_forms(list(self.full_tokens or self.tokens), list(self.tokens))


ACRONYM_SKIP = frozenset({"the", "of", "and", "for", "group", "de", "la"})


def initials_of(tokens: list[str] | tuple[str, ...]) -> str:
    return "".join(t[0] for t in tokens if not t.isdigit())


def acronym_forms(tokens: list[str], core: list[str]) -> frozenset[str]:
    """Initials with and without the legal form and the small words ("China Electronics
    Technology Group Corporation" -> cetgc, cetg, cetc, cet)."""
    forms = set()
    for words in (tokens, core):
        forms.add(initials_of(words))
        forms.add(initials_of([w for w in words if w not in ACRONYM_SKIP]))
    return frozenset(f for f in forms if len(f) >= 2)


def fold_text(text: str, tables: NameTables) -> str:
    """NFKC, case folding, Chinese words by their English rendering, transliteration to
    Latin, and dots/apostrophes inside words removed ("S.A." -> "sa", "O'Neil" -> "oneil")."""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    text = _BIS_SUFFIX.sub("", text)
    if not text.isascii():  # the native spellings and CJK words are not ASCII
        for spelling, latin in tables.native_legal_forms.items():
            text = text.replace(spelling, f" {latin} ")
        for word, latin in tables.cjk_words.items():
            text = text.replace(word, latin)
        # remaining CJK runs: one word per run, syllables joined ("华为" -> "huawei")
        text = _CJK.sub(lambda m: " " + unidecode(m.group(0)).replace(" ", "") + " ", text)
        text = unidecode(text).lower()
    text = text.replace("&", " and ").replace("+", " and ")
    text = _INNER_DOT.sub("", text)
    return text


def tokenize(text: str) -> list[str]:
    return [t for t in _NON_ALNUM.split(text) if t]


def expand_abbreviations(tokens: list[str], tables: NameTables) -> list[str]:
    out: list[str] = []
    for token in tokens:
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


def split_legal_forms(tokens: list[str], tables: NameTables) -> tuple[list[str], set[str]]:
    """Strip legal-form token sequences from the end (repeatedly, longest first) and the
    leading forms from the start. Never strips the last remaining token."""
    forms: set[str] = set()
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for width in range(min(tables.max_legal_len, len(tokens) - 1), 0, -1):
            code = tables.legal_forms.get(tuple(tokens[-width:]))
            if code:
                forms.add(code)
                tokens = tokens[:-width]
                changed = True
                break
    while len(tokens) > 1 and tokens[0] in tables.leading_legal_forms:
        forms.add(tables.legal_forms.get((tokens[0],), tokens[0]))
        tokens = tokens[1:]
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


def numbers_of(tokens: Iterable[str]) -> frozenset[str]:
    """The tokens of a name that carry a digit: two names' numbers must agree."""
    return frozenset(t for t in tokens if _HAS_DIGIT.search(t))


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


def analyze_name(name: str, tables: NameTables, kind: str = "unknown") -> AnalyzedName:
    """Take a name apart; `kind` is person, entity, vessel, aircraft or unknown. The
    parts compared are bounded (MAX_NAME_CHARS, MAX_WORD_LETTERS, MAX_WORDS)."""
    text = fold_text(str(name)[:MAX_NAME_CHARS], tables)
    text, reordered = reorder_person(text, tables, kind)
    tokens = join_places(expand_abbreviations(bounded_tokens(text), tables), tables)
    core, forms = split_legal_forms(tokens, tables)
    return AnalyzedName(
        raw=str(name),
        tokens=tuple(core),
        legal_forms=frozenset(forms),
        numbers=numbers_of(core),
        reordered=reordered,
        full_tokens=tuple(tokens),
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
