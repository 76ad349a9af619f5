"""Artifacts: files attached to an item, stored through CKAN's file API
(``file_create``/``file_delete``, owned by the item's dataset) and named per
item in ``catalogue_artifact``. Readers of the item read them; its editors
upload and delete them."""
from __future__ import annotations

import hashlib
import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import files
from ckan.types import ActionResult, Context, DataDict

from ckanext.catalogue.config import catalogue_artifacts_max_size
from ckanext.catalogue.core.artifacts import (
    catalogue_artifact_storage,
    catalogue_remove_artifact_files,
)
from ckanext.catalogue.core.errors import CatalogueInvalid
from ckanext.catalogue.logic import schema
from ckanext.catalogue.logic.action.item import catalogue_item_target
from ckanext.catalogue.logic.validation import catalogue_validated
from ckanext.catalogue.model import CatalogueArtifact
from ckanext.catalogue.model.role import catalogue_utcnow

__all__ = ["catalogue_item_artifact_list", "catalogue_item_artifact_show", "catalogue_item_artifact_upload",
           "catalogue_item_artifact_delete"]

log = logging.getLogger(__name__)

def _item(context: Context, data_dict: DataDict, write: bool) -> Any:
    return catalogue_item_target(context, {"id": data_dict.get("id")},
                                 "catalogue_item_update" if write else "catalogue_item_show", active_only=True)[0]


def _shown(artifact: CatalogueArtifact) -> dict[str, Any]:
    return {"name": artifact.name, "size": artifact.size, "content_type": artifact.content_type,
            "etag": artifact.etag, "updated": artifact.updated.strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"}


@tk.side_effect_free
@catalogue_validated(schema.catalogue_artifact_list_schema, first=lambda c, d: _item(c, d, write=False))
def catalogue_item_artifact_list(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """The artifacts of an item the caller may read, by name.

    :param id: the item
    :returns: ``{"count": n, "resources": [{"name", "size", "content_type", "etag", "updated"}]}``
    """
    row = _item(context, data_dict, write=False)
    found = model.Session.query(CatalogueArtifact).filter(CatalogueArtifact.item_id == row.id).order_by(
        CatalogueArtifact.name).all()
    return {"count": len(found), "resources": [_shown(a) for a in found]}


@tk.side_effect_free
@catalogue_validated(schema.catalogue_artifact_schema, first=lambda c, d: _item(c, d, write=False))
def catalogue_item_artifact_show(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """One artifact's details (its bytes: ``catalogue_artifact_content``).

    :param id: the item
    :param name: the artifact
    """
    row = _item(context, data_dict, write=False)
    artifact = model.Session.get(CatalogueArtifact, (row.id, data_dict["name"]))
    if artifact is None:
        raise tk.ObjectNotFound(tk._("Artifact {name} not found").format(name=data_dict.get("name")))
    return {**_shown(artifact), "item_id": row.id, "file_id": artifact.file_id}


# The content has its own bound (ckanext.catalogue.artifacts.max_size).
@catalogue_validated(schema.catalogue_artifact_upload_schema, first=lambda c, d: _item(c, d, write=True), bound=False)
def catalogue_item_artifact_upload(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Store (or replace) an artifact of an item (editors of the item).

    :param id: the item
    :param name: the artifact id (not starting with ``/cache/``)
    :param content: the bytes
    :param content_type: its media type (default application/octet-stream)
    :returns: the artifact
    """
    row = _item(context, data_dict, write=True)
    name, content, content_type = data_dict["name"], data_dict["content"], data_dict["content_type"]
    limit = catalogue_artifacts_max_size()
    if len(content) > limit:
        raise CatalogueInvalid({"content": [tk._("An artifact is at most {n} bytes").format(n=limit)]})
    try:
        created = tk.get_action("file_create")(
            {"ignore_auth": True, "defer_commit": True},
            {"name": name.rsplit("/", 1)[-1] or "artifact", "storage": catalogue_artifact_storage(),
             "upload": content})
    except Exception:
        model.Session.rollback()
        raise
    # The bytes are stored already: should the rows fail, they are removed
    # through the storage (the file's row goes with the rollback).
    model.Session.flush()
    stored = files.FileData.from_object(model.Session.get(model.File, created["id"]))
    old: CatalogueArtifact | None = model.Session.get(CatalogueArtifact, (row.id, name))
    replaced = old.file_id if old is not None else None
    try:
        # Owned by the item's dataset: CKAN's file auth follows the dataset's.
        tk.get_action("file_ownership_transfer")(
            {"ignore_auth": True, "defer_commit": True},
            {"id": created["id"], "owner_type": "package", "owner_id": row.id, "force": True, "pin": True})
        etag = '"' + hashlib.sha256(content).hexdigest()[:40] + '"'
        if old is None:
            old = CatalogueArtifact(item_id=row.id, name=name, file_id=created["id"], content_type=content_type,
                                    size=len(content), etag=etag)
            model.Session.add(old)
        else:
            old.file_id, old.content_type, old.size, old.etag = created["id"], content_type, len(content), etag
            old.updated = catalogue_utcnow()
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        files.get_storage(created["storage"]).remove(stored)
        raise
    if replaced:
        catalogue_remove_artifact_files([replaced])
    return _shown(old)


@catalogue_validated(schema.catalogue_artifact_schema, first=lambda c, d: _item(c, d, write=True))
def catalogue_item_artifact_delete(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Delete an artifact (editors of the item); an unknown name is not an error.

    :param id: the item
    :param name: the artifact
    :returns: ``{"deleted": true|false}``
    """
    row = _item(context, data_dict, write=True)
    artifact = model.Session.get(CatalogueArtifact, (row.id, data_dict["name"]))
    if artifact is None:
        return {"deleted": False}
    file_id = artifact.file_id
    model.Session.delete(artifact)
    model.Session.commit()
    catalogue_remove_artifact_files([file_id])
    return {"deleted": True}




