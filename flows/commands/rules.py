"""`redflag rules list|explain`: show the red-flag rules of a policy pack.

`rules_list` and `rules_explain` print the pack with Rich; the pack is read by
`detectors.rules.loading.load_pack`."""

from __future__ import annotations

import inspect
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from detectors.rules import RULES, RulePack
from detectors.rules.loading import load_pack
from flows.commands.explain import citation_documents, detector_flag_text, expand_citation
from flows.errors import PackError
from flows.settings import CONFIGS_DIR

__all__ = ["CONFIGS_DIR", "PackError", "app", "load_pack", "rules_explain", "rules_list"]

app = typer.Typer(help="Show the red-flag rules of a policy pack.", no_args_is_help=True)


def rules_list(pack: RulePack, console: Console | None = None) -> Table:
    """Print (and return) a table of the pack's rules."""
    table = Table(title=escape(f"{pack.title} ({pack.version_label})"))
    for column in ("id", "title", "severity", "weight", "enabled", "requires"):
        table.add_column(column, justify="right" if column == "weight" else "left")
    for spec in pack.rules:
        flags = "yes" if spec.enabled else "no"
        table.add_row(
            spec.id,
            escape(spec.title) + (" (hard stop)" if spec.hard_stop else ""),
            spec.severity,
            f"{spec.weight:.2f}",
            flags if spec.id in RULES else f"{flags} (no implementation)",
            escape(spec.requires_text()) or "-",
        )
    (console or Console()).print(table)
    return table


def rules_explain(pack: RulePack, rule_id: str, console: Console | None = None) -> str:
    """Print (and return) what one rule checks, its parameters, citation (with the documents
    its keys stand for) and next step; P1 and the ML codes are explained from their configs."""
    documents = citation_documents(CONFIGS_DIR, pack.policy.get("sources") or {})
    if rule_id.upper() not in {r.upper() for r in pack.rule_ids}:
        lines = detector_flag_text(rule_id, CONFIGS_DIR)
        if lines is not None:
            citation = next(
                (x[len("Citation: ") :] for x in lines if x.startswith("Citation: ")), ""
            )
            docs = expand_citation(citation, documents)
            text = "\n".join([*lines, *(["Documents:", *(f"  {d}" for d in docs)] if docs else [])])
            (console or Console()).print(text, markup=False, highlight=False)
            return text
    spec = pack.rule(rule_id)
    function = RULES.get(spec.id)
    checks = inspect.getdoc(function) if function else "(no implementation registered)"
    parameters = "\n".join(f"  {k}: {v}" for k, v in spec.parameters.items()) or "  (none)"
    docs = expand_citation(spec.citation, documents)
    layer = pack.layer_of(spec.id)
    text = "\n".join(
        [
            f"{spec.id} — {spec.title}",
            f"severity {spec.severity}, weight {spec.weight:.2f}, "
            f"{'enabled' if spec.enabled else 'disabled'}{', hard stop' if spec.hard_stop else ''}, "
            f"scope {spec.scope}",
            f"requires: {spec.requires_text() or 'only the required columns'}",
            "",
            "What it checks:",
            *(f"  {line}" for line in (checks or "").splitlines()),
            "",
            "Parameters:",
            parameters,
            "",
            f"Citation: {spec.citation}",
            *(["Documents:"] if docs else []),
            *(f"  {d}" for d in docs),
            f"Recommended action: {spec.recommended_action}",
            f"Policy pack: {pack.version_label}",
            *([f"Dated layer: {layer.label}, {layer_dates(layer)}"] if layer else []),
        ]
    )
    (console or Console()).print(text, markup=False, highlight=False)
    return text


def layer_dates(layer) -> str:
    """'in force 2025-09-29 to 2025-11-09, 2026-11-10 onwards' from a layer's periods."""
    parts = [f"{a.isoformat()} to {b.isoformat()}" if b else f"{a.isoformat()} onwards"
             for a, b in layer.periods()]  # fmt: skip
    return "in force " + ", ".join(parts) if parts else "never in force"


PackOption = Annotated[
    str,
    typer.Option(
        "--pack",
        help="Policy pack name in configs/policy/ (e.g. ai_diffusion_2025) or a YAML file path.",
    ),
]


def _load_or_exit(pack: str) -> RulePack:
    try:
        return load_pack(CONFIGS_DIR, pack)
    except PackError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(2) from err


@app.command("list")
def list_command(pack: PackOption = "default") -> None:
    """List the rules of the policy pack: id, title, severity, weight, enabled, required columns."""
    rules_list(_load_or_exit(pack))


@app.command("explain")
def explain_command(
    rule_id: Annotated[str, typer.Argument(help="Rule id, e.g. L2.")],
    pack: PackOption = "default",
) -> None:
    """Explain one rule: what it checks, its parameters, citation and recommended action."""
    loaded = _load_or_exit(pack)
    try:
        rules_explain(loaded, rule_id)
    except KeyError as err:
        typer.echo(f"error: {err.args[0]}", err=True)
        raise typer.Exit(2) from err
