"""Validation schemas of the catalogue actions."""
from __future__ import annotations

import datetime
import re
from typing import Any, cast

from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import missing
from ckan.logic.schema import validator_args
from ckan.types import Schema, Validator, ValidatorFactory

from ckanext.catalogue.core.document import catalogue_field_key
from ckanext.catalogue.core.moderation import STATES
from ckanext.catalogue.core.roles import CATALOGUE_ROLES
from ckanext.catalogue.core.visibility import CATALOGUE_RESTRICTIONS
from ckanext.catalogue.logic.validators import (
    catalogue_absent_ignored,
    catalogue_blank_ignored,
    catalogue_name,
    catalogue_whole,
)

CATALOGUE_GROUP_KINDS = ["group", "organization"]


def catalogue_optional_string(value: Any) -> str:
    """A string, possibly empty (an empty parent means the root)."""
    if not isinstance(value, str):
        raise tk.Invalid(tk._("Must be a string"))
    return value.strip()


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
def catalogue_group_target_schema(ignore_missing: Validator) -> Schema:
    """The group a call names (an unknown, missing or non-text id: not found)."""
    return {**catalogue_group_kind_schema(), "id": [ignore_missing]}


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
        "default_organization": [ignore_missing, unicode_safe],
    }


CATALOGUE_BULK_MAX = 1000


def catalogue_bulk_records(value: Any) -> list[Any]:
    """1 to CATALOGUE_BULK_MAX records (each checked on its own later)."""
    if not isinstance(value, list) or not 0 < len(cast("list[Any]", value)) <= CATALOGUE_BULK_MAX:
        raise tk.Invalid(tk._("Between 1 and {n} records are required").format(n=CATALOGUE_BULK_MAX))
    return cast("list[Any]", value)


def catalogue_item_bulk_create_schema() -> Schema:
    return {"records": [catalogue_bulk_records]}


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
        "member_only": [ignore_missing, boolean_validator],
    }


@validator_args
def catalogue_item_id_schema(not_empty: Validator, unicode_safe: Validator, ignore_empty: Validator,
                             ignore_missing: Validator, boolean_validator: Validator) -> Schema:
    # ``member_only``: the item is not found for a caller outside its
    # organization, whatever else would let them read it.
    return {"id": [not_empty, unicode_safe], "kind": [ignore_empty, catalogue_list_of_strings],
            "member_only": [ignore_missing, boolean_validator]}


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


CATALOGUE_GEO_RELATIONS = ["intersects", "within", "disjoint", "contains", "equals"]
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
        "member_only": [ignore_missing, boolean_validator],
        "limit": [default(10), int_validator, natural_number_validator, catalogue_page_size],
        "offset": [default(0), int_validator, natural_number_validator, catalogue_page_offset],
        "sort": [ignore_missing, unicode_safe, catalogue_item_sort],
    }


@validator_args
def catalogue_item_count_schema(ignore: Validator) -> Schema:
    """As the search's, without its page size: a count has none."""
    return {**catalogue_item_search_schema(), "limit": [ignore]}


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
        "decision": [not_empty, one_of(["approve", "reject", "message"])],
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


def catalogue_nothing_schema() -> Schema:
    """Actions that take no parameter."""
    return {}


# --- visibility ---

def catalogue_restrictions(value: Any) -> str:
    if value not in CATALOGUE_RESTRICTIONS:
        raise tk.Invalid(tk._("One of {values}").format(values=", ".join(CATALOGUE_RESTRICTIONS)))
    return value


def catalogue_strict_boolean(value: Any) -> bool:
    """JSON's true or false, nothing that reads like one."""
    if not isinstance(value, bool):
        raise tk.Invalid(tk._("true or false"))
    return value


CATALOGUE_VISIBILITY_NAMES_MAX = 500


def catalogue_visibility_names(value: Any) -> list[str] | None:
    """Organization or user names (null: none)."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(n, str) and n for n in cast("list[Any]", value)) or len(
            cast("list[Any]", value)) > CATALOGUE_VISIBILITY_NAMES_MAX:
        raise tk.Invalid(tk._("A list of at most {n} organization or user names").format(
            n=CATALOGUE_VISIBILITY_NAMES_MAX))
    return cast("list[str]", value)


@validator_args
def catalogue_item_visibility_update_schema(ignore_missing: Validator, unicode_safe: Validator) -> Schema:
    """Fields left out keep their value."""
    return {
        **catalogue_item_id_schema(),
        "restrictions": [catalogue_absent_ignored, catalogue_restrictions],
        "extendable": [catalogue_absent_ignored, catalogue_strict_boolean],
        "include": [catalogue_absent_ignored, catalogue_visibility_names],
        "exclude": [catalogue_absent_ignored, catalogue_visibility_names],
        "if_match": [ignore_missing, unicode_safe],
    }


# --- the life of an item ---

CATALOGUE_RETENTION_MAX = 36500


def catalogue_retention(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= CATALOGUE_RETENTION_MAX:
        raise tk.Invalid(tk._("A whole number of days from 0 to {n}").format(n=CATALOGUE_RETENTION_MAX))
    return value


def catalogue_purge_expired_schema() -> Schema:
    """Without ``days``: ``ckanext.catalogue.archive_retention_days``."""
    return {"days": [catalogue_absent_ignored, catalogue_retention]}


@validator_args
def catalogue_item_bulk_remove_schema(not_empty: Validator, boolean_validator: Validator,
                                      default: ValidatorFactory) -> Schema:
    return {"kind": [not_empty, catalogue_list_of_strings], "own_only": [default(True), boolean_validator],
            "purge": [default(False), boolean_validator]}


CATALOGUE_LOG_LIMIT_DEFAULT, CATALOGUE_LOG_LIMIT_MAX = 50, 200


def catalogue_log_time(value: Any) -> datetime.datetime:
    """``startat``: a Unix time, or ``YYYY-MM-DDTHH:MM:SSZ``."""
    text = str(value).strip()
    try:
        if text.isascii() and text.isdigit() and len(text) <= 12:
            return datetime.datetime.fromtimestamp(int(text), datetime.timezone.utc).replace(tzinfo=None)
        return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")  # noqa: DTZ007 - CKAN stores naive UTC times; compared with them
    except (ValueError, OverflowError, OSError):
        raise tk.Invalid(tk._("A Unix time or YYYY-MM-DDTHH:MM:SSZ")) from None


def catalogue_flag(value: Any) -> bool:
    """true/false, yes/no, on/off, 1/0 (as CKAN's asbool reads them)."""
    try:
        return tk.asbool(value)
    except ValueError:
        raise tk.Invalid(tk._("true or false")) from None


@validator_args
def catalogue_item_log_schema(default: ValidatorFactory) -> Schema:
    return {
        **catalogue_item_id_schema(),
        "ascending": [default(False), catalogue_flag],
        "startat": [catalogue_blank_ignored, catalogue_log_time],
        "offset": [catalogue_whole(0, CATALOGUE_MAX_OFFSET)],
        "limit": [catalogue_whole(CATALOGUE_LOG_LIMIT_DEFAULT, CATALOGUE_LOG_LIMIT_MAX)],
    }


# --- artifacts ---

CATALOGUE_ARTIFACT_NAME_MAX = 200
# type/subtype with optional parameters, on one line.
CATALOGUE_MEDIA_TYPE = re.compile(r"[\w.+-]+/[\w.+-]+(\s*;[^\r\n\x00]*)?")


def catalogue_artifact_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > CATALOGUE_ARTIFACT_NAME_MAX:
        raise tk.Invalid(tk._("An artifact id of 1 to {n} characters").format(n=CATALOGUE_ARTIFACT_NAME_MAX))
    if value.startswith("/cache/"):
        raise tk.Invalid(tk._("An artifact id may not start with /cache/"))
    if any(ord(c) < 32 for c in value):
        raise tk.Invalid(tk._("An artifact id may not hold control characters"))
    return value


def catalogue_artifact_content(value: Any) -> bytes:
    """The bytes (text is stored as UTF-8); the size is checked by the
    action against ``ckanext.catalogue.artifacts.max_size``."""
    if isinstance(value, str):
        value = value.encode()
    if not isinstance(value, bytes):
        raise tk.Invalid(tk._("The artifact's bytes are missing"))
    return value


def catalogue_media_type(value: Any) -> str:
    if value in (missing, None, ""):
        return "application/octet-stream"
    if not isinstance(value, str) or len(value) > 200 or not CATALOGUE_MEDIA_TYPE.fullmatch(value):
        raise tk.Invalid(tk._("A media type, such as text/plain"))
    return value


@validator_args
def catalogue_artifact_list_schema(not_empty: Validator, unicode_safe: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe]}


def catalogue_artifact_schema() -> Schema:
    return {**catalogue_artifact_list_schema(), "name": [catalogue_artifact_name]}


def catalogue_artifact_upload_schema() -> Schema:
    return {**catalogue_artifact_schema(), "content": [catalogue_artifact_content],
            "content_type": [catalogue_media_type]}


# --- item kinds ---

def catalogue_kind_list_schema() -> Schema:
    return {}


@validator_args
def catalogue_kind_show_schema(not_empty: Validator, unicode_safe: Validator) -> Schema:
    return {"name": [not_empty, unicode_safe]}


# --- resources of an item ---

# Bounds of a resource's fields, in characters.
CATALOGUE_RESOURCE_FIELDS = {"name": 1000, "url": 2000, "description": 10000, "format": 100, "mimetype": 200}


def catalogue_resource_field(field: str) -> Validator:
    most = CATALOGUE_RESOURCE_FIELDS[field]

    def check(value: Any) -> str:
        if not isinstance(value, str) or len(value) > most:
            raise tk.Invalid(tk._("A string of at most {n} characters").format(n=most))
        if field == "mimetype" and value and not CATALOGUE_MEDIA_TYPE.fullmatch(value):
            raise tk.Invalid(tk._("A media type, such as text/csv"))
        return value

    return check


def catalogue_resource_upload(value: Any) -> Any:
    """A file sent in a multipart body (CKAN's uploader reads it)."""
    if not isinstance(value, FileStorage) or not value.filename:
        raise tk.Invalid(tk._("A file sent as multipart/form-data"))
    return value


# A resource's role among its item's resources (a library component's
# "weblink" or "document"), and the properties a dialect keeps on it.
CATALOGUE_RESOURCE_ROLE_MAX = 50
CATALOGUE_RESOURCE_PROPERTIES_MAX = 10
CATALOGUE_RESOURCE_PROPERTY_MAX = 1000


def catalogue_resource_role(value: Any) -> str:
    if not isinstance(value, str) or not value or len(value) > CATALOGUE_RESOURCE_ROLE_MAX:
        raise tk.Invalid(tk._("A string of 1 to {n} characters").format(n=CATALOGUE_RESOURCE_ROLE_MAX))
    return value


def catalogue_resource_properties(value: Any) -> dict[str, Any]:
    """At most 10 short names, each a string, number, boolean or null of at
    most 1000 characters."""
    if not isinstance(value, dict) or len(cast("dict[Any, Any]", value)) > CATALOGUE_RESOURCE_PROPERTIES_MAX:
        raise tk.Invalid(tk._("An object of at most {n} properties").format(n=CATALOGUE_RESOURCE_PROPERTIES_MAX))
    for key, item in cast("dict[Any, Any]", value).items():
        if not isinstance(key, str) or not 0 < len(key) <= CATALOGUE_RESOURCE_ROLE_MAX:
            raise tk.Invalid(tk._("Property names are strings of 1 to {n} characters").format(
                n=CATALOGUE_RESOURCE_ROLE_MAX))
        if not (item is None or isinstance(item, (bool, int, float))
                or (isinstance(item, str) and len(item) <= CATALOGUE_RESOURCE_PROPERTY_MAX)):
            raise tk.Invalid(tk._("Property {name}: a string of at most {n} characters, a number, a boolean "
                                  "or null").format(name=key, n=CATALOGUE_RESOURCE_PROPERTY_MAX))
    return cast("dict[str, Any]", value)


@validator_args
def catalogue_item_resource_list_schema(not_empty: Validator, unicode_safe: Validator,
                                        ignore_empty: Validator, boolean_validator: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe], "kind": [ignore_empty, catalogue_list_of_strings],
            "member_only": [ignore_empty, boolean_validator],
            "role": [ignore_empty, catalogue_resource_role]}


@validator_args
def catalogue_item_resource_id_schema(not_empty: Validator, unicode_safe: Validator) -> Schema:
    return {**catalogue_item_resource_list_schema(), "resource_id": [not_empty, unicode_safe]}


@validator_args
def catalogue_item_resource_create_schema(ignore_missing: Validator, unicode_safe: Validator) -> Schema:
    return {**catalogue_item_resource_list_schema(),
            **{field: [ignore_missing, catalogue_resource_field(field)] for field in CATALOGUE_RESOURCE_FIELDS},
            "upload": [ignore_missing, catalogue_resource_upload],
            "properties": [ignore_missing, catalogue_resource_properties],
            # A body read back and sent again names its item: it must be this one.
            "package_id": [ignore_missing, unicode_safe]}


def catalogue_item_resource_update_schema() -> Schema:
    return {**catalogue_item_resource_create_schema(), **catalogue_item_resource_id_schema()}


# --- ratings ---

CATALOGUE_RATING_MAX = 5


def catalogue_rating_value(value: Any) -> float:
    """A rating: a number from 0 to 5 (IUDX's rating schema)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= CATALOGUE_RATING_MAX:
        raise tk.Invalid(tk._("A rating is a number from 0 to {max}").format(max=CATALOGUE_RATING_MAX))
    return float(value)


@validator_args
def catalogue_rating_schema(not_empty: Validator, unicode_safe: Validator) -> Schema:
    """An item's rating by the caller: which item."""
    return {"id": [not_empty, unicode_safe]}


@validator_args
def catalogue_rating_write_schema(not_empty: Validator, not_missing: Validator, unicode_safe: Validator,
                                  ignore_missing: Validator) -> Schema:
    return {"id": [not_empty, unicode_safe], "rating": [not_missing, catalogue_rating_value],
            "comment": [ignore_missing, unicode_safe]}


@validator_args
def catalogue_rating_list_schema(not_empty: Validator, unicode_safe: Validator, ignore_missing: Validator,
                                 natural_number_validator: Validator, default: ValidatorFactory) -> Schema:
    return {"id": [not_empty, unicode_safe],
            "limit": [default(100), natural_number_validator, catalogue_page_size],
            "offset": [default(0), natural_number_validator, catalogue_page_offset]}

