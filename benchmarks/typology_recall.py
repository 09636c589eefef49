"""How many labelled diversion transactions end in a case, per typology, and how many clean ones do.

    python benchmarks/typology_recall.py --rows 20000 --seed 20261127

Generates labelled data with the bundled generator (use a seed not used in development),
runs the real daily flow on it against the generated restricted list, and joins
`scored_transactions.csv` with the labels.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import pandas as pd

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def recall_table(scored: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    joined = scored.merge(labels, on="transaction_id", how="inner")
    joined["in_case"] = joined["case_id"].fillna("") != ""
    joined["typology"] = joined["typology"].fillna("").replace("", "(clean)")
    table = joined.groupby("typology").agg(
        transactions=("in_case", "size"), in_a_case=("in_case", "sum")
    )
    table["share"] = (table["in_a_case"] / table["transactions"]).round(3)
    return table.sort_index()


def clean_firing(
    scored: pd.DataFrame, labels: pd.DataFrame, flags: pd.DataFrame | None
) -> pd.DataFrame:
    """Each flag code's firing rate on clean lines, and its most frequent reasons there
    (the reason with digits and quoted names blanked, so that like reasons count together)."""
    joined = scored.merge(labels, on="transaction_id", how="inner")
    clean = joined[joined["label"] != "1"]
    codes = clean["flags"].str.split(";").explode()
    codes = codes[codes.fillna("") != ""]
    table = (codes.value_counts() / max(len(clean), 1)).rename("clean_rate").to_frame()
    table["clean_lines"] = codes.value_counts()
    if flags is not None and len(flags):
        on_clean = flags[flags["transaction_id"].isin(clean["transaction_id"])]
        shape = (
            on_clean["reason"]
            .astype(str)
            .str.replace(r"'[^']*'", "'…'", regex=True)
            .str.replace(r"\b[A-Z]{2,}[-0-9A-Z]*\b", "X", regex=True)
            .str.replace(r"\d[\d,.]*", "n", regex=True)
            .str.slice(0, 90)
        )
        top = (
            on_clean.assign(shape=shape)
            .groupby("code")["shape"]
            .agg(lambda s: " | ".join(f"{k} ({v})" for k, v in s.value_counts().head(2).items()))
        )
        table["top_causes"] = top.reindex(table.index)
    return table.sort_values("clean_rate", ascending=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--keep", type=Path, default=None, help="keep inputs and outputs here")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="redflag-recall-"))
    folder.mkdir(parents=True, exist_ok=True)

    from flows.commands.generate import generate_command
    from flows.daily import daily_screening

    generate_command(
        rows=args.rows,
        seed=args.seed,
        out=folder / "orders.csv",
        labels=folder / "labels.csv",
        watchlist_out=folder / "restricted_parties.csv",
    )
    daily_screening(
        transactions=[str(folder / "orders.csv")],
        workspace=str(folder / "workspace"),
        watchlist=[str(folder / "restricted_parties.csv")],
        out=str(folder / "run"),
    )
    scored = pd.read_csv(
        folder / "run" / "scored_transactions.csv", dtype=str, keep_default_na=False
    )
    labels = pd.read_csv(folder / "labels.csv", dtype=str, keep_default_na=False)
    table = recall_table(scored, labels)
    print(table.to_string())
    flagged = scored.merge(labels, on="transaction_id")
    bad = flagged["label"] == "1"
    print(
        f"\nlabelled diversion in a case: {(flagged['case_id'][bad] != '').mean():.1%}; "
        f"clean transactions in a case: {(flagged['case_id'][~bad] != '').mean():.2%}"
    )
    flags_file = folder / "run" / "flags.parquet"
    flags = (
        pd.read_parquet(flags_file, columns=["transaction_id", "code", "reason"])
        if flags_file.exists()
        else None
    )
    firing = clean_firing(scored, labels, flags)
    with pd.option_context("display.max_colwidth", 200, "display.width", 250):
        print("\nfiring rate of each flag on clean lines, with its most frequent reasons there:")
        print(firing.to_string(formatters={"clean_rate": "{:.2%}".format}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
