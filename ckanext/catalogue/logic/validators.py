"""Validators of the catalogue core."""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any, cast

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import StopOnError, missing
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.catalogue.config import CatalogueDocumentLimits, catalogue_document_limits
from ckanext.catalogue.core.errors import CatalogueInvalid

CATALOGUE_NAME_RE = re.compile(r"^[a-z0-9_-]{2,100}$")
CATALOGUE_NAME_MESSAGE = (
    "The 'name' must be between 2 and 100 characters long and contain only "
    "lowercase alphanumeric characters, '-' and '_'. A name can be checked "
    "against the regular expression ^[a-z0-9_\\-]{2,100}$"
)


def catalogue_name(value: Any) -> Any:
    """The name rule of gCat (and CKAN's own, minus its length limits)."""
    if not isinstance(value, str) or not CATALOGUE_NAME_RE.match(value):
        raise tk.Invalid(tk._(CATALOGUE_NAME_MESSAGE))
    return value


def catalogue_unstorable(value: Any, limits: CatalogueDocumentLimits | None = None) -> tuple[str, str] | None:
    """(field path, reason) of the first value that cannot be stored or is
    past a limit: NUL characters, lone surrogates, NaN/Infinity, nesting,
    property count, string or array length. Walked without recursion, so
    any depth is answered."""
    bounds = limits or catalogue_document_limits()
    properties = 0
    todo: list[tuple[Any, str, int]] = [(value, "", 0)]
    while todo:
        node, path, depth = todo.pop()
        where = path or "body"
        if depth > bounds.depth:
            return where, tk._("is nested deeper than {n} levels (ckanext.catalogue.limits.depth)").format(
                n=bounds.depth)
        if isinstance(node, str):
            if len(node) > bounds.string_length:
                return where, tk._("is longer than {n} characters (ckanext.catalogue.limits.string_length)"
                                   ).format(n=bounds.string_length)
            if "\x00" in node:
                return where, tk._("must not contain NUL characters")
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                return where, tk._("must be valid Unicode text")
        elif isinstance(node, float) and not math.isfinite(node):
            return where, tk._("must be a finite number")
        elif isinstance(node, dict):
            properties += len(node)
            if properties > bounds.properties:
                return where, tk._("holds more than {n} properties in all (ckanext.catalogue.limits.properties)"
                                   ).format(n=bounds.properties)
            children: list[tuple[Any, str, int]] = []
            for key, item in cast("dict[Any, Any]", node).items():
                at = f"{path}.{key}" if path else str(key)
                children += [(key, at, depth + 1), (item, at, depth + 1)]
            todo += reversed(children)
        elif isinstance(node, (list, tuple)):
            if len(node) > bounds.array_length:
                return where, tk._("holds more than {n} items (ckanext.catalogue.limits.array_length)").format(
                    n=bounds.array_length)
            todo += reversed([(item, f"{path}.{i}" if path else str(i), depth + 1) for i, item in enumerate(cast("list[Any] | tuple[Any, ...]", node))])
    return None


def catalogue_check_storable(data: Any) -> None:
    """ValidationError naming the field when ``data`` cannot be stored or is
    past a limit (``ckanext.catalogue.limits.*``)."""
    found = catalogue_unstorable(data)
    if found:
        raise tk.ValidationError({found[0]: [found[1]]})


def catalogue_whole(default: int, high: int) -> Callable[[Any], int]:
    """A validator: a whole number from 0 to ``high`` (``default`` when
    left out), given as a number or as digits."""
    def whole(value: Any) -> int:
        if value is missing:
            return default
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 12:
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= high:
            raise tk.Invalid(tk._("A whole number from 0 to {n}").format(n=high))
        return value
    return whole


def catalogue_absent_ignored(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                             context: Context) -> None:
    """Like ignore_missing, but a null given stays (it means "none")."""
    if data.get(key) is missing:
        data.pop(key, None)
        raise StopOnError


def catalogue_blank_ignored(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                            context: Context) -> None:
    """Drop a value left out, null or "" (and only those: 0 and false stay)."""
    if data.get(key) in (missing, None, ""):
        data.pop(key, None)
        raise StopOnError


def catalogue_whole_number(data_dict: dict[str, Any], key: str, default: int, high: int) -> int:
    """``data_dict[key]`` (or ``default``) as a whole number from 0 to
    ``high``, given as a number or as digits; CatalogueInvalid otherwise."""
    raw = data_dict.get(key, default)
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) < 12:
        raw = int(raw)
    if not isinstance(raw, int) or isinstance(raw, bool) or not 0 <= raw <= high:
        raise CatalogueInvalid({key: [tk._("A whole number from 0 to {n}").format(n=high)]})
    return raw
