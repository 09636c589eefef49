"""Entity matching: screens parties against restricted-party list snapshots.

Public API: `MatchSettings.from_config`, `Matcher.build/save/load/screen`, `score_pairs`,
and the `WatchlistScreening` detector (red flag P1).
"""

from detectors.matching.matcher import HIT_COLUMNS, Matcher
from detectors.matching.pairs import score_pairs
from detectors.matching.screening import WatchlistScreening
from detectors.matching.settings import MatchSettings

__all__ = ["HIT_COLUMNS", "MatchSettings", "Matcher", "WatchlistScreening", "score_pairs"]
