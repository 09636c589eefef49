"""Every knob of the synthetic generator, in one dataclass, so that an evaluation can change
volumes, prices, mixes and dates without touching code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

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
)


def _frozen(mapping: dict) -> Mapping:
    return MappingProxyType(dict(mapping))


# Share of legitimate customers per country: mostly Tier-1 countries, plus real business
# in the transshipment hubs and in license-required destinations.
# fmt: off
DEFAULT_COUNTRY_MIX = {
    "US": 0.28, "DE": 0.06, "GB": 0.06, "FR": 0.04, "NL": 0.03, "IE": 0.015, "SE": 0.015,
    "FI": 0.01, "ES": 0.02, "IT": 0.02, "BE": 0.01, "DK": 0.01, "NO": 0.01, "CH": 0.02,
    "PL": 0.01, "JP": 0.07, "KR": 0.05, "TW": 0.045, "CA": 0.04, "AU": 0.03, "NZ": 0.005,
    "IL": 0.01, "SG": 0.035, "MY": 0.02, "HK": 0.02, "AE": 0.015, "IN": 0.025, "VN": 0.01,
    "TH": 0.01, "CN": 0.01, "MO": 0.002, "SA": 0.005, "BR": 0.01, "MX": 0.01,
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
    """Knobs of `generate`. Shares are relative weights unless the name says rate."""

    # dates
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
    new_customer_share: float = 0.15  # legitimate customers founded after the Oct 2022 controls
    free_mail_share: float = 0.02  # legitimate customers with a free-mail address
    no_website_share: float = 0.03
    parent_share: float = 0.10  # legitimate customers with a (non-D:5) parent company
    third_party_payer_rate: float = 0.02  # clean lines paid by the parent or a finance company
    foreign_site_rate: float = 0.05  # clean lines shipped to the customer's site in another country
    route_rate: float = 0.12  # clean lines with a (non-hub) transit country
    forwarder_rate: float = 0.25  # clean lines naming a freight forwarder (not as consignee)
    cash_crypto_rate: float = 0.002  # clean lines paid in cash or crypto (at normal prices)
    declined_installation_rate: float = 0.01
    changed_after_order_rate: float = 0.01
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

    def typology_counts(self, rows: int) -> dict[str, int]:
        """Rows to inject per typology for a file of `rows` rows."""
        weights = {t: float(self.typology_mix.get(t, 0.0)) for t in TYPOLOGIES}
        total = sum(weights.values()) or 1.0
        target = rows * self.diversion_rate
        return {t: int(round(target * w / total)) for t, w in weights.items()}
