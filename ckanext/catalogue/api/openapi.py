"""The OpenAPI 3.1 document of every API of the project.

The CKAN action API part is generated from the catalogue actions and their
validation schemas; each dialect contributes a fragment (``openapi.yaml`` in
its folder: tags, paths and ``components`` named with the dialect's prefix)
that a test checks against the methods its blueprint really routes.
"""
from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml
from flask import current_app

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.types import Schema

from ckanext.catalogue.interfaces import catalogue_dialects
from ckanext.catalogue.logic import schema as s
from ckanext.catalogue.logic.validation import catalogue_action_schema

CATALOGUE_OPENAPI_VERSION = "3.1.0"
ACTION_PREFIX = "/api/3/action"


@functools.cache
def _load_fragment(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


# --- the action API, from the schemas the actions validate with ---

def _closure_value(fn: Callable[..., Any]) -> Any:
    cells = getattr(fn, "__closure__", None) or ()
    return cells[0].cell_contents if cells else None


def _property_schema(validators: Any) -> tuple[dict[str, Any], bool]:
    """(JSON Schema, required) of one navl field."""
    if isinstance(validators, dict):  # a list of sub-records
        return {"type": "array", "items": _object_schema(validators)}, False

    names = {tk.get_validator(n): n for n in (
        "not_empty", "not_missing", "int_validator", "natural_number_validator", "is_positive_integer",
        "boolean_validator", "unicode_safe", "dict_only", "user_id_or_name_exists", "url_validator")}
    out: dict[str, Any] = {}
    required = False
    for validator in validators:
        name = names.get(validator) or getattr(validator, "__qualname__", "")
        if name in ("not_empty", "not_missing"):
            required = True
        elif name == "int_validator":
            out["type"] = "integer"
        elif name == "natural_number_validator":
            out.update(type="integer", minimum=0)
        elif name == "is_positive_integer":
            out.update(type="integer", minimum=1)
        elif name == "boolean_validator":
            out["type"] = "boolean"
        elif name in ("unicode_safe", "user_id_or_name_exists", "url_validator") and "type" not in out:
            out["type"] = "string"
        elif name == "dict_only":
            out["type"] = "object"
        elif name.startswith("one_of."):
            out["enum"] = list(_closure_value(validator) or [])
        elif name.startswith("default."):
            out["default"] = _closure_value(validator)
        elif name.startswith("catalogue_whole."):
            out.update(type="integer", minimum=0)
        elif validator is s.catalogue_strict_boolean:
            out["type"] = "boolean"
        elif validator in (s.catalogue_list_of_strings, s.catalogue_moderation_states):
            out["anyOf"] = [{"type": "array", "items": {"type": "string"}},
                            {"type": "string", "description": "comma-separated"}]
            out.pop("type", None)
        elif validator is s.catalogue_item_filters:
            out.update(type="array", items={"type": "object", "required": ["property", "values"], "properties": {
                "property": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
                "values": {"type": "array", "items": {"type": "string"}}, "exact": {"type": "boolean"},
                "contains": {"type": "boolean"}, "at_most": {"type": "boolean"}}})
        elif validator is s.catalogue_item_sort:
            out.update(type="string", description="`field asc|desc`, comma-separated; fields: metadata_created, "
                       "metadata_modified, title_string, catalogue_depth, doc.<property>")
        elif validator is s.catalogue_page_size:
            out["maximum"] = s.CATALOGUE_MAX_PAGE
        elif validator is s.catalogue_page_offset:
            out["maximum"] = s.CATALOGUE_MAX_OFFSET
        elif validator is s.catalogue_wkt:
            out.update(type="string", description="WKT shape: POINT, LINESTRING, POLYGON, ENVELOPE, BUFFER")
    if required and out.get("type") == "string":
        out["minLength"] = 1
    return out, required


def _object_schema(schema: Schema) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required = []
    for key, validators in schema.items():
        if key.startswith("__"):
            continue
        properties[key], needed = _property_schema(validators)
        if needed:
            required.append(key)
    out: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        out["required"] = required
    return out


def _first_line(fn: Callable[..., Any]) -> str:
    return (fn.__doc__ or "").strip().split("\n")[0] or fn.__name__


def catalogue_action_functions() -> dict[str, Callable[..., Any]]:
    """The ``catalogue_*`` actions the loaded plugins register (the core's
    and each feature's), as registered; CKAN's own, chained, are left out."""
    found: dict[str, Callable[..., Any]] = {}
    for plugin in p.PluginImplementations(p.IActions):
        for name, fn in plugin.get_actions().items():
            if name.startswith("catalogue_"):
                found.setdefault(name, fn)
    return found


def _action_paths() -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {"description": "Done", "content": {"application/json": {"schema": {
            "$ref": "#/components/schemas/CkanActionSuccess"}}}},
        "400": {"$ref": "#/components/responses/CkanActionBadRequest"},
        **{code: {"$ref": "#/components/responses/CkanActionError"} for code in ("403", "404", "409")},
        "429": {"$ref": "#/components/responses/CkanActionTooMany"},
        "500": {"$ref": "#/components/responses/CkanActionError"},
    }
    paths: dict[str, Any] = {}
    for name, fn in catalogue_action_functions().items():
        factory = catalogue_action_schema(fn)
        body = _object_schema(factory()) if factory else {"type": "object"}
        operation: dict[str, Any] = {
            "operationId": name, "tags": ["action"], "summary": _first_line(fn),
            "description": (fn.__doc__ or "").strip(),
            "security": [{"CkanApiToken": []}, {}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
            "responses": copy.deepcopy(responses),
        }
        paths[f"{ACTION_PREFIX}/{name}"] = {"post": operation}
    return paths


_ACTION_COMPONENTS: dict[str, Any] = {
    "securitySchemes": {"CkanApiToken": {
        "type": "apiKey", "in": "header", "name": "Authorization",
        "description": "A CKAN API token (user profile > API tokens, or catalogue_token_create)."}},
    "schemas": {
        "CkanActionSuccess": {"type": "object", "required": ["help", "success", "result"], "properties": {
            "help": {"type": "string"}, "success": {"const": True}, "result": {}}},
        "CkanActionFailure": {"type": "object", "required": ["help", "success", "error"], "properties": {
            "help": {"type": "string"}, "success": {"const": False},
            "error": {"type": "object", "required": ["__type"], "properties": {
                "__type": {"type": "string"},
                # A sentence (403, 404, 500); in a 409, the messages of a
                # refusal that names no field (CKAN's field -> messages).
                "message": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}}}}},
    },
    "responses": {
        "CkanActionError": {"description": "CKAN's error envelope: 403 not allowed, 404 not found, "
                                           "409 validation (a message per field), 500 unexpected",
                            "content": {"application/json": {"schema": {
                                "$ref": "#/components/schemas/CkanActionFailure"}}}},
        "CkanActionBadRequest": {"description": "A body that is not a JSON object (CKAN answers with a JSON "
                                                "string) or a search CKAN refuses",
                                 "content": {"application/json": {"schema": {"anyOf": [
                                     {"$ref": "#/components/schemas/CkanActionFailure"}, {"type": "string"}]}}}},
        "CkanActionTooMany": {"description": "Over the rate limit (never for sysadmins)",
                              "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                              "content": {"application/json": {"schema": {
                                  "$ref": "#/components/schemas/CkanActionFailure"}}}},
    },
}


def _merge(doc: dict[str, Any], fragment: dict[str, Any], source: str) -> None:
    for tag in fragment.get("tags", []):
        doc["tags"].append(tag)
    for path, item in fragment.get("paths", {}).items():
        if path in doc["paths"]:
            raise ValueError(f"{source}: path {path} is already described")
        doc["paths"][path] = item
    for section, entries in fragment.get("components", {}).items():
        target = doc["components"].setdefault(section, {})
        for key, value in entries.items():
            if key in target:
                raise ValueError(f"{source}: components/{section}/{key} is already described")
            target[key] = value


def catalogue_openapi_document() -> dict[str, Any]:
    """The document for the APIs the running application serves."""
    try:
        version = metadata.version("ckanext-catalogue")
    except metadata.PackageNotFoundError:
        version = "0"
    doc: dict[str, Any] = {
        "openapi": CATALOGUE_OPENAPI_VERSION,
        "info": {
            "title": tk.config.get("ckan.site_title") or "CKAN catalogue",
            "version": version,
            "description": "The catalogue APIs of this CKAN portal (ckanext-catalogue): the CKAN action API's "
                           "catalogue actions and each catalogue dialect (gCat, IUDX, iTwin library, Waldur software catalogs).",
        },
        "servers": [{"url": tk.config.get("ckan.site_url") or "/"}],
        "tags": [{"name": "action", "description": "CKAN action API: the catalogue_* actions"}],
        "paths": _action_paths(),
        "components": copy.deepcopy(_ACTION_COMPONENTS),
    }
    blueprints = current_app.blueprints if current_app else {}
    for dialect in sorted(catalogue_dialects(), key=lambda d: d.blueprint.name):
        if dialect.openapi is not None and dialect.blueprint.name in blueprints:
            _merge(doc, copy.deepcopy(_load_fragment(dialect.openapi)), str(dialect.openapi))
    return doc
