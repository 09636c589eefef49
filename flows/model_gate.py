"""The gate of `redflag train`: a candidate supervised model against the active configuration
on a hold-out of decided orders (`detectors.ml.gate` defines the split and the verdict).

Both sides are scored as a daily run scores them: the rule pack's flags, the active anomaly
model's flags, and the supervised flags (the active model's, or the candidate's), combined
into the case risk by `cases.grouping.score_transactions`; a line is in a case at
`cases.open_threshold` or with a hard-stop flag. Watchlist hits are not re-screened here:
they are the same on both sides.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cases.grouping import in_case, score_transactions
from detectors.base import DetectionContext, concat_flags
from detectors.ml.features import SharedFeatures
from detectors.ml.gate import GateVerdict, compare
from detectors.ml.supervised import SupervisedDetector, TrainedModel


def gate_supervised(
    workspace: Path,
    holdout: pd.DataFrame,
    table: pd.DataFrame,
    y: np.ndarray,
    candidate: TrainedModel,
    settings: Mapping[str, Any],
    catalog: pd.DataFrame,
) -> GateVerdict:
    """The verdict on `candidate` over the hold-out lines `holdout` (canonical rows, with
    their feature table `table` and labels `y`)."""
    from detectors.ml.settings import load_ml_settings, ml_detectors
    from detectors.rules.loading import load_pack
    from flows.settings import CONFIGS_DIR, load_pipeline_settings, merge

    pipeline = merge(load_pipeline_settings(), dict(settings or {}))
    ml = load_ml_settings(settings)
    pack = load_pack(CONFIGS_DIR, pipeline.get("policy_pack", "default"))
    holdout = holdout.reset_index(drop=True)
    table = table.reset_index(drop=True)
    history = holdout.iloc[:0]
    context = DetectionContext(
        history=history,
        present_columns=frozenset(holdout.columns),
        policy=pack.policy,
        catalog=catalog,
        as_of=pd.to_datetime(holdout["order_date"]).max().date() if len(holdout) else date.today(),
        settings=pipeline,
    )
    from detectors.rules.engine import RuleEngine

    base = [RuleEngine(pack).detect(holdout, context).flags]
    detectors, versions, _ = ml_detectors(Path(workspace) / "models", settings)
    shared = SharedFeatures(ml.get("features", {}))
    shared.remember(holdout, history, table)
    for detector in detectors.values():
        detector.shared = shared
    if "ml_anomaly" in detectors:
        base.append(detectors["ml_anomaly"].detect(holdout, context).flags)
    new = SupervisedDetector(candidate, "candidate", ml, shared).detect(holdout, context).flags
    if "ml_supervised" in detectors:
        old = detectors["ml_supervised"].detect(holdout, context).flags
        label = f"the active model {versions['supervised']}"
    else:
        old, label = base[0].iloc[:0], "rules without a supervised model"
    cases = pipeline.get("cases", {})
    sides = []
    for extra in (new, old):
        scored = score_transactions(holdout, concat_flags([*base, extra]))
        sides.append(
            (
                scored["risk_score"].to_numpy(float),
                in_case(scored, cases).to_numpy(),
                scored["hard_stop"].to_numpy(),
            )
        )
    floor = float(cases.get("hard_stop_floor", 80))
    return compare(y, sides[0], sides[1], label, ml.get("gate", {}), floor)
