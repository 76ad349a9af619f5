"""Validators of the catalogue core."""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk

CATALOGUE_NAME_RE = re.compile(r"^[a-z0-9_-]{2,100}$")
CATALOGUE_NAME_MESSAGE = (
    "The 'name' must be between 2 and 100 characters long and contain only "
    "lowercase alphanumeric characters, '-' and '_'"
)


def catalogue_name(value: Any) -> Any:
    """The name rule of gCat (and CKAN's own, minus its length limits)."""
    if not isinstance(value, str) or not CATALOGUE_NAME_RE.match(value):
        raise tk.Invalid(tk._(CATALOGUE_NAME_MESSAGE))
    return value


CATALOGUE_MAX_DEPTH = 32


def catalogue_unstorable(value: Any, path: str = "", depth: int = 0) -> "tuple[str, str] | None":
    """(field path, reason) of the first value PostgreSQL or JSON cannot
    hold: NUL characters, lone surrogates, NaN/Infinity, absurd nesting."""
    import math

    if depth > CATALOGUE_MAX_DEPTH:
        return path or "body", tk._("is nested too deeply")
    if isinstance(value, str):
        if "\x00" in value:
            return path or "value", tk._("must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "value", tk._("must be valid Unicode text")
    elif isinstance(value, float) and not math.isfinite(value):
        return path or "value", tk._("must be a finite number")
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            found = catalogue_unstorable(key, where, depth + 1) or catalogue_unstorable(item, where, depth + 1)
            if found:
                return found
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = catalogue_unstorable(item, f"{path}.{index}" if path else str(index), depth + 1)
            if found:
                return found
    return None


def catalogue_check_storable(data: Any) -> None:
    """ValidationError naming the field when ``data`` cannot be stored."""
    found = catalogue_unstorable(data)
    if found:
        raise tk.ValidationError({found[0]: [found[1]]})


def catalogue_whole_number(data_dict: dict[str, Any], key: str, default: int, high: int) -> int:
    """``data_dict[key]`` (or ``default``) as a whole number from 0 to
    ``high``, given as a number or as digits; CatalogueInvalid otherwise."""
    from ckanext.catalogue.logic.errors import CatalogueInvalid

    raw = data_dict.get(key, default)
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) < 12:
        raw = int(raw)
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 <= raw <= high:
        raise CatalogueInvalid({key: [tk._("A whole number from 0 to {n}").format(n=high)]})
    return raw
