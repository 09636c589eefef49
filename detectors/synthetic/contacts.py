"""Web sites, e-mail addresses and phone numbers as customer files carry them: company and
academic domains, free-mail where small firms really use it, no site at all for some, and
phone numbers written in the half-dozen ways people write them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from detectors.synthetic.geography import (
    ACADEMIC_TLD,
    FREE_MAIL_DOMAINS,
    FREE_MAIL_FACTOR,
    LOCAL_FREE_MAIL,
)
from detectors.synthetic.missing import MISSING

# fmt: off
_MAIL_LOCALS = ("purchasing", "procurement", "orders", "info", "sales", "it.buying", "ap",
                "accounts.payable", "buyer", "office", "contact", "it", "admin", "hpc-admin")
_LOCAL_MAIL_LOCALS = {"DE": ("einkauf", "bestellung"), "FR": ("achats", "commandes"),
                      "ES": ("compras",), "MX": ("compras",), "BR": ("compras",),
                      "IT": ("acquisti",), "NL": ("inkoop",)}
_PERSON_LOCALS = ("j.smith", "m.chen", "a.kumar", "s.tanaka", "l.garcia", "k.park", "p.nguyen",
                  "r.schmidt", "d.cohen", "t.ahmed", "e.rossi", "n.silva", "wei.zhang", "h.kim")
# fmt: on


def _choice(rng: np.random.Generator, pool: tuple[str, ...] | np.ndarray, n: int) -> np.ndarray:
    values = np.asarray(pool, dtype=object)
    return values[rng.integers(0, len(values), size=n)]


def domains(
    rng: np.random.Generator,
    slugs: np.ndarray,
    countries: np.ndarray,
    tlds: np.ndarray,
    academic: np.ndarray,
) -> np.ndarray:
    """Company domains: the brand slug on the country's domain (or ".com"), academic ones
    for research institutes."""
    n = len(slugs)
    lower = pd.Series(slugs, dtype=object).str.lower().str.replace(r"[^a-z0-9]", "", regex=True)
    lower = lower.to_numpy(dtype=object)
    dotcom = rng.random(n) < 0.25  # many firms outside the US still use .com
    tld = np.where(dotcom, "com", tlds)
    uni = pd.Series(countries, dtype=object).map(ACADEMIC_TLD).to_numpy(dtype=object)
    tld = np.where(academic & pd.notna(uni), uni, tld)
    hyphen = rng.random(n) < 0.15
    suffix = _choice(rng, ("-tech", "-group", "-global", "-it"), n)
    domains: np.ndarray = np.where(hyphen & ~academic, lower + suffix, lower) + "." + tld
    return domains


def websites(rng: np.random.Generator, domains_: np.ndarray, none_share: float) -> np.ndarray:
    n = len(domains_)
    form = rng.random(n)
    url = np.where(
        form < 0.7,
        "https://www." + domains_,
        np.where(form < 0.85, "https://" + domains_, "http://www." + domains_),
    )
    url = np.where(rng.random(n) < 0.1, url + "/", url)
    return np.where(rng.random(n) < none_share, MISSING, url)


def emails(
    rng: np.random.Generator,
    slugs: np.ndarray,
    domains_: np.ndarray,
    countries: np.ndarray,
    small: np.ndarray,
    free_share: float,
) -> np.ndarray:
    """A corporate mailbox mostly; free-mail for some small firms (more in some countries)."""
    n = len(slugs)
    local = _choice(rng, _MAIL_LOCALS, n)
    person = rng.random(n) < 0.25
    local[person] = _choice(rng, _PERSON_LOCALS, int(person.sum()))
    for country, pool in _LOCAL_MAIL_LOCALS.items():
        rows = np.flatnonzero((countries == country) & (rng.random(n) < 0.4))
        local[rows] = _choice(rng, pool, len(rows))
    corporate = local + "@" + domains_
    factor = pd.Series(countries, dtype=object).map(FREE_MAIL_FACTOR).fillna(1.0).to_numpy(float)
    free = rng.random(n) < free_share * factor * np.where(small, 2.0, 0.5)
    provider = _choice(rng, FREE_MAIL_DOMAINS, n)
    for country, pool in LOCAL_FREE_MAIL.items():
        rows = np.flatnonzero(countries == country)
        provider[rows] = _choice(rng, pool, len(rows))
    slug = pd.Series(slugs, dtype=object).str.lower().str.replace(r"[^a-z0-9]", "", regex=True)
    number = rng.integers(1, 9999, size=n).astype(str).astype(object)
    handle = slug.to_numpy(dtype=object) + np.where(rng.random(n) < 0.6, number, "")
    emails: np.ndarray = np.where(free, handle + "@" + provider, corporate)
    return emails


def _digits(rng: np.random.Generator, n: int, lo: int, hi: int) -> np.ndarray:
    return rng.integers(lo, hi, size=n).astype(str).astype(object)


def phones(rng: np.random.Generator, codes: np.ndarray) -> np.ndarray:
    """Phone numbers with the country's calling code, written in one of several ways
    ("+49 69 1234567", "+49-69-123-4567", "0049 69 1234567", "+1 (408) 555-0142", ...);
    a few are local numbers without the code, as people leave them."""
    n = len(codes)
    area, head = _digits(rng, n, 20, 99), _digits(rng, n, 201, 999)
    mid, tail = _digits(rng, n, 100, 999), _digits(rng, n, 1000, 9999)
    seven = _digits(rng, n, 1_000_000, 10_000_000)
    forms = np.stack(
        [
            "+" + codes + " " + head + " " + seven,
            "+" + codes + "-" + head + "-" + mid + "-" + tail,
            "00" + codes + " " + area + " " + seven,
            "+" + codes + " (" + head + ") " + mid + " " + tail,
            "+" + codes + head + seven,
            "(0" + area + ") " + mid + " " + tail,
        ],
        axis=1,
    )
    which = rng.choice(6, size=n, p=[0.45, 0.15, 0.1, 0.12, 0.1, 0.08])
    out = forms[np.arange(n), which]
    nanp = codes == "1"
    us = np.where(
        rng.random(n) < 0.8,
        "+1 (" + head + ") " + mid + "-" + tail,
        head + "-" + mid + "-" + tail,
    )
    return np.where(nanp, us, out)
