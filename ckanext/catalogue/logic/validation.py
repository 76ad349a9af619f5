"""The one validation path of the catalogue actions.

``catalogue_validated(schema)`` decorates every ``catalogue_*`` action: the
call's data is bounded (``catalogue_check_storable``) and checked against the
action's navl schema before the action runs, and the schema is recorded on
the action, where the OpenAPI document reads it (``catalogue_action_schema``).
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict, Schema

from ckanext.catalogue.logic.validators import catalogue_check_storable

SchemaFactory = Callable[[], Schema]
# Something the caller must pass before their input is judged: an auth
# function's name, or a check of the raw data (the target's existence...).
Gate = str | Callable[[Context, DataDict], object]
ActionT = TypeVar("ActionT", bound=Callable[..., Any])

_SCHEMA_ATTRIBUTE = "catalogue_schema"


_Navl = Callable[[DataDict, Schema, Context], tuple[dict[str, Any], dict[str, Any]]]


def catalogue_validate(data_dict: DataDict, schema: Schema, context: Context, bound: bool = True,
                       navl: _Navl = tk.navl_validate) -> dict[str, Any]:
    """Validated data, or ValidationError naming every bad field (first the
    one past a ``ckanext.catalogue.limits.*`` bound, unless ``bound`` is
    false). ``navl``: CKAN's validate, or a validate answering as it does
    (a bulk call's ``CatalogueNavl``, its plans kept for the batch)."""
    if bound:
        catalogue_check_storable(data_dict)
    # navl expects a list of records where the schema nests one.
    for key, nested in schema.items():
        value = data_dict.get(key)
        if isinstance(nested, dict) and key in data_dict and not (
                isinstance(value, list) and all(isinstance(v, dict) for v in cast("list[Any]", value))):
            raise tk.ValidationError({key: [tk._("A list of objects is required")]})
    data, errors = navl(data_dict, schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def catalogue_validated(schema: SchemaFactory, first: Gate | None = None,
                        bound: bool = True) -> Callable[[ActionT], ActionT]:
    """Run the action with its data validated by ``schema``.

    ``first``: checked on the raw data before validation, for actions where
    a caller who may not act (or names nothing that exists) is told so
    before anything about their input. ``bound=False``: the action bounds
    each part of its data on its own (a bulk call's records, each refused
    alone).
    """
    def decorate(action: ActionT) -> ActionT:
        @functools.wraps(action)
        def validated(context: Context, data_dict: DataDict) -> Any:
            if isinstance(first, str):
                tk.check_access(first, context, data_dict)
            elif first is not None:
                first(context, data_dict)
            return action(context, catalogue_validate(data_dict, schema(), context, bound))

        setattr(validated, _SCHEMA_ATTRIBUTE, schema)
        return cast("ActionT", validated)

    return decorate


def catalogue_action_schema(action: Callable[..., Any]) -> SchemaFactory | None:
    """The schema ``catalogue_validated`` recorded on an action (None when
    it was not decorated)."""
    return getattr(action, _SCHEMA_ATTRIBUTE, None)
