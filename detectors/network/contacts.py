"""Contact fields as comparable keys, computed once per distinct value.

- address: lower case, punctuation dropped, street abbreviations unified ("Rd" and "Road"
  give the same key, with the table of configs/matching.yaml); too short an address
  (fewer than `MIN_ADDRESS_TOKENS` words) says nothing and gives no key;
- phone: digits in international form: "+65 6123-4567", "0065 61234567" and a national
  "6123 4567" of a Singapore party are one key (a national trunk 0 is dropped and the
  country's calling code put in front);
- e-mail domain: the part after "@", but no key for a free-mail provider (gmail.com,
  qq.com, 163.com, outlook, hotmail, yahoo, ...): thousands of unrelated people share them;
- website: the host name without scheme, "www." and path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from detectors.rules.policy import per_value

MIN_ADDRESS_TOKENS = 3
MIN_PHONE_DIGITS = 7


# Python's \s in RE2 (pyarrow) terms: RE2's own is ASCII only
SPACES = r"[\s\x{1c}-\x{1f}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]+"


def address_keys(values: pd.Series, abbreviations: Mapping[str, str]) -> pd.Series:
    """Normalised address text, NaN when missing or too short to relate two parties.

    Runs on pyarrow over the distinct addresses."""
    table = {str(k).lower(): str(v).lower() for k, v in abbreviations.items()}

    def normalise(unique: pd.Series) -> pd.Series:
        text = pa.array(unique.array)
        if isinstance(text, pa.ChunkedArray):
            text = text.combine_chunks()
        text = pc.utf8_lower(text)
        text = pc.replace_substring(text, "&", " and ")
        text = pc.replace_substring_regex(text, r"[^0-9a-z\x{00c0}-\x{ffff}]+", " ")
        text = _replace_words(text, table)
        text = pc.utf8_trim_whitespace(pc.replace_substring_regex(text, SPACES, " "))
        short = pc.less(pc.count_substring(text, " "), MIN_ADDRESS_TOKENS - 1)
        unusable = pc.fill_null(pc.or_(short, pc.equal(text, "")), True)
        return pd.Series(pd.array(pc.if_else(unusable, None, text), dtype="str"))

    return per_value(values, normalise)


def _replace_words(text: pa.Array, table: Mapping[str, str]) -> pa.Array:
    """Each word of `table` replaced by its value where it stands as a whole word: in an
    ASCII text (nearly all) the words are the space-separated tokens, looked up all at
    once; any other text goes through Python's `re` and its Unicode word boundaries."""
    if not table:
        return text
    ascii_text = pc.fill_null(pc.string_is_ascii(text), True)
    tokens = pc.split_pattern(pc.if_else(ascii_text, text, ""), " ")
    words = pc.list_flatten(tokens)
    found = pc.index_in(words, value_set=pa.array(list(table), type=words.type))
    replaced = pc.if_else(
        pc.is_valid(found), pc.take(pa.array(list(table.values()), type=words.type), found), words
    )
    rebuilt = type(tokens).from_arrays(tokens.offsets, replaced, mask=pc.is_null(tokens))
    joined = pc.binary_join(rebuilt, pa.scalar(" ", type=words.type))
    other = np.flatnonzero(~ascii_text.to_numpy(zero_copy_only=False))
    if not len(other):
        return joined
    words_pattern = "|".join(map(re.escape, sorted(table, key=len, reverse=True)))
    pattern = re.compile(r"\b(?:" + words_pattern + r")\b")
    python = joined.to_pylist()
    for i, value in zip(other, text.take(pa.array(other)).to_pylist(), strict=True):
        python[i] = pattern.sub(lambda m: table[m.group(0)], value)
    return pa.array(python, type=text.type)


def phone_keys(
    phones: pd.Series, countries: pd.Series, calling_codes: Mapping[str, str]
) -> pd.Series:
    """International digits of each phone number (national numbers completed with the
    calling code of the party's country), NaN when missing, too short, or national with a
    country whose code is unknown."""
    codes = {str(k).upper(): str(v) for k, v in calling_codes.items()}
    text = phones.astype("str")
    international = text.str.match(r"^\s*(?:\+|00)", na=False)
    digits = per_value(text, lambda u: u.str.replace(r"[^0-9]", "", regex=True))
    digits = digits.where(~international, digits.str.replace(r"^00", "", regex=True))
    national = digits.str.replace(r"^0", "", regex=True)
    code = countries.astype("str").str.upper().map(codes)
    completed = (code + national).where(~international, digits)
    usable = completed.str.len().fillna(0) >= MIN_PHONE_DIGITS + 1
    return completed.where(usable & completed.notna())


def free_mail_test(domains: Iterable[str], providers: Iterable[str]) -> re.Pattern[str]:
    """A pattern for free-mail domains: the listed domains exactly, and any domain whose
    first label is a provider's name (gmail.*, yahoo.co.*, sina.com.cn, ...)."""
    exact = sorted({str(d).lower().strip() for d in domains if str(d).strip()})
    names = sorted({str(p).lower().strip() for p in providers if str(p).strip()})
    parts = [re.escape(d) for d in exact] + [re.escape(n) + r"\.[a-z.]+" for n in names]
    return re.compile(r"^(?:" + "|".join(parts or ["(?!)"]) + r")$")


def email_domain_keys(emails: pd.Series, free_mail: re.Pattern[str]) -> pd.Series:
    """The e-mail's domain, lower case; NaN for a free-mail domain or no usable address."""

    def domain(unique: pd.Series) -> pd.Series:
        found = unique.str.lower().str.extract(r"@\s*([a-z0-9.\-]+\.[a-z]{2,})\s*$")[0]
        found = found.str.strip(".")
        free = found.str.match(free_mail.pattern, na=False).to_numpy(dtype=bool)
        return found.mask(free)

    return per_value(emails, domain)


def website_keys(sites: pd.Series) -> pd.Series:
    """The website's host name, lower case, without scheme, "www." or path."""

    def host(unique: pd.Series) -> pd.Series:
        found = unique.str.lower().str.extract(
            r"^\s*(?:[a-z][a-z0-9+.\-]*://)?(?:www\d?\.)?([a-z0-9\-]+(?:\.[a-z0-9\-]+)+)"
        )[0]
        return found.where(found.notna(), np.nan)

    return per_value(sites, host)
