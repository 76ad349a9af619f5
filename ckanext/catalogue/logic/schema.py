"""Validation schemas of the catalogue actions."""
from __future__ import annotations

import re
from typing import Any, cast

import ckan.plugins.toolkit as tk
from ckan.logic.schema import validator_args
from ckan.types import Context, DataDict, Schema, Validator, ValidatorFactory

from ckanext.catalogue.core.document import catalogue_field_key
from ckanext.catalogue.core.moderation import STATES
from ckanext.catalogue.core.roles import CATALOGUE_ROLES
from ckanext.catalogue.logic.validators import catalogue_check_storable, catalogue_name

CATALOGUE_GROUP_KINDS = ["group", "organization"]


def catalogue_optional_string(value: Any) -> str:
    """A string, possibly empty (an empty parent means the root)."""
    if not isinstance(value, str):
        raise tk.Invalid(tk._("Must be a string"))
    return value.strip()


def catalogue_validate(data_dict: DataDict, schema: Schema, context: Context) -> dict[str, Any]:
    """Validated data, or ValidationError naming every bad field."""
    catalogue_check_storable(data_dict)
    # navl expects a list of records where the schema nests one.
    for key, nested in schema.items():
        value = data_dict.get(key)
        if isinstance(nested, dict) and key in data_dict and not (
                isinstance(value, list) and all(isinstance(v, dict) for v in cast("list[Any]", value))):
            raise tk.ValidationError({key: [tk._("A list of objects is required")]})
    data, errors = tk.navl_validate(data_dict, schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data

CATALOGUE_MAX_PAGE = 10000
CATALOGUE_MAX_OFFSET = 2 ** 31 - 1  # PostgreSQL integer and Solr's start


# navl runs every validator of a field even after one failed: check types.
def catalogue_page_size(value: Any) -> Any:
    if isinstance(value, int) and value > CATALOGUE_MAX_PAGE:
        raise tk.Invalid(tk._("At most {n}").format(n=CATALOGUE_MAX_PAGE))
    return value


def catalogue_page_offset(value: Any) -> Any:
    if isinstance(value, int) and value > CATALOGUE_MAX_OFFSET:
        raise tk.Invalid(tk._("At most {n}").format(n=CATALOGUE_MAX_OFFSET))
    return value


# Fields a group or organization carries through the catalogue APIs; a full
# replace (update) clears every one of them that the request leaves out.
CATALOGUE_GROUP_FIELDS = ("title", "description", "image_url", "extras")


@validator_args
def catalogue_role_grant_schema(
    not_empty: Validator, unicode_safe: Validator, user_id_or_name_exists: Validator, one_of: ValidatorFactory
) -> Schema:
    return {
        "user": [not_empty, unicode_safe, user_id_or_name_exists],
        "role": [not_empty, unicode_safe, one_of(list(CATALOGUE_ROLES))],
    }


@validator_args
def catalogue_role_show_schema(not_empty: Validator, unicode_safe: Validator, user_id_or_name_exists: Validator) -> Schema:
    return {"user": [not_empty, unicode_safe, user_id_or_name_exists]}


@validator_args
def catalogue_role_list_schema(
    ignore_missing: Validator, unicode_safe: Validator, one_of: ValidatorFactory,
    natural_number_validator: Validator, int_validator: Validator, default: ValidatorFactory,
) -> Schema:
    return {
        "role": [ignore_missing, unicode_safe, one_of(list(CATALOGUE_ROLES))],
        "limit": [default(100), int_validator, natural_number_validator, catalogue_page_size],
        "offset": [default(0), int_validator, natural_number_validator, catalogue_page_offset],
    }


@validator_args
def catalogue_trash_list_schema(
    ignore_missing: Validator, natural_number_validator: Validator, int_validator: Validator,
    default: ValidatorFactory,
) -> Schema:
    """Without ``limit``, every name (as the gCat trash lists them)."""
    return {
        "limit": [ignore_missing, int_validator, natural_number_validator, catalogue_page_size],
        "offset": [default(0), int_validator, natural_number_validator, catalogue_page_offset],
    }


@validator_args
def catalogue_group_kind_schema(default: ValidatorFactory, one_of: ValidatorFactory, unicode_safe: Validator) -> Schema:
    return {"kind": [default("group"), unicode_safe, one_of(CATALOGUE_GROUP_KINDS)]}


@validator_args
def catalogue_group_create_schema(
    not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator, url_validator: Validator,
    default: ValidatorFactory, one_of: ValidatorFactory, not_missing: Validator, keep_extras: Validator,
) -> Schema:
    return {
        "kind": [default("group"), unicode_safe, one_of(CATALOGUE_GROUP_KINDS)],
        "name": [not_missing, not_empty, unicode_safe, catalogue_name],
        "id": [ignore_missing, unicode_safe],
        "title": [ignore_missing, unicode_safe],
        "description": [ignore_missing, unicode_safe],
        "image_url": [ignore_missing, unicode_safe],
        "state": [ignore_missing, unicode_safe, one_of(["active", "deleted"])],
        "extras": {"key": [not_empty, unicode_safe], "value": [not_missing], "deleted": [ignore_missing]},
        "__extras": [keep_extras],
    }


@validator_args
def catalogue_group_update_schema(not_empty: Validator, ignore_missing: Validator, unicode_safe: Validator) -> Schema:
    schema = catalogue_group_create_schema()
    schema["id"] = [not_empty, unicode_safe]
    schema["name"] = [ignore_missing, unicode_safe, catalogue_name]
    return schema


@validator_args
def catalogue_group_list_schema(
    default: ValidatorFactory, one_of: ValidatorFactory, unicode_safe: Validator, int_validator: Validator,
    natural_number_validator: Validator, boolean_validator: Validator,
) -> Schema:
    return {
        "kind": [default("group"), unicode_safe, one_of(CATALOGUE_GROUP_KINDS)],
        "limit": [default(10), int_validator, natural_number_validator, catalogue_page_size],
        "offset": [default(0), int_validator, natural_number_validator, catalogue_page_offset],
        "count": [default(False), boolean_validator],
    }


# --- catalogue items ---

def catalogue_list_of_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [v for v in value.split(",") if v]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in cast("list[Any]", value)):
        raise tk.Invalid(tk._("A list of strings is required"))
    return cast("list[str]", value)


CATALOGUE_PROPERTY_RE = re.compile(r"^[A-Za-z0-9_@][A-Za-z0-9_.@]{0,99}$")


def catalogue_item_filters(value: Any) -> list[dict[str, Any]]:
    """``[{"property": str or [str], "values": [str], "exact": bool}]``: a
    list of properties matches when any of them has one of the values."""
    if not isinstance(value, list):
        raise tk.Invalid(tk._("A list of property filters is required"))
    out: list[dict[str, Any]] = []
    for entry in cast("list[Any]", value):
        props: Any = cast("dict[str, Any]", entry).get("property") if isinstance(entry, dict) else None
        props = [props] if isinstance(props, str) else props
        if not isinstance(props, list) or not props or not all(
                isinstance(p, str) and CATALOGUE_PROPERTY_RE.match(p) for p in cast("list[Any]", props)):
            raise tk.Invalid(tk._("Each filter needs a property and a list of values"))
        values = catalogue_list_of_strings(entry.get("values"))
        if not values:
            raise tk.Invalid(tk._("Each filter needs a property and a list of values"))
        out.append({"property": props, "values": values, "exact": bool(entry.get("exact")),
                    "contains": bool(entry.get("contains")), "at_most": bool(entry.get("at_most"))})
    return out


# Sort keys: the item's own fields, or a document property outside lists
# (``doc.a.b`` for nested objects).
_SORT_FIELDS = {"metadata_created": "metadata_created", "metadata_modified": "metadata_modified",
                "title_string": "title_string", "catalogue_depth": "catalogue_depth",
                "catalogue_kind": "catalogue_kind"}
_SORT_RE = re.compile(r"^(?:doc\.([A-Za-z0-9_][A-Za-z0-9_.-]{0,199})|([a-z_]+)) (asc|desc)$")


def catalogue_item_sort(value: Any) -> str:
    """``"field asc|desc"``, several joined by commas; ``field`` is one of
    the item's fields or ``doc.<property>``. Returns the Solr sort."""
    if not isinstance(value, str):
        raise tk.Invalid(tk._("A sort is a string"))
    parts = []
    for clause in value.split(","):
        match = _SORT_RE.match(clause.strip())
        if not match or (match.group(2) and match.group(2) not in _SORT_FIELDS):
            raise tk.Invalid(tk._("Sort by {fields} or doc.<property>, each asc or desc").format(
                fields=", ".join(_SORT_FIELDS)))
        field = f"catalogue_sort_{catalogue_field_key(match.group(1))}" if match.group(1) else \
            _SORT_FIELDS[match.group(2)]
        parts.append(f"{field} {match.group(3)}")
    return ", ".join(parts)


@validator_args
def catalogue_item_create_schema(
    not_missing: Validator, dict_only: Validator, ignore_missing: Validator, unicode_safe: Validator,
    boolean_validator: Validator, default: ValidatorFactory,
) -> Schema:
    return {
        "doc": [not_missing, dict_only],
        "kind": [ignore_missing, unicode_safe],
        "id": [ignore_missing, unicode_safe],
        "parent": [ignore_missing, unicode_safe],
        "private": [ignore_missing, boolean_validator],
        "organization": [ignore_missing, unicode_safe],
    }


@validator_args
def catalogue_item_update_schema(
    not_missing: Validator, not_empty: Validator, dict_only: Validator, ignore_missing: Validator,
    unicode_safe: Validator, boolean_validator: Validator,
) -> Schema:
    return {
        "id": [not_empty, unicode_safe],
        "doc": [not_missing, dict_only],
        "private": [ignore_missing, boolean_validator],
        "kind": [ignore_missing, catalogue_list_of_strings],
        "if_match": [ignore_missing, unicode_safe],
        # Reparenting: ``parent`` (empty for the root) with ``move=true``.
        "parent": [ignore_missing, catalogue_optional_string],
        "move": [ignore_missing, boolean_validator],
        "to_kind": [ignore_missing, unicode_safe],
    }


@validator_args
def catalogue_item_id_schema(not_empty: Validator, unicode_safe: Validator, ignore_empty: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe], "kind": [ignore_empty, catalogue_list_of_strings]}


# An item is shown by id or alias (and kind), as it is named everywhere else.
catalogue_item_show_schema = catalogue_item_id_schema


@validator_args
def catalogue_item_delete_schema(
    not_empty: Validator, unicode_safe: Validator, boolean_validator: Validator, default: ValidatorFactory,
    ignore_empty: Validator,
) -> Schema:
    return {**catalogue_item_id_schema(), "force": [default(False), boolean_validator],
            "if_match": [ignore_empty, unicode_safe]}


@validator_args
def catalogue_item_purge_schema(
    not_empty: Validator, unicode_safe: Validator, boolean_validator: Validator, default: ValidatorFactory,
    ignore_empty: Validator,
) -> Schema:
    return {**catalogue_item_id_schema(), "cascade": [default(False), boolean_validator]}


CATALOGUE_GEO_RELATIONS = ["intersects", "within", "disjoint", "contains"]
# Shape keywords, numbers and punctuation only: the value is placed inside a
# Solr phrase, so no quote or backslash may reach it.
_WKT_RE = re.compile(r"^[A-Z]+ ?\([A-Z0-9 ().,eE+\-]*\)$")


def catalogue_wkt(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 20000 or not _WKT_RE.match(value):
        raise tk.Invalid(tk._("A WKT shape (POINT, LINESTRING, POLYGON, ENVELOPE, BUFFER...) is required"))
    return value


@validator_args
def catalogue_item_search_schema(
    ignore_missing: Validator, unicode_safe: Validator, default: ValidatorFactory, int_validator: Validator,
    natural_number_validator: Validator, one_of: ValidatorFactory, ignore_empty: Validator,
    boolean_validator: Validator,
) -> Schema:
    return {
        "q": [ignore_missing, unicode_safe],
        "kind": [ignore_empty, catalogue_list_of_strings],
        "parent": [ignore_empty, unicode_safe],
        "root": [ignore_missing, boolean_validator],
        "depth_at_most": [ignore_missing, int_validator, natural_number_validator],
        "ancestor": [ignore_empty, catalogue_list_of_strings],
        "ids": [ignore_empty, catalogue_list_of_strings],
        "filters": [ignore_empty, catalogue_item_filters],
        "georel": [default("intersects"), one_of(CATALOGUE_GEO_RELATIONS)],
        "geometry": [ignore_empty, catalogue_wkt],
        "moderation": [ignore_empty, catalogue_list_of_strings, catalogue_moderation_states],
        "organization": [ignore_empty, unicode_safe],
        "limit": [default(10), int_validator, natural_number_validator, catalogue_page_size],
        "offset": [default(0), int_validator, natural_number_validator, catalogue_page_offset],
        "sort": [ignore_missing, unicode_safe, catalogue_item_sort],
    }


@validator_args
def catalogue_item_parent_options_schema(
    not_empty: Validator, unicode_safe: Validator, ignore_missing: Validator, default: ValidatorFactory,
    int_validator: Validator, natural_number_validator: Validator,
) -> Schema:
    return {
        "kind": [not_empty, unicode_safe],
        "q": [ignore_missing, unicode_safe],
        "limit": [default(100), int_validator, natural_number_validator, catalogue_page_size],
        "offset": [default(0), int_validator, natural_number_validator, catalogue_page_offset],
    }


def catalogue_moderation_states(value: Any) -> list[str]:
    if not isinstance(value, list) or any(v not in STATES for v in cast("list[Any]", value)):
        raise tk.Invalid(tk._("Moderation states are pending, approved and rejected"))
    return cast("list[str]", value)


@validator_args
def catalogue_item_moderate_schema(
    not_empty: Validator, unicode_safe: Validator, one_of: ValidatorFactory, ignore_missing: Validator,
) -> Schema:
    return {
        "id": [not_empty, unicode_safe],
        "decision": [not_empty, one_of(["approve", "reject"])],
        "message": [ignore_missing, unicode_safe],
        "kind": [ignore_missing, catalogue_list_of_strings],
    }


@validator_args
def catalogue_item_children_schema(
    not_empty: Validator, unicode_safe: Validator, ignore_empty: Validator, default: ValidatorFactory,
    int_validator: Validator, natural_number_validator: Validator, one_of: ValidatorFactory,
) -> Schema:
    return {
        "id": [not_empty, unicode_safe],
        "kind": [ignore_empty, catalogue_list_of_strings],
        "depth": [default("1"), unicode_safe, one_of(["1", "all"])],
        "limit": [default(10), int_validator, natural_number_validator, catalogue_page_size],
        "offset": [default(0), int_validator, natural_number_validator, catalogue_page_offset],
    }


@validator_args
def catalogue_token_create_schema(
    not_empty: Validator, unicode_safe: Validator, ignore_missing: Validator, int_validator: Validator,
    is_positive_integer: Validator, default: ValidatorFactory,
) -> Schema:
    return {
        "item_id": [not_empty, unicode_safe],
        "role": [default("provider"), unicode_safe],
        "expires_in": [ignore_missing, int_validator, is_positive_integer],
    }


@validator_args
def catalogue_item_facets_schema(
    one_of: ValidatorFactory, default: ValidatorFactory, ignore_empty: Validator, int_validator: Validator,
    natural_number_validator: Validator, unicode_safe: Validator, ignore_missing: Validator,
) -> Schema:
    return {
        "field": [default("tags"), one_of(["tags", "kind", "organization", "type", "parent"])],
        "filters": [ignore_empty, catalogue_item_filters],
        "kind": [ignore_empty, catalogue_list_of_strings],
        "ancestor": [ignore_empty, catalogue_list_of_strings],
        "depth_at_most": [ignore_missing, int_validator, natural_number_validator],
        "organization": [ignore_empty, unicode_safe],
        "limit": [default(1000), int_validator, natural_number_validator, catalogue_page_size],
    }
