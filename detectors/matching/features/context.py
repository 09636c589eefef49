"""What the features of one (party, list name) pair read: the two analysed names, their
token alignment and token weights, and the party's and entry's other attributes."""

from __future__ import annotations

from dataclasses import dataclass, field

from detectors.matching.alignment import Alignment, TokenWeights
from detectors.matching.names import AnalyzedName


@dataclass(frozen=True)
class PairContext:
    """Everything the features of one pair may read."""

    query: AnalyzedName
    candidate: AnalyzedName
    alignment: Alignment
    weights: TokenWeights
    query_country: str | None = None
    query_address: str | None = None  # normalized
    query_type: str = "unknown"  # person, entity, unknown
    entry_countries: frozenset[str] = field(default_factory=frozenset)
    entry_addresses: tuple[str, ...] = ()  # normalized
    entry_type: str = "unknown"
    entry_craft: bool = False  # the listed entry is a vessel or an aircraft
    weak_alias: bool = False
