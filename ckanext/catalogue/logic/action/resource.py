"""Resources of an item: CKAN resources of its dataset (a link, or a file
through CKAN's uploader), read by whoever may read the item and written by
its editors, at most ``ckanext.catalogue.limits.item_resources`` of them."""
from __future__ import annotations

from typing import Any, cast

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.dictization import model_dictize
from ckan.types import ActionResult, Context, DataDict

from ckanext.catalogue.config import catalogue_item_resources_max
from ckanext.catalogue.core.errors import CatalogueInvalid
from ckanext.catalogue.core.store import catalogue_core_context
from ckanext.catalogue.logic import schema
from ckanext.catalogue.logic.action.item import catalogue_item_target
from ckanext.catalogue.logic.validation import catalogue_validated

__all__ = ["catalogue_item_resource_list", "catalogue_item_resource_show", "catalogue_item_resource_create",
           "catalogue_item_resource_update", "catalogue_item_resource_delete"]


def _item(context: Context, data_dict: DataDict, write: bool) -> model.Package:
    ref = {k: v for k, v in data_dict.items() if k in ("id", "kind")}
    return catalogue_item_target(context, ref, "catalogue_item_update" if write else "catalogue_item_show",
                                 active_only=True)[1]


def _resource(pkg: model.Package, resource_id: str) -> model.Resource:
    """The item's active resource of that id; another item's is not found."""
    found = model.Session.get(model.Resource, resource_id)
    if found is None or found.package_id != pkg.id or found.state != "active":
        raise tk.ObjectNotFound(tk._("Resource {id} not found").format(id=resource_id))
    return found


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
    return {k: data[k] for k in (*schema.CATALOGUE_RESOURCE_FIELDS, "upload") if k in data}


@tk.side_effect_free
@catalogue_validated(schema.catalogue_item_resource_list_schema, first=lambda c, d: _item(c, d, write=False))
def catalogue_item_resource_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """The resources of an item the caller may read, in their order.

    :param id: the item
    """
    pkg = _item(context, data_dict, write=False)
    rows = model.Session.query(model.Resource).filter(
        model.Resource.package_id == pkg.id, model.Resource.state == "active").order_by(model.Resource.position)
    return [_shown(r) for r in rows]


@tk.side_effect_free
@catalogue_validated(schema.catalogue_item_resource_id_schema, first=lambda c, d: _item(c, d, write=False))
def catalogue_item_resource_show(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """One resource of an item the caller may read.

    :param id: the item
    :param resource_id: the resource
    """
    return _shown(_resource(_item(context, data_dict, write=False), data_dict["resource_id"]))


@catalogue_validated(schema.catalogue_item_resource_create_schema, first=lambda c, d: _item(c, d, write=True))
def catalogue_item_resource_create(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Add a resource to an item (its editors): a ``url``, or a file in
    ``upload`` (multipart) stored by CKAN's uploader.

    :param id: the item
    :param name, url, description, format, mimetype: the resource's fields
    :param upload: a file
    """
    pkg = _item(context, data_dict, write=True)
    fields = _fields(pkg, data_dict)
    if not fields.get("url") and "upload" not in fields:
        raise CatalogueInvalid({"url": [tk._("A resource needs a url or an uploaded file")]})
    most = catalogue_item_resources_max()
    held = model.Session.query(model.Resource).filter(
        model.Resource.package_id == pkg.id, model.Resource.state == "active").count()
    if held >= most:
        raise CatalogueInvalid({"resources": [tk._("An item holds at most {n} resources").format(n=most)]})
    created = tk.get_action("resource_create")(_core(context), {"package_id": pkg.id, "url": "", **fields})
    return _shown(_resource(pkg, created["id"]))


@catalogue_validated(schema.catalogue_item_resource_update_schema, first=lambda c, d: _item(c, d, write=True))
def catalogue_item_resource_update(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Replace a resource of an item (its editors): fields left out are
    cleared, a new ``upload`` replaces the file.

    :param id: the item
    :param resource_id: the resource
    :param name, url, description, format, mimetype, upload: as on create
    """
    pkg = _item(context, data_dict, write=True)
    current = _resource(pkg, data_dict["resource_id"])
    fields = _fields(pkg, data_dict)
    if not fields.get("url") and "upload" not in fields:
        if current.url_type != "upload":
            raise CatalogueInvalid({"url": [tk._("A resource needs a url or an uploaded file")]})
        # The file stays: CKAN keeps an upload whose url is sent back unchanged.
        fields["url"], fields["url_type"] = current.url, "upload"
    tk.get_action("resource_update")(_core(context), {"id": current.id, "package_id": pkg.id, **fields})
    return _shown(_resource(pkg, current.id))


@catalogue_validated(schema.catalogue_item_resource_id_schema, first=lambda c, d: _item(c, d, write=True))
def catalogue_item_resource_delete(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Remove a resource of an item (its editors).

    :param id: the item
    :param resource_id: the resource
    :returns: ``{"id": resource_id, "deleted": true}``
    """
    pkg = _item(context, data_dict, write=True)
    current = _resource(pkg, data_dict["resource_id"])
    tk.get_action("resource_delete")(_core(context), {"id": current.id})
    return {"id": current.id, "deleted": True}
