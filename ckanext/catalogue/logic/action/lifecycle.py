"""The life of a catalogue item after creation, for every dialect: a delete
archives it (restorable, with all its fields) for
``ckanext.catalogue.archive_retention_days``; ``restore`` brings it back;
``purge_expired`` (a scheduled job and ``ckan catalogue purge-expired``)
purges what has been archived longer."""
from __future__ import annotations

import datetime
import logging
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import ActionResult, Context, DataDict

from ckanext.catalogue import item_rules
from ckanext.catalogue.itemdoc import CATALOGUE_DATASET_TYPE
from ckanext.catalogue.kinds import catalogue_kind
from ckanext.catalogue.logic import schema
from ckanext.catalogue.logic.errors import CODE_NOT_ALLOWED, CatalogueInvalid
from ckanext.catalogue.purge import catalogue_purge_packages

__all__ = ["catalogue_item_restore", "catalogue_item_purge_expired"]

log = logging.getLogger(__name__)

# Set when an item is archived; the retention counts from it.
EXTRA_ARCHIVED = "catalogue_archived_at"


def catalogue_archive_time() -> str:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None).isoformat()


def catalogue_retention_days() -> int:
    value = tk.config.get("ckanext.catalogue.archive_retention_days")
    return 14 if value in (None, "") else int(value)


def catalogue_item_restore(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Bring an archived item back, with every field it had; its parent
    must not be archived itself (restore that first).

    :param id: the item
    """
    from ckanext.catalogue.logic.action.item import _auth_dict, _save_dataset, _stored, catalogue_item_show

    data = schema.catalogue_validate(data_dict, schema.catalogue_item_id_schema(), context)
    row, pkg = item_rules.catalogue_item_or_404(data["id"], data.get("kind"))
    kind = catalogue_kind(row.kind)
    current = _stored(pkg)
    tk.check_access("catalogue_item_update", context, _auth_dict(kind, current) if kind else {"id": row.id})
    if pkg.state != "deleted":
        raise CatalogueInvalid({"id": [tk._("The item is not archived")]}, CODE_NOT_ALLOWED)
    parent = model.Package.get(row.parent_id) if row.parent_id else None
    if parent is not None and parent.state != "active":
        raise CatalogueInvalid({"parent": [tk._("The item's parent is archived: restore it first")]},
                               CODE_NOT_ALLOWED)
    extras = {k: v for k, v in (pkg.extras or {}).items() if k != EXTRA_ARCHIVED}
    _save_dataset(context, row.id, {"state": "active", "extras": [{"key": k, "value": v} for k, v in extras.items()]})
    return catalogue_item_show(dict(context, ignore_auth=True), {"id": row.id})


def catalogue_item_purge_expired(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Purge the items archived longer than the retention period (sysadmins;
    run by ``ckan catalogue purge-expired`` and the scheduler).

    :param days: retention in days (default ``ckanext.catalogue.archive_retention_days``)
    :returns: ``{"purged": [ids]}``
    """
    tk.check_access("catalogue_item_purge_expired", context, data_dict)
    days = data_dict.get("days", catalogue_retention_days())
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 36500:
        raise CatalogueInvalid({"days": [tk._("A whole number of days from 0 to 36500")]})
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

