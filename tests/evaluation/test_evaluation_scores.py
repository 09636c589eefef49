"""Risk per detector family, PR-AUC, precision at k and the case-level figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from evaluation_flags import flag, flag_frame

from cases.evaluation import evaluate_scores, family_scores, precision_at_k, typology_recall
from cases.grouping import score_transactions

IDS = pd.Series(["T-1", "T-2", "T-3", "T-4", "T-5", "T-6"])


def test_combined_family_is_the_risk_the_case_queue_sees(mixed_flags):
    scores = family_scores(mixed_flags, IDS)
    expected = score_transactions(pd.DataFrame({"transaction_id": IDS}), mixed_flags)
    assert scores["transaction_id"].tolist() == IDS.tolist()
    assert scores["combined"].tolist() == expected["risk_score"].tolist()
    assert scores["combined_hard_stop"].tolist() == expected["hard_stop"].tolist()


def test_each_family_sees_only_its_own_flags(mixed_flags):
    scores = family_scores(mixed_flags, IDS).set_index("transaction_id")
    # T-1: rules L2 0.30 and F1 0.25 -> 1 - 0.7*0.75 = 47.5; ML 0.60 -> 60
    assert scores.loc["T-1", "rules_and_lists"] == 48
    assert scores.loc["T-1", "ml"] == 60
    assert scores.loc["T-3", "rules_and_lists"] == 95  # strongest P1 hit only
    assert scores.loc["T-3", "rules_and_lists_hard_stop"]
    assert not scores.loc["T-3", "ml_hard_stop"]
    assert scores.loc["T-4", "rules_and_lists"] == 0
    assert scores.loc["T-6", ["rules_and_lists", "ml", "combined"]].tolist() == [0, 0, 0]


def test_no_flags_at_all_scores_every_transaction_zero():
    scores = family_scores(flag_frame([]), IDS)
    assert (scores[["rules_and_lists", "ml", "combined"]] == 0).all().all()


def test_pr_auc_is_one_when_risk_separates_the_classes_and_drops_when_shuffled():
    rng = np.random.default_rng(7)
    labels = np.r_[np.ones(20, int), np.zeros(180, int)]
    risk = np.r_[rng.integers(60, 100, 20), rng.integers(0, 40, 180)]
    separated = pd.DataFrame({"combined": risk})
    shuffled = pd.DataFrame({"combined": rng.permutation(risk)})
    assert evaluate_scores(separated, labels)["families"]["combined"]["pr_auc"] == 1.0
    assert evaluate_scores(shuffled, labels)["families"]["combined"]["pr_auc"] < 0.5


def test_precision_at_k_counts_the_top_k_and_shares_ties_at_the_cut():
    labels = np.array([1, 0, 1, 1, 0, 0])
    score = np.array([90, 80, 70, 50, 50, 10])
    assert precision_at_k(labels, score, 1) == 1.0
    assert precision_at_k(labels, score, 2) == 0.5
    assert precision_at_k(labels, score, 3) == pytest.approx(2 / 3)
    # the 4th place is one of two tied at 50 (one positive): half a positive expected
    assert precision_at_k(labels, score, 4) == pytest.approx(2.5 / 4)
    assert precision_at_k(labels, score, 7) is None


def test_threshold_figures_count_hard_stops_below_the_threshold_as_cases():
    records = [
        flag("A", "E1", "rule", 0.20, hard_stop=True),  # risk 20, but a hard stop
        flag("B", "L2", "rule", 0.45),
        flag("C", "L2", "rule", 0.30),
    ]
    scores = family_scores(flag_frame(records), pd.Series(["A", "B", "C", "D"]))
    result = evaluate_scores(scores, [1, 0, 1, 0], k_values=(1, 2))
    rules = result["families"]["rules_and_lists"]["at_threshold"]
    assert (rules["in_case"], rules["true_positives"], rules["false_positives"]) == (2, 1, 1)
    assert rules["precision"] == 0.5 and rules["recall"] == 0.5
    # the hard stop ranks at the case floor (80), above the 45 of B
    assert result["families"]["rules_and_lists"]["precision_at_k"]["1"] == 1.0


def test_a_case_is_positive_when_any_of_its_transactions_is():
    scores = pd.DataFrame(
        {
            "combined": [90, 20, 85, 70, 10],
            "case_id": ["C-1", "C-1", "C-2", "C-3", ""],
        }
    )
    result = evaluate_scores(scores, [0, 1, 0, 1, 1], k_values=(1, 2, 3))
    cases = result["families"]["combined"]["cases"]
    assert cases["cases"] == 3 and cases["positive"] == 2  # the uncased row is not a case
    # ranked by their riskiest transaction: C-1 (90, positive), C-2 (85), C-3 (70, positive)
    assert cases["precision_at_k"] == {"1": 1.0, "2": 0.5, "3": pytest.approx(2 / 3)}


def test_typology_recall_is_the_share_of_each_typology_in_a_case():
    scores = pd.DataFrame({"rules_and_lists": [50, 10, 90, 0], "combined": [50, 45, 90, 0]})
    typology = pd.Series(["structuring", "structuring", "shell_front", ""])
    table = typology_recall(scores, typology).set_index("typology")
    assert table.loc["structuring", "transactions"] == 2
    assert table.loc["structuring", "rules_and_lists"] == 0.5
    assert table.loc["structuring", "combined"] == 1.0
    assert "" not in table.index


def test_labels_of_another_length_are_refused():
    with pytest.raises(ValueError, match="3 labels for 2 scored transactions"):
        evaluate_scores(pd.DataFrame({"combined": [1, 2]}), [0, 1, 0])
