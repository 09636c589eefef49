"""Investigators' decisions as labels: a decided case is one decision, whatever its lines."""

from __future__ import annotations

from datetime import datetime

from actors import ANN

from cases.feedback import decision_labels
from cases.policy import CasePolicy
from cases.store import CaseStore, RunInfo
from cases.workflow import CaseWorkflow


def test_three_decided_cases_are_three_decisions_over_all_their_lines(tmp_path, make_draft):
    store = CaseStore(f"sqlite:///{tmp_path / 'cases.db'}", CasePolicy(four_eyes=False))
    try:
        drafts = [
            make_draft(customer=f"CUST-{c}", transactions=tuple(f"T-{c}-{i}" for i in range(9)))
            for c in range(3)
        ]
        ids = [c.case_id for c in store.upsert_drafts(drafts, RunInfo("r1", datetime(2026, 11, 2)))]
        workflow = CaseWorkflow(store)
        for case_id, outcome in zip(ids, ("escalated", "cleared", "cleared"), strict=True):
            workflow.decide(case_id, outcome, "checked the end user", ANN)
        labels = decision_labels(store)
    finally:
        store.close()
    assert len(labels) == 27
    assert labels["decision"].nunique() == 3
    assert labels.groupby("decision")["label"].nunique().max() == 1
    assert int(labels["label"].sum()) == 9
