"""Behaviour red flags Q5 (declined installation) and B1 (end-use statement, evasive use)."""

from __future__ import annotations

import pytest
from rule_orders import codes_of, flag_of, not_evaluable

CASES = {
    "declined": {"declined_installation": True},
    "declined-cables": {"declined_installation": True, "item_sku": "MLX-CBL-400G-3M"},
    "no-statement": {"end_use_statement_received": False},
    "resale": {"end_use": "Resale"},
    "general-use": {"end_use": "general use"},
    "both": {"end_use_statement_received": False, "end_use": "N/A"},
    "specific-resale": {"end_use": "Resale to named enterprise end user for on-premise AI"},
    "statement-unknown": {"end_use_statement_received": None},
    "clean": {},
}


@pytest.fixture(scope="module")
def result(scenarios):
    return scenarios(CASES)


def test_declined_installation(result):
    flag = flag_of(result, "Q5", "declined")
    assert "declined installation" in flag["reason"] and "NV-H100-SXM5-80G" in flag["reason"]


@pytest.mark.parametrize("case", ["declined-cables", "clean"])
def test_q5_quiet_for_accepted_installation_or_uncontrolled_items(result, case):
    assert "Q5" not in codes_of(result, case)


@pytest.mark.parametrize(
    "case, fragment",
    [
        ("no-statement", "No end-use statement received"),
        ("resale", "'Resale' is evasive"),
        ("general-use", "'general use' is evasive"),
        ("both", "No end-use statement received; stated end use 'N/A' is evasive"),
    ],
)
def test_missing_statement_or_evasive_end_use(result, case, fragment):
    assert fragment in flag_of(result, "B1", case)["reason"]


@pytest.mark.parametrize("case", ["specific-resale", "statement-unknown", "clean"])
def test_b1_quiet_for_specific_end_use_or_unknown_statement(result, case):
    assert "B1" not in codes_of(result, case)


def test_b1_needs_the_statement_or_the_end_use(scenarios):
    assert not_evaluable(scenarios({"x": {}}, present={"customer_address"}))["B1"] == (
        "needs column(s) end_use_statement_received or end_use"
    )
    only_end_use = scenarios({"resale": CASES["resale"]}, present={"end_use"})
    assert "B1" in codes_of(only_end_use, "resale")


def test_b1_weighs_more_with_neither_statement_nor_real_end_use(scenarios):
    result = scenarios({
        "no-statement-blank-use": {"end_use_statement_received": False, "end_use": None},
        "no-statement-vague-use": {"end_use_statement_received": False, "end_use": "customer project"},
        "no-statement-real-use": {"end_use_statement_received": False},
        "statement-vague-use": {"end_use": "IT equipment"},
    })  # fmt: skip
    assert flag_of(result, "B1", "no-statement-blank-use")["weight"] == 0.3
    assert flag_of(result, "B1", "no-statement-vague-use")["weight"] == 0.3
    assert flag_of(result, "B1", "no-statement-real-use")["weight"] == 0.2
    assert flag_of(result, "B1", "statement-vague-use")["weight"] == 0.2


# ---- B1: wordings that withhold the use, in English and Chinese ----------------------

WORDINGS = {
    "labelled-resale": "End use: resale",
    "labelled-tbd": "End-use statement: TBD",
    "cannot-disclose": "We cannot disclose the end user's application",
    "prefer-not": "Customer prefers not to say",
    "undisclosed": "Undisclosed project",
    "nda": "Under NDA",
    "zh-confidential": "保密",
    "zh-not-convenient": "不方便透露",
    "zh-labelled-tbd": "用途：待定",
    "zh-resale-alone": "转售",
}
ORDINARY = {
    "confidential-computing": "Confidential computing for our bank client's fraud models",
    "labelled-real-use": "End use: training speech models in our Austin data centre",
    "zh-licensed-resale": "本地客户转售（已取得许可证）",
    "zh-medical-imaging": "医学影像分析",
    "stock-for-dealers": "Stock for resale to our dealer network",
    "training": "Training",
}


@pytest.fixture(scope="module")
def wordings(scenarios):
    cases = {name: {"end_use": text} for name, text in {**WORDINGS, **ORDINARY}.items()}
    return scenarios(cases)


@pytest.mark.parametrize("case", list(WORDINGS))
def test_b1_reads_withheld_and_vague_wordings(wordings, case):
    flag = flag_of(wordings, "B1", case)
    assert flag["evidence"]["evasive_end_use"] is True
    wording = flag["evidence"]["evasive_wording"]
    assert wording and wording in WORDINGS[case]
    assert f"(it reads '{wording}')" in flag["reason"]


@pytest.mark.parametrize("case", list(ORDINARY))
def test_b1_quiet_for_ordinary_wordings(wordings, case):
    assert "B1" not in codes_of(wordings, case)
