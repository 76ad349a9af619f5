"""gCat's items: plain CKAN-style datasets, named by their ``name`` (gCat's
name rule), written by Catalogue-Editors (their own) and Catalogue-Admins
(anyone's), moderated when moderation is on."""
from __future__ import annotations

from typing import Any

from ckanext.catalogue.config import catalogue_gcat_license_required
from ckanext.catalogue.core.kinds import ID_NAME, WRITE_EDITOR, CatalogueKind
from ckanext.catalogue.logic.validators import catalogue_name

ITEM = "gcat.item"
# gCat's words when an item names no licence (its CKANPackage check).
LICENSE_MISSING = ("You must specify a license identifier for the item. License list can be retrieved using "
                   "licence collection")


def gcat_check(doc: dict[str, Any]) -> dict[str, list[str]]:
    """An item needs a licence identifier, as gCat requires
    (``ckanext.catalogue.gcat.license_required``)."""
    license_id = doc.get("license_id")
    if catalogue_gcat_license_required() and (not isinstance(license_id, str) or not license_id.strip()):
        return {"license_id": [LICENSE_MISSING]}
    return {}

GCAT_KINDS = (
    CatalogueKind(
        name=ITEM, label="Item", jsonld_type="dcat:Dataset", id_rule=ID_NAME, write=WRITE_EDITOR,
        name_check=catalogue_name, doc_check=gcat_check, moderated=True, title_field="title", description_field="notes",
        schema={
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "title": {"type": "string", "maxLength": 1000},
                "notes": {"type": "string"},
                "license_id": {"type": "string"},
                "url": {"type": "string"},
                "version": {"type": "string", "maxLength": 100},
                "tags": {"type": "array", "items": {"anyOf": [
                    {"type": "string"}, {"type": "object", "required": ["name"]}]}},
                "extras": {"type": "array", "items": {"type": "object", "required": ["key", "value"]}},
            },
            "additionalProperties": True,
        },
        geo_fields=("spatial",),
    ),
)
