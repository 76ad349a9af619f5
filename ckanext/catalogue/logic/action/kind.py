"""The item kinds of the registry and their metadata profiles: the fields a
kind's documents hold (from its JSON schema and its name, title,
description and tags fields), for anyone to read."""
from __future__ import annotations

from typing import Any, cast

import ckan.plugins.toolkit as tk
from ckan.types import ActionResult, Context, DataDict

from ckanext.catalogue.core.kinds import CatalogueKind, catalogue_kind, catalogue_kinds
from ckanext.catalogue.logic import schema
from ckanext.catalogue.logic.validation import catalogue_validated

__all__ = ["catalogue_kind_list", "catalogue_kind_show"]

# JSON schema types by the names metadata profiles give them.
_TYPES = {"string": "String", "number": "Number", "integer": "Number", "boolean": "Boolean", "object": "Object",
          "array": "List"}


def _field(name: str, spec: dict[str, Any], required: bool) -> dict[str, Any]:
    kind: Any = spec.get("type", "string")
    many = kind == "array"
    items: Any = spec.get("items") if many else None
    inner: Any = cast("dict[str, Any]", items).get("type", "string") if isinstance(items, dict) else "string"
    data_type = _TYPES.get(inner if many else kind, "String") if isinstance(inner if many else kind, str) else "String"
    field: dict[str, Any] = {"name": name, "mandatory": required, "data_type": data_type,
                             "max_occurs": "*" if many else "1"}
    for key, out in (("description", "note"), ("enum", "vocabulary"), ("pattern", "regular_expression"),
                     ("maxLength", "max_length"), ("default", "default_value")):
        if key in spec:
            field[out] = spec[key]
    return field


def catalogue_kind_profile(kind: CatalogueKind) -> dict[str, Any]:
    """A kind's metadata profile: its fields, the mandatory ones first."""
    doc_schema: dict[str, Any] = kind.schema or {}
    props = cast("dict[str, Any]", doc_schema.get("properties") or {})
    required = set(cast("list[str]", doc_schema.get("required") or [])) | {kind.name_field}
    names = list(dict.fromkeys(f for f in (kind.name_field, kind.title_field, kind.description_field,
                                           kind.tags_field, *props) if f))
    fields = [_field(n, cast("dict[str, Any]", props.get(n) or {"type": "array" if n == kind.tags_field else "string"}),
                     n in required) for n in names]
    fields.sort(key=lambda f: not f["mandatory"])
    return {"name": kind.name, "label": kind.label, "type": kind.jsonld_type, "parents": list(kind.parents),
            "fields": fields}


@tk.side_effect_free
@catalogue_validated(schema.catalogue_kind_list_schema, first="catalogue_kind_list")
def catalogue_kind_list(context: Context, data_dict: DataDict) -> list[str]:
    """The names of the item kinds, in order."""
    return sorted(catalogue_kinds())


@tk.side_effect_free
@catalogue_validated(schema.catalogue_kind_show_schema, first="catalogue_kind_show")
def catalogue_kind_show(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """A kind's metadata profile: ``{"name", "label", "type", "parents",
    "fields": [{"name", "mandatory", "data_type", "max_occurs", "note",
    "vocabulary", "regular_expression", "max_length", "default_value"}]}``.

    :param name: the kind
    """
    kind = catalogue_kind(data_dict["name"])
    if kind is None:
        raise tk.ObjectNotFound(tk._("Profile with name {name} not found").format(name=data_dict["name"]))
    return catalogue_kind_profile(kind)
