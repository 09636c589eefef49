"""Four-eyes as policy: the table of `configs/four_eyes.yaml`, and what it says of one
decision on one case. Pure: `cases.workflow` gathers the facts and enforces the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from cases.model import Case
from flows.errors import ConfigError
from flows.paths import CONFIGS_DIR

ROLES: frozenset[str] = frozenset({"analyst", "reviewer", "admin"})
_CONDITIONS = ("outcome", "from_status", "pending_proposal", "hard_stop", "suppresses_strong_hit")


@dataclass(frozen=True)
class DecisionFacts:
    """What the four-eyes rows look at in one decision."""

    outcome: str
    from_status: str
    pending_proposal: bool  # another decision waits for its second person
    hard_stop: bool
    suppresses_strong_hit: bool


@dataclass(frozen=True)
class FourEyesRule:
    id: str
    title: str
    conditions: Mapping[str, Any]  # condition name -> frozenset of values, or a bool
    proposers: frozenset[str]
    approvers: frozenset[str]

    def matches(self, facts: DecisionFacts) -> bool:
        for name, wanted in self.conditions.items():
            value = getattr(facts, name)
            if isinstance(wanted, frozenset) and value not in wanted:
                return False
            if isinstance(wanted, bool) and value is not wanted:
                return False
        return True


def _rule(entry: Mapping[str, Any], defaults: Mapping[str, Any]) -> FourEyesRule:
    if not entry.get("id") or not set(entry) & set(_CONDITIONS):
        raise ConfigError(f"four-eyes row {dict(entry)!r} needs an id and a condition")
    unknown = set(entry) - {"id", "title", "proposers", "approvers", *_CONDITIONS}
    if unknown:
        raise ConfigError(f"four-eyes row {entry['id']}: unknown keys {sorted(unknown)}")
    conditions: dict[str, Any] = {}
    for name in _CONDITIONS:
        if name in entry:
            value = entry[name]
            conditions[name] = bool(value) if isinstance(value, bool) else frozenset(value)
    roles = {
        k: frozenset(entry.get(k) or defaults.get(k) or ()) for k in ("proposers", "approvers")
    }
    for kind, allowed in roles.items():
        if not allowed or not allowed <= ROLES:
            raise ConfigError(
                f"four-eyes row {entry['id']}: {kind} must be roles of {sorted(ROLES)}"
            )
    return FourEyesRule(str(entry["id"]), str(entry.get("title", entry["id"])), conditions,
                        roles["proposers"], roles["approvers"])  # fmt: skip


@dataclass(frozen=True)
class FourEyesPolicy:
    """The parsed table, with what makes a hard stop."""

    enabled: bool = True
    rules: tuple[FourEyesRule, ...] = ()
    hard_stop_codes: frozenset[str] = frozenset()
    strong_score: float = 0.90
    default_proposers: frozenset[str] = field(default_factory=lambda: ROLES)

    @classmethod
    def from_mapping(
        cls, raw: Mapping[str, Any], hard_stop_codes: frozenset[str], strong_score: float
    ) -> FourEyesPolicy:
        defaults = raw.get("defaults") or {}
        extra = frozenset((raw.get("hard_stop") or {}).get("extra_flag_codes") or ())
        return cls(
            enabled=bool(raw.get("enabled", True)),
            rules=tuple(_rule(entry, defaults) for entry in raw.get("rules") or ()),
            hard_stop_codes=hard_stop_codes | extra,
            strong_score=strong_score,
            default_proposers=frozenset(defaults.get("proposers") or ROLES),
        )

    def hard_stops(self, case: Case) -> list[str]:
        """Why the case holds a hard-stop flag (empty when it does not)."""
        reasons = [f"flag {f.code}" for f in case.flags if f.code in self.hard_stop_codes]
        reasons += [
            f"list hit {m.entry_id} scored {m.score:.2f}"
            for m in case.watchlist_matches
            if m.match_kind == "name" and m.score >= self.strong_score
        ]
        return sorted(set(reasons))

    def strong_hits(self, case: Case) -> list[str]:
        return [m.entry_id for m in case.watchlist_matches if m.score >= self.strong_score]

    def facts(
        self, case: Case, outcome: str, suppress_days: int | None, other_pending: bool
    ) -> DecisionFacts:
        return DecisionFacts(
            outcome=outcome,
            from_status=case.status,
            pending_proposal=other_pending,
            hard_stop=bool(self.hard_stops(case)),
            suppresses_strong_hit=suppress_days is not None and bool(self.strong_hits(case)),
        )

    def matching(self, facts: DecisionFacts) -> list[FourEyesRule]:
        """The rows a decision matches; empty when four-eyes is off."""
        return [rule for rule in self.rules if rule.matches(facts)] if self.enabled else []


def _policy_hard_stop_codes(configs: Path) -> frozenset[str]:
    codes: set[str] = set()
    for path in sorted((configs / "policy").glob("*.yaml")):
        pack = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        codes |= {str(r["id"]) for r in pack.get("rules") or () if r.get("hard_stop")}
    return frozenset(codes)


def _strong_score(configs: Path) -> float:
    path = configs / "matching.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    return float(((raw or {}).get("thresholds") or {}).get("strong", 0.90))


@cache
def load_four_eyes(configs: Path = CONFIGS_DIR) -> FourEyesPolicy:
    """`configs/four_eyes.yaml`, with the hard-stop rules of the policy packs and the
    matcher's hard-stop line."""
    path = configs / "four_eyes.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    return FourEyesPolicy.from_mapping(
        raw or {}, _policy_hard_stop_codes(configs), _strong_score(configs)
    )
