"""Payment, licences and the country goods leave from, for ordinary order lines.

Legitimate third-party payers exist (the parent company, a leasing or finance company); a
licence number, or for destinations that allow one a licence exception (NAC, ACA), is
recorded wherever a licence is required; some goods leave from a distribution centre
outside the US (a re-export), never those for a licence-required destination."""

from __future__ import annotations

import numpy as np
import pandas as pd

from detectors.synthetic.missing import MISSING
from detectors.synthetic.params import GeneratorParams
from detectors.synthetic.population import among, company_names, mapped, pick, pick_weighted

_CARD_LIMIT = 25_000.0  # USD: larger orders are not paid by card
_PAYMENT_METHODS = {"wire": 0.70, "letter_of_credit": 0.12, "card": 0.10, "other": 0.08}
_PAYMENT_TERMS = {
    "Net 30": 0.5,
    "Net 60": 0.2,
    "Net 45": 0.1,
    "Prepayment": 0.1,
    "LC at sight": 0.1,
}
_LESSORS = ("Leasing", "Equipment Finance", "Capital Finance", "Technology Leasing",
            "Asset Finance")  # fmt: skip
_LESSOR_COUNTRIES = ("US", "JP", "IE", "DE", "GB", "FR", "SG", "AU")
_EXCEPTIONS = ("NAC", "ACA")
# Where a re-export leaves from, by the destination's region.
_DISTRIBUTION_CENTRES = {
    "EU": ("NL", "IE", "DE", "BE", "CZ"),
    "ASIA": ("SG", "TW", "JP"),
    "AMERICAS": ("MX", "CA"),
}
_REGION = {
    **dict.fromkeys(("DE", "FR", "NL", "IE", "SE", "FI", "ES", "IT", "BE", "DK", "NO", "CH",
                     "PL", "GB"), "EU"),
    **dict.fromkeys(("JP", "KR", "TW", "AU", "NZ", "SG", "MY", "TH", "IN", "ID", "PH"), "ASIA"),
    **dict.fromkeys(("CA", "MX", "BR", "CL"), "AMERICAS"),
}  # fmt: skip


def payment(rng: np.random.Generator, cols: dict[str, np.ndarray], params: GeneratorParams) -> None:
    """The customer pays; now and then its parent or a leasing company; wire, LC or card,
    rarely cash or crypto."""
    n, rate = len(cols["customer_name"]), params.missing_rate
    parent = cols["customer_parent_name"]
    by_parent = (rng.random(n) < params.third_party_payer_rate) & pd.notna(parent)
    leased = ~by_parent & (rng.random(n) < params.leasing_payer_rate)
    at_home = rng.random(n) < 0.6
    lessor_country = np.where(at_home, cols["customer_country"], pick(rng, _LESSOR_COUNTRIES, n))
    rows = np.flatnonzero(leased)
    lessor = np.full(n, None, dtype=object)
    lessor[rows] = company_names(rng, lessor_country[rows], _LESSORS)
    known = rng.random(n) >= 2 * rate
    name = np.where(by_parent, parent, np.where(leased, lessor, cols["customer_name"]))
    country = np.where(
        by_parent,
        cols["customer_parent_country"],
        np.where(leased, lessor_country, cols["customer_country"]),
    )
    cols["payer_name"] = np.where(known, name, MISSING)
    cols["payer_country"] = np.where(known, country, MISSING)
    method = pick_weighted(rng, _PAYMENT_METHODS, n)
    value = cols["quantity"] * cols["unit_price"]
    method = np.where((method == "card") & (value > _CARD_LIMIT), "wire", method)
    method = np.where(leased, "wire", method)
    cash = rng.random(n) < params.cash_crypto_rate
    cols["payment_method"] = np.where(cash, pick(rng, ("cash", "crypto"), n), method)
    cols["payment_terms"] = _blank(rng, pick_weighted(rng, _PAYMENT_TERMS, n), rate)


def _blank(rng: np.random.Generator, values: np.ndarray, rate: float) -> np.ndarray:
    return np.where(rng.random(len(values)) < rate, MISSING, values)


def _flags(values: np.ndarray) -> np.ndarray:
    return np.where(values, "true", "false").astype(object)


def licence_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """BIS licence numbers as ERPs carry them ("D" and six or seven digits)."""
    six = "D" + rng.integers(100_000, 1_000_000, size=n).astype(str).astype(object)
    seven = "D" + rng.integers(1_000_000, 10_000_000, size=n).astype(str).astype(object)
    return np.where(rng.random(n) < 0.7, six, seven)


def compliance(
    rng: np.random.Generator,
    cols: dict[str, np.ndarray],
    controlled: np.ndarray,
    params: GeneratorParams,
) -> None:
    """Installation, end-use statement, changes, and a licence wherever one is required
    (outside China, Hong Kong and Macau sometimes a licence exception instead)."""
    n, rate = len(controlled), params.missing_rate
    cols["declined_installation"] = _blank(
        rng, _flags(rng.random(n) < params.declined_installation_rate), rate
    )
    cols["end_use_statement_received"] = _blank(rng, np.where(controlled, "true", MISSING), rate)
    cols["changed_after_order"] = _blank(
        rng, _flags(rng.random(n) < params.changed_after_order_rate), rate
    )
    destinations = params.license_required_destinations
    parties = (
        "ship_to_country",
        "end_user_country",
        "customer_country",
    )  # a buyer based there records one too
    rows = np.flatnonzero(controlled)
    licensed, china = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    for column in parties:
        licensed[rows] |= among(cols[column][rows], destinations)
        china[rows] |= among(cols[column][rows], params.china_destinations)
    exception = licensed & ~china & (rng.random(n) < params.license_exception_share)
    numbered = np.flatnonzero(licensed & ~exception)
    cols["license_number"] = np.full(n, None, dtype=object)
    cols["license_number"][numbered] = licence_numbers(rng, len(numbered))
    cols["license_exception"] = np.full(n, None, dtype=object)
    cols["license_exception"][exception] = pick(rng, _EXCEPTIONS, int(exception.sum()))


def ship_from(
    rng: np.random.Generator, ship_country: np.ndarray, params: GeneratorParams
) -> np.ndarray:
    """Where goods leave from: mostly left empty (the exporter's own country) or "US"; a
    re-export from a regional distribution centre now and then, never to a destination
    that needs a licence."""
    n = len(ship_country)
    region = mapped(ship_country, _REGION)
    centre = np.full(n, None, dtype=object)
    for name, pool in _DISTRIBUTION_CENTRES.items():
        rows = np.flatnonzero(region == name)
        centre[rows] = pick(rng, pool, len(rows))
    reexport = (
        (rng.random(n) < params.reexport_rate)
        & pd.notna(centre)
        & (centre != ship_country)
        & ~among(ship_country, params.license_required_destinations)
    )
    stated = np.where(rng.random(n) < 0.3, "US", MISSING)
    return np.where(reexport, centre, stated)
