"""The rule registry: one small vectorised function per red flag, found by its code.

A rule function takes `(tx, ctx, params)` — the transactions in its scope, the
`RuleContext` and the rule's `parameters` from the policy pack — and returns `RuleHits`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from detectors.rules.context import RuleContext

RuleFunction = Callable[[pd.DataFrame, "RuleContext", dict[str, Any]], "RuleHits"]

RULES: dict[str, RuleFunction] = {}


def rule(code: str) -> Callable[[RuleFunction], RuleFunction]:
    """Register `fn` as the implementation of red flag `code` (e.g. ``@rule("L2")``)."""

    def register(fn: RuleFunction) -> RuleFunction:
        known = RULES.get(code)
        if known is not None and known.__qualname__ != fn.__qualname__:
            raise ValueError(f"rule {code} is already implemented by {known.__qualname__}")
        RULES[code] = fn
        return fn

    return register


class RuleNotEvaluable(Exception):
    """Raised by a rule that cannot judge this input (e.g. no restricted-party list); the
    engine reports the message as the rule's not-evaluable reason."""


@dataclass
class RuleHits:
    """What one rule found: which rows fired, why, and on what values.

    `mask` is a boolean Series over the rule's input index; `reason`, `evidence` and the
    optional per-hit `weight` (overriding the pack's weight, e.g. when only one of two
    signs is present) are indexed by the hit rows only.
    """

    mask: pd.Series
    reason: pd.Series
    evidence: pd.DataFrame
    weight: pd.Series | None = None

    @classmethod
    def none(cls, tx: pd.DataFrame) -> RuleHits:
        empty = tx.index[:0]
        return cls(
            mask=pd.Series(False, index=tx.index),
            reason=pd.Series([], index=empty, dtype=object),
            evidence=pd.DataFrame(index=empty),
        )

    @property
    def count(self) -> int:
        return int(self.mask.sum())
