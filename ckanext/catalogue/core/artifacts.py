"""Artifact files: the bytes of an item's artifacts, kept in CKAN's file
storage (``file_create``/``file_delete``) and named per item in
``catalogue_artifact``; read and removed here, for the artifact actions and
for purges."""
from __future__ import annotations

import contextlib
import logging

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import files

from ckanext.catalogue.config import catalogue_artifacts_storage
from ckanext.catalogue.model import CatalogueArtifact

log = logging.getLogger(__name__)


def catalogue_artifact_storage() -> str:
    return catalogue_artifacts_storage()

def catalogue_artifact_content(file_id: str) -> bytes:
    """The stored bytes of an artifact the caller was allowed to show."""
    fileobj = model.Session.get(model.File, file_id)
    if fileobj is None:
        raise tk.ObjectNotFound(tk._("The artifact's file is missing"))
    return files.get_storage(fileobj.storage).content(files.FileData.from_object(fileobj))

def catalogue_remove_artifact_file(file_id: str) -> None:
    with contextlib.suppress(tk.ObjectNotFound):
        tk.get_action("file_delete")({"ignore_auth": True}, {"id": file_id})

def catalogue_artifact_files(item_ids: list[str]) -> list[str]:
    """The file ids of these items' artifacts (read before a purge, whose
    transaction takes the artifact rows with the items)."""
    return [f for (f,) in model.Session.query(CatalogueArtifact.file_id).filter(
        CatalogueArtifact.item_id.in_(item_ids))] if item_ids else []

def catalogue_remove_artifact_files(file_ids: list[str]) -> None:
    """Remove purged items' artifact files, once the purge is committed."""
    for file_id in file_ids:
        try:
            catalogue_remove_artifact_file(file_id)
        except Exception:  # a missing or locked file must not fail a committed purge  # noqa: PERF203 - each file is removed, or logged, on its own
            log.warning("artifact file %s could not be removed", file_id, exc_info=True)
