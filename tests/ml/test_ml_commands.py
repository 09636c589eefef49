"""`redflag train` / `models list|activate` as functions, and the ML detectors a daily run
gets from the workspace."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa
from canonical_frames import labelled_book, odd_order
from typer.testing import CliRunner

from cases import tables as t
from cases.audit import verify_trail
from cases.store import CaseStore
from detectors.base import DetectionContext
from detectors.ml.labels import read_labels
from detectors.ml.settings import ml_detectors
from detectors.ml.supervised import NotEnoughLabels
from flows.cli import app as cli
from flows.commands.models import (
    models_activate,
    models_list,
    train_anomaly_command,
    train_command,
)

QUICK = {
    "policy_pack": "default",
    "ml": {"supervised": {"max_iter": 40}, "anomaly": {"n_estimators": 50}},
}


@pytest.fixture(scope="module")
def book():
    return labelled_book(700, 120, seed=41)


def test_a_fresh_workspace_runs_without_ml_and_says_why(tmp_path):
    detectors, versions, skipped = ml_detectors(tmp_path / "models", QUICK)
    assert detectors == {} and versions == {}
    reasons = " ".join(s["reason"] for s in skipped)
    assert "redflag train --kind anomaly" in reasons and "--labels FILE" in reasons


def test_train_then_screen_records_the_model_version(tmp_path, book, policy, catalog):
    orders, labels = book
    label_frame = pd.DataFrame({"transaction_id": orders["transaction_id"], "label": labels})
    # the rules alone already separate this book: without the gate, to screen with the model
    supervised = train_command(tmp_path, orders, label_frame, settings=QUICK, gated=False)
    anomaly = train_anomaly_command(tmp_path, orders, settings=QUICK)
    assert supervised.active and anomaly.active
    assert supervised.metrics["pr_auc"] > supervised.metrics["base_rate"]
    assert (supervised.data_from, supervised.data_to) == (
        orders["order_date"].min().date().isoformat(),
        orders["order_date"].max().date().isoformat(),
    )

    detectors, versions, skipped = ml_detectors(tmp_path / "models", QUICK)
    assert (
        versions == {"anomaly": anomaly.version, "supervised": supervised.version} and not skipped
    )
    batch = odd_order("T-ODD", "2026-01-10")
    context = DetectionContext(
        history=orders,
        present_columns=frozenset(batch.columns),
        policy=policy,
        catalog=catalog,
        as_of=date(2026, 1, 10),
    )
    flagged = {name: d.detect(batch, context).flags for name, d in detectors.items()}
    recorded = {e["model_version"] for f in flagged.values() for e in f["evidence"]}
    assert supervised.version in recorded


def test_list_and_activate_an_older_model(tmp_path, book):
    orders, _ = book
    first = train_anomaly_command(tmp_path, orders, settings=QUICK)
    second = train_anomaly_command(tmp_path, orders, settings=QUICK)
    assert [m.version for m in models_list(tmp_path) if m.active] == [second.version]
    models_activate(tmp_path, first.version)
    assert [m.version for m in models_list(tmp_path) if m.active] == [first.version]
    with pytest.raises(ValueError, match="no model version"):
        models_activate(tmp_path, "supervised-unknown")


def test_too_few_labels_is_refused_with_a_clear_message(tmp_path, book):
    orders, labels = book
    few = pd.DataFrame({"transaction_id": orders["transaction_id"][:20], "label": labels[:20]})
    with pytest.raises(NotEnoughLabels, match="at least 60 are needed"):
        train_command(tmp_path, orders, few, settings=QUICK)
    assert models_list(tmp_path) == []


def test_labels_file_is_checked(tmp_path):
    good = tmp_path / "labels.csv"
    good.write_text("transaction_id,label\nT-1,1\nT-2,0\n", encoding="utf-8")
    assert read_labels(good)["label"].tolist() == [1, 0]
    bad = tmp_path / "bad.csv"
    bad.write_text("transaction_id,label\nT-1,yes\n", encoding="utf-8")
    with pytest.raises(ValueError, match="label must be 0 or 1"):
        read_labels(bad)
    with pytest.raises(ValueError, match="missing column"):
        wrong = tmp_path / "wrong.csv"
        wrong.write_text("id,outcome\nT-1,1\n", encoding="utf-8")
        read_labels(wrong)


def test_a_bad_labels_row_is_named_by_its_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("transaction_id,label\nT-1,1\nT-2,0\nT-3,maybe\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.csv: line 4: label must be 0 or 1, found 'maybe'"):
        read_labels(bad)
    twice = tmp_path / "twice.csv"
    twice.write_text("transaction_id,label\nT-1,1\nT-2,0\nT-1,0\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"twice\.csv: line 4: transaction T-1 is labelled twice"):
        read_labels(twice)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x00garbage")
    with pytest.raises(ValueError, match=r"binary\.csv: cannot be read as CSV"):
        read_labels(binary)


def test_the_policy_pack_of_the_settings_is_merged_onto_the_pack_it_extends():
    from flows.commands.models import _reference

    policy, _ = _reference(None, pd.DataFrame(), {"policy_pack": "ai_diffusion_2025"})
    assert "ai_diffusion" in policy  # the pack's own section
    assert policy["country_groups"] and policy["transshipment_hubs"]  # from `extends: default`


def test_a_damaged_model_is_skipped_not_fatal(tmp_path, book):
    orders, _ = book
    meta = train_anomaly_command(tmp_path, orders, settings=QUICK)
    (tmp_path / "models" / meta.version / "model.joblib").write_bytes(b"not a model")
    detectors, versions, skipped = ml_detectors(tmp_path / "models", QUICK)
    assert "ml_anomaly" not in detectors and "anomaly" not in versions
    assert any(
        meta.version in s["reason"] and "could not be loaded" in s["reason"] for s in skipped
    )


def test_too_few_labels_counts_decisions_not_order_lines(tmp_path, book):
    orders, labels = book
    few = pd.DataFrame(
        {
            "transaction_id": orders["transaction_id"][:27],
            "label": labels[:27],
            "decision": [f"CASE-{i // 9}" for i in range(27)],  # three decided cases
        }
    )
    with pytest.raises(NotEnoughLabels, match="only 3 labelled decision\\(s\\), covering 27"):
        train_command(tmp_path, orders, few, settings=QUICK)


ROOT_PASSWORD, ANN_PASSWORD = "maple-kettle-orbit-93", "river-candle-fjord-27"


def redflag(workspace, *args: str, secret: str | None = None):
    """The command line as a user runs it; `secret` is the password piped on stdin."""
    line = None if secret is None else secret + "\n"
    return CliRunner().invoke(cli, ["--workspace", str(workspace), *args], input=line)


def audit_entries(workspace, event: str) -> list[tuple[str, str, dict]]:
    store = CaseStore.for_workspace(workspace)
    try:
        a = t.audit_log.c
        with store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(a.actor, a.subject, a.details_json)
                .where(a.event == event)
                .order_by(a.entry_id)
            ).all()
        assert verify_trail(store.engine).ok
    finally:
        store.close()
    return [(actor, subject, json.loads(details)) for actor, subject, details in rows]


def test_activating_a_model_needs_an_admin_and_is_audited(tmp_path, book):
    orders, _ = book
    first = train_anomaly_command(tmp_path, orders, settings=QUICK)
    second = train_anomaly_command(tmp_path, orders, settings=QUICK)
    # no admin in the case store yet: the change is the system's, with a warning
    early = redflag(tmp_path, "models", "activate", first.version, "--reason", "roll back")
    assert early.exit_code == 0, early.output
    assert "warning: no admin account yet" in early.stderr
    store = CaseStore.for_workspace(tmp_path)
    store.accounts.add("root", "admin", ROOT_PASSWORD)
    store.accounts.add("ann", "reviewer", ANN_PASSWORD)
    store.close()

    refused = redflag(tmp_path, "models", "activate", second.version, "--user", "ann",
                      secret=ANN_PASSWORD)  # fmt: skip
    assert refused.exit_code == 2
    assert refused.stderr.strip().splitlines() == [
        "redflag: error: ann is reviewer; activating a model needs admin"
    ]
    wrong = redflag(tmp_path, "models", "activate", second.version, "--user", "root",
                    secret="not-the-password")  # fmt: skip
    assert wrong.exit_code == 2 and len(wrong.stderr.strip().splitlines()) == 1
    assert [m.version for m in models_list(tmp_path) if m.active] == [first.version]

    done = redflag(tmp_path, "models", "activate", second.version, "--user", "root",
                   "--reason", "refitted on November", secret=ROOT_PASSWORD)  # fmt: skip
    assert done.exit_code == 0, done.output
    assert [m.version for m in models_list(tmp_path) if m.active] == [second.version]
    assert audit_entries(tmp_path, "model_activated") == [
        ("system", first.version, {"kind": "anomaly", "previous": second.version,
                                   "reason": "roll back", "gate_refused": None}),
        ("root", second.version, {"kind": "anomaly", "previous": first.version,
                                  "reason": "refitted on November", "gate_refused": None}),
    ]  # fmt: skip
    verified = redflag(tmp_path, "audit", "verify")
    assert verified.exit_code == 0 and "audit trail intact" in verified.stdout
    shown = redflag(tmp_path, "audit", "log", "--event", "model_activated").stdout.splitlines()
    assert [line.split()[3:6] for line in shown] == [
        ["system", "model_activated", first.version],
        ["root", "model_activated", second.version],
    ]
    assert '"reason": "refitted on November"' in shown[1]
