"""Bentley iTwin library catalogs: one kind, private to its organization,
its displayName unique there, checked with the iTwin API's own rules and
messages."""
from __future__ import annotations

from typing import Any, cast

from ckanext.catalogue.core.kinds import WRITE_ORGANIZATION, CatalogueKind

CATALOG = "library.catalog"

MISSING = "Required property is missing."
_FORBIDDEN = (">", "<", "^", "$", "?", "||")
_FORBIDDEN_TEXT = "must not include these special characters. >, <, ^, $, ?, ||."
# The iTwin API documents 250 characters for region in its field table but
# enforces (and reports) 150; the enforced limit is the one kept.
LIMITS = {"displayName": 250, "description": 250, "region": 150}
HASHTAG_LIMIT = 50


def _forbidden(value: str) -> bool:
    return any(mark in value for mark in _FORBIDDEN)


def library_check(doc: dict[str, Any]) -> dict[str, list[str]]:
    """Every violation of a catalog, as the iTwin API words them."""
    errors: dict[str, list[str]] = {}

    def add(target: str, message: str) -> None:
        errors.setdefault(target, []).append(message)

    name = doc.get("displayName")
    if not isinstance(name, str) or not name.strip():
        add("displayName", MISSING)
    else:
        if len(name) > LIMITS["displayName"]:
            add("displayName", f"DisplayName is over '{LIMITS['displayName']}' length limit.")
        if _forbidden(name):
            add("displayName", f"DisplayName {_FORBIDDEN_TEXT}")
    for field, label in (("description", "Description"), ("region", "Region")):
        value = doc.get(field)
        if value is None:
            continue
        if not isinstance(value, str):
            add(field, f"{label} must be a string.")
        elif len(value) > LIMITS[field]:
            add(field, f"{label} is over '{LIMITS[field]}' length limit.")
    tags: Any = doc.get("hashtags")
    if tags is not None:
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in cast("list[Any]", tags)):
            add("hashtag", "Hashtags must be a list of strings.")
        else:
            if any(len(t) > HASHTAG_LIMIT for t in cast("list[str]", tags)):
                add("hashtag", f"Hashtag is over '{HASHTAG_LIMIT}' length limit.")
            if any(_forbidden(t) for t in cast("list[str]", tags)):
                add("hashtag", f"Hashtag {_FORBIDDEN_TEXT}")
    unknown = sorted(set(doc) - {"displayName", "description", "region", "hashtags"})
    for field in unknown:
        add(field, f"Property '{field}' is not part of a catalog.")
    return errors


LIBRARY_KINDS = (
    CatalogueKind(
        name=CATALOG, label="Library catalog", jsonld_type="itwin:LibraryCatalog", write=WRITE_ORGANIZATION,
        doc_check=library_check, name_field="displayName", title_field="displayName",
        description_field="description", tags_field="hashtags", unique_fields=("displayName",),
        unique_in_organization=True, private_by_default=True, geo_fields=(), exact_fields=("id",),
    ),
)
