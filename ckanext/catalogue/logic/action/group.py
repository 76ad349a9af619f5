"""Groups and organizations of the catalogue: list, show, create, full
replace, patch, soft delete and a purge that leaves nothing behind."""
from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any, cast

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import authz, model
from ckan.lib.search.common import make_connection
from ckan.lib.uploader import get_uploader
from ckan.types import ActionResult, Context, DataDict

from ckanext.catalogue.core.errors import CatalogueConflict
from ckanext.catalogue.core.purge import catalogue_delete_activities
from ckanext.catalogue.core.reindex import catalogue_reindex_without_group
from ckanext.catalogue.logic import schema
from ckanext.catalogue.logic.validation import catalogue_validate, catalogue_validated
from ckanext.catalogue.logic.validators import catalogue_check_storable

__all__ = [
    "catalogue_group_list",
    "catalogue_group_show",
    "catalogue_group_create",
    "catalogue_group_update",
    "catalogue_group_patch",
    "catalogue_group_delete",
    "catalogue_group_purge",
]

log = logging.getLogger(__name__)


def _kind(data_dict: DataDict, context: Context) -> str:
    data = {"kind": data_dict.get("kind", "group")}
    return catalogue_validate(data, schema.catalogue_group_kind_schema(), context)["kind"]


def _label(kind: str) -> str:
    return tk._("Organization") if kind == "organization" else tk._("Group")


def _group(id_or_name: Any, kind: str) -> model.Group:
    """The group of this kind, in any state (soft-deleted ones included)."""
    group = model.Group.get(id_or_name) if isinstance(id_or_name, str) and id_or_name else None
    if group is None or bool(group.is_organization) != (kind == "organization"):
        raise tk.ObjectNotFound(tk._("{kind} {id} not found").format(kind=_label(kind), id=id_or_name))
    return group


def _target(context: Context, data_dict: DataDict, auth: str) -> tuple[str, model.Group]:
    """Kind and group a call is about, once the caller passed ``auth``."""
    catalogue_check_storable(data_dict)  # before the id reaches a query
    kind = _kind(data_dict, context)
    group = _group(data_dict.get("id"), kind)
    tk.check_access(auth, context, {**data_dict, "id": group.id})
    return kind, group


def _gate(auth: str) -> Callable[[Context, DataDict], object]:
    """The group must exist and the caller pass ``auth`` before the body
    is judged."""
    return lambda context, data_dict: _target(context, data_dict, auth)


def _core_context(context: Context) -> Context:
    # The catalogue auth function has decided; CKAN's own group auth knows
    # nothing of catalogue roles, so core actions run without it.
    return {"user": context.get("user", ""), "ignore_auth": True}


def _ensure_name_free(name: str, kind: str) -> None:
    taken = model.Group.get(name)
    if taken is None:
        return
    what = tk._("organization") if taken.is_organization else tk._("group")
    if taken.state == "deleted":
        message = tk._(
            "The name '{name}' belongs to a deleted {what} in the trash: purge it or restore it first"
        ).format(name=name, what=what)
    else:
        message = tk._("The name '{name}' is already used by a {what}").format(name=name, what=what)
    raise CatalogueConflict({"name": [message]})


def _check_body_name(data: dict[str, Any], group: model.Group) -> None:
    if "name" in data and data["name"] != group.name:
        raise tk.ValidationError(
            {"name": [tk._("The name in the body ({body}) must equal the name in the path ({path})").format(
                body=data["name"], path=group.name)]}
        )


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("kind", "__extras", "__junk")}


@tk.side_effect_free
@catalogue_validated(schema.catalogue_group_list_schema, first="catalogue_group_list")
def catalogue_group_list(context: Context, data_dict: DataDict) -> list[str] | int:
    """Names of the active groups (or organizations), by name.

    :param kind: ``group`` (default) or ``organization``
    :param limit: page size (default 10)
    :param offset: names to skip (default 0)
    :param count: return the number of them instead of the list
    """
    data = data_dict
    query = model.Session.query(model.Group.name).filter(
        model.Group.state == "active", model.Group.is_organization == (data["kind"] == "organization")
    )
    if data["count"]:
        return query.count()
    rows = query.order_by(model.Group.name).offset(data["offset"]).limit(data["limit"])
    return [name for (name,) in rows]


@tk.side_effect_free
@catalogue_validated(schema.catalogue_group_target_schema)
def catalogue_group_show(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """One group or organization (soft-deleted ones to those who may see them).

    :param id: id or name
    :param kind: ``group`` (default) or ``organization``
    """
    kind, group = _target(context, data_dict, "catalogue_group_show")
    return tk.get_action(f"{kind}_show")(
        _core_context(context), {"id": group.id, "include_datasets": False, "include_users": False}
    )


@catalogue_validated(schema.catalogue_group_create_schema, first="catalogue_group_create")
def catalogue_group_create(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Create a group or organization.

    :param kind: ``group`` (default) or ``organization``
    :param name: 2-100 of ``a-z0-9_-``; also not used by any group in the trash
    :param title, description, image_url, extras: optional
    """
    data = data_dict
    _ensure_name_free(data["name"], data["kind"])
    return tk.get_action(f"{data['kind']}_create")(_core_context(context), _fields(data))


@catalogue_validated(schema.catalogue_group_update_schema, first=_gate("catalogue_group_update"))
def catalogue_group_update(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Replace a group or organization: every field left out is cleared.

    Members and datasets are kept. The name cannot change (``name``, if
    given, must be the current one).

    :param id: id or name
    """
    data = data_dict
    kind, group = data["kind"], _group(data["id"], data["kind"])
    _check_body_name(data, group)
    replacement: dict[str, Any] = {"id": group.id, "name": group.name, "extras": []}
    for field in schema.CATALOGUE_GROUP_FIELDS:
        replacement[field] = data.get(field, [] if field == "extras" else "")
    if "state" in data:
        replacement["state"] = data["state"]
    return tk.get_action(f"{kind}_update")(_core_context(context), replacement)


@catalogue_validated(schema.catalogue_group_update_schema, first=_gate("catalogue_group_patch"))
def catalogue_group_patch(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Change only the given fields; ``state=active`` restores a soft-deleted one.

    :param id: id or name
    """
    data = data_dict
    kind, group = data["kind"], _group(data["id"], data["kind"])
    _check_body_name(data, group)
    changes = _fields(data)
    changes["id"] = group.id
    return tk.get_action(f"{kind}_patch")(_core_context(context), changes)


@catalogue_validated(schema.catalogue_group_target_schema)
def catalogue_group_delete(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Soft delete: restorable; memberships become inactive, as in CKAN.

    :param id: id or name
    """
    kind, group = _target(context, data_dict, "catalogue_group_delete")
    try:
        tk.get_action(f"{kind}_delete")(_core_context(context), {"id": group.id})
    except tk.ValidationError as exc:  # an organization that still owns datasets
        raise CatalogueConflict(exc.error_dict) from exc
    return {"id": group.id, "name": group.name, "state": "deleted"}


def _solr_package_ids_mentioning(group: model.Group) -> set[str]:
    field = "organization" if group.is_organization else "groups"
    conn = make_connection()
    fq = [f'+site_id:"{tk.config["ckan.site_id"]}"', f'+{field}:"{group.name}"']
    ids: set[str] = set()
    start = 0
    while True:
        page = conn.search(q="*:*", fq=fq, fl="id", rows=1000, start=start)
        ids.update(doc["id"] for doc in cast("list[dict[str, Any]]", page.docs))
        start += 1000
        if start >= page.hits:
            return ids


def _remove_upload(image_url: str | None) -> None:
    if not image_url or "://" in image_url:
        return

    storage = getattr(get_uploader("group"), "storage_path", None)
    if storage:
        path = os.path.join(storage, os.path.basename(image_url))
        if os.path.isfile(path):
            os.remove(path)


@catalogue_validated(schema.catalogue_group_target_schema)
def catalogue_group_purge(context: Context, data_dict: DataDict) -> None:
    """Remove a group or organization and every trace of it, in one transaction:
    its memberships, its activities and its uploaded image; the datasets that
    were in it are reindexed so no Solr document names it any more. Its name
    is free at once. Datasets of a purged group survive; those of an
    organization become unowned, which needs ``ckan.auth.create_unowned_dataset``
    (409 otherwise).

    :param id: id or name
    """
    kind, group = _target(context, data_dict, "catalogue_group_purge")
    session = model.Session
    reindex = _solr_package_ids_mentioning(group)
    try:
        if group.is_organization:
            owned = session.query(model.Package).filter(model.Package.owner_org == group.id)
            active = owned.filter(model.Package.state != "deleted").count()
            if active and not authz.check_config_permission("ckan.auth.create_unowned_dataset"):
                raise CatalogueConflict({"message": [tk._(  # noqa: TRY301 - refused inside the purge's transaction, which the handler rolls back
                    "Organization '{name}' still owns {count} dataset(s): delete or move them before purging it"
                ).format(name=group.name, count=active)]})
            for package in owned:
                package.owner_org = None
                reindex.add(package.id)
        members = session.query(model.Member).filter(
            sa.or_(model.Member.group_id == group.id, model.Member.table_id == group.id)
        )
        # member.table_id is NOT NULL; CKAN's model types it Optional.
        reindex.update(cast(str, m.table_id) for m in members if m.table_name == "package")
        members.delete(synchronize_session=False)
        catalogue_delete_activities([group.id])
        image_url, group_id = group.image_url, group.id
        session.delete(group)
        session.commit()
    except Exception:
        session.rollback()
        raise
    # Solr and files are not transactional: they follow the committed state.
    _remove_upload(image_url)
    if reindex:
        catalogue_reindex_without_group(sorted(reindex), group_id)
    log.info("purged %s %s (%d datasets reindexed)", kind, group.name, len(reindex))
