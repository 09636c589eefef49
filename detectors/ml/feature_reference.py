"""The reference lists the ML features look values up in: country risk levels, hubs,
free-mail domains, vague end uses, buyer types unlikely to need AI compute.

Each list comes from the policy pack when the pack carries it, else from the `features`
section of `configs/ml.yaml`. The pack is read defensively: a group may be a list of ISO
codes or a mapping with a `countries` list, and a list such as `free_mail_domains` may sit
at any depth (e.g. inside a rule's parameters).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FeatureReference:
    country_level: dict[str, int]  # ISO alpha-2 -> risk level 0..3
    default_country_level: int
    hubs: frozenset[str]
    free_mail_domains: frozenset[str]
    vague_end_use_pattern: str  # one case-insensitive regular expression
    unlikely_buyer_types: frozenset[str]
    advanced_item_classes: frozenset[str]
    advanced_tpp_min: float

    @classmethod
    def from_policy(
        cls, policy: Mapping[str, Any], defaults: Mapping[str, Any]
    ) -> FeatureReference:
        """`defaults` is the `features` section of configs/ml.yaml."""
        groups = _country_groups(policy)
        hubs = _countries(policy.get("transshipment_hubs", []))
        risk = defaults.get("country_risk", {})
        keys = defaults.get("policy_keys", {})

        def listed(name: str) -> list[str]:
            return _list_from(policy, defaults, name, keys.get(name, name))

        patterns = _find_key(policy, keys.get("vague_end_use_patterns", "vague_end_use_patterns"))
        if not (isinstance(patterns, list) and patterns):
            terms = [re.escape(str(t).strip()) for t in defaults.get("vague_end_uses", [])]
            patterns = [r"^\s*(?:" + "|".join(terms) + r")\s*$"] if terms else [r"^\s*$"]
        return cls(
            country_level=_country_levels(risk.get("levels", []), groups, hubs),
            default_country_level=int(risk.get("default_level", 1)),
            hubs=frozenset(hubs) if hubs else frozenset(_level_fallback(risk, 2)),
            free_mail_domains=_lowered(listed("free_mail_domains")),
            vague_end_use_pattern="|".join(f"(?:{p})" for p in patterns),
            unlikely_buyer_types=_lowered(listed("unlikely_buyer_types")),
            advanced_item_classes=_lowered(
                defaults.get("advanced_item_classes", ["gpu", "server"])
            ),
            advanced_tpp_min=float(defaults.get("advanced_tpp_min", 1600)),
        )


def _country_levels(
    levels: Iterable[Mapping[str, Any]], groups: Mapping[str, set[str]], hubs: set[str]
) -> dict[str, int]:
    """Country -> level; where a country sits in several levels the highest wins, except
    that level 0 (Tier 1) is only given to countries no other level claims."""
    found: dict[str, int] = {}
    for spec in sorted(levels, key=lambda s: -int(s["level"])):
        members: set[str] = set()
        for name in spec.get("policy_groups", []):
            members |= groups.get(str(name).lower(), set())
        if spec.get("include_policy_hubs"):
            members |= hubs
        if not members:
            members = {str(c).upper() for c in spec.get("fallback", [])}
        for country in members:
            found.setdefault(country, int(spec["level"]))
    return found


def _level_fallback(risk: Mapping[str, Any], level: int) -> set[str]:
    for spec in risk.get("levels", []):
        if int(spec["level"]) == level:
            return {str(c).upper() for c in spec.get("fallback", [])}
    return set()


def _country_groups(policy: Mapping[str, Any]) -> dict[str, set[str]]:
    raw = policy.get("country_groups", {}) or {}
    if not isinstance(raw, Mapping):
        return {}
    return {str(name).lower(): _countries(value) for name, value in raw.items()}


def _countries(value: Any) -> set[str]:
    """ISO codes from a list, or from a mapping carrying them under `countries`/`members`."""
    if isinstance(value, Mapping):
        value = value.get("countries", value.get("members", []))
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable):
        return set()
    return {str(c).strip().upper() for c in value if isinstance(c, str) and c.strip()}


def _list_from(
    policy: Mapping[str, Any], defaults: Mapping[str, Any], key: str, policy_key: str
) -> list[str]:
    found = _find_key(policy, policy_key)
    if isinstance(found, list) and found:
        return [str(v) for v in found]
    return [str(v) for v in defaults.get(key, [])]


def _find_key(node: Any, key: str, depth: int = 0) -> Any:
    """The first value stored under `key` anywhere in a nested mapping/list (depth-first)."""
    if depth > 6:
        return None
    if isinstance(node, Mapping):
        if key in node:
            return node[key]
        children: Iterable[Any] = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = _find_key(child, key, depth + 1)
        if found is not None:
            return found
    return None


def _lowered(values: Iterable[Any]) -> frozenset[str]:
    return frozenset(str(v).strip().lower() for v in values)
