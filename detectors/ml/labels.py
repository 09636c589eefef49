"""Investigators' labels for the supervised model: a labels file (`transaction_id,label`;
1 = escalated/reported, 0 = cleared) read and checked, each error naming the file and line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from flows.errors import InputError


def read_labels(path: Path) -> pd.DataFrame:
    """A labels file (`transaction_id,label`; label 1 = escalated/reported, 0 = cleared)."""
    return check_labels(read_label_csv(path), str(path))


def read_label_csv(path: Path) -> pd.DataFrame:
    """A labels CSV as text columns (names stripped), unchecked; bad files raise ValueError."""
    if not Path(path).is_file():
        raise InputError(f"{path}: no such labels file")
    try:
        raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    except Exception as error:  # an unreadable file is the user's to fix
        raise InputError(f"{path}: cannot be read as CSV ({type(error).__name__})") from error
    raw.columns = [str(c).strip() for c in raw.columns]
    return raw


def check_labels(labels: pd.DataFrame, source: str = "labels") -> pd.DataFrame:
    """`transaction_id,label` checked: the label 0 or 1, each transaction once. An error
    names the first bad row by its line in the file (the header being line 1)."""
    missing = {"transaction_id", "label"} - set(labels.columns)
    if missing:
        raise InputError(
            f"{source}: missing column(s) {', '.join(sorted(missing))}; expected transaction_id,label"
        )
    values = pd.to_numeric(labels["label"], errors="coerce")
    bad = np.flatnonzero(~values.isin([0, 1]).to_numpy())
    if len(bad):
        raise InputError(
            f"{source}: line {bad[0] + 2}: label must be 0 or 1, found "
            f"{labels['label'].iloc[bad[0]]!r} ({len(bad)} row(s))"
        )
    twice = np.flatnonzero(labels["transaction_id"].duplicated().to_numpy())
    if len(twice):
        raise InputError(
            f"{source}: line {twice[0] + 2}: transaction "
            f"{labels['transaction_id'].iloc[twice[0]]} is labelled twice"
        )
    checked = pd.DataFrame(
        {"transaction_id": labels["transaction_id"].astype("str"), "label": values.astype(int)}
    )
    # the decision a label comes from: a decided case labels all its lines at once; a
    # labels file row is one decision about one line
    decision = labels["decision"] if "decision" in labels.columns else labels["transaction_id"]
    return checked.assign(decision=decision.astype("str").to_numpy())
