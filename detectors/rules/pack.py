"""A policy pack: country groups, lists and thresholds plus the rule entries, read once
from `configs/policy/*.yaml`. A pack may extend another (`extends: default`)."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from detectors.schema import SEVERITIES

if TYPE_CHECKING:
    from detectors.rules.layers import PolicyLayer

SCOPES: tuple[str, ...] = ("controlled", "all")


@dataclass(frozen=True)
class RuleSpec:
    """One rule entry of a policy pack."""

    id: str
    title: str
    severity: str
    weight: float
    enabled: bool = True
    hard_stop: bool = False
    scope: str = "controlled"
    parameters: dict[str, Any] = field(default_factory=dict)
    citation: str = ""
    recommended_action: str = ""
    # each entry is a column, or a list of columns of which at least one must be present
    requires: tuple[str | tuple[str, ...], ...] = ()
    # checks of the rule that need an optional column: {column: what is then not checked}
    partly_requires: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_config(cls, entry: Mapping[str, Any]) -> RuleSpec:
        missing = {"id", "title", "severity", "weight"} - set(entry)
        if missing:
            raise ValueError(f"rule entry {dict(entry)!r} lacks {', '.join(sorted(missing))}")
        spec = cls(
            id=str(entry["id"]),
            title=str(entry["title"]),
            severity=str(entry["severity"]),
            weight=float(entry["weight"]),
            enabled=bool(entry.get("enabled", True)),
            hard_stop=bool(entry.get("hard_stop", False)),
            scope=str(entry.get("scope", "controlled")),
            parameters=dict(entry.get("parameters") or {}),
            citation=str(entry.get("citation", "")),
            recommended_action=str(entry.get("recommended_action", "")),
            requires=tuple(
                tuple(r) if isinstance(r, list | tuple) else str(r)
                for r in entry.get("requires") or ()
            ),
            partly_requires={
                str(k): str(v) for k, v in (entry.get("partly_requires") or {}).items()
            },
        )
        spec.validate()
        return spec

    def validate(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"rule {self.id}: severity {self.severity!r} not in {SEVERITIES}")
        if not 0.0 <= self.weight <= 1.0:
            raise ValueError(f"rule {self.id}: weight {self.weight} outside 0..1")
        if self.scope not in SCOPES:
            raise ValueError(f"rule {self.id}: scope {self.scope!r} not in {SCOPES}")

    def missing_columns(self, present: frozenset[str]) -> list[str]:
        """The requirements not met by `present`, as readable column names."""
        missing = []
        for need in self.requires:
            if isinstance(need, tuple):
                if not present.intersection(need):
                    missing.append(" or ".join(need))
            elif need not in present:
                missing.append(need)
        return missing

    def unchecked_parts(self, present: frozenset[str]) -> list[str]:
        """What the rule runs without on this input: 'the HS-code check (needs hs_code)'."""
        return [
            f"{what} (needs {column})"
            for column, what in self.partly_requires.items()
            if column not in present
        ]

    def requires_text(self) -> str:
        return ", ".join(" or ".join(r) if isinstance(r, tuple) else r for r in self.requires)


@dataclass(frozen=True)
class RulePack:
    """A parsed policy pack: metadata, the policy data the rules read, and the rules."""

    id: str
    title: str
    version: str
    effective_date: str
    policy: dict[str, Any]
    rules: tuple[RuleSpec, ...]
    layers: tuple[PolicyLayer, ...] = ()  # dated amendments layered on the pack

    @classmethod
    def from_config(
        cls,
        cfg: Mapping[str, Any],
        base: Mapping[str, Any] | None = None,
        layers: tuple[PolicyLayer, ...] = (),
    ) -> RulePack:
        """Build a pack from its parsed YAML; `base` is the parsed pack named by `extends`;
        `layers` add their policy data and rules (judging only the dates they are in force)."""
        if cfg.get("extends") and base is None:
            raise ValueError(
                f"policy pack {cfg.get('id', '?')} extends {cfg['extends']!r}: pass that pack as base"
            )
        merged = merge_policy(base, cfg) if base is not None else copy.deepcopy(dict(cfg))
        for layer in layers:
            data = copy.deepcopy(layer.policy)
            for value in data.values():  # each section knows the dates of its layer
                if isinstance(value, dict):
                    value.setdefault("in_force_from", layer.effective_from.isoformat())
                    value.setdefault("layer", layer.id)
            merged = merge_policy(merged, {**data, "rules": list(layer.rules)})
            merged.setdefault("sources", {}).update(layer.sources)
        specs = tuple(RuleSpec.from_config(entry) for entry in merged.get("rules") or ())
        ids = [s.id for s in specs]
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        if duplicated:
            raise ValueError(f"policy pack {merged.get('id')}: rule ids repeated: {duplicated}")
        return cls(
            id=str(merged.get("id", "unnamed")),
            title=str(merged.get("title", "")),
            version=str(merged.get("version", "")),
            effective_date=str(merged.get("effective_date", "")),
            policy=merged,
            rules=specs,
            layers=tuple(layers),
        )

    def layer_of(self, rule_id: str) -> PolicyLayer | None:
        """The dated layer that brings rule `rule_id`, if any."""
        for layer in self.layers:
            if rule_id in layer.rule_ids:
                return layer
        return None

    def layer(self, layer_id: str) -> PolicyLayer:
        for layer in self.layers:
            if layer.id == layer_id:
                return layer
        raise KeyError(f"pack {self.id} has no layer {layer_id!r}")

    def rule(self, rule_id: str) -> RuleSpec:
        for spec in self.rules:
            if spec.id.lower() == rule_id.lower():
                return spec
        raise KeyError(f"no rule {rule_id!r} in pack {self.id} (rules: {', '.join(self.rule_ids)})")

    @property
    def version_label(self) -> str:
        """'<pack id>@<version>', as recorded in run summaries and case files."""
        return f"{self.id}@{self.version}" if self.version else self.id

    @property
    def rule_ids(self) -> list[str]:
        return [s.id for s in self.rules]

    def enabled_rules(self) -> list[RuleSpec]:
        return [s for s in self.rules if s.enabled]


def merge_policy(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge `override` onto `base`; rule entries merge by id, new ids are appended."""
    merged = copy.deepcopy(dict(base))
    for key, value in override.items():
        if key == "rules":
            merged["rules"] = _merge_rules(merged.get("rules") or [], value or [])
        elif key == "extends":
            merged["extends"] = value
        elif isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge_policy(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _merge_rules(
    base: list[dict[str, Any]], override: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    rules = [copy.deepcopy(r) for r in base]
    position = {r["id"]: i for i, r in enumerate(rules)}
    for entry in override:
        if entry["id"] in position:
            rules[position[entry["id"]]] = merge_policy(rules[position[entry["id"]]], entry)
        else:
            position[entry["id"]] = len(rules)
            rules.append(copy.deepcopy(entry))
    return rules
