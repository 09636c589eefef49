"""The command line is the outermost layer: nothing outside it imports `flows.cli` or a
command module of `flows/commands/`, and the command modules do not import `flows.cli`
(it mounts them). Checked on the source of every module of the packages, import by
import, lazy imports inside functions included."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("flows", "detectors", "cases", "watchlists")
CLI_ROOTS = ("flows.cli", "flows.commands")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every module an import statement of the file names (`from a.b import c` gives
    a.b and a.b.c, since c may be a module); relative imports resolved."""
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def is_cli(module: str) -> bool:
    return any(module == root or module.startswith(root + ".") for root in CLI_ROOTS)


def modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def test_the_walk_finds_the_imports_it_looks_for():
    cli = imported_modules(ROOT / "flows" / "cli.py")
    assert {"flows.commands", "flows.commands.pipeline", "flows.commands.guard"} <= cli
    assert "flows.settings" in imported_modules(ROOT / "flows" / "commands" / "rules.py")
    assert len(modules()) > 150


def test_nothing_outside_the_command_line_imports_it():
    offending = {
        module_name(path): sorted(m for m in imported_modules(path) if is_cli(m))
        for path in modules()
        if not is_cli(module_name(path))
    }
    assert {module: cli for module, cli in offending.items() if cli} == {}


def test_the_command_modules_do_not_import_the_main_app():
    importers = sorted(
        module_name(path)
        for path in (ROOT / "flows" / "commands").glob("*.py")
        if any(m == "flows.cli" or m.startswith("flows.cli.") for m in imported_modules(path))
    )
    assert importers == []


def test_the_models_module_stays_plain_functions():
    """`flows/commands/models.py` (training and gate glue) is plain functions that
    `flows/commands/training.py` wires to the CLI: no Typer, no other command module."""
    imports = imported_modules(ROOT / "flows" / "commands" / "models.py")
    assert not any(m.split(".")[0] == "typer" for m in imports)
    assert sorted(m for m in imports if is_cli(m)) == []
