"""The packages' layers (docs/ARCHITECTURE.md, "The packages"): `watchlists` under
`detectors` under `cases` under `flows`. The three leaves every package may use —
`flows.errors`, `flows.paths` (`CONFIGS_DIR`) and the runtime package `flows.runtime` —
import nothing of ours beyond `flows.errors` and each other, and are the only parts of
`flows` that `watchlists`, `detectors` and `cases` import. Checked on the source of every
module, lazy imports inside functions included."""

from __future__ import annotations

from test_cli_boundary import ROOT, imported_modules, module_name

OURS = ("flows", "detectors", "cases", "watchlists")
LEAVES = ("flows.errors", "flows.paths", "flows.runtime")


def within(module: str, roots: tuple[str, ...]) -> bool:
    return any(module == root or module.startswith(root + ".") for root in roots)


def ours(module: str) -> bool:
    return module.split(".")[0] in OURS


def imports_of(package: str) -> dict[str, set[str]]:
    folder = ROOT.joinpath(*package.split("."))
    paths = [folder.with_suffix(".py")] if folder.with_suffix(".py").exists() else []
    paths += sorted(folder.rglob("*.py")) if folder.is_dir() else []
    return {module_name(path): {m for m in imported_modules(path) if ours(m)} for path in paths}


def test_the_walk_sees_the_packages():
    assert "flows.runtime.forked" in imports_of("flows.runtime")
    assert "flows.runtime.forking" in imports_of("flows.runtime")["flows.runtime.forked"]
    assert "flows.paths" in imports_of("detectors")["detectors.rules.layers"]


def test_the_leaves_import_nothing_of_ours_but_each_other():
    offending = {
        module: sorted(m for m in found if not within(m, LEAVES))
        for leaf in LEAVES
        for module, found in imports_of(leaf).items()
    }
    assert {module: bad for module, bad in offending.items() if bad} == {}


def test_the_inner_packages_use_no_part_of_flows_but_the_leaves():
    offending = {
        module: sorted(m for m in found if within(m, ("flows",)) and not within(m, LEAVES))
        for package in ("watchlists", "detectors", "cases")
        for module, found in imports_of(package).items()
    }
    assert {module: bad for module, bad in offending.items() if bad} == {}


def test_watchlists_and_detectors_do_not_import_cases():
    offending = {
        module: sorted(m for m in found if within(m, ("cases",)))
        for package in ("watchlists", "detectors")
        for module, found in imports_of(package).items()
    }
    assert {module: bad for module, bad in offending.items() if bad} == {}
