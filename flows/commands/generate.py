"""`redflag generate`: synthetic orders with labelled diversion typologies, their labels and
a matching fictional restricted-party list in CSL format."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
import yaml

from detectors.catalog import catalog_frame
from detectors.synthetic import (
    PROFILES,
    GeneratorParams,
    SyntheticData,
    generate,
    write_csl_csv,
    write_labels,
    write_transactions,
)
from detectors.synthetic.writers import TABLE_SUFFIXES
from flows.errors import InputError
from flows.settings import CONFIGS_DIR


def read_catalog(path: Path | None = None) -> pd.DataFrame:
    """The item catalog frame from `configs/items.yaml` (or another items file)."""
    with (path or CONFIGS_DIR / "items.yaml").open(encoding="utf-8") as handle:
        return catalog_frame(yaml.safe_load(handle))


def _start_date(start: date | str | None) -> date | None:
    if start is None or isinstance(start, date):
        return start
    try:
        return date.fromisoformat(str(start))
    except ValueError:
        raise InputError(f"--start must be an ISO date such as 2026-01-01, got {start!r}") from None


def generate_command(
    rows: int,
    seed: int,
    out: Path,
    labels: Path,
    watchlist_out: Path | None = None,
    start: date | str | None = None,
    days: int | None = None,
    profile: str = "default",
) -> SyntheticData:
    """Generate and write the order file (CSV or Parquet by suffix), the labels and, when asked,
    the restricted list; print one summary line per file written. `profile` names a
    generator configuration (`detectors.synthetic.PROFILES`); `start` and `days` override
    its dates."""
    out, labels = Path(out), Path(labels)
    if rows < 1:
        raise InputError(f"--rows must be at least 1, got {rows}")
    if days is not None and days < 1:
        raise InputError(f"--days must be at least 1, got {days}")
    if out.suffix.lower() not in TABLE_SUFFIXES:
        raise InputError(f"--out {out.name}: use a .csv or .parquet file name")
    if profile not in PROFILES:
        raise InputError(f"--profile must be one of {', '.join(PROFILES)}, got {profile!r}")
    params = GeneratorParams.profile(profile)
    first_day = _start_date(start)
    if first_day is not None:
        params = replace(params, start=first_day)
    if days is not None:
        params = replace(params, days=days)

    data = generate(rows, seed, read_catalog(), params)
    write_transactions(data.transactions, out)
    diverted = int(data.labels["label"].sum())
    typologies = data.labels.loc[data.labels["label"] == 1, "typology"].nunique()
    typer.echo(
        f"wrote {len(data.transactions):,} order lines ({diverted:,} labelled diversion, "
        f"{typologies} typologies; {params.start} + {params.days} days; "
        f"profile {params.profile_name}) to {out}"
    )
    write_labels(data.labels, labels)
    typer.echo(f"wrote {len(data.labels):,} labels (transaction_id,label,typology) to {labels}")
    if watchlist_out is not None:
        write_csl_csv(data.watchlist, Path(watchlist_out))
        typer.echo(
            f"wrote {len(data.watchlist)} restricted-list entries (CSL format) to {watchlist_out}"
        )
    return data


def generate_cli(
    rows: Annotated[int, typer.Option("--rows", help="How many order lines to write.")] = 20_000,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed; the same seed writes the same bytes.")
    ] = 7,
    out: Annotated[
        Path, typer.Option("--out", help="Order file to write: .csv or .parquet.")
    ] = Path("orders.csv"),
    labels: Annotated[
        Path, typer.Option("--labels", help="Labels file to write (transaction_id,label,typology).")
    ] = Path("labels.csv"),
    watchlist_out: Annotated[
        Path | None,
        typer.Option("--watchlist-out", help="Also write the synthetic restricted list (CSL CSV)."),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="First order date (ISO), default 2026-01-01.")
    ] = None,
    days: Annotated[
        int | None, typer.Option("--days", help="How many days the orders span, default 330.")
    ] = None,
    profile: Annotated[
        str,
        typer.Option(
            "--profile",
            help="Generator configuration: default; shifted (another population: other "
            "countries, prices, end-use wording, mix, 2025-01-01 to 2026-11-30); history "
            "(the default population over 2025-01-01 to 2026-11-30); independent (customers, "
            "names and end uses written apart from the rules, same dates as history).",
        ),
    ] = "default",
) -> None:
    """Write synthetic orders with labelled diversion typologies (and a matching restricted list)."""
    try:
        generate_command(rows, seed, out, labels, watchlist_out, start, days, profile)
    except (ValueError, OSError) as error:
        typer.echo(f"redflag: error: {error}", err=True)
        raise typer.Exit(2) from None


app = typer.Typer()
app.command("generate")(generate_cli)
