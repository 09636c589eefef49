"""Every knob of the synthetic generator, in one dataclass, so that an evaluation can change
volumes, prices, mixes, vocabularies and dates without touching code; and named profiles
(`GeneratorParams.profile("shifted")`) so that a benchmark can train on one population and
evaluate on another.

Typologies (the `typology` value of a diverted line in the labels file):

- `watchlist_party`: a customer, ship-to, end user or payer is a listed party, under a
  name variant; `transshipment_forwarder`: a new US reseller ships to a forwarder in a hub,
  paid from Hong Kong or China, goods described generically; `realtor_buyer`: a real-estate
  firm buys GPU servers routed via Malaysia or Thailand with Chinese money;
  `unlicensed_china`: controlled items to China, Hong Kong or Macau with no licence;
  `gp10_ascend`: Huawei Ascend and other PRC-developed advanced chips; `structuring`:
  related shells split orders under a volume threshold; `shell_front`: a new shell with
  free-mail, no website, an odd address and a foreign phone places a large first order;
  `cash_premium`: cash or crypto well above list price; `evasive_end_use`: declined
  installation, no or vague end-use statement, changes after the order; `d5_parent`: a
  customer whose parent sits in China or Macau; `volume_spike`: an ordinary customer's
  order far above its history, sent to a hub.
- Dated (docs/ARCHITECTURE.md, "Since May 2025"): `unlicensed_h20`: H20 or MI308 to China, Hong Kong
  or Macau from 2025-04-09 with no licence; `implausible_license`: a licence recorded for
  China or Macau where none can exist (B200/GB200 class in 2026, an H200 re-exported from
  outside the US, an H200 dated before 2026-01-15).
- Enforcement patterns of 2025-26: `mislabelled_parts`: GPUs under an SKU the catalog does
  not know, declared as computer or server parts, HS 8473.30, EAR99, at data-centre GPU
  prices; `adapter_module`: relabelled GPUs of an unknown brand declared as adapters or
  modules; `straw_buyer`: a buyer claiming US domestic use or a licence-free destination
  (Taiwan, Thailand) with Hong Kong or China money or logistics; `sea_datacenter`: a
  Malaysian, Indonesian or Thai data centre buying far beyond local demand and renting the
  capacity onwards to Chinese firms.

A typology whose dates do not fall in the generated span is left out (its rows stay clean).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

from detectors.synthetic.geography import LICENSE_REQUIRED

TYPOLOGIES: tuple[str, ...] = (
    "watchlist_party",
    "transshipment_forwarder",
    "realtor_buyer",
    "unlicensed_china",
    "gp10_ascend",
    "structuring",
    "shell_front",
    "cash_premium",
    "evasive_end_use",
    "d5_parent",
    "volume_spike",
    "unlicensed_h20",
    "implausible_license",
    "mislabelled_parts",
    "adapter_module",
    "straw_buyer",
    "sea_datacenter",
)
END_USE_VOCABULARIES: tuple[str, ...] = ("standard", "alternate", "mixed", "legacy")
# "standard": the customers, names and end uses of `names` and `vocabulary`; "independent":
# those of `independent`, written from how buyers describe themselves, not from the rules.
POPULATIONS: tuple[str, ...] = ("standard", "independent")


def _frozen(mapping: dict[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


# Share of legitimate customers per country: mostly Tier-1 countries, plus real business
# in the transshipment hubs, in South and Southeast Asia, Latin America and the Gulf, and
# licensed business in license-required destinations (China, Vietnam, the UAE, ...).
# fmt: off
DEFAULT_COUNTRY_MIX = {
    "US": 0.25, "DE": 0.055, "GB": 0.05, "FR": 0.035, "NL": 0.025, "IE": 0.012, "SE": 0.012,
    "FI": 0.008, "ES": 0.018, "IT": 0.018, "BE": 0.008, "DK": 0.008, "NO": 0.008, "CH": 0.018,
    "PL": 0.01, "JP": 0.06, "KR": 0.045, "TW": 0.04, "CA": 0.035, "AU": 0.028, "NZ": 0.005,
    "IL": 0.012, "SG": 0.032, "MY": 0.022, "HK": 0.02, "AE": 0.018, "IN": 0.03, "VN": 0.012,
    "TH": 0.012, "CN": 0.018, "MO": 0.002, "SA": 0.008, "BR": 0.014, "MX": 0.01, "ID": 0.012,
    "TR": 0.008, "PH": 0.005, "ZA": 0.005, "CL": 0.004,
}

DEFAULT_CUSTOMER_TYPE_MIX = {
    "distributor": 0.16, "reseller": 0.14, "system_integrator": 0.14, "cloud_provider": 0.08,
    "data_center": 0.08, "oem": 0.08, "research": 0.10, "end_user": 0.18, "trading_company": 0.02,
    "other": 0.02,
}

# How much more (or less) than average each customer type buys controlled GPUs and servers.
DEFAULT_CONTROLLED_AFFINITY = {
    "distributor": 1.0, "reseller": 1.0, "system_integrator": 1.2, "cloud_provider": 1.7,
    "data_center": 1.6, "oem": 1.2, "research": 1.4, "end_user": 0.6, "trading_company": 0.1,
    "other": 0.05,
}

# How large a customer's orders run, relative to the median order of each item class.
DEFAULT_TYPE_SCALE = {
    "distributor": 1.5, "reseller": 1.0, "system_integrator": 1.2, "cloud_provider": 3.0,
    "data_center": 2.5, "oem": 1.5, "research": 0.8, "end_user": 0.5, "trading_company": 0.8,
    "other": 0.4,
}

# Median quantity of one order line per catalog item class.
DEFAULT_QUANTITY_MEDIAN = {
    "gpu": 8, "server": 2, "network": 8, "cable": 32, "storage": 12, "server_cpu": 4,
    "consumer": 10, "gpu_low": 4, "other": 2,
}

DEFAULT_ROLE_MIX = {"customer": 0.35, "ship_to": 0.25, "end_user": 0.25, "payer": 0.15}
# fmt: on


@dataclass(frozen=True)
class GeneratorParams:
    """Knobs of `generate`. Shares are relative weights unless the name says rate.

    Knobs for evaluating across populations: `price_level` (every price, clean and
    diverted, is the catalog list price times this), `licensed_china_share` (how much of a
    Chinese, Hong Kong or Macanese customer's business is licensed controlled items),
    `end_use_vocabulary` ("standard", "alternate", "mixed" or "legacy": two populations
    on different vocabularies phrase their end uses from disjoint pools), with the country
    mix, the diversion rate and mix, order sizes and dates. `GeneratorParams.profile(name)`
    gives a named configuration ("default", "shifted", "history"; see `PROFILES`).
    """

    profile_name: str = "default"  # the profile these params came from (recorded only)
    # dates: `start` + `days` (the "history" profile spans 2025-01-01 to 2026-11-30)
    start: date = date(2026, 1, 1)
    days: int = 330
    # volume and mix of injected diversion
    diversion_rate: float = 0.04  # share of all rows that are labelled diversion
    typology_mix: Mapping[str, float] = field(
        default_factory=lambda: _frozen({t: 1.0 for t in TYPOLOGIES})
    )
    # the legitimate population
    orders_per_customer: float = 40.0  # mean order lines per legitimate customer
    country_mix: Mapping[str, float] = field(default_factory=lambda: _frozen(DEFAULT_COUNTRY_MIX))
    customer_type_mix: Mapping[str, float] = field(
        default_factory=lambda: _frozen(DEFAULT_CUSTOMER_TYPE_MIX)
    )
    controlled_share: float = 0.40  # share of clean lines that are controlled GPUs / servers
    controlled_affinity: Mapping[str, float] = field(
        default_factory=lambda: _frozen(DEFAULT_CONTROLLED_AFFINITY)
    )
    licensed_destination_controlled_factor: float = (
        0.3  # fewer controlled lines where a license is needed
    )
    license_required_destinations: tuple[str, ...] = LICENSE_REQUIRED
    # China, Hong Kong, Macau: the share of a customer's lines that are licensed controlled
    # items, each of a class and date for which a licence can exist (H20 from Aug 2025, the
    # H200 class from 15 Jan 2026, exported from the US)
    licensed_china_share: float = 0.15
    license_exception_share: float = (
        0.25  # other licensed destinations: NAC/ACA instead of a number
    )
    end_use_vocabulary: str = "standard"
    population: str = "standard"  # or "independent" (its own sectors, names and end uses)
    local_language_rate: float = (
        0.10  # end uses written in the customer's language, where it has one
    )
    end_use_blank_rate: float = 0.06  # end user named but end use left empty
    native_script_rate: float = 0.35  # CN/TW/JP/KR/VN/... names written in their own script
    new_customer_share: float = 0.15  # legitimate customers founded after the Oct 2022 controls
    free_mail_share: float = (
        0.05  # legitimate customers with a free-mail address (more in some countries)
    )
    no_website_share: float = 0.06
    parent_share: float = 0.14  # legitimate customers with a (non-D:5) parent company
    third_party_payer_rate: float = 0.02  # clean lines paid by the parent
    leasing_payer_rate: float = 0.012  # clean lines paid by a leasing or finance company
    foreign_site_rate: float = 0.05  # clean lines shipped to the customer's site in another country
    cloud_foreign_site_rate: float = 0.25  # the same for cloud providers and data centres
    drop_ship_rate: float = 0.2  # channel lines shipped straight to the named end user
    reexport_rate: float = 0.06  # clean lines leaving from a distribution centre outside the US
    route_rate: float = 0.12  # clean lines with a transit country
    hub_transit_rate: float = 0.2  # of those to Asia, the Gulf or Oceania: via SG, HK or AE
    forwarder_rate: float = 0.25  # clean lines naming a freight forwarder (not as consignee)
    cash_crypto_rate: float = 0.002  # clean lines paid in cash or crypto (at normal prices)
    declined_installation_rate: float = 0.01
    changed_after_order_rate: float = 0.015
    off_catalog_rate: float = 0.02  # clean lines whose SKU the catalog does not know
    missing_rate: float = (
        0.05  # optional order fields (ship date, incoterms, hs code, ...) left blank
    )
    # order sizes and prices
    quantity_median: Mapping[str, float] = field(
        default_factory=lambda: _frozen(DEFAULT_QUANTITY_MEDIAN)
    )
    type_scale: Mapping[str, float] = field(default_factory=lambda: _frozen(DEFAULT_TYPE_SCALE))
    quantity_sigma: float = 0.6  # log-normal spread of one customer's order sizes
    customer_scale_sigma: float = 0.6  # log-normal spread of customer sizes
    price_level: float = 1.0  # market prices ÷ catalog list prices, for every line
    price_noise_sigma: float = 0.06  # log-normal noise around the catalog list price
    max_volume_discount: float = 0.15
    # the synthetic restricted list and its variants
    watchlist_size: int = 60
    role_mix: Mapping[str, float] = field(default_factory=lambda: _frozen(DEFAULT_ROLE_MIX))
    exact_name_share: float = 0.25  # watchlist_party rows carrying the listed name verbatim
    hard_negative_customers: int = 12  # clean customers whose names resemble list names
    # typology shapes
    hubs: tuple[str, ...] = ("SG", "MY", "TH", "AE", "VN")
    forwarder_hubs: tuple[str, ...] = ("SG", "MY")
    realtor_routes: tuple[str, ...] = ("MY", "TH")
    china_destinations: tuple[str, ...] = ("CN", "HK", "MO")
    d5_parent_countries: tuple[str, ...] = ("CN", "MO")
    mislabel_hs_codes: tuple[str, ...] = ("8471.80", "8504.40", "8544.42", "8536.69", "8473.30")
    price_premium_range: tuple[float, float] = (1.4, 2.5)  # cash_premium unit price ÷ list price
    spike_factor_range: tuple[float, float] = (
        25.0,
        80.0,
    )  # volume_spike h100e ÷ the customer's largest
    structuring_threshold_h100e: float = 100.0  # each shell order stays just under this volume
    structuring_fill_range: tuple[float, float] = (0.87, 0.99)  # order h100e ÷ the threshold
    structuring_group_size: tuple[int, int] = (3, 5)
    structuring_window_days: int = 28
    shell_account_age_days: tuple[int, int] = (3, 45)  # account opened this long before the order
    shell_first_order_h100e: tuple[float, float] = (48.0, 400.0)  # the large first order
    # dated law (docs/ARCHITECTURE.md, "Since May 2025"), used by the dated typologies and the
    # licensed China business
    h20_letter_date: date = date(2025, 4, 9)  # licence required for H20/MI308 to China
    h20_licences_from: date = date(2025, 8, 1)  # first H20 licences issued
    review_policy_date: date = date(2026, 1, 15)  # H200 class case-by-case, from the US only
    review_tpp_line: float = 21_000.0  # above it (B200/GB200 class) no licence can exist
    mislabel_price_range: tuple[float, float] = (25_000.0, 41_000.0)  # USD a unit, at level 1
    adapter_price_range: tuple[float, float] = (14_000.0, 38_000.0)
    sea_countries: tuple[str, ...] = ("MY", "ID", "TH")
    straw_claim_countries: tuple[str, ...] = ("US", "TW", "TH")

    def __post_init__(self) -> None:
        if self.end_use_vocabulary not in END_USE_VOCABULARIES:
            raise ValueError(
                f"end_use_vocabulary must be one of {', '.join(END_USE_VOCABULARIES)}, "
                f"got {self.end_use_vocabulary!r}"
            )
        if self.population not in POPULATIONS:
            raise ValueError(
                f"population must be one of {', '.join(POPULATIONS)}, got {self.population!r}"
            )
        if self.price_level <= 0:
            raise ValueError(f"price_level must be positive, got {self.price_level}")

    @property
    def end(self) -> date:
        """The last order date generated."""
        return self.start + timedelta(days=self.days - 1)

    def typology_counts(self, rows: int) -> dict[str, int]:
        """Rows to inject per typology for a file of `rows` rows."""
        weights = {t: float(self.typology_mix.get(t, 0.0)) for t in TYPOLOGIES}
        total = sum(weights.values()) or 1.0
        target = rows * self.diversion_rate
        return {t: int(round(target * w / total)) for t, w in weights.items()}

    @classmethod
    def profile(cls, name: str, **overrides: Any) -> GeneratorParams:
        """The named configuration (`PROFILES`), with any field overridden."""
        if name not in PROFILES:
            raise ValueError(f"unknown profile {name!r}; choose one of {', '.join(PROFILES)}")
        return cls(**{"profile_name": name, **PROFILES[name], **overrides})


# The "shifted" population differs from the default one in everything a model could learn
# by heart: another country mix (more Asia, the Gulf and Latin America), prices 12 % higher
# and noisier, end uses phrased from the other vocabulary, more licensed China business,
# larger and fewer orders per customer, other typology proportions, 3 % diversion, and the
# dates of the long history (2025-01-01 to 2026-11-30).
_SHIFTED_COUNTRIES = {
    **DEFAULT_COUNTRY_MIX,
    "US": 0.16, "DE": 0.04, "GB": 0.035, "JP": 0.045, "IN": 0.05, "SG": 0.045, "MY": 0.035,
    "ID": 0.025, "TH": 0.02, "VN": 0.02, "AE": 0.03, "SA": 0.018, "CN": 0.03, "HK": 0.03,
    "BR": 0.03, "MX": 0.02, "TR": 0.018, "KR": 0.05, "TW": 0.05,
}  # fmt: skip
# The "independent" population: customers, names and end uses from
# `detectors.synthetic.independent` (written apart from the rules), more business in China
# (licensed), Vietnam, the UAE, India, Brazil, Israel and Korea, more hospitals, schools and
# public bodies, over the dates of the long history (every dated policy change in span).
_INDEPENDENT_COUNTRIES = {
    **DEFAULT_COUNTRY_MIX,
    "US": 0.2, "CN": 0.04, "HK": 0.025, "VN": 0.03, "AE": 0.03, "IN": 0.045, "BR": 0.03,
    "IL": 0.025, "KR": 0.05, "SA": 0.015, "TR": 0.015, "MX": 0.015, "ID": 0.02, "TH": 0.018,
    "MY": 0.025, "PL": 0.015, "CL": 0.008, "ZA": 0.01, "PH": 0.01,
}  # fmt: skip
_INDEPENDENT_TYPES = {
    "distributor": 0.17, "reseller": 0.14, "system_integrator": 0.11, "cloud_provider": 0.08,
    "data_center": 0.06, "oem": 0.07, "research": 0.12, "end_user": 0.2, "trading_company": 0.015,
    "other": 0.035,
}  # fmt: skip
PROFILES: dict[str, dict[str, Any]] = {
    "default": {},
    "history": {"start": date(2025, 1, 1), "days": 699},
    "shifted": {
        "start": date(2025, 1, 1),
        "days": 699,
        "diversion_rate": 0.03,
        "country_mix": _frozen(_SHIFTED_COUNTRIES),
        "price_level": 1.12,
        "price_noise_sigma": 0.09,
        "end_use_vocabulary": "alternate",
        "licensed_china_share": 0.3,
        "orders_per_customer": 28.0,
        "controlled_share": 0.48,
        "quantity_median": _frozen({k: v * 1.4 for k, v in DEFAULT_QUANTITY_MEDIAN.items()}),
        "typology_mix": _frozen(
            {t: (1.8 if i % 3 == 0 else 0.7) for i, t in enumerate(TYPOLOGIES)}
        ),
        "native_script_rate": 0.5,
        "free_mail_share": 0.08,
        "leasing_payer_rate": 0.02,
        "off_catalog_rate": 0.03,
    },
    "independent": {
        "start": date(2025, 1, 1),
        "days": 699,
        "population": "independent",
        "country_mix": _frozen(_INDEPENDENT_COUNTRIES),
        "customer_type_mix": _frozen(_INDEPENDENT_TYPES),
        "licensed_china_share": 0.3,
        "local_language_rate": 0.12,
    },
}
