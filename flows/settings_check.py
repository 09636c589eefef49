"""A settings file merged over configs/pipeline.yaml is checked against it: every key must
be one the pipeline knows, and every value of the kind its default has, so that a typo or
a wrong value is refused in one line naming the file and the key instead of being ignored
or failing deep in a run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Mappings whose keys are the user's own (spellings, currencies, ML settings merged over
# configs/ml.yaml, changes to dated policy layers, which the pack checks by layer id):
# any key is accepted there.
OPEN_SECTIONS = frozenset(
    {
        "ingest.fx_to_usd",
        "ingest.country_aliases",
        "ingest.customer_types",
        "ingest.payment_methods",
        "ml",
        "policy_layers",
    }
)
# Keys read by the pipeline without a default in configs/pipeline.yaml.
EXTRA_KEYS: dict[str, tuple[str, ...]] = {"": ("ml", "policy_layers")}


def check_overrides(
    defaults: Mapping[str, Any], overrides: Mapping[str, Any], path: str = ""
) -> None:
    """ValueError `key: what is wrong` for the first unknown key or wrong kind of value."""
    for key, value in overrides.items():
        dotted = f"{path}.{key}" if path else str(key)
        if key not in defaults:
            if key in EXTRA_KEYS.get(path, ()):
                continue
            known = ", ".join(sorted(map(str, [*defaults, *EXTRA_KEYS.get(path, ())])))
            raise ValueError(f"{dotted}: unknown setting (known here: {known})")
        default = defaults[key]
        if dotted in OPEN_SECTIONS:
            if value is not None and not isinstance(value, Mapping):
                raise ValueError(f"{dotted}: expected a mapping (got {value!r})")
            continue
        if isinstance(default, Mapping):
            if value is None:
                continue
            if not isinstance(value, Mapping):
                raise ValueError(f"{dotted}: expected a mapping of settings (got {value!r})")
            check_overrides(default, value, dotted)
            continue
        problem = kind_problem(default, value)
        if problem:
            raise ValueError(f"{dotted}: {problem} (got {value!r})")


def kind_problem(default: Any, value: Any) -> str | None:
    """What is wrong with `value` where the default is `default`, or None. Settings whose
    default is `auto` are checked by their own readers (each knows its other values)."""
    if default is None or default == "auto":
        return None
    if isinstance(default, bool):
        return None if isinstance(value, bool) else "expected true or false"
    if isinstance(default, int | float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else "expected a number"
    if isinstance(default, str):
        return None if isinstance(value, str) else "expected text"
    if isinstance(default, list):
        return None if isinstance(value, list) else "expected a list"
    return None
