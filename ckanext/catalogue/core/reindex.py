"""Bring the search index back in line with the database for catalogue
items; shared by ``ckan catalogue reindex`` and its background job."""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import logic, model
from ckan.lib import search
from ckan.lib.search.common import make_connection
from ckan.types import Context

from ckanext.catalogue.core import bulk, query, solr
from ckanext.catalogue.core.document import CATALOGUE_DATASET_TYPE

log = logging.getLogger(__name__)


@dataclass
class CatalogueReindexResult:
    indexed: int
    missing_before: int
    removed_stale: int

    def summary(self) -> str:
        return (f"indexed {self.indexed} item(s), {self.missing_before} of them missing before; "
                f"removed {self.removed_stale} stale document(s)")


def catalogue_reindex(batch_size: int = 500,
                      progress: Callable[[int], None] | None = None,
                      on_total: Callable[[int], None] | None = None) -> CatalogueReindexResult:
    """Index every active item (in batches, one Solr commit each) and remove
    index documents of items the database no longer has."""
    ids = [row[0] for row in model.Session.query(model.Package.id).filter(
        model.Package.type == CATALOGUE_DATASET_TYPE, model.Package.state == "active")]
    if on_total:
        on_total(len(ids))
    conn = make_connection()
    site = tk.config["ckan.site_id"]
    indexed: set[str] = set()
    start = 0
    while True:  # every item document Solr holds, a page at a time
        page = conn.search(q="*:*", fq=[f'+site_id:"{site}"', f"+dataset_type:{CATALOGUE_DATASET_TYPE}"],
                           fl="id", rows=5000, start=start, sort="id asc")
        indexed.update(doc["id"] for doc in cast("list[dict[str, Any]]", page.docs))
        start += 5000
        if start >= page.hits:
            break
    stale = sorted(indexed - set(ids))
    for offset in range(0, len(stale), 500):
        batch = " OR ".join(f'"{i}"' for i in stale[offset:offset + 500])
        conn.delete(q=f'+site_id:"{site}" +id:({batch})', commit=False)
    context: Context = {"ignore_auth": True}
    index = cast(search.PackageSearchIndex, search.index_for("Package"))
    for offset in range(0, len(ids), batch_size):
        chunk = ids[offset:offset + batch_size]
        for item_id in chunk:
            default, custom = logic.package_show_default_and_custom_schemas(context, item_id)
            index.index_package(dict(default, with_custom_schema=custom), defer_commit=True)
        index.commit()
        if progress:
            progress(len(chunk))
    conn.commit()
    return CatalogueReindexResult(len(ids), len(set(ids) - indexed), len(stale))


def _without_group(pkg_dict: dict[str, Any], group_id: str) -> None:
    """The dataset dict as CKAN dictizes it once the group is gone."""
    groups = cast("list[dict[str, Any]]", pkg_dict.get("groups") or [])
    pkg_dict["groups"] = [g for g in groups if g.get("id") != group_id]
    if pkg_dict.get("owner_org") == group_id:
        pkg_dict["owner_org"] = None
        pkg_dict["organization"] = None


def _group_ids(package_ids: list[str]) -> dict[str, set[str]]:
    """The groups (not organizations) each dataset is a member of, as
    CKAN's dictization lists them: one query."""
    member, group = model.member_table, model.group_table
    found: dict[str, set[str]] = {}
    for table_id, group_id in model.Session.execute(
            sa.select(member.c.table_id, member.c.group_id).join(group, group.c.id == member.c.group_id)
            .where(member.c.table_id.in_(package_ids), member.c.state == "active",
                   group.c.is_organization.is_(False))):
        found.setdefault(table_id, set()).add(group_id)
    return found


def catalogue_reindex_without_group(package_ids: list[str], group_id: str, batch: int = 500) -> int:
    """Index the datasets again once the group is purged, from the dicts CKAN
    stored with their documents (``data_dict``, ``validated_data_dict``)
    minus the group: no database dictization. A dataset whose document is
    missing or older than the database is dictized as CKAN's indexer does.
    Documents are posted ``batch`` per request, then committed once.

    :returns: how many took CKAN's own path
    """
    conn = solr.catalogue_make_connection(decode_dates=False)
    index = cast(search.PackageSearchIndex, search.index_for("Package"))
    site = tk.config["ckan.site_id"]
    from_database: list[str] = []
    for offset in range(0, len(package_ids), batch):
        chunk = package_ids[offset:offset + batch]
        found = conn.search(q="*:*", fq=[f'+site_id:"{site}"', query.catalogue_any_of("id", chunk)],
                            fl="id,data_dict,validated_data_dict", rows=len(chunk))
        stored = {doc["id"]: doc for doc in cast("list[dict[str, Any]]", found.docs)}
        packages = bulk.catalogue_load_packages(chunk)  # held: the labels read them
        groups = _group_ids(chunk)
        with solr.catalogue_collected_documents() as docs:
            for package_id in chunk:
                pkg, doc = packages.get(package_id), stored.get(package_id)
                default: dict[str, Any] = json.loads(doc["data_dict"]) if doc else {}
                custom: dict[str, Any] = json.loads(doc["validated_data_dict"]) \
                    if doc and doc.get("validated_data_dict") else {}
                _without_group(default, group_id)
                _without_group(custom, group_id)
                # Stored dicts older than the database (a later write, a
                # membership change, which leaves metadata_modified as it
                # was) are not trusted.
                if pkg is None or not custom or default.get("metadata_modified") != pkg.metadata_modified.isoformat() \
                        or default.get("owner_org") != pkg.owner_org \
                        or {g.get("id") for g in default["groups"]} != groups.get(package_id, set()):
                    from_database.append(package_id)
                    continue
                index.index_package(dict(default, with_custom_schema=custom), defer_commit=True)
        del packages
        solr.catalogue_post_documents(docs, batch, commit=False)
    if from_database:
        search.rebuild(package_ids=from_database, defer_commit=True, quiet=True)
    solr.catalogue_commit()
    return len(from_database)


def catalogue_reindex_job(batch_size: int = 500) -> str:
    """Background job (RQ): the same reindex, its summary in the job log."""
    result = catalogue_reindex(batch_size)
    log.info("catalogue reindex job: %s", result.summary())
    return result.summary()
