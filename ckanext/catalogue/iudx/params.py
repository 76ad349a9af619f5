"""IUDX's query-string syntax: ``property=[a,b]``, ``value=[[x,y],[z]]``,
``coordinates=[[73.8,18.6],[73.9,18.5]]``. Brackets nest; commas separate."""
from __future__ import annotations

from typing import Any


class IudxSyntaxError(ValueError):
    pass


def iudx_parse_list(text: str) -> list[Any]:
    """A bracketed, comma-separated list; nested lists allowed; items are
    strings (surrounding quotes and spaces removed)."""
    text = text.strip()
    if not (text.startswith("[") and text.endswith("]")):
        raise IudxSyntaxError(f"expected a bracketed list, got {text[:50]!r}")
    value, end = _parse(text, 0)
    if text[end:].strip():
        raise IudxSyntaxError("unexpected text after the list")
    return value


def _parse(text: str, pos: int) -> tuple[Any, int]:
    if text[pos] != "[":
        raise IudxSyntaxError("a list must start with [")
    items: list[Any] = []
    pos += 1
    current = ""
    while pos < len(text):
        char = text[pos]
        if char == "[":
            if current.strip():
                raise IudxSyntaxError("a list cannot follow text")
            sub, pos = _parse(text, pos)
            items.append(sub)
            current = ""
            while pos < len(text) and text[pos] == " ":
                pos += 1
            if pos < len(text) and text[pos] == ",":
                pos += 1
            continue
        if char == "]":
            if current.strip():
                items.append(_clean(current))
            return items, pos + 1
        if char == ",":
            if not current.strip():
                raise IudxSyntaxError("empty list item")
            items.append(_clean(current))
            current = ""
        else:
            current += char
        pos += 1
    raise IudxSyntaxError("unbalanced brackets")


def _clean(item: str) -> str:
    item = item.strip()
    if len(item) >= 2 and item[0] == item[-1] and item[0] in "\"'":
        item = item[1:-1]
    return item
