"""Rule-based red-flag detectors: a policy pack (`configs/policy/*.yaml`) and one small
vectorised function per red flag, run by `RuleEngine`."""

from detectors.rules.context import RuleContext
from detectors.rules.engine import RuleEngine
from detectors.rules.pack import RulePack, RuleSpec, merge_policy
from detectors.rules.registry import RULES, RuleHits, rule

__all__ = [
    "RULES",
    "RuleContext",
    "RuleEngine",
    "RuleHits",
    "RulePack",
    "RuleSpec",
    "merge_policy",
    "rule",
]
