"""Resources of an item: CKAN resources of its dataset (a link, or a file
through CKAN's uploader), read by whoever may read the item and written by
its editors, at most ``ckanext.catalogue.limits.item_resources`` of them.

A dialect may give resources a ``role`` (a library component's weblinks and
documents) and keep ``properties`` on them: each role is a list of its own,
its names unique in it when the dialect asks."""
from __future__ import annotations

from typing import Any, cast

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.dictization import model_dictize
from ckan.types import ActionResult, Context, DataDict

from ckanext.catalogue.config import catalogue_item_resources_max
from ckanext.catalogue.core.errors import CatalogueConflict, CatalogueInvalid, CatalogueResourceNotFound
from ckanext.catalogue.core.kinds import catalogue_kind
from ckanext.catalogue.core.store import catalogue_core_context
from ckanext.catalogue.interfaces import CatalogueResourceRole
from ckanext.catalogue.logic import schema
from ckanext.catalogue.logic.action.item import catalogue_item_target
from ckanext.catalogue.logic.validation import catalogue_validated
from ckanext.catalogue.model import CatalogueItem

__all__ = ["catalogue_item_resource_list", "catalogue_item_resource_show", "catalogue_item_resource_create",
           "catalogue_item_resource_update", "catalogue_item_resource_delete"]


# Resource extras the core keeps: the role, and the dialect's properties.
ROLE = "catalogue_role"
PROPERTIES = "catalogue_properties"


def _item(context: Context, data_dict: DataDict, write: bool) -> model.Package:
    ref = {k: v for k, v in data_dict.items() if k in ("id", "kind", "member_only")}
    return catalogue_item_target(context, ref, "catalogue_item_update" if write else "catalogue_item_show",
                                 active_only=True)[1]


def _declared_role(pkg: model.Package, role: str | None) -> CatalogueResourceRole | None:
    """The role's declaration by the item's kind (None for no role); a role
    the kind does not declare is refused."""
    if not role:
        return None
    row = model.Session.get(CatalogueItem, pkg.id)
    kind = catalogue_kind(row.kind) if row is not None else None
    found = next((r for r in (kind.resource_roles if kind else ()) if r.name == role), None)
    if found is None:
        raise CatalogueInvalid({"role": [tk._("Items of this kind keep no resources of role {role}").format(
            role=role)]})
    return found


def _role(resource: model.Resource) -> str | None:
    return (resource.extras or {}).get(ROLE)


def _resource(pkg: model.Package, resource_id: str, role: str | None = None) -> model.Resource:
    """The item's active resource of that id (and role); another item's, or
    another role's, is not found."""
    found = model.Session.get(model.Resource, resource_id)
    if found is None or found.package_id != pkg.id or found.state != "active" or _role(found) != role:
        raise CatalogueResourceNotFound(tk._("Resource {id} not found").format(id=resource_id))
    return found


def _active(pkg: model.Package) -> list[model.Resource]:
    return list(model.Session.query(model.Resource).filter(
        model.Resource.package_id == pkg.id, model.Resource.state == "active").order_by(model.Resource.position))


def _check_resource(pkg: model.Package, role: CatalogueResourceRole | None, fields: dict[str, Any],
                    current: model.Resource | None = None) -> None:
    """The role's rules: what it holds (a link or a file), its check of the
    fields, a file it keeps once fixed, and its names unique among the
    item's resources of the role when it says so (in any case, spaces
    around ignored)."""
    if role is None:
        if not fields.get("url") and "upload" not in fields:
            raise CatalogueInvalid({"url": [tk._("A resource needs a url or an uploaded file")]})
        return
    has_file = "upload" in fields or fields.get("url_type") == "upload"
    if role.holds == "link" and "upload" in fields:
        raise CatalogueInvalid({"upload": [tk._("A resource of role {role} is a link, not a file").format(
            role=role.name)]})
    if role.holds == "file" and fields.get("url") and not has_file:
        raise CatalogueInvalid({"url": [tk._("A resource of role {role} holds an uploaded file, not a link").format(
            role=role.name)]})
    if role.check is not None:
        errors = role.check({k: fields.get(k) for k in ("name", "url", "format", "description")} | {
            "properties": fields.get(PROPERTIES) or {}, "file": has_file})
        if errors:
            raise CatalogueInvalid(errors)
    if role.holds == "link" and not fields.get("url"):
        raise CatalogueInvalid({"url": [tk._("A resource needs a url or an uploaded file")]})
    fixed = role.file_fixed_when
    if current is not None and fixed and "upload" in fields and (current.extras or {}).get(
            PROPERTIES, {}).get(fixed) is True:
        raise CatalogueConflict({fixed: [tk._("The file of a resource whose {flag} is true cannot change").format(
            flag=fixed)]})
    name = str(fields.get("name") or "").strip().lower()
    if not role.unique_name or not name:
        return
    for other in _active(pkg):
        if (other.id != getattr(current, "id", None) and _role(other) == role.name
                and (other.name or "").strip().lower() == name):
            raise CatalogueConflict({"name": [tk._("A resource of this item already has that name")]})


def _shown(resource: model.Resource) -> dict[str, Any]:
    return model_dictize.resource_dictize(resource, cast(Context, {"model": model, "session": model.Session}))


def _core(context: Context) -> Context:
    # The item's auth has decided; CKAN's resource actions run as the core's
    # own call (its dataset guard refuses them on items otherwise).
    return catalogue_core_context({"user": context.get("user", ""), "ignore_auth": True})


def _fields(pkg: model.Package, data: DataDict) -> dict[str, Any]:
    """The resource's fields; a ``package_id`` sent with them names this item."""
    if data.get("package_id") not in (None, pkg.id, pkg.name):
        raise CatalogueInvalid({"package_id": [tk._("The resource's package_id must name this item")]})
    fields = {k: data[k] for k in (*schema.CATALOGUE_RESOURCE_FIELDS, "upload") if k in data}
    if data.get("role"):
        fields[ROLE] = data["role"]
    if data.get("properties") is not None:
        fields[PROPERTIES] = data["properties"]
    return fields


@tk.side_effect_free
@catalogue_validated(schema.catalogue_item_resource_list_schema, first=lambda c, d: _item(c, d, write=False))
def catalogue_item_resource_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """The resources of an item the caller may read, in their order.

    :param id: the item
    """
    pkg = _item(context, data_dict, write=False)
    return [_shown(r) for r in _active(pkg) if _role(r) == data_dict.get("role")]


@tk.side_effect_free
@catalogue_validated(schema.catalogue_item_resource_id_schema, first=lambda c, d: _item(c, d, write=False))
def catalogue_item_resource_show(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """One resource of an item the caller may read.

    :param id: the item
    :param resource_id: the resource
    """
    return _shown(_resource(_item(context, data_dict, write=False), data_dict["resource_id"], data_dict.get("role")))


@catalogue_validated(schema.catalogue_item_resource_create_schema, first=lambda c, d: _item(c, d, write=True))
def catalogue_item_resource_create(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Add a resource to an item (its editors): a ``url``, or a file in
    ``upload`` (multipart) stored by CKAN's uploader.

    :param id: the item
    :param name, url, description, format, mimetype: the resource's fields
    :param upload: a file
    :param role: the list of the item's resources it joins (optional)
    :param properties: a flat object the resource keeps (at most 10 entries)
    """
    pkg = _item(context, data_dict, write=True)
    role = _declared_role(pkg, data_dict.get("role"))
    fields = _fields(pkg, data_dict)
    _check_resource(pkg, role, fields)
    most = catalogue_item_resources_max()
    if len(_active(pkg)) >= most:
        raise CatalogueInvalid({"resources": [tk._("An item holds at most {n} resources").format(n=most)]})
    created = tk.get_action("resource_create")(_core(context), {"package_id": pkg.id, "url": "", **fields})
    return _shown(_resource(pkg, created["id"], data_dict.get("role")))


@catalogue_validated(schema.catalogue_item_resource_update_schema, first=lambda c, d: _item(c, d, write=True))
def catalogue_item_resource_update(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Replace a resource of an item (its editors): fields left out are
    cleared, a new ``upload`` replaces the file.

    :param id: the item
    :param resource_id: the resource
    :param name, url, description, format, mimetype, upload, role, properties: as on create
    """
    pkg = _item(context, data_dict, write=True)
    role = _declared_role(pkg, data_dict.get("role"))
    current = _resource(pkg, data_dict["resource_id"], data_dict.get("role"))
    fields = _fields(pkg, data_dict)
    if not fields.get("url") and "upload" not in fields and current.url_type == "upload":
        # The file stays: CKAN keeps an upload whose url is sent back unchanged.
        fields["url"], fields["url_type"] = current.url, "upload"
    _check_resource(pkg, role, fields, current)
    tk.get_action("resource_update")(_core(context), {"id": current.id, "package_id": pkg.id, **fields})
    return _shown(_resource(pkg, current.id, data_dict.get("role")))


@catalogue_validated(schema.catalogue_item_resource_id_schema, first=lambda c, d: _item(c, d, write=True))
def catalogue_item_resource_delete(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Remove a resource of an item (its editors).

    :param id: the item
    :param resource_id: the resource
    :returns: ``{"id": resource_id, "deleted": true}``
    """
    pkg = _item(context, data_dict, write=True)
    current = _resource(pkg, data_dict["resource_id"], data_dict.get("role"))
    tk.get_action("resource_delete")(_core(context), {"id": current.id})
    return {"id": current.id, "deleted": True}
