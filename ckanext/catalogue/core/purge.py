"""Purges that leave nothing behind, shared by the catalogue actions.

Database rows go in one transaction; Solr and files are not transactional, so
they follow the committed state afterwards.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Iterable

import sqlalchemy as sa

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.search.common import make_connection
from ckan.lib.uploader import get_resource_uploader

from ckanext.catalogue.core.artifacts import (
    catalogue_artifact_files,
    catalogue_remove_artifact_files,
)
from ckanext.catalogue.model import CatalogueItem

log = logging.getLogger(__name__)


def catalogue_delete_activities(object_ids: list[str]) -> None:
    """Delete the activity rows of these objects (inside the caller's transaction)."""
    if object_ids and p.plugin_loaded("activity"):
        from ckanext.activity.model import Activity  # noqa: PLC0415 - the activity plugin is optional; its model maps a table of its own

        model.Session.query(Activity).filter(Activity.object_id.in_(object_ids)).delete(synchronize_session=False)


def catalogue_purge_packages(package_ids: Iterable[str]) -> list[str]:
    """Purge datasets with their memberships, relationships, activities,
    resources, DataStore tables, uploaded files and Solr documents.

    Returns the ids purged. The caller has checked access.
    """
    session = model.Session
    packages = session.query(model.Package).filter(model.Package.id.in_(list(package_ids))).all()
    if not packages:
        return []
    ids = [pkg.id for pkg in packages]
    resources = session.query(model.Resource.id, model.Resource.url_type).filter(
        model.Resource.package_id.in_(ids)
    ).all()
    resource_ids = [r.id for r in resources]
    # The DataStore checks its resources in CKAN's database, so their tables
    # go first; should the purge below fail, the datasets stay in the trash
    # and the next purge finishes the work.
    _drop_datastore_tables(resource_ids)

    artifact_files = catalogue_artifact_files(ids)
    try:
        session.query(model.Member).filter(
            model.Member.table_name == "package", model.Member.table_id.in_(ids)
        ).delete(synchronize_session=False)
        session.query(model.PackageRelationship).filter(
            sa.or_(model.PackageRelationship.subject_package_id.in_(ids),
                   model.PackageRelationship.object_package_id.in_(ids))
        ).delete(synchronize_session=False)
        catalogue_delete_activities(ids)
        # The item rows (and their keys) in one statement, so a parent and its
        # children purged together never violate the parent link.
        session.query(CatalogueItem).filter(CatalogueItem.id.in_(ids)).delete(synchronize_session=False)
        for pkg in packages:
            pkg.purge()  # its resources, tags and extras go with it
        session.commit()
    except Exception:
        session.rollback()
        raise
    # Files first: nothing refers to them once the rows are gone, whatever
    # Solr does next.
    catalogue_remove_artifact_files(artifact_files)
    _remove_uploads([r.id for r in resources if r.url_type == "upload"])
    _unindex(ids)
    log.info("purged %d dataset(s) and %d resource(s)", len(ids), len(resource_ids))
    return ids


def _unindex(package_ids: list[str]) -> None:
    conn = make_connection()
    site = tk.config["ckan.site_id"]
    for start in range(0, len(package_ids), 500):
        batch = " OR ".join(f'"{pid}"' for pid in package_ids[start:start + 500])
        conn.delete(q=f'+site_id:"{site}" +entity_type:package +id:({batch})', commit=False)
    conn.commit()


def _drop_datastore_tables(resource_ids: list[str]) -> None:
    """Drop the resources' DataStore tables through the DataStore backend.
    Not datastore_delete: it would patch each resource (and so its dataset)
    on the way out, which is both wasted work here and refused for
    catalogue items."""
    if not resource_ids or not p.plugin_loaded("datastore"):
        return
    from ckanext.datastore.backend import DatastoreBackend  # noqa: PLC0415 - the datastore plugin is optional

    backend = DatastoreBackend.get_active_backend()
    for resource_id in resource_ids:
        if backend.resource_exists(resource_id):
            backend.delete({}, {"resource_id": resource_id})


def _remove_uploads(resource_ids: list[str]) -> None:
    for resource_id in resource_ids:
        uploader = get_resource_uploader({"id": resource_id})
        path = uploader.get_path(resource_id) if getattr(uploader, "storage_path", None) else None
        if path and os.path.isfile(path):
            os.remove(path)
