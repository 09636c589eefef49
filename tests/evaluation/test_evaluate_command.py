"""`redflag evaluate` on a run folder written the way the daily run writes it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
import typer
from evaluation_flags import flag, flag_frame
from typer.testing import CliRunner

from cases.grouping import score_transactions
from cases.run_outputs import write_flags, write_scored
from flows.cli import main_options
from flows.commands.evaluate import evaluate_cli, evaluate_command

# (transaction id, label, typology, flags) of a small labelled run
ORDERS = [
    ("T-1", 1, "transshipment_forwarder", [("L2", "rule", 0.3), ("F1", "rule", 0.35)]),
    ("T-2", 1, "unlicensed_china", [("E1", "rule", 0.9, True)]),
    ("T-3", 1, "cash_premium", [("ML-SUPERVISED", "ml", 0.55)]),
    ("T-4", 0, "", [("L2", "rule", 0.3)]),
    ("T-5", 0, "", [("ML-ANOMALY", "ml", 0.15)]),
    ("T-6", 0, "", []),
    ("T-7", 0, "", []),
    ("T-8", 1, "watchlist_party", [("P1", "watchlist", 0.92, True)]),
]


def write_run(folder: Path) -> Path:
    folder.mkdir(parents=True)
    flags = flag_frame([flag(tx, *spec) for tx, _, _, specs in ORDERS for spec in specs])
    transactions = pd.DataFrame({"transaction_id": [o[0] for o in ORDERS]})
    scored = score_transactions(transactions, flags)
    in_case = (scored["risk_score"] >= 40) | scored["hard_stop"]
    scored["case_id"] = ["C-000001" if c else "" for c in in_case]
    write_scored(folder, scored)
    write_flags(folder, flags)
    return folder


def write_labels(path: Path, with_typology: bool = True) -> Path:
    frame = pd.DataFrame(
        {
            "transaction_id": [o[0] for o in ORDERS],
            "label": [o[1] for o in ORDERS],
            "typology": [o[2] for o in ORDERS],
        }
    )
    frame.to_csv(path, index=False, columns=None if with_typology else ["transaction_id", "label"])
    return path


def test_evaluate_writes_figures_and_a_png_into_the_run_folder(tmp_path, capsys):
    run = write_run(tmp_path / "ws" / "runs" / "20261127T060000-abcd")
    labels = write_labels(tmp_path / "labels.csv")
    result = evaluate_command(labels, run, tmp_path / "ws", None)

    saved = json.loads((run / "evaluation.json").read_text())
    assert saved["transactions"] == 8 and saved["positives"] == 4
    combined = saved["families"]["combined"]
    assert combined["at_threshold"]["recall"] == 1.0  # every diversion row reaches a case
    assert saved["families"]["rules_and_lists"]["at_threshold"]["recall"] == 0.75  # not T-3
    assert saved["families"]["ml"]["at_threshold"]["true_positives"] == 1
    assert combined["pr_auc"] > saved["families"]["rules_and_lists"]["pr_auc"]
    assert combined["cases"]["cases"] == 1
    recall = {row["typology"]: row for row in saved["typology_recall"]}
    assert recall["cash_premium"]["rules_and_lists"] == 0.0
    assert recall["cash_premium"]["combined"] == 1.0
    png = run / "pr_curve.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5_000
    assert result["run"] == str(run)
    printed = capsys.readouterr().out
    assert "PR-AUC" in printed and "cash_premium" in printed


def test_evaluate_picks_the_newest_run_and_writes_to_out(tmp_path):
    workspace = tmp_path / "ws"
    older = write_run(workspace / "runs" / "20261125T060000-aaaa")
    newer = write_run(workspace / "runs" / "20261126T060000-bbbb")
    os.utime(older / "flags.parquet", (1_000_000_000, 1_000_000_000))
    (workspace / "runs" / "20261127T060000-cccc").mkdir()  # a run that failed before its flags
    labels = write_labels(tmp_path / "labels.csv", with_typology=False)
    out = tmp_path / "report"
    result = evaluate_command(labels, None, workspace, out)
    assert result["run"] == str(newer)
    assert (out / "evaluation.json").exists() and (out / "pr_curve.png").stat().st_size > 0
    assert "typology_recall" not in result
    assert not (newer / "evaluation.json").exists()


def test_labels_of_other_transactions_are_counted_not_evaluated(tmp_path):
    run = write_run(tmp_path / "run")
    labels = tmp_path / "labels.csv"
    pd.DataFrame({"transaction_id": ["T-1", "T-4", "T-99"], "label": [1, 0, 1]}).to_csv(
        labels, index=False
    )
    result = evaluate_command(labels, run, tmp_path, tmp_path / "out")
    assert result["transactions"] == 2
    assert result["labels_not_in_run"] == 1
    assert result["run_transactions_unlabelled"] == 6


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("transaction_id,outcome\nT-1,1\n", "missing column(s) label"),
        ("transaction_id,label\nT-1,maybe\n", "label must be 0 or 1"),
        ("transaction_id,label\nX-1,1\nX-2,0\n", "none of the 2 labelled transaction(s)"),
    ],
)
def test_bad_labels_are_refused_in_one_line(tmp_path, content, message):
    run = write_run(tmp_path / "run")
    labels = tmp_path / "labels.csv"
    labels.write_text(content)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")) as error:
        evaluate_command(labels, run, tmp_path, None)
    assert "\n" not in str(error.value)


def test_a_workspace_without_runs_says_what_to_do(tmp_path):
    labels = write_labels(tmp_path / "labels.csv")
    with pytest.raises(ValueError, match="no run with flags.parquet.*redflag run"):
        evaluate_command(labels, None, tmp_path / "ws", None)


def test_a_folder_that_is_not_a_run_is_refused(tmp_path):
    labels = write_labels(tmp_path / "labels.csv")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="missing flags.parquet, scored_transactions.csv"):
        evaluate_command(labels, tmp_path / "empty", tmp_path, None)


def test_a_missing_labels_file_is_named(tmp_path):
    with pytest.raises(ValueError, match="nope.csv: no such labels file"):
        evaluate_command(tmp_path / "nope.csv", None, tmp_path, None)


def cli_app() -> typer.Typer:
    """The command as `redflag` registers it, on its own app so the test leaves the CLI alone."""
    app = typer.Typer()
    app.callback()(main_options)
    app.command("evaluate")(evaluate_cli)
    return app


def test_the_command_line_exits_0_and_2_with_one_line_errors(tmp_path):
    workspace = tmp_path / "ws"
    write_run(workspace / "runs" / "20261127T060000-abcd")
    labels = write_labels(tmp_path / "labels.csv")
    runner = CliRunner()
    done = runner.invoke(
        cli_app(), ["--workspace", str(workspace), "evaluate", "--labels", str(labels)]
    )
    assert done.exit_code == 0, done.output
    assert (workspace / "runs" / "20261127T060000-abcd" / "evaluation.json").exists()

    (tmp_path / "bad.csv").write_text("id,label\nT-1,1\n")
    failed = runner.invoke(
        cli_app(),
        ["--workspace", str(workspace), "evaluate", "--labels", str(tmp_path / "bad.csv")],
    )
    assert failed.exit_code == 2
    assert failed.stderr.strip().count("\n") == 0
    assert "missing column(s) transaction_id" in failed.stderr
