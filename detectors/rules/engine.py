"""The rule engine: runs each enabled rule of a policy pack over the canonical frame and
returns its flags in the one flag schema (a `Detector` of family "rule")."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from detectors.base import DetectionContext, DetectorResult, concat_flags, empty_flags
from detectors.rules import (  # noqa: F401  (importing registers the rules)
    behaviour,
    dated,
    diffusion,
    enforcement,
    history,
    items,
    license,
    logistics,
    ownership,
    parties,
    payments,
    unknown_items,
)
from detectors.rules.context import RuleContext
from detectors.rules.pack import RulePack, RuleSpec
from detectors.rules.registry import RULES, RuleHits, RuleNotEvaluable
from detectors.schema import DERIVED_COLUMNS, FLAG_COLUMNS, REQUIRED_COLUMNS, NotEvaluable
from flows.errors import PackError

ALWAYS_PRESENT: frozenset[str] = frozenset(REQUIRED_COLUMNS) | frozenset(DERIVED_COLUMNS)


class RuleEngine:
    """Runs a `RulePack` as a detector. The pack given here is the policy applied; the
    context's `policy` mapping is not consulted (the flow builds both from one pack)."""

    family = "rule"

    def __init__(self, pack: RulePack) -> None:
        unknown = [s.id for s in pack.enabled_rules() if s.id not in RULES]
        if unknown:
            raise PackError(
                f"policy pack {pack.id} enables rules with no implementation: {unknown}"
            )
        self.pack = pack

    def detect(self, transactions: pd.DataFrame, context: DetectionContext) -> DetectorResult:
        rctx = RuleContext(
            pack=self.pack,
            transactions=transactions,
            history=context.history,
            catalog=context.catalog,
            present_columns=frozenset(context.present_columns) | ALWAYS_PRESENT,
            as_of=context.as_of,
            settings=context.settings or {},
            watchlist=context.watchlist,
            ownership=context.ownership,
            run_going_prices=context.going_prices,
        )
        in_scope = {"all": transactions}
        frames: list[pd.DataFrame] = []
        not_evaluable: list[NotEvaluable] = []
        hits_by_rule: dict[str, int] = {}
        seconds: dict[str, float] = {}
        layers: dict[str, dict[str, Any]] = {}
        in_force_of: dict[str, np.ndarray] = {}  # layer id -> its days in force, every line
        for spec in self.pack.enabled_rules():
            missing = spec.missing_columns(rctx.present_columns)
            if missing:
                not_evaluable.append(NotEvaluable(spec.id, f"needs column(s) {', '.join(missing)}"))
                continue
            if unchecked := spec.unchecked_parts(rctx.present_columns):
                reason = f"partly evaluated, without {'; '.join(unchecked)}"
                not_evaluable.append(NotEvaluable(spec.id, reason))
            if spec.scope not in in_scope:
                in_scope[spec.scope] = transactions[rctx.controlled]
            started = time.perf_counter()
            tx = in_scope[spec.scope]
            layer = self.pack.layer_of(spec.id)
            if layer is not None:  # a dated rule judges only the lines dated while in force
                if layer.id not in in_force_of:  # once per layer, not once per rule
                    in_force_of[layer.id] = layer.in_force_mask(
                        transactions["order_date"]
                    ).to_numpy()
                in_force = in_force_of[layer.id]
                if spec.scope != "all":
                    in_force = in_force[rctx.controlled.to_numpy(dtype=bool)]
                if not in_force.all():  # copy the frame only when some lines fall outside
                    tx = tx[in_force]
                layers.setdefault(layer.id, {"version": layer.version, "lines_in_force": 0})
                layers[layer.id]["lines_in_force"] = max(
                    layers[layer.id]["lines_in_force"], len(tx)
                )
            if tx.empty:
                hits_by_rule[spec.id] = 0
                continue
            try:
                hits = RULES[spec.id](tx, rctx, dict(spec.parameters))
            except RuleNotEvaluable as err:
                not_evaluable.append(NotEvaluable(spec.id, str(err)))
                continue
            frames.append(flag_rows(spec, tx, hits, layer.label if layer else None))
            hits_by_rule[spec.id] = hits.count
            seconds[spec.id] = round(time.perf_counter() - started, 3)
        flags = concat_flags(frames)
        details: dict[str, Any] = {
            "policy_pack": {"id": self.pack.id, "version": self.pack.version},
            "policy_layers": layers,
            "hits_by_rule": hits_by_rule,
            "seconds_by_rule": seconds,
            "controlled_lines": int(rctx.controlled.sum()),
        }
        return DetectorResult(flags=flags, not_evaluable=not_evaluable, details=details)


def flag_rows(
    spec: RuleSpec, tx: pd.DataFrame, hits: RuleHits, layer: str | None = None
) -> pd.DataFrame:
    """The flag rows (one schema) of one rule's hits; a rule brought by a dated layer
    records the layer (`<id>@<version>`) in its evidence."""
    hit_index = hits.mask.index[hits.mask.to_numpy(dtype=bool)]
    if not len(hit_index):
        return empty_flags()
    weight = np.full(len(hit_index), spec.weight, dtype=float)
    if hits.weight is not None:
        weight = hits.weight.reindex(hit_index).astype(float).fillna(spec.weight).to_numpy()
    evidence = hits.evidence.reindex(hit_index)
    if layer is not None:
        evidence = evidence.assign(policy_layer=layer)
    frame = pd.DataFrame(
        {
            "transaction_id": tx.loc[hit_index, "transaction_id"].astype(object).to_numpy(),
            "code": spec.id,
            "source": "rule",
            "title": spec.title,
            "severity": spec.severity,
            "weight": weight,
            "reason": hits.reason.reindex(hit_index).astype(object).to_numpy(),
            "evidence": evidence_records(evidence),
            "citation": spec.citation,
            "recommended_action": spec.recommended_action,
            "hard_stop": spec.hard_stop,
        },
        columns=list(FLAG_COLUMNS),
    )
    return frame


def evidence_records(evidence: pd.DataFrame) -> list[dict[str, Any]]:
    """Evidence rows as JSON-ready dicts: Python numbers, ISO dates, None for missing."""
    if evidence.shape[1] == 0:
        return [{} for _ in range(len(evidence))]
    names = [str(name) for name in evidence.columns]
    columns = [json_ready(evidence[name]).tolist() for name in evidence.columns]
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def json_ready(series: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        out = series.dt.strftime("%Y-%m-%d").astype(object)
    elif pd.api.types.is_bool_dtype(series) and not series.hasnans:
        return series.astype(bool).astype(object)
    elif pd.api.types.is_integer_dtype(series) and not series.hasnans:
        return series.astype(np.int64).astype(object)
    elif pd.api.types.is_float_dtype(series):
        out = series.astype(float).round(4).astype(object)
    else:
        out = series.astype(object)
    return out.where(series.notna(), None)
