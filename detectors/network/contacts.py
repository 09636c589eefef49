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

from detectors.rules.policy import per_value

MIN_ADDRESS_TOKENS = 3
MIN_PHONE_DIGITS = 7


def address_keys(values: pd.Series, abbreviations: Mapping[str, str]) -> pd.Series:
    """Normalised address text, NaN when missing or too short to relate two parties."""
    table = {str(k).lower(): str(v).lower() for k, v in abbreviations.items()}
    pattern = r"\b(?:" + "|".join(map(re.escape, sorted(table, key=len, reverse=True))) + r")\b"

    def normalise(unique: pd.Series) -> pd.Series:
        text = (
            unique.str.lower()
            .str.replace("&", " and ", regex=False)
            .str.replace(r"[^0-9a-z\u00c0-\uffff]+", " ", regex=True)
        )
        if table:
            text = text.str.replace(pattern, lambda m: table[m.group(0)], regex=True)
        text = text.str.replace(r"\s+", " ", regex=True).str.strip()
        short = text.str.count(" ").fillna(0) < MIN_ADDRESS_TOKENS - 1
        return text.mask(short | (text == ""))

    return per_value(values, normalise)


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
