"""Bring the search index back in line with the database for catalogue
items; shared by ``ckan catalogue reindex`` and its background job."""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import ckan.plugins.toolkit as tk
from ckan import logic, model
from ckan.lib import search
from ckan.lib.search.common import make_connection
from ckan.types import Context

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


def catalogue_reindex_job(batch_size: int = 500) -> str:
    """Background job (RQ): the same reindex, its summary in the job log."""
    result = catalogue_reindex(batch_size)
    log.info("catalogue reindex job: %s", result.summary())
    return result.summary()
