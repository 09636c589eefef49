"""Investigators' decisions as training labels for the supervised detector.

A transaction in an escalated or reported case is labelled 1, one in a cleared case 0;
when a transaction sits in cases with both outcomes, the positive label wins. Each row
names its `decision` (the case id): a decided case is one decision however many order
lines it holds.
"""

from __future__ import annotations

import pandas as pd

from cases.store import CaseStore

POSITIVE = ("escalated", "reported")
NEGATIVE = ("cleared",)


def decision_labels(store: CaseStore) -> pd.DataFrame:
    """`transaction_id,label,decision` for every transaction of a decided case."""
    decided = store.list_cases(status=[*POSITIVE, *NEGATIVE])
    cases = store.get_cases([c.case_id for c in decided]) if decided else []
    rows = [
        (tid, 1 if case.status in POSITIVE else 0, case.case_id)
        for case in cases
        for tid in case.transaction_ids
    ]
    labels = pd.DataFrame(rows, columns=["transaction_id", "label", "decision"])
    return (
        labels.sort_values("label", ascending=False, kind="stable")
        .drop_duplicates("transaction_id")
        .sort_values("transaction_id")
        .reset_index(drop=True)
    )
