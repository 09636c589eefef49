"""Cells a spreadsheet would run are written inert in the CSV files people open."""

from __future__ import annotations

import pandas as pd

from cases.csv_cells import inert_cell
from cases.run_outputs import write_rejected
from flows.commands.matching import match_pairs

HOSTILE = [
    '=HYPERLINK("http://x.test","open")',
    "@SUM(A1:A9)",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "\tTab",
    "\rCR",
]


def test_formula_starts_get_an_apostrophe_and_numbers_and_names_do_not():
    assert [inert_cell(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    for plain in ("-5", "+3.5", "-0.25e3", "Acme = Best", "ACME Ltd", "", None, 7.5):
        assert inert_cell(plain) == plain


def test_rejected_rows_keep_their_text_but_not_as_formulas(tmp_path):
    rejected = pd.DataFrame(
        {
            "transaction_id": ["T-1", "T-2"],
            "customer_name": [HOSTILE[0], "Acme"],
            "quantity": ["-5", "1"],
            "reject_reason": ["quantity: must be > 0", "x"],
        }
    )
    path = write_rejected(tmp_path, rejected)
    written = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert written["customer_name"].tolist() == ["'" + HOSTILE[0], "Acme"]
    assert written["quantity"].tolist() == ["-5", "1"]


def test_match_pairs_output_is_inert(tmp_path):
    pairs = tmp_path / "pairs.csv"
    pd.DataFrame({"name1": ["@SUM(A1:A9)"], "name2": ["Acme Ltd"]}).to_csv(pairs, index=False)
    match_pairs(pairs, tmp_path / "out.csv")
    written = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert written["name1"].tolist() == ["'@SUM(A1:A9)"]
