"""Workflow settings of the case store: SLA hours, four-eyes, suppression periods, and
the review app's session limits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cases.four_eyes import FourEyesPolicy, load_four_eyes
from flows.paths import CONFIGS_DIR

DEFAULT_SLA_HOURS: dict[str, int] = {"high": 24, "medium": 72, "low": 168}


@dataclass(frozen=True)
class CasePolicy:
    """The parsed `configs/cases.yaml`."""

    sla_hours: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_SLA_HOURS))
    four_eyes: bool = True  # False switches every row of the four-eyes table off
    four_eyes_table: FourEyesPolicy = field(default_factory=load_four_eyes)
    suppression_default_days: int = 90
    suppression_max_days: int = 365
    session_hours: float = 12.0  # a review app login lasts at most this long
    session_idle_minutes: float = 30.0  # ...and ends after this long without a request
    attachment_max_bytes: int = 10 * 1024 * 1024  # the largest file kept with a case

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> CasePolicy:
        four_eyes = raw.get("four_eyes") or {}
        suppressions = raw.get("suppressions") or {}
        sessions = raw.get("sessions") or {}
        attachments = raw.get("attachments") or {}
        table = load_four_eyes()
        sla = {**DEFAULT_SLA_HOURS, **{k: int(v) for k, v in (raw.get("sla_hours") or {}).items()}}
        return cls(
            sla_hours=sla,
            four_eyes=bool(four_eyes.get("enabled", table.enabled)),
            four_eyes_table=table,
            suppression_default_days=int(suppressions.get("default_days", 90)),
            suppression_max_days=int(suppressions.get("max_days", 365)),
            session_hours=float(sessions.get("hours", 12)),
            session_idle_minutes=float(sessions.get("idle_minutes", 30)),
            attachment_max_bytes=int(float(attachments.get("max_mb", 10)) * 1024 * 1024),
        )


def default_policy_path() -> Path:
    return CONFIGS_DIR / "cases.yaml"


def load_case_policy(path: Path | None = None) -> CasePolicy:
    """Read the case workflow settings (default `configs/cases.yaml`)."""
    path = path or default_policy_path()
    if not path.exists():
        return CasePolicy()
    return CasePolicy.from_mapping(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
