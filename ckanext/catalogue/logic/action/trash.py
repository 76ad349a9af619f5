"""The trash: soft-deleted groups, organizations and items (datasets)."""
from __future__ import annotations

from typing import Any, cast

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import ActionResult, Context, DataDict

from ckanext.catalogue.core import roles
from ckanext.catalogue.core.errors import CatalogueConflict
from ckanext.catalogue.core.purge import catalogue_purge_packages
from ckanext.catalogue.logic import schema
from ckanext.catalogue.logic.validation import catalogue_validated
from ckanext.catalogue.model.item import CatalogueItem

__all__ = [
    "catalogue_trash_list",
    "catalogue_trash_empty",
]


def _deleted_items(user_name: str | None) -> Any:
    query = model.Session.query(model.Package.id, model.Package.name).filter(model.Package.state == "deleted")
    if not roles.catalogue_has_level(user_name, roles.CATALOGUE_ADMIN):
        # Editors see (and restore) only what they created.
        user = model.User.get(user_name or "")
        query = query.filter(model.Package.creator_user_id == (user.id if user else None))
    return query.order_by(model.Package.name)


def _deleted_groups(is_org: bool) -> Any:
    return (
        model.Session.query(model.Group.id, model.Group.name)
        .filter(model.Group.state == "deleted", model.Group.is_organization == is_org)
        .order_by(model.Group.name)
    )


@tk.side_effect_free
@catalogue_validated(schema.catalogue_trash_list_schema, first="catalogue_trash_list")
def catalogue_trash_list(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """Names of what is soft-deleted: ``groups``, ``organizations``, ``items``.

    Catalogue-Admins and above see everything; Catalogue-Editors see their
    own items only. With ``limit`` (and ``offset``), ``items`` is that page
    and ``item_rows`` describes each of its datasets (id, name, title, kind,
    which is null for a plain dataset, modified), read in one query;
    ``item_count`` counts all.
    """
    user = context.get("user")
    admin = roles.catalogue_has_level(user, roles.CATALOGUE_ADMIN)
    items = _deleted_items(user)
    listed: dict[str, Any] = {
        "groups": [name for _, name in _deleted_groups(False)] if admin else [],
        "organizations": [name for _, name in _deleted_groups(True)] if admin else [],
    }
    if data.get("limit") is None:
        listed["items"] = [name for _, name in items]
        return listed
    listed["item_count"] = items.count()
    page = (
        items.add_columns(model.Package.title, model.Package.metadata_modified, CatalogueItem.kind)
        .outerjoin(CatalogueItem, CatalogueItem.id == model.Package.id)
        .offset(data.get("offset", 0)).limit(data["limit"]).all()
    )
    listed["items"] = [row.name for row in page]
    listed["item_rows"] = [
        {"id": row.id, "name": row.name, "title": row.title, "kind": row.kind,
         "metadata_modified": row.metadata_modified.isoformat() if row.metadata_modified else None}
        for row in page]
    return listed


@catalogue_validated(schema.catalogue_nothing_schema, first="catalogue_trash_empty")
def catalogue_trash_empty(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Purge everything in the trash, items first, leaving no trace of them.

    Each group and organization is purged on its own; a deleted organization
    that still owns active datasets stays (409 naming it, after the rest is
    purged).
    """
    purged_items = catalogue_purge_packages([pid for pid, _ in _deleted_items(context.get("user"))])
    purged: dict[str, list[str]] = {"items": purged_items, "groups": [], "organizations": []}
    kept: dict[str, list[str]] = {}
    for is_org, key in ((False, "groups"), (True, "organizations")):
        for group_id, name in _deleted_groups(is_org).all():
            try:
                tk.get_action("catalogue_group_purge")(
                    {"user": context.get("user", "")},
                    {"id": group_id, "kind": "organization" if is_org else "group"},
                )
                purged[key].append(name)
            except CatalogueConflict as exc:  # noqa: PERF203 - each group is purged, or reported, on its own
                kept.setdefault(name, []).extend(cast("list[str]", exc.error_dict.get("message", [])))
    if kept:
        raise CatalogueConflict({"message": [msg for msgs in kept.values() for msg in msgs]})
    return purged
