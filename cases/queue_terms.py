"""What the review queue filters, searches and shows for a case, kept beside the case.

The queue of 100,000 cases must not read every case's content to find the ones an
investigator asks for. So when a case is written, its content is boiled down to:

- a few columns on the `cases` row: the subject's `country`, the total `order_value` (USD)
  of its order lines, its `top_flags` (the strongest three, code and title) and, while a
  decision waits for a second person, `pending_by` (who proposed it);
- rows of `case_terms` (kind, term, seq): the red-flag codes (kind `f`), list codes (`l`),
  countries (`c`) and the words of every name on the case (`n`): customer id and name,
  every party, every list entry matched; a word is stored whole and in its letter/digit
  parts, and a run of Chinese, Japanese or Korean characters by each of its suffixes, so
  that a prefix search finds a word inside it;
- rows of `term_labels` (kind, term, label): what the filters offer, e.g. `f`, `L2`,
  "Ships to a transshipment hub".

A search is a prefix range per word of the query (`term >= lo AND term < hi`), which a
B-tree index answers without reading a case.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import pycountry

NAME, FLAG, LIST, COUNTRY = "n", "f", "l", "c"
MAX_TERM = 64  # characters of a term (a longer word is cut; a prefix still finds it)
TOP_FLAGS = 3
_WORD_PARTS = re.compile(r"[^\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
_EDGE_PUNCTUATION = "\"'()[]{}<>,;:!?.*"

# country names that read better than pycountry's official ones
_SHORT_COUNTRY_NAMES = {
    "HK": "Hong Kong", "MO": "Macau", "TW": "Taiwan", "KR": "South Korea",
    "KP": "North Korea", "RU": "Russia", "IR": "Iran", "VN": "Vietnam", "SY": "Syria",
    "LA": "Laos", "BO": "Bolivia", "VE": "Venezuela", "TZ": "Tanzania", "MD": "Moldova",
}  # fmt: skip


@lru_cache(maxsize=512)
def country_name(code: str | None) -> str:
    """The common English name of an ISO 3166-1 alpha-2 code ('' when unknown)."""
    if not code:
        return ""
    code = str(code).strip().upper()
    if code in _SHORT_COUNTRY_NAMES:
        return _SHORT_COUNTRY_NAMES[code]
    found = pycountry.countries.get(alpha_2=code)
    if found is None:
        return ""
    return str(getattr(found, "common_name", None) or found.name)


def country_label(code: str | None) -> str:
    """'Hong Kong (HK)'; the code alone when it is not a known country."""
    if not code:
        return ""
    name = country_name(code)
    return f"{name} ({str(code).upper()})" if name else str(code)


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def name_terms(text: Any) -> set[str]:
    """The terms of one name: each word whole, its letter/digit parts, and the suffixes
    of its CJK runs."""
    if not isinstance(text, str) or not text.strip():
        return set()
    terms: set[str] = set()
    for word in normalise(text).split():
        word = word.strip(_EDGE_PUNCTUATION)
        if not word:
            continue
        terms.add(word[:MAX_TERM])
        for part in _WORD_PARTS.findall(word):
            terms.add(part[:MAX_TERM])
            for run in _CJK.findall(part):
                terms.update(run[i:][:MAX_TERM] for i in range(len(run)))
    return terms


def _names(subject: Mapping[str, Any], content: Mapping[str, Any]) -> Iterable[Any]:
    yield subject.get("name")
    yield subject.get("customer_id")
    for party in content.get("parties") or ():
        yield party.get("name")
    for match in content.get("watchlist_matches") or ():
        yield match.get("party_name")
        yield match.get("matched_name")
        yield (match.get("entry") or {}).get("name")


def case_terms(subject: Mapping[str, Any], content: Mapping[str, Any]) -> set[tuple[str, str]]:
    """(kind, term) pairs of one case."""
    terms = {(NAME, term) for name in _names(subject, content) for term in name_terms(name)}
    terms |= {(FLAG, str(f["code"])) for f in content.get("flags") or ()}
    terms |= {
        (LIST, str(m.get("list_code") or m.get("list") or "")[:MAX_TERM])
        for m in content.get("watchlist_matches") or ()
        if m.get("list_code") or m.get("list")
    }
    if subject.get("country"):
        terms.add((COUNTRY, str(subject["country"]).upper()))
    return terms


def term_labels(
    subject: Mapping[str, Any], content: Mapping[str, Any]
) -> dict[tuple[str, str], str]:
    """(kind, term) -> label, for the filters' choices."""
    labels: dict[tuple[str, str], str] = {(FLAG, str(f["code"])): str(f.get("title") or "")
                                for f in content.get("flags") or ()}  # fmt: skip
    for m in content.get("watchlist_matches") or ():
        code = str(m.get("list_code") or m.get("list") or "")[:MAX_TERM]
        if code:
            labels[(LIST, code)] = str(m.get("list") or code)
    if subject.get("country"):
        code = str(subject["country"]).upper()
        labels[(COUNTRY, code)] = country_label(code)
    return labels


def order_value(content: Mapping[str, Any]) -> float | None:
    """The total order value (USD) of the case's order lines, None when none is known."""
    values = [
        float(v)
        for line in content.get("transactions") or ()
        if isinstance(v := line.get("order_value_usd"), int | float) and v == v
    ]
    return sum(values) if values else None


def top_flags(content: Mapping[str, Any]) -> str:
    """The strongest flags as JSON: [[code, title], ...]."""
    flags = sorted(content.get("flags") or (), key=lambda f: -float(f.get("weight") or 0.0))
    return json.dumps(
        [[str(f["code"]), str(f.get("title") or "")] for f in flags[:TOP_FLAGS]],
        ensure_ascii=False,
    )


def queue_columns(subject: Mapping[str, Any], content: Mapping[str, Any]) -> dict[str, Any]:
    """The queue's columns of a case row, from its subject and content."""
    country = subject.get("country")
    return {
        "country": str(country).upper()[:8] if country else None,
        "order_value": order_value(content),
        "top_flags": top_flags(content),
    }


def pending_by(pending_json: str | None) -> str | None:
    """Who proposed the decision waiting on a case (None when none waits)."""
    if not pending_json:
        return None
    return str(json.loads(pending_json).get("by") or "") or None


def prefix_range(prefix: str) -> tuple[str, str]:
    """[lo, hi) of the terms that start with `prefix`, in code point order."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def query_words(query: str) -> list[str]:
    """The words of a search, as terms (each must match some term of a case)."""
    words = []
    for word in normalise(query).split():
        word = word.strip(_EDGE_PUNCTUATION)[:MAX_TERM]
        if word and word not in words:
            words.append(word)
    return words[:8]
