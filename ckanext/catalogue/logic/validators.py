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
