"""The rules every catalogue item obeys, whatever its kind: document schema,
ids and aliases, parent links, uniqueness and fixed fields. The item
actions call these before anything is stored."""
from __future__ import annotations

import datetime
import functools
import uuid
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, cast

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.catalogue.core.errors import (
    CODE_IMMUTABLE,
    CODE_INVALID,
    CODE_INVALID_ID,
    CODE_LINK,
    CatalogueInvalid,
)
from ckanext.catalogue.core.kinds import (
    ID_CLIENT,
    ID_NAME,
    ID_UUID,
    CatalogueKind,
    catalogue_kind,
    catalogue_kind_by_type,
    catalogue_kinds,
)
from ckanext.catalogue.core.loaded import catalogue_loaded
from ckanext.catalogue.model import CatalogueItem, CatalogueItemKey
from ckanext.catalogue.model.item import KEY_ALIAS, KEY_UNIQUE


def catalogue_now_iso() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S%z")


def catalogue_doc_types(doc: dict[str, Any]) -> list[str]:
    types = doc.get("type")
    if isinstance(types, str):
        return [types]
    return [t for t in cast("list[Any]", types) if isinstance(t, str)] if isinstance(types, list) else []


def catalogue_pick_kind(kind_name: str | None, doc: dict[str, Any]) -> CatalogueKind:
    """The kind named, or the one whose JSON-LD type the document carries."""
    if kind_name:
        kind = catalogue_kind(kind_name)
        if kind is None:
            raise CatalogueInvalid({"kind": [tk._("Unknown kind {kind}; known kinds: {known}").format(
                kind=kind_name, known=", ".join(sorted(catalogue_kinds())))]})
        return kind
    for jsonld_type in catalogue_doc_types(doc):
        kind = catalogue_kind_by_type(jsonld_type)
        if kind is not None:
            return kind
    raise CatalogueInvalid({"type": [tk._("The type names no known item kind")]})


def catalogue_check_schema(kind: CatalogueKind, doc: dict[str, Any]) -> None:
    """Every violation of the kind's JSON schema and name rule, reported together."""
    errors: dict[str, list[str]] = dict(kind.doc_check(doc)) if kind.doc_check else {}
    if kind.name_check is not None and kind.name_field in doc:
        try:
            kind.name_check(doc[kind.name_field])
        except tk.Invalid as invalid:
            errors[kind.name_field] = [str(invalid.error)]
    if kind.schema:
        catalogue_schema_errors(kind.schema_validator, doc, errors)
    if errors:
        raise CatalogueInvalid(errors, CODE_INVALID)


def catalogue_schema_errors(validator: Any, doc: dict[str, Any],
                            errors: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Every violation of a JSON schema (its jsonschema ``validator``) by
    ``doc``, field by field, added to ``errors``; a message already there
    for a field is not repeated (a kind's own check may say it first)."""
    errors = {} if errors is None else errors

    def add(path: str, message: str) -> None:
        if message not in errors.get(path, []):
            errors.setdefault(path, []).append(message)

    for error in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        base = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            for name in cast("Iterable[Any]", error.validator_value):
                if name not in error.instance:
                    add(f"{base}.{name}" if base else str(name), tk._("Missing required field {name}").format(name=name))
            continue
        add(base or "doc", error.message)
    return errors


def catalogue_parse_uuid(value: Any, field: str = "id") -> str:
    try:
        parsed = uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        raise CatalogueInvalid({field: [tk._("Invalid UUID: {value}").format(value=value)]}, CODE_INVALID_ID) from None
    if str(parsed) != str(value).lower():
        raise CatalogueInvalid({field: [tk._("Invalid UUID: {value}").format(value=value)]}, CODE_INVALID_ID)
    return str(parsed)


def catalogue_new_id(kind: CatalogueKind, requested: Any) -> tuple[str, list[str]]:
    """Id of a new item and its aliases. A legacy path id (with ``/``) is
    kept as an alias of a fresh UUID (``catalogue_is_fresh_id`` tells which)."""
    if kind.id_rule == ID_CLIENT and requested not in (None, ""):
        if not isinstance(requested, str) or len(requested) > 200 or not requested.strip():
            raise CatalogueInvalid({"id": [tk._("An id is a string of at most 200 characters")]}, CODE_INVALID_ID)
        try:
            return catalogue_parse_uuid(requested), []
        except CatalogueInvalid:
            return str(uuid.uuid4()), [requested]
    if kind.id_rule not in (ID_UUID, ID_CLIENT):
        # Named kinds: the name is the dataset's name, resolved like an id.
        return str(uuid.uuid4()), []
    if requested in (None, ""):
        return str(uuid.uuid4()), []
    if isinstance(requested, str) and "/" in requested:
        return str(uuid.uuid4()), [requested]
    return catalogue_parse_uuid(requested), []


def catalogue_is_fresh_id(item_id: str, requested: Any) -> bool:
    """Whether ``catalogue_new_id`` made the id up (a random UUID no stored
    item can hold) rather than taking the one requested."""
    if not isinstance(requested, str) or not requested:
        return True
    try:
        return catalogue_parse_uuid(requested) != item_id
    except CatalogueInvalid:
        return True


@functools.cache
def _ranked_lookup() -> sa.Select[tuple[CatalogueItem, model.Package, Any]]:
    """One query for the three ways to name an item, best first (id,
    alias, dataset name), with the item's dataset. A name counts only when
    no dataset has that id (as CKAN's Package.get reads an id first). Built
    once: building it per call cost more than PostgreSQL's answer."""
    value: sa.BindParameter[str] = sa.bindparam("value", type_=sa.UnicodeText)
    alias: sa.BindParameter[str] = sa.bindparam("alias", type_=sa.UnicodeText)
    ranked = sa.union_all(
        sa.select(CatalogueItem.id.label("id"), sa.literal(0).label("rank")).where(CatalogueItem.id == value),
        sa.select(CatalogueItemKey.item_id, sa.literal(1)).where(CatalogueItemKey.key == alias),
        sa.select(model.Package.id, sa.literal(2)).where(
            model.Package.name == value, ~sa.exists().where(model.package_table.c.id == value)),
    ).subquery()
    group = model.group_table
    return (sa.select(CatalogueItem, model.Package, group.c.name).join(ranked, ranked.c.id == CatalogueItem.id)
            .outerjoin(model.Package, model.Package.id == CatalogueItem.id)
            .outerjoin(group, sa.and_(group.c.id == model.Package.owner_org, group.c.state == "active"))
            .order_by(ranked.c.rank).limit(1))


class CatalogueFound(NamedTuple):
    """An item found by id, alias or name, with its dataset."""

    row: CatalogueItem
    pkg: model.Package
    organization: str | None  # its owner organization's name, when active (as package_show shows it)


def _resolved(value: Any) -> tuple[CatalogueItem, model.Package | None, str | None] | None:
    """The item, its dataset and organization name (None for both when the
    item was already in the session)."""
    if not isinstance(value, str) or not value:
        return None
    held = catalogue_loaded(CatalogueItem, value)
    if held is not None:
        return held, None, None
    found = model.Session.execute(_ranked_lookup(), {"value": value, "alias": f"{KEY_ALIAS}:{value}"}).first()
    return (found[0], found[1], found[2]) if found is not None else None


def _active_organization_name(org_id: str | None) -> str | None:
    org = model.Session.get(model.Group, org_id) if org_id else None
    return org.name if org is not None and org.state == "active" else None


def catalogue_resolve(value: Any) -> CatalogueItem | None:
    """The item an id, alias or (for named kinds) name designates."""
    found = _resolved(value)
    return found[0] if found is not None else None


def catalogue_item_found(value: Any, kinds: list[str] | None = None) -> CatalogueFound:
    """The item (of one of ``kinds``, when given), its dataset and its
    organization's name; ObjectNotFound otherwise."""
    found = _resolved(value)
    pkg = (found[1] or model.Package.get(found[0].id)) if found is not None else None
    if found is None or pkg is None or (kinds and found[0].kind not in kinds):
        raise tk.ObjectNotFound(tk._("Item {id} not found").format(id=value))
    organization = found[2] if found[1] is not None else _active_organization_name(pkg.owner_org)
    return CatalogueFound(found[0], pkg, organization)


def catalogue_item_or_404(value: Any, kinds: list[str] | None = None) -> tuple[CatalogueItem, model.Package]:
    """The item (of one of ``kinds``, when given) and its dataset."""
    found = catalogue_item_found(value, kinds)
    return found.row, found.pkg


def catalogue_links(kind: CatalogueKind, doc: dict[str, Any], explicit: Any) -> dict[str, Any]:
    """Link field -> value, for the links the document (or ``parent``) gives."""
    links = {f: doc[f] for f in kind.link_fields if doc.get(f)}
    if explicit:
        links["parent"] = explicit
    return links


def catalogue_fill_links(
    kind: CatalogueKind, doc: dict[str, Any], parent_ref: Any, ancestors_of: Callable[[list[str]], dict[str, list[str]]],
) -> dict[str, Any]:
    """The document with each link field it leaves out set to the parent or
    the parent's ancestor of the field's kind (as IUDX copies links down)."""
    parent = catalogue_resolve(parent_ref)
    missing = {f: k for f, k in kind.link_fields.items() if not doc.get(f)}
    if parent is None or not missing:
        return doc
    chain = [*ancestors_of([parent.id]).get(parent.id, []), parent.id]
    kinds = dict(cast("Iterable[tuple[str, str]]",
                      model.Session.query(CatalogueItem.id, CatalogueItem.kind).filter(CatalogueItem.id.in_(chain))))
    filled = dict(doc)
    for field, expected in missing.items():
        match = next((i for i in reversed(chain) if kinds.get(i) == expected), None)
        if match:
            filled[field] = match
    return filled


def catalogue_check_links(
    kind: CatalogueKind, links: dict[str, Any], ancestors_of: Callable[[list[str]], dict[str, list[str]]],
) -> tuple[CatalogueItem | None, list[str]]:
    """The parent item and the new item's ancestor ids (root first).

    Every linked item must exist; the deepest is the parent and must be of
    an allowed kind; the others must be its ancestors. ``ancestors_of``
    gives the stored ancestors of item ids.
    """
    if not links:
        if kind.parents and kind.parent_required:
            field = next(iter(kind.link_fields), "parent")
            raise CatalogueInvalid({field: [tk._("A parent item is required")]}, CODE_LINK)
        return None, []
    resolved: dict[str, CatalogueItem] = {}
    for field, value in links.items():
        row = catalogue_resolve(value)
        if row is None:
            raise CatalogueInvalid({field: [tk._("Linked item {id} does not exist").format(id=value)]}, CODE_LINK)
        expected = kind.link_fields.get(field)
        if expected and row.kind != expected:
            raise CatalogueInvalid({field: [tk._("{id} is a {found}, not a {expected}").format(
                id=value, found=row.kind, expected=expected)]}, CODE_LINK)
        resolved[field] = row
    chains = ancestors_of(list({row.id for row in resolved.values()}))
    field, parent = max(resolved.items(), key=lambda fr: len(chains.get(fr[1].id, [])))
    if parent.kind not in kind.parents:
        raise CatalogueInvalid({field: [tk._("An item of kind {kind} cannot be under a {parent}").format(
            kind=kind.name, parent=parent.kind)]}, CODE_LINK)
    ancestors = [*chains.get(parent.id, []), parent.id]
    for other_field, row in resolved.items():
        if row.id not in ancestors:
            raise CatalogueInvalid({other_field: [tk._(
                "{value} is not an ancestor of the item's parent {parent}").format(
                    value=links[other_field], parent=parent.id)]}, CODE_LINK)
    return parent, ancestors


def catalogue_reference_ids(kind: CatalogueKind, doc: dict[str, Any]) -> dict[str, list[str]]:
    """Reference field -> the ids the document names in it."""
    named: dict[str, list[str]] = {}
    for field in kind.reference_fields:
        value = doc.get(field)
        values = cast("list[Any]", value) if isinstance(value, list) else [] if value in (None, "") else [value]
        named[field] = [v for v in values if isinstance(v, str)]
        if len(named[field]) != len(values):
            raise CatalogueInvalid({field: [tk._("Must name items by their ids")]}, CODE_LINK)
    return named


def catalogue_check_references(kind: CatalogueKind, doc: dict[str, Any], owner_org: str | None,
                               may_read: Callable[[str], bool]) -> None:
    """Every item a reference field names exists, is of the field's kind and
    active, belongs to ``owner_org`` and ``may_read`` it: one query for all
    of them, then the read check of each. An item of another organization,
    or hidden from the caller, is reported as one that does not exist, so
    ids of items never leak."""
    named = catalogue_reference_ids(kind, doc)
    wanted = {v for values in named.values() for v in values}
    if not wanted:
        return
    rows = model.Session.query(CatalogueItem.id, CatalogueItem.kind).join(
        model.Package, model.Package.id == CatalogueItem.id).filter(
        CatalogueItem.id.in_(wanted), model.Package.state == "active",
        model.Package.owner_org == owner_org)
    found = dict(cast("Iterable[tuple[str, str]]", rows))
    errors: dict[str, list[str]] = {}
    for field, values in named.items():
        for value in values:
            if found.get(value) != kind.reference_fields[field] or not may_read(value):
                errors.setdefault(field, []).append(tk._("Linked item {id} does not exist").format(id=value))
    if errors:
        raise CatalogueInvalid(errors, CODE_LINK)


def catalogue_unique_key(kind: CatalogueKind, doc: dict[str, Any], parent_id: str | None,
                         owner_org: str | None = None) -> str | None:
    """The key no two items may share: the kind, the scope (the items named
    by ``unique_scope_fields``, the organization, or the parent) and the
    unique values."""
    if not kind.unique_fields and not kind.unique_scope_fields:
        return None
    if kind.unique_fields and not any(str(doc.get(f) or "").strip() for f in kind.unique_fields):
        return None  # no value to keep unique (a field the kind's schema leaves optional)
    if kind.unique_in_organization:
        values = "|".join(str(doc.get(f, "")).strip().lower() for f in kind.unique_fields)
        return f"{KEY_UNIQUE}:{kind.name}:org:{owner_org or ''}:{values}"
    scope_parts = []
    for field in kind.unique_scope_fields:
        value = doc.get(field)
        if not value:
            break
        linked = catalogue_resolve(value)
        scope_parts.append(linked.id if linked else str(value))
    else:
        if kind.unique_scope_fields:
            scope = "|".join(scope_parts)
            values = "|".join(str(doc.get(f, "")).strip().lower() for f in kind.unique_fields)
            return f"{KEY_UNIQUE}:{kind.name}:{scope}:{values}"
    if not kind.unique_fields:
        return None
    values = "|".join(str(doc.get(f, "")).strip().lower() for f in kind.unique_fields)
    return f"{KEY_UNIQUE}:{kind.name}:{parent_id or ''}:{values}"


def catalogue_check_fixed(kind: CatalogueKind, stored: dict[str, Any], doc: dict[str, Any],
                          item_id: str, aliases: list[str]) -> dict[str, Any]:
    """The replacing document with the fields an update may not change
    checked (400 when they differ) and carried over when left out."""
    errors: dict[str, list[str]] = {}
    if doc.get("id") not in (None, item_id, *aliases):
        errors["id"] = [tk._("The id of an item cannot change")]
    if ("type" in doc and sorted(catalogue_doc_types(doc)) != sorted(catalogue_doc_types(stored))
            and kind.jsonld_type not in catalogue_doc_types(doc)):
        errors["type"] = [tk._("The type of an item cannot change")]
    fixed = [*kind.link_fields, *(f for f in (kind.created_field,) if f)]
    if kind.id_rule == ID_NAME:
        fixed.append(kind.name_field)
    for field in fixed:
        if field in doc and field in stored and doc[field] != stored[field]:
            errors[field] = [tk._("The field {field} cannot change").format(field=field)]
    if errors:
        raise CatalogueInvalid(errors, CODE_IMMUTABLE)
    merged = dict(doc)
    for field in [*fixed, *(f for f in (kind.status_field,) if f)]:
        if field in stored:
            merged[field] = stored[field]
    if "type" in stored:
        merged["type"] = doc.get("type", stored["type"])
    merged.pop("id", None)
    return merged
