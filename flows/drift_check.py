"""Drift in a daily run: each partition counts its orders' features into the bins of the
active anomaly model's training data; the flow adds the counts up, compares them with the
reference (PSI per feature, `detectors.ml.drift`) and today's share of lines in a case with
the last weeks' runs. Beyond the thresholds of `drift` in configs/ml.yaml the run summary
says so and the anomaly model is refitted at the next run.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from detectors.base import DetectionContext
from detectors.ml.drift import add_counts, bin_counts, drift_report


def partition_drift_counts(
    setup: Any, orders: pd.DataFrame, context: DetectionContext
) -> dict[str, list[float]] | None:
    """This partition's features in the reference bins; None without an anomaly model that
    carries a reference."""
    detector = setup.detectors.get("ml_anomaly")
    reference = getattr(getattr(detector, "model", None), "training", {}).get("reference")
    if detector is None or not reference or orders.empty:
        return None
    table = detector.shared.table(orders, context.history, context.policy, context.catalog)
    return bin_counts(table, reference)


def run_drift(
    results: list[Any], setup: Any, workspace: Any, summary: dict[str, Any]
) -> dict[str, Any]:
    """The run's drift report; asks for an anomaly refit when drifted."""
    from detectors.ml.refit import REFIT_REQUEST
    from detectors.ml.settings import load_ml_settings

    detector = setup.detectors.get("ml_anomaly")
    reference = getattr(getattr(detector, "model", None), "training", {}).get("reference")
    if not reference:
        return {"drifted": False, "message": "no anomaly model with a training reference yet"}
    params = load_ml_settings(setup.settings).get("drift", {})
    counts = add_counts(r.details.get("drift", {}).get("counts", {}) for r in results)
    accepted = summary["counts"].get("rows_accepted", 0)
    share = summary["counts"].get("transactions_in_cases", 0) / accepted if accepted else None
    recent = recent_case_shares(
        workspace.case_store_url, summary["run_id"], int(params.get("recent_days", 28))
    )
    report = drift_report(
        reference,
        counts,
        threshold=float(params.get("psi_threshold", 0.25)),
        case_share=share,
        recent_shares=recent,
        case_share_ratio=float(params.get("case_share_ratio", 2.0)),
    )
    if report["drifted"]:
        marker = Path(workspace.models) / REFIT_REQUEST
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps({"run_id": summary["run_id"], "why": report["message"]}))
        report["anomaly_refit"] = "requested: the next run refits the anomaly model"
    return report


def recent_case_shares(store_url: str, run_id: str, days: int) -> list[float]:
    """Share of accepted lines that reached a case, per finished run of the last `days`."""
    from cases.tables import runs

    since = datetime.now(UTC) - timedelta(days=days)
    engine = sa.create_engine(store_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(runs.c.run_id, runs.c.started_at, runs.c.summary_json).where(
                    runs.c.run_id != run_id, runs.c.summary_json.is_not(None)
                )
            ).all()
    except sa.exc.SQLAlchemyError:
        return []
    finally:
        engine.dispose()
    shares = []
    for row in rows:
        started = row.started_at
        if started is not None and started.tzinfo is None:
            started = started.replace(tzinfo=UTC)
        if started is not None and started < since:
            continue
        counts = (json.loads(row.summary_json or "null") or {}).get("counts", {})
        if counts.get("rows_accepted"):
            shares.append(counts.get("transactions_in_cases", 0) / counts["rows_accepted"])
    return shares
