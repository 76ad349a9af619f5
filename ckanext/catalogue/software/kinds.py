"""Software catalogs (Waldur): a root kind whose packages, versions and
targets live in DataStore tables attached to the catalog. Only
Catalogue-Managers write them; a name and version pair is unique per
catalog type."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from ckanext.catalogue.core.kinds import WRITE_MANAGER, CatalogueKind
from ckanext.catalogue.software.loaders.base import CATALOG_TYPES

CATALOG = "software.catalog"

REQUIRED = "This field is required."
# Written by the imports, read by every client; a create or update through
# the API keeps what is stored.
SERVER_FIELDS = ("last_update_attempt", "last_successful_update")
_TEXT_LIMITS = {"name": 100, "version": 50, "source_url": 200}
FIELDS = ("name", "version", "catalog_type", "source_url", "description", "metadata", "auto_update_enabled",
          "update_errors", *SERVER_FIELDS)


def software_catalog_check(doc: dict[str, Any]) -> dict[str, list[str]]:
    """Every violation of a catalog, in the words Waldur's API uses."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for field in ("name", "version"):
        value = doc.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            add(field, REQUIRED if value is None else "This field may not be blank.")
        elif not isinstance(value, str):
            add(field, "Not a valid string.")
    for field, limit in _TEXT_LIMITS.items():
        value = doc.get(field)
        if isinstance(value, str) and len(value) > limit:
            add(field, f"Ensure this field has no more than {limit} characters.")
    kind = doc.get("catalog_type")
    if not isinstance(kind, str) or kind not in CATALOG_TYPES:
        add("catalog_type", f'"{kind}" is not a valid choice.')
    url = doc.get("source_url")
    if url not in (None, ""):
        parsed = urlparse(url) if isinstance(url, str) else None
        if parsed is None or parsed.scheme not in ("http", "https", "file") or not (parsed.netloc or parsed.path):
            add("source_url", "Enter a valid URL.")
    for field in ("description", "update_errors"):
        if doc.get(field) is not None and not isinstance(doc[field], str):
            add(field, "Not a valid string.")
    if doc.get("metadata") is not None and not isinstance(doc["metadata"], dict):
        add("metadata", "Must be a JSON object.")
    if not isinstance(doc.get("auto_update_enabled", True), bool):
        add("auto_update_enabled", "Must be a valid boolean.")
    for field in SERVER_FIELDS:
        if doc.get(field) is not None and not isinstance(doc[field], str):
            add(field, "Datetime has wrong format.")
    for field in sorted(set(doc) - set(FIELDS)):
        add(field, f"Unknown field '{field}'.")
    return errors


SOFTWARE_KINDS = (
    CatalogueKind(
        name=CATALOG, label="Software catalog", jsonld_type="waldur:SoftwareCatalog", parents=(),
        parent_required=False, write=WRITE_MANAGER, doc_check=software_catalog_check,
        unique_fields=("name", "version", "catalog_type"), title_field="name",
        description_field="description", tags_field="", geo_fields=(), exact_fields=("id", "catalog_type"),
    ),
)
