"""The portal's create and edit forms of an item, built from its kind: one
input per known document field (from the kind's JSON schema and its name,
title, description and tags fields), the rest of the document as JSON.

Only translation between form values and documents lives here; every rule
is checked by the core actions, whose errors come back by field."""
from __future__ import annotations

import json
from typing import Any, NamedTuple, cast

import ckan.plugins.toolkit as tk

from ckanext.catalogue.core.kinds import ID_NAME, CatalogueKind

MORE_FIELD = "more"  # the rest of the document, as a JSON object
FORM_ERRORS = "_form"  # errors about the request as a whole, above the form
# The core's error keys that are about the request rather than one input.
_REQUEST_KEYS = ("if_match", "message", "state", "organization", "id", "kind", "to_kind")


class CatalogueFormField(NamedTuple):
    name: str
    widget: str  # text | textarea | list | bool | number | json
    required: bool


def _widget(name: str, spec: dict[str, Any], kind: CatalogueKind) -> str:
    kinds = spec.get("type")
    if kinds == "string":
        return "textarea" if name == kind.description_field else "text"
    if kinds == "array":
        items: dict[str, Any] = spec.get("items") or {}
        simple = items.get("type") == "string" or any(o.get("type") == "string" for o in items.get("anyOf", []))
        return "list" if simple else "json"
    if kinds == "boolean":
        return "bool"
    if kinds in ("number", "integer"):
        return "number"
    if name in (kind.name_field, kind.title_field):
        return "text"
    if name == kind.description_field:
        return "textarea"
    if name == kind.tags_field:
        return "list"
    return "json"


def _hidden(kind: CatalogueKind) -> set[str]:
    """Fields the server owns or the parent sets: never in the form."""
    return {"type", "@context", "id", *kind.link_fields, *(f for f in (kind.status_field, kind.created_field) if f)}


def catalogue_form_fields(kind: CatalogueKind) -> list[CatalogueFormField]:
    schema = kind.schema or {}
    props: dict[str, Any] = schema.get("properties") or {}
    required = set(schema.get("required") or []) | {kind.name_field}
    names = [kind.name_field, kind.title_field, kind.description_field, kind.tags_field, *props]
    return [CatalogueFormField(name, _widget(name, props.get(name) or {}, kind), name in required)
            for name in dict.fromkeys(n for n in names if n and n not in _hidden(kind))]


def _list_entry(value: Any) -> str:
    # gCat's tags may be {"name": ...} objects: the form edits their names.
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return cast("dict[str, Any]", value)["name"]
    return value if isinstance(value, str) else json.dumps(value)


def catalogue_form_values(kind: CatalogueKind, doc: dict[str, Any]) -> dict[str, str]:
    """What each input shows for a document (and the rest as JSON)."""
    fields = catalogue_form_fields(kind)
    values: dict[str, str] = {}
    for field in fields:
        value = doc.get(field.name)
        if value is None:
            values[field.name] = ""
        elif field.widget == "list" and isinstance(value, list):
            values[field.name] = ", ".join(_list_entry(v) for v in cast("list[Any]", value))
        elif field.widget == "bool":
            values[field.name] = "true" if value is True else ""
        elif field.widget == "json" or not isinstance(value, (str, int, float)):
            values[field.name] = json.dumps(value, indent=2)
        else:
            values[field.name] = str(value)
    shown = {f.name for f in fields} | _hidden(kind)
    rest = {k: v for k, v in doc.items() if k not in shown}
    values[MORE_FIELD] = json.dumps(rest, indent=2) if rest else ""
    return values


def catalogue_new_doc_values(kind: CatalogueKind) -> dict[str, str]:
    """A new item's form: the kind's JSON-LD type among the rest, when its
    schema asks for one."""
    props: dict[str, Any] = (kind.schema or {}).get("properties") or {}
    values = catalogue_form_values(kind, {})
    if "type" in props:
        values[MORE_FIELD] = json.dumps({"type": [kind.jsonld_type]}, indent=2)
    return values


def _submitted(form: Any, name: str) -> str:
    # Browsers send line breaks in text areas as CRLF.
    return (form.get(name) or "").replace("\r\n", "\n")


def catalogue_form_doc(kind: CatalogueKind, form: Any, stored: dict[str, Any] | None = None,
                       ) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The document the form describes, and errors by input for what cannot
    be read (the core checks the rest). Editing ``stored``: an input left as
    the form showed it keeps the stored value exactly, and the fields the
    form hides are carried over."""
    stored = stored or {}
    shown = catalogue_form_values(kind, stored) if stored else {}
    errors: dict[str, list[str]] = {}
    doc: dict[str, Any] = {k: v for k, v in stored.items() if k in _hidden(kind)}
    more = _submitted(form, MORE_FIELD).strip()
    if more:
        try:
            parsed = json.loads(more)
        except json.JSONDecodeError as exc:
            errors[MORE_FIELD] = [tk._("Not valid JSON: {reason}").format(reason=exc.msg)]
        else:
            if isinstance(parsed, dict):
                doc.update(parsed)
            else:
                errors[MORE_FIELD] = [tk._("Must be a JSON object")]
    for field in catalogue_form_fields(kind):
        submitted = _submitted(form, field.name)
        if field.name in stored and field.name in shown and submitted == shown[field.name]:
            doc[field.name] = stored[field.name]
            continue
        raw = submitted if field.widget in ("text", "textarea") else submitted.strip()
        if field.widget == "bool":
            if raw == "true" or field.name in stored:  # an unticked box adds nothing new
                doc[field.name] = raw == "true"
            continue
        if not raw.strip():
            doc.pop(field.name, None)
            continue
        if field.widget == "list":
            doc[field.name] = [part.strip() for part in raw.split(",") if part.strip()]
        elif field.widget == "number":
            try:
                doc[field.name] = int(raw)
            except ValueError:
                try:
                    doc[field.name] = float(raw)
                except ValueError:
                    errors[field.name] = [tk._("Must be a number")]
        elif field.widget == "json":
            try:
                doc[field.name] = json.loads(raw)
            except json.JSONDecodeError as exc:
                errors[field.name] = [tk._("Not valid JSON: {reason}").format(reason=exc.msg)]
        else:
            doc[field.name] = raw
    return doc, errors


def catalogue_form_errors(kind: CatalogueKind, errors: dict[str, Any]) -> dict[str, list[str]]:
    """The core's errors by input: a field's own, a nested path's under its
    top-level field, link fields under the parent, the request's above the
    form, the others under the rest of the document."""
    inputs = {f.name for f in catalogue_form_fields(kind)}
    placed: dict[str, list[str]] = {}
    for key, messages in errors.items():
        top = str(key).split(".", 1)[0].split("[", 1)[0]
        if key in _REQUEST_KEYS:
            target = FORM_ERRORS
        elif top in inputs:
            target = top
        elif top in kind.link_fields or top in ("parent", "parent_id", "move"):
            target = "parent"
        else:
            target = MORE_FIELD
        reasons = cast("list[Any]", messages) if isinstance(messages, list) else [messages]
        prefix = "" if target in (key, FORM_ERRORS) else f"{key}: "
        placed.setdefault(target, []).extend(prefix + str(r) for r in reasons)
    return placed


def catalogue_name_is_fixed(kind: CatalogueKind) -> bool:
    """Items named by their name keep it (it is their dataset name)."""
    return kind.id_rule == ID_NAME
