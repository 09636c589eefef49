"""From flags to transaction risk, case drafts and case ids."""

from __future__ import annotations

import pandas as pd
import pytest

from cases.grouping import attach_case_ids, build_drafts, score_transactions
from detectors.schema import FLAG_COLUMNS, empty_canonical_frame

SETTINGS = {"open_threshold": 40, "priority": {"high": 70, "medium": 50}, "hard_stop_floor": 80}


def orders(n: int, customer: str = "C-1") -> pd.DataFrame:
    frame = empty_canonical_frame().reindex(range(n))
    frame["transaction_id"] = [f"T-{i}" for i in range(n)]
    frame["customer_id"] = customer
    frame["customer_name"] = "Harbour Compute Ltd"
    frame["customer_country"] = "SG"
    frame["order_date"] = pd.Timestamp("2026-05-01")
    return frame


def flag(tx: str, code: str, weight: float, hard_stop: bool = False, source: str = "rule") -> dict:
    row = dict.fromkeys(FLAG_COLUMNS, "")
    row.update(transaction_id=tx, code=code, source=source, title=code, severity="medium",
               weight=weight, reason=f"{code} on {tx}", evidence={"tx": tx}, citation="KYC",
               hard_stop=hard_stop)  # fmt: skip
    return row


def test_weights_combine_as_noisy_or_with_the_strongest_flag_per_code():
    tx = orders(3)
    flags = pd.DataFrame([flag("T-0", "L2", 0.2), flag("T-0", "L2", 0.1), flag("T-0", "F1", 0.3),
                          flag("T-1", "E1", 0.95, hard_stop=True)])  # fmt: skip
    scored = score_transactions(tx, flags).set_index("transaction_id")
    assert scored.loc["T-0", "risk_score"] == round(100 * (1 - 0.8 * 0.7))
    assert scored.loc["T-0", "flags"] == "F1;L2"
    assert scored.loc["T-1", "hard_stop"] and scored.loc["T-2", "risk_score"] == 0


def test_every_transaction_keeps_its_evidence_in_the_case():
    tx = orders(40)
    flags = pd.DataFrame([flag(t, "P4", 0.45) for t in tx["transaction_id"]])
    scored = score_transactions(tx, flags)
    [draft] = build_drafts(tx, flags, scored, SETTINGS)
    [case_flag] = draft.flags
    assert case_flag.evidence["transactions"] == 40
    assert set(case_flag.evidence["by_transaction"]) == set(tx["transaction_id"])
    assert draft.priority == "low" and draft.risk_score == 45


@pytest.mark.parametrize(
    ("weight", "hard", "in_case"), [(0.39, False, False), (0.4, False, True), (0.1, True, True)]
)
def test_case_ids_only_for_transactions_worth_a_case(weight, hard, in_case):
    tx = orders(1)
    flags = pd.DataFrame([flag("T-0", "Q5", weight, hard_stop=hard)])
    scored = score_transactions(tx, flags)
    drafts = build_drafts(tx, flags, scored, SETTINGS)
    assert len(drafts) == int(in_case)
    with_ids = attach_case_ids(scored, tx, {"customer:C-1": "C-000007"}, SETTINGS)
    assert with_ids.loc[0, "case_id"] == ("C-000007" if in_case else "")
    if hard:
        assert drafts[0].risk_score == 80 and drafts[0].priority == "high"
