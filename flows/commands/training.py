"""`redflag train` (`app`) and `redflag models list/activate` (`models_app`); the
functions live in models.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from flows.commands.accounts import ReasonOption, TokenOption, UserOption
from flows.commands.guard import WorkspaceOption, run_guarded, workspace_of
from flows.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

app = typer.Typer()  # `redflag train`
models_app = typer.Typer(  # `redflag models …`
    help="The model registry: list trained models, choose the active one.", no_args_is_help=True
)


def _labels_and_history(
    workspace: Path, labels_file: Path | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    import pandas as pd

    from cases.feedback import decision_labels
    from cases.policy import load_case_policy
    from cases.store import CaseStore
    from detectors.ml.labels import read_labels
    from flows.history import TransactionHistory
    from flows.settings import Workspace

    ws = Workspace(workspace)
    history = TransactionHistory(ws.history).load()
    if history.empty:
        raise InputError(
            f"{ws.history}: no transaction history yet; run `redflag run` on your orders first"
        )
    parts = []
    if labels_file is not None:
        parts.append(read_labels(labels_file))
    store = CaseStore(ws.case_store_url, load_case_policy())
    try:
        parts.append(decision_labels(store))
    finally:
        store.close()
    labels = pd.concat(parts, ignore_index=True).drop_duplicates("transaction_id", keep="first")
    return history.sort_values("order_date", kind="stable").reset_index(drop=True), labels


@app.command("train")
def train_cli(
    ctx: typer.Context,
    labels: Annotated[
        Path | None,
        typer.Option(
            "--labels",
            help="CSV of transaction_id,label (1 = diversion, 0 = clean), added to the decided cases.",
        ),
    ] = None,
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="supervised (from labels and decided cases) or anomaly (no labels needed).",
        ),
    ] = "supervised",
    reason: ReasonOption = None,
    user: UserOption = None,
    token: TokenOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Train a model on the workspace's transaction history; a supervised model becomes
    active only if it beats the active configuration on a hold-out of recent decisions
    (recorded in the audit trail as whoever logged in, else as "system")."""

    def train(home: Path) -> Any:
        from flows.commands.models import train_anomaly_command, train_command
        from flows.settings import load_pipeline_settings

        settings = load_pipeline_settings()
        if kind == "anomaly":
            from flows.history import TransactionHistory
            from flows.settings import Workspace

            history = TransactionHistory(Workspace(home).history).load()
            return train_anomaly_command(
                home, history.sort_values("order_date", kind="stable"), settings=settings
            )
        history, label_frame = _labels_and_history(home, labels)
        return train_command(home, history, label_frame, settings=settings)

    def body() -> None:
        if kind not in ("supervised", "anomaly"):
            raise InputError(f"--kind {kind!r}: use supervised or anomaly")
        _audited_training(workspace_of(ctx, workspace), kind, labels, reason, user, token, train)

    run_guarded(body)


def _audited_training(
    home: Path,
    kind: str,
    labels: Path | None,
    reason: str | None,
    user: str | None,
    token: str | None,
    train: Callable[[Path], Any],
) -> None:
    """Train and record the new model and every activation it caused in the audit trail,
    as whoever logged in (`recorded_actor`); when the record cannot be written, the
    registry is put back as it was."""
    from detectors.ml.registry import KINDS
    from flows.audited import record_change, restore_point
    from flows.commands.accounts import cli_client, open_store_at, recorded_actor
    from flows.commands.models import active_version
    from flows.settings import Workspace

    store = open_store_at(Workspace(home).case_store_url)
    try:
        by = recorded_actor(store, user, token)
        restore = restore_point(Workspace(home).models, ["active.json"])
        before = {k: active_version(home, k) for k in KINDS}
        meta = train(home)
        after = {k: active_version(home, k) for k in KINDS}
        details = {
            "kind": kind, "active": bool(meta.active), "rows": meta.rows,
            "data": [meta.data_from, meta.data_to],
            "activated": {k: v for k, v in after.items() if v != before[k]},
            "previous": {k: v for k, v in before.items() if v != after[k]},
            "labels": labels.name if labels else None, "reason": reason,
        }  # fmt: skip
        record_change(store, "model_trained", by, cli_client(), details, meta.version, restore)
    finally:
        store.close()


@models_app.command("list")
def models_list_cli(
    ctx: typer.Context,
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="Only this kind: anomaly, supervised or combination."),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Stored models, newest first, with their training data and validation metrics."""
    from flows.commands.models import models_list

    run_guarded(lambda: models_list(workspace_of(ctx, workspace), kind))


@models_app.command("activate")
def models_activate_cli(
    ctx: typer.Context,
    version: Annotated[str, typer.Argument(help="The model version to use from now on.")],
    reason: Annotated[
        str | None,
        typer.Option(
            "--reason",
            help="Why, for the audit trail; required for a model the gate refused.",
        ),
    ] = None,
    user: UserOption = None,
    token: TokenOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Make a stored model the one daily runs use (an admin's job once the case store
    has an admin; recorded in the audit trail). A model the gate refused needs --reason."""
    from flows.audited import record_change, restore_point
    from flows.commands.accounts import admin_or_system, cli_client, open_store_at
    from flows.commands.models import (
        active_version,
        check_activation,
        gate_refusal,
        models_activate,
    )
    from flows.settings import Workspace

    def body() -> None:
        home = workspace_of(ctx, workspace)
        meta = check_activation(home, version, reason)
        store = open_store_at(Workspace(home).case_store_url)
        try:
            by = admin_or_system(store, user, token, "activating a model",
                                 "models are activated without a login")  # fmt: skip
            previous = active_version(home, meta.kind)
            restore = restore_point(Workspace(home).models, ["active.json"])
            models_activate(home, version, reason)
            details = {"kind": meta.kind, "previous": previous, "reason": reason,
                       "gate_refused": gate_refusal(meta)}  # fmt: skip
            record_change(store, "model_activated", by, cli_client(), details, version, restore)
        finally:
            store.close()

    run_guarded(body)
