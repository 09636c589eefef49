"""`redflag rules list|explain`: show the red-flag rules of a policy pack.

`load_pack` reads `configs/policy/<name>.yaml` (or a YAML file path) and the packs it
extends; `rules_list` and `rules_explain` print the pack with Rich."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.markup import escape
from rich.table import Table

import detectors
from detectors.rules import RULES, RulePack
from detectors.rules.layers import load_layers
from flows.commands.explain import citation_documents, detector_flag_text, expand_citation

CONFIGS_DIR = Path(detectors.__file__).resolve().parents[1] / "configs"

app = typer.Typer(help="Show the red-flag rules of a policy pack.", no_args_is_help=True)


class PackError(ValueError):
    """A policy pack that cannot be found or read."""


def _pack_file(configs_dir: Path, name: str) -> Path:
    as_path = Path(name)
    if as_path.suffix in (".yaml", ".yml"):
        return as_path
    return configs_dir / "policy" / f"{name}.yaml"


def _read_pack_config(
    configs_dir: Path, name: str, seen: tuple[str, ...] = ()
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    path = _pack_file(configs_dir, name)
    if not path.is_file():
        available = sorted(p.stem for p in (configs_dir / "policy").glob("*.yaml"))
        raise PackError(
            f"no policy pack {name!r} at {path} (available: {', '.join(available) or 'none'})"
        )
    try:
        cfg = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise PackError(
            f"policy pack {path} is not valid YAML: {' '.join(str(err).split())}"
        ) from err
    if not isinstance(cfg, dict):
        raise PackError(f"policy pack {path} must be a mapping")
    parent = cfg.get("extends")
    if not parent:
        return cfg, None
    if parent in seen:
        raise PackError(f"policy packs extend each other in a loop: {' -> '.join((*seen, parent))}")
    base_cfg, base_base = _read_pack_config(configs_dir, str(parent), (*seen, name))
    base = RulePack.from_config(base_cfg, base_base).policy
    return cfg, base


def load_pack(
    configs_dir: Path, name: str = "default", layer_overrides: Mapping[str, Any] | None = None
) -> RulePack:
    """The policy pack `name` (a file in `configs_dir/policy/`, or a path to a YAML file),
    merged onto the pack it `extends`, with the dated layers it names (`layers:`) from
    `configs_dir/policy/layers/`; `layer_overrides` ({layer id: {key: value}}, the
    `policy_layers` setting) change a layer's dates."""
    cfg, base = _read_pack_config(Path(configs_dir), name)
    names = cfg.get("layers")
    if names is None and base is not None:
        names = base.get("layers")
    try:
        layers = tuple(load_layers(Path(configs_dir), list(names or ()), layer_overrides))
        return RulePack.from_config(cfg, base, layers)
    except (KeyError, TypeError, ValueError) as err:
        raise PackError(f"policy pack {name}: {err}") from err


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
