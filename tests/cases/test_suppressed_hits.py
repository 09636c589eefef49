"""Scoring an order without the list hits the case store held back."""

from __future__ import annotations

import json

import pandas as pd

from cases.suppressed_hits import apply_to_scored, rescore_without


def flag(tx: str, code: str, source: str, weight: float, hard: bool = False, **evidence):
    return {"transaction_id": tx, "code": code, "source": source, "weight": weight,
            "hard_stop": hard, "evidence": json.dumps(evidence)}  # fmt: skip


FLAGS = pd.DataFrame(
    [
        flag(
            "T-1", "P1", "watchlist", 0.99, True, role="customer", party_name="Alx", entry_id="e1"
        ),
        flag("T-1", "P1", "watchlist", 0.60, False, role="payer", party_name="Bo", entry_id="e2"),
        flag("T-1", "L2", "rule", 0.30),
        flag(
            "T-2", "P1", "watchlist", 0.99, True, role="customer", party_name="Alx", entry_id="e1"
        ),
        flag("T-3", "P1", "watchlist", 0.95, True, role="end_user", party_name="Cy", entry_id="e3"),
    ]
)


def test_only_the_held_back_hit_leaves_the_score():
    hits = {("T-1", "customer", "Alx", "e1"), ("T-2", "customer", "Alx", "e1")}
    rescored = rescore_without(FLAGS, hits).set_index("transaction_id")
    # T-1 keeps its other party's weaker hit and the rule: 1 - 0.4 * 0.7 = 0.72
    assert rescored.loc["T-1", ["risk_score", "flags", "hard_stop"]].tolist() == [
        72,
        "L2;P1",
        False,
    ]
    assert rescored.loc["T-2", ["risk_score", "flags", "hard_stop"]].tolist() == [0, "", False]
    assert "T-3" not in rescored.index


def test_the_scored_rows_take_the_new_score_and_the_case_that_holds_them():
    scored = pd.DataFrame(
        {
            "transaction_id": ["T-1", "T-2", "T-3"],
            "risk_score": [100, 99, 95],
            "flags": ["L2;P1", "P1", "P1"],
            "hard_stop": [True, True, True],
            "case_id": ["C-7", "C-7", "C-8"],
        }
    )
    rescored = rescore_without(
        FLAGS, {("T-1", "customer", "Alx", "e1"), ("T-2", "customer", "Alx", "e1")}
    )
    out = apply_to_scored(scored, rescored, {"T-1": "C-9", "T-2": "C-9"})
    assert out["risk_score"].tolist() == [72, 0, 95]
    assert out["flags"].tolist() == ["L2;P1", "", "P1"]
    assert out["case_id"].tolist() == ["C-9", "C-9", "C-8"]
    fully = apply_to_scored(scored, rescored, {"T-2": ""})  # nothing but the hit: no case
    assert fully["case_id"].tolist() == ["C-7", "", "C-8"]
