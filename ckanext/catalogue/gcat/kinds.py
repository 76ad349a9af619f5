"""gCat's items: plain CKAN-style datasets, named by their ``name`` (gCat's
name rule), written by Catalogue-Editors (their own) and Catalogue-Admins
(anyone's), moderated when moderation is on."""
from __future__ import annotations

from ckanext.catalogue.core.kinds import ID_NAME, WRITE_EDITOR, CatalogueKind
from ckanext.catalogue.logic.validators import catalogue_name

ITEM = "gcat.item"

GCAT_KINDS = (
    CatalogueKind(
        name=ITEM, label="Item", jsonld_type="dcat:Dataset", id_rule=ID_NAME, write=WRITE_EDITOR,
        name_check=catalogue_name, moderated=True, title_field="title", description_field="notes",
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
