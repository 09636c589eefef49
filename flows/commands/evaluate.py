"""`redflag evaluate --labels FILE [--run DIR] [--out DIR]`: how well a run's flags find the
labelled diversion, for rules and watchlists alone, ML alone and combined.

Reads the run folder's `flags.parquet` and `scored_transactions.csv` (Contract 3 in
docs/ARCHITECTURE.md), joins the
labels (`transaction_id,label[,typology]`), and writes `evaluation.json` and
`pr_curve.png` (default: into the run folder). The figures are `cases.evaluation`'s.
Bad input raises ValueError with one line (exit 2 through the CLI). `evaluate_cli` is the
typer command: register it with `app.command("evaluate")(evaluate_cli)`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from flows.errors import InputError
from flows.settings import load_pipeline_settings

# cases.evaluation (scikit-learn, matplotlib) is imported where it is used, so that
# registering this command keeps `redflag --help` fast.

console = Console()
RUN_FILES = ("flags.parquet", "scored_transactions.csv")
K_VALUES = (50, 100, 500)


def newest_run(workspace: Path) -> Path:
    """The most recently written run folder of the workspace that holds flags.parquet."""
    runs = Path(workspace) / "runs"
    found = sorted(runs.glob("*/flags.parquet"), key=lambda p: (p.stat().st_mtime, p.parent.name))
    if not found:
        raise InputError(
            f"no run with flags.parquet in {runs}; run `redflag run` first or give --run DIR"
        )
    return found[-1].parent


def read_run(run: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(flags, scored transactions) of one run folder."""
    missing = [name for name in RUN_FILES if not (run / name).is_file()]
    if missing:
        raise InputError(f"{run}: not a run folder with flags (missing {', '.join(missing)})")
    flags = pd.read_parquet(run / "flags.parquet")
    scored = pd.read_csv(
        run / "scored_transactions.csv",
        dtype={"transaction_id": "str", "flags": "str", "case_id": "str"},
        keep_default_na=False,
    )
    flags["transaction_id"] = flags["transaction_id"].astype("str")
    return flags, scored


def read_evaluation_labels(path: Path) -> pd.DataFrame:
    """`transaction_id,label` (1 diversion, 0 clean), keeping `typology` when present."""
    from detectors.ml.labels import check_labels, read_label_csv

    raw = read_label_csv(path)
    labels = check_labels(raw, str(path))
    if "typology" in raw.columns:
        labels["typology"] = raw["typology"].to_numpy()
    return labels


def evaluate_command(
    labels: Path, run: Path | None, workspace: Path, out: Path | None
) -> dict[str, Any]:
    """Evaluate a run against labels; writes evaluation.json and pr_curve.png, prints a
    table, and returns the evaluation."""
    from cases.evaluation import evaluate_scores, family_scores, pr_curve_png, typology_recall

    truth = read_evaluation_labels(labels)
    run = Path(run) if run else newest_run(workspace)
    flags, scored = read_run(run)
    joined = scored[["transaction_id", "case_id"]].merge(truth, on="transaction_id", how="inner")
    if joined.empty:
        raise InputError(
            f"none of the {len(truth)} labelled transaction(s) in {labels} is in the run {run}"
        )
    scores = family_scores(flags, joined["transaction_id"])
    scores["case_id"] = joined["case_id"].to_numpy()
    cases = load_pipeline_settings().get("cases", {})
    threshold = float(cases.get("open_threshold", 40))
    floor = int(cases.get("hard_stop_floor", 80))
    result = evaluate_scores(scores, joined["label"], K_VALUES, threshold, floor)
    result |= {
        "run": str(run),
        "labels_file": str(labels),
        "labels_not_in_run": int(len(truth) - len(joined)),
        "run_transactions_unlabelled": int(len(scored) - len(joined)),
    }
    if "typology" in joined.columns:
        recall = typology_recall(scores, joined["typology"], threshold)
        result["typology_recall"] = recall.to_dict("records")
    target = Path(out) if out else run
    target.mkdir(parents=True, exist_ok=True)
    (target / "evaluation.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    pr_curve_png(scores, joined["label"], target / "pr_curve.png", floor)
    print_evaluation(result)
    console.print(f"wrote {target / 'evaluation.json'} and {target / 'pr_curve.png'}")
    return result


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def print_evaluation(result: dict[str, Any]) -> None:
    """The family x figure table, the case-level precision and the recall per typology."""
    from cases.evaluation import FAMILIES, FAMILY_LABELS

    out = console if console.is_terminal else Console(width=160)
    ks = [str(k) for k in result["k_values"]]
    table = Table(
        "family",
        "PR-AUC",
        *[f"P@{k}" for k in ks],
        "in a case",
        f"precision @{result['threshold']:g}",
        f"recall @{result['threshold']:g}",
        *([f"cases P@{k}" for k in ks] if "cases" in result["families"]["combined"] else []),
        title=f"{result['transactions']:,} labelled transactions, {result['positives']:,} diversion",
    )
    for family, figures in result["families"].items():
        at = figures["at_threshold"]
        table.add_row(
            FAMILY_LABELS[family],
            _figure(figures["pr_auc"]),
            *[_figure(figures["precision_at_k"][k]) for k in ks],
            f"{at['in_case']:,}",
            _figure(at["precision"]),
            _figure(at["recall"]),
            *[_figure(figures["cases"]["precision_at_k"][k]) for k in ks if "cases" in figures],
        )
    out.print(table)
    if result.get("typology_recall"):
        by_type = Table("typology", "transactions", *[FAMILY_LABELS[f] for f in FAMILIES])
        by_type.title = (
            f"share of each typology in a case (risk >= {result['threshold']:g} or hard stop)"
        )
        for row in result["typology_recall"]:
            by_type.add_row(
                row["typology"],
                f"{row['transactions']:,}",
                *[_figure(row.get(f)) for f in FAMILIES],
            )
        out.print(by_type)


def evaluate_cli(
    ctx: typer.Context,
    labels: Annotated[
        Path,
        typer.Option(
            "--labels",
            help="CSV of transaction_id,label (1 = diversion, 0 = clean), optionally typology.",
        ),
    ],
    run: Annotated[
        Path | None,
        typer.Option(
            "--run", help="Run folder to evaluate. Default: the newest run of the workspace."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Where to write evaluation.json and pr_curve.png. Default: the run folder.",
        ),
    ] = None,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace",
            help="Folder for state that outlives a run. Default: $REDFLAG_HOME, else "
            "./redflag-workspace.",
        ),
    ] = None,
) -> None:
    """PR-AUC, precision at the top k and recall of a run's flags against labels, for rules
    and watchlists alone, ML alone and combined; saves a precision-recall plot."""
    from flows.commands.guard import run_guarded, workspace_of

    run_guarded(lambda: evaluate_command(labels, run, workspace_of(ctx, workspace), out))


app = typer.Typer()
app.command("evaluate")(evaluate_cli)
