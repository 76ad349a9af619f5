"""Validation schemas of the software-catalog actions, worded as Waldur's
REST framework words its refusals (``This field may not be blank.``...)."""
from __future__ import annotations

import copy
import datetime
from typing import Any, cast

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import StopOnError, missing
from ckan.logic.schema import validator_args
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey, Schema, Validator

from ckanext.catalogue.logic.schema import CATALOGUE_MAX_OFFSET
from ckanext.catalogue.logic.validators import catalogue_absent_ignored, catalogue_blank_ignored, catalogue_whole
from ckanext.catalogue.software import store
from ckanext.catalogue.software.filters import CATALOG_ORDERINGS, catalogue_parse_order, catalogue_parse_value
from ckanext.catalogue.software.loaders import catalogue_software_sources

PAGE_MAX = 10000


def _required() -> tk.Invalid:
    return tk.Invalid(tk._("This field is required."))


# --- the requests ---

def catalogue_software_object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise tk.Invalid(tk._("A JSON object is required"))
    return cast("dict[str, Any]", value)


def catalogue_software_object_or_empty(value: Any) -> dict[str, Any]:
    """As the clients send it: a left-out or empty object is no object."""
    return {} if value is missing or value in (None, "", {}, []) else catalogue_software_object(value)


def catalogue_software_collection(value: Any) -> str:
    if value not in store.COLLECTIONS:
        raise tk.Invalid(tk._("One of packages, versions, targets"))
    return str(value)


def catalogue_software_source_name(value: Any) -> str:
    """The name of a configured upstream."""
    if value is missing or value in (None, ""):
        raise _required()
    if not isinstance(value, str) or value not in catalogue_software_sources():
        raise tk.Invalid(tk._('"{name}" is not a valid choice.').format(name=value))
    return value


def _filter_of(kind: str) -> Any:
    def parsed(value: Any) -> Any:
        try:
            return catalogue_parse_value(kind, value)
        except ValueError as error:
            raise tk.Invalid(str(error)) from None
    return parsed


def catalogue_software_catalog_order(value: Any) -> str:
    """The Solr sort of ``o`` (Waldur's default: name, type, version)."""
    try:
        clauses = catalogue_parse_order(value, CATALOG_ORDERINGS) if value not in (missing, None, "", []) else []
    except ValueError as error:
        raise tk.Invalid(str(error)) from None
    clauses = clauses or [("doc.name", False), ("doc.catalog_type", False), ("doc.version", False)]
    return ", ".join(f"{field} {'desc' if descending else 'asc'}" for field, descending in clauses)


def _paging() -> Schema:
    return {"limit": [catalogue_whole(10, PAGE_MAX)], "offset": [catalogue_whole(0, CATALOGUE_MAX_OFFSET)]}


@validator_args
def catalogue_software_id_schema(ignore_missing: Validator) -> Schema:
    """A catalog or record named by uuid (a malformed one is not found)."""
    return {"id": [ignore_missing], "uuid": [ignore_missing]}


def catalogue_software_nothing_schema() -> Schema:
    """Actions that take no parameter."""
    return {}


@validator_args
def catalogue_software_catalog_create_schema(ignore_empty: Validator, unicode_safe: Validator) -> Schema:
    return {"doc": [catalogue_software_object], "id": [ignore_empty, unicode_safe]}


@validator_args
def catalogue_software_catalog_update_schema(ignore_missing: Validator, boolean_validator: Validator) -> Schema:
    return {"id": [ignore_missing], "doc": [catalogue_software_object], "partial": [ignore_missing, boolean_validator]}


def catalogue_software_catalog_list_schema() -> Schema:
    return {
        "name": [catalogue_blank_ignored, _filter_of("str")],
        "version": [catalogue_blank_ignored, _filter_of("str")],
        "description": [catalogue_blank_ignored, _filter_of("str")],
        "catalog_type": [catalogue_blank_ignored, _filter_of("catalog_type")],
        "auto_update_enabled": [catalogue_blank_ignored, _filter_of("bool")],
        "o": [catalogue_software_catalog_order],
        **_paging(),
    }


def catalogue_software_import_schema() -> Schema:
    return {"name": [catalogue_software_source_name]}


@validator_args
def catalogue_software_record_list_schema(ignore_missing: Validator) -> Schema:
    """The filters and orderings depend on the collection: the action
    parses them with the collection's own parsers."""
    return {"collection": [catalogue_software_collection], "filters": [catalogue_software_object_or_empty],
            "o": [ignore_missing], **_paging()}


@validator_args
def catalogue_software_record_schema(ignore_missing: Validator, boolean_validator: Validator) -> Schema:
    """A record to create, change or delete; its ``fields`` are checked by
    their collection's schema (``catalogue_software_fields_schema``)."""
    return {"collection": [catalogue_software_collection], "uuid": [ignore_missing],
            "fields": [catalogue_software_object_or_empty], "partial": [ignore_missing, boolean_validator]}


# --- the fields of packages, versions and targets ---

def _text(limit: int, required: bool = False, nullable: bool = False) -> Any:
    def text(value: Any) -> Any:
        if value is None and nullable:
            return None
        if value is None:
            raise tk.Invalid(tk._("This field may not be null."))
        if not isinstance(value, str):
            raise tk.Invalid(tk._("Not a valid string."))
        if required and not value.strip():
            raise tk.Invalid(tk._("This field may not be blank."))
        if len(value) > limit:
            raise tk.Invalid(tk._("Ensure this field has no more than {n} characters.").format(n=limit))
        return value
    return text


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in cast("list[Any]", value)):
        raise tk.Invalid(tk._("Expected a list of strings."))
    return cast("list[str]", value)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise tk.Invalid(tk._("Must be a valid boolean."))
    return value


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise tk.Invalid(tk._("Must be a JSON object."))
    return cast("dict[str, Any]", value)


def _date(value: Any) -> str | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise tk.Invalid(tk._("Date has wrong format. Use YYYY-MM-DD.")) from None


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise tk.Invalid(tk._("Expected a list."))
    return cast("list[Any]", value)


def _needed(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict, context: Context) -> None:
    # Stops there: the field's check would add a second message.
    if data.get(key) is missing:
        errors[key].append(tk._("This field is required."))
        raise StopOnError


def _default(fallback: Any) -> Any:
    def filled(value: Any) -> Any:
        # A fresh copy each time: list and dict defaults are not shared.
        return copy.copy(fallback) if value is missing else value
    return filled


_REQUIRED = object()
# field: (check, value on create when left out)
_FIELDS: dict[str, dict[str, tuple[Any, Any]]] = {
    store.PACKAGES: {"name": (_text(200, True), _REQUIRED), "description": (_text(100000), ""),
                     "homepage": (_text(200, nullable=True), None), "categories": (_strings, []),
                     "licenses": (_strings, []), "maintainers": (_strings, []), "is_extension": (_flag, False)},
    store.VERSIONS: {"version": (_text(100, True), _REQUIRED), "module_version": (_text(150), ""),
                     "release_date": (_date, None), "dependencies": (_list, []), "metadata": (_object, {})},
    store.TARGETS: {"target_type": (_text(50), "architecture"), "target_name": (_text(100), "generic"),
                    "target_subtype": (_text(50), ""), "location": (_text(500), ""), "metadata": (_object, {}),
                    "gpu_architectures": (_strings, [])},
}


def catalogue_software_fields_schema(collection: str, creating: bool) -> Schema:
    """The writable fields of a collection's records. On create a field
    left out takes its default (``name`` and ``version`` are required);
    on change it keeps its value. A null given is judged, not dropped."""
    schema: Schema = {}
    for name, (check, default) in _FIELDS[collection].items():
        if not creating:
            schema[name] = [catalogue_absent_ignored, check]
        elif default is _REQUIRED:
            schema[name] = [_needed, check]
        else:
            schema[name] = [_default(default), check]
    return schema
