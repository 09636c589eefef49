"""Indented JSON text for the files a run writes, fast.

`indented_json(value)` returns exactly what `json.dumps(value, indent=2,
ensure_ascii=False, default=str)` returns (circular references aside), in about half the
time: the standard library encodes indented JSON with its pure-Python generator chain,
one generator per nested list and object, and a large run writes tens of thousands of
case files. Strings are escaped by the standard library's own (C) escaper.
"""

from __future__ import annotations

from json.encoder import encode_basestring
from typing import Any

INDENT = "  "


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


def _key(key: Any) -> str:
    """An object key as the standard encoder writes it (keys that are not text are turned
    into text; any other type is an error, as there)."""
    if isinstance(key, str):
        return encode_basestring(key)
    if isinstance(key, float):
        return '"' + _float(key) + '"'
    if key is True:
        return '"true"'
    if key is False:
        return '"false"'
    if key is None:
        return '"null"'
    if isinstance(key, int):
        return '"' + int.__repr__(key) + '"'
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def _append(value: Any, margin: str, parts: list[str]) -> None:
    """Appends the text of `value`; `margin` is the newline and indent of its own line.
    Items of lists and objects that are exactly str, int or float are written inline (the
    common case, and the reason this is fast); anything else takes the general path."""
    if isinstance(value, str):
        parts.append(encode_basestring(value))
    elif value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float):
        parts.append(_float(value))
    elif isinstance(value, list | tuple):
        if not value:
            parts.append("[]")
            return
        inner = margin + INDENT
        separator = "," + inner
        parts.append("[" + inner)
        first = True
        for item in value:
            if first:
                first = False
            else:
                parts.append(separator)
            kind = type(item)
            if kind is str:
                parts.append(encode_basestring(item))
            elif kind is int:
                parts.append(int.__repr__(item))
            elif kind is float and item - item == 0.0:  # finite
                parts.append(float.__repr__(item))
            else:
                _append(item, inner, parts)
        parts.append(margin + "]")
    elif isinstance(value, dict):
        if not value:
            parts.append("{}")
            return
        inner = margin + INDENT
        separator = "," + inner
        parts.append("{" + inner)
        first = True
        for key, item in value.items():
            if first:
                first = False
            else:
                parts.append(separator)
            parts.append(encode_basestring(key) + ": " if type(key) is str else _key(key) + ": ")
            kind = type(item)
            if kind is str:
                parts.append(encode_basestring(item))
            elif kind is int:
                parts.append(int.__repr__(item))
            elif kind is float and item - item == 0.0:  # finite
                parts.append(float.__repr__(item))
            else:
                _append(item, inner, parts)
        parts.append(margin + "}")
    else:
        _append(str(value), margin, parts)


def indented_json(value: Any) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False, default=str)`, faster."""
    parts: list[str] = []
    _append(value, "\n", parts)
    return "".join(parts)
