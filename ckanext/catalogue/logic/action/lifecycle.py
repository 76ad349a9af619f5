"""The life of a catalogue item after creation, for every dialect: a delete
archives it (restorable, with all its fields) for
``ckanext.catalogue.archive_retention_days``; ``restore`` brings it back;
``purge_expired`` (a scheduled job and ``ckan catalogue purge-expired``)
purges what has been archived longer."""
from __future__ import annotations

import datetime
import json
import logging
from typing import Any, cast

import ckan.plugins.toolkit as tk
from ckan import authz, model
from ckan.types import ActionResult, Context, DataDict

from ckanext.catalogue.config import catalogue_archive_retention_days, catalogue_jobs_queue
from ckanext.catalogue.core import roles, visibility
from ckanext.catalogue.core.document import CATALOGUE_DATASET_TYPE, catalogue_extras_list, catalogue_extras_of
from ckanext.catalogue.core.errors import CODE_NOT_ALLOWED, CatalogueInvalid
from ckanext.catalogue.core.purge import catalogue_purge_packages
from ckanext.catalogue.core.store import EXTRA_ARCHIVED, catalogue_save_dataset
from ckanext.catalogue.jobs import catalogue_enqueue
from ckanext.catalogue.logic import schema
from ckanext.catalogue.logic.action.item import catalogue_item_show, catalogue_item_target
from ckanext.catalogue.logic.validation import catalogue_validated
from ckanext.catalogue.model import CatalogueItem

__all__ = ["catalogue_item_restore", "catalogue_item_purge_expired", "catalogue_item_bulk_remove", "catalogue_item_log"]

log = logging.getLogger(__name__)

def catalogue_retention_days() -> int:
    return catalogue_archive_retention_days()


@catalogue_validated(schema.catalogue_item_id_schema)
def catalogue_item_restore(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Bring an archived item back, with every field it had; its parent
    must not be archived itself (restore that first).

    :param id: the item
    """
    row, pkg = catalogue_item_target(context, data_dict, "catalogue_item_update")
    if pkg.state != "deleted":
        raise CatalogueInvalid({"id": [tk._("The item is not archived")]}, CODE_NOT_ALLOWED)
    parent = model.Package.get(row.parent_id) if row.parent_id else None
    if parent is not None and parent.state != "active":
        raise CatalogueInvalid({"parent": [tk._("The item's parent is archived: restore it first")]},
                               CODE_NOT_ALLOWED)
    extras = {k: v for k, v in (pkg.extras or {}).items() if k != EXTRA_ARCHIVED}
    catalogue_save_dataset(context, row.id, {"state": "active", "extras": catalogue_extras_list(extras)})
    return catalogue_item_show(cast(Context, dict(context, ignore_auth=True)), {"id": row.id})


@catalogue_validated(schema.catalogue_purge_expired_schema, first="catalogue_item_purge_expired")
def catalogue_item_purge_expired(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Purge the items archived longer than the retention period (sysadmins;
    run by ``ckan catalogue purge-expired`` and the scheduler).

    :param days: retention in days (default ``ckanext.catalogue.archive_retention_days``)
    :returns: ``{"purged": [ids]}``
    """
    days = data_dict.get("days", catalogue_retention_days())
    cutoff = (datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
              - datetime.timedelta(days=days)).isoformat()
    archived_at = model.Package.extras[EXTRA_ARCHIVED].astext
    archived = model.Session.query(model.Package.id).filter(
        model.Package.type == CATALOGUE_DATASET_TYPE, model.Package.state == "deleted",
        archived_at.isnot(None), archived_at <= cutoff)
    ids = [package_id for (package_id,) in archived]
    purged = catalogue_purge_packages(ids) if ids else []
    log.info("purged %d item(s) archived before %s", len(purged), cutoff)
    return {"purged": purged}


@catalogue_validated(schema.catalogue_item_bulk_remove_schema, first="catalogue_item_bulk_remove")
def catalogue_item_bulk_remove(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Delete (archive) or purge, in a background job, every item of these
    kinds the caller created; ``own_only=false`` from a Catalogue-Admin or
    above: everyone's (for others it stays true). Each item is removed as
    the caller, with the caller's rights: what they may not remove stays.

    :param kind: kinds (list)
    :param own_only: default true
    :param purge: purge instead of archiving (default false)
    :returns: ``{"job_id", "own_only", "purge"}``
    """
    user = context.get("user") or ""
    own_only = bool(data_dict["own_only"]) or not roles.catalogue_has_level(user, roles.CATALOGUE_ADMIN)
    job = catalogue_enqueue(catalogue_bulk_remove_job, [user, list(data_dict["kind"]), own_only,
                                                        bool(data_dict["purge"])],
                            title=f"catalogue bulk {'purge' if data_dict['purge'] else 'delete'} by {user}",
                            queue=catalogue_jobs_queue())
    return {"job_id": job.id, "own_only": own_only, "purge": bool(data_dict["purge"])}


def catalogue_bulk_remove_job(user: str, kinds: list[str], own_only: bool, purge: bool) -> dict[str, int]:
    """The work of ``catalogue_item_bulk_remove``: newest first (children
    before their parents), one core action per item as ``user``."""
    account = model.User.get(user)
    if account is None:
        return {"removed": 0, "refused": 0}
    query = model.Session.query(CatalogueItem.id).join(model.Package, model.Package.id == CatalogueItem.id).filter(
        CatalogueItem.kind.in_(kinds))
    if not purge:
        query = query.filter(model.Package.state == "active")
    if own_only:
        query = query.filter(model.Package.creator_user_id == account.id)
    ids = [item_id for (item_id,) in query.order_by(CatalogueItem.created.desc())]
    action = tk.get_action("catalogue_item_purge" if purge else "catalogue_item_delete")
    removed = refused = 0
    for item_id in ids:
        try:
            action({"user": account.name}, {"id": item_id})
            removed += 1
        except (tk.NotAuthorized, tk.ObjectNotFound, tk.ValidationError) as error:  # noqa: PERF203 - each item is removed, or refused, on its own
            model.Session.rollback()
            refused += 1
            log.info("bulk removal by %s left %s: %s", account.name, item_id, error)
    log.info("bulk %s by %s: %d removed, %d refused", "purge" if purge else "delete", account.name, removed, refused)
    return {"removed": removed, "refused": refused}


# Activity types of CKAN's stream, as the log names them.
_LOG_TYPES: dict[str | None, str | None] = {"new package": "create", "changed package": "update", "deleted package": "delete"}


@tk.side_effect_free
@catalogue_validated(schema.catalogue_item_log_schema,
                     first=lambda c, d: catalogue_item_target(c, d, "catalogue_item_update"))
def catalogue_item_log(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Every change of an item, from CKAN's activity stream (editors and
    above of the item): newest first unless ``ascending``.

    :param id: the item (archived ones too)
    :param ascending: oldest first
    :param startat: from this time on (oldest first) or back (newest first):
        a Unix time or ``YYYY-MM-DDTHH:MM:SSZ``
    :param offset: default 0
    :param limit: default 50, at most 200
    :returns: ``{"offset", "limit", "count", "resources": [{"id", "time",
        "who": {"id", "name", "email"}, "type", "message", "data",
        "visibility": the item's visibility settings after the change}]}``
    """
    from ckanext.activity.model import Activity  # noqa: PLC0415 - the activity plugin is optional; its model maps a table of its own

    row, _pkg = catalogue_item_target(context, data_dict, "catalogue_item_update")
    offset, limit, ascending = data_dict["offset"], data_dict["limit"], data_dict["ascending"]
    query = model.Session.query(Activity).filter(Activity.object_id == row.id)
    if data_dict.get("startat") is not None:
        at = data_dict["startat"]
        query = query.filter(Activity.timestamp >= at if ascending else Activity.timestamp <= at)
    count = query.count()
    order = (Activity.timestamp.asc(), Activity.id.asc()) if ascending else (Activity.timestamp.desc(),
                                                                           Activity.id.desc())
    rows = query.order_by(*order).offset(offset).limit(limit).all()
    users: dict[str | None, model.User] = {u.id: u for u in model.Session.query(model.User).filter(
        model.User.id.in_({a.user_id for a in rows if a.user_id}))} if rows else {}
    # Addresses are shown to sysadmins, and to each user their own.
    sysadmin = authz.is_sysadmin(context.get("user"))
    packages: list[dict[str, Any]] = [(a.data or {}).get("package") or {} for a in rows]
    extras_of = [catalogue_extras_of(p) for p in packages]
    settings = [visibility.catalogue_visibility_settings(x, bool(p.get("private")))
                for x, p in zip(extras_of, packages, strict=True)]
    owners: set[str] = {str(p["owner_org"]) for p in packages if p.get("owner_org")}
    names = visibility.catalogue_names_of({i for s in settings for part in ("include", "exclude") for i in s[part]["organizations"]}
                      | owners,
                      {i for s in settings for part in ("include", "exclude") for i in s[part]["users"]})
    resources = []
    for activity, stored, extras_map, setting in zip(rows, packages, extras_of, settings, strict=True):
        who = users.get(activity.user_id)
        doc: Any = extras_map.get("catalogue_doc")
        kind_name = _LOG_TYPES.get(activity.activity_type, activity.activity_type)
        resources.append({
            "id": activity.id,
            "time": activity.timestamp.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if activity.timestamp else None,
            "who": {"id": activity.user_id, "name": who.name if who else None,
                    "email": who.email if who and (sysadmin or who.name == context.get("user")) else None},
            "type": kind_name,
            "message": tk._("Item {action}").format(action=cast("dict[str | None, str | None]", {
                "create": "created", "update": "updated", "delete": "archived"}).get(kind_name, kind_name)),
            "data": {"state": stored.get("state"), "doc": json.loads(doc) if isinstance(doc, str) else None},
            # Who could see the item once this change was made.
            "visibility": {
                "restrictions": setting["restrictions"], "extendable": setting["extendable"],
                "owner": names.get(stored.get("owner_org") or "", stored.get("owner_org")),
                **{part: {group: [names.get(i, i) for i in setting[part][group]] for group in ("organizations", "users")}
                   for part in ("include", "exclude")},
            },
        })
    return {"offset": offset, "limit": limit, "count": count, "resources": resources}
