"""Bentley iTwin library kinds: catalogs, components, categories and
manufacturers, each private to its organization, with its displayName
unique there, checked with the iTwin API's own rules and messages.

A component belongs to its organization and names the catalogs it is in
(several at once, as in the iTwin API), its category and its manufacturer:
references the core checks, not a parent. Its weblinks and documents are
resources of its dataset, in two roles with their own checks."""
from __future__ import annotations

import dataclasses
from typing import Any, cast

from ckanext.catalogue.core.kinds import WRITE_ORGANIZATION, CatalogueKind
from ckanext.catalogue.interfaces import CatalogueResourceRole

CATALOG = "library.catalog"
COMPONENT = "library.component"
CATEGORY = "library.category"
MANUFACTURER = "library.manufacturer"

MISSING = "Required property is missing."
_FORBIDDEN = (">", "<", "^", "$", "?", "||")
_FORBIDDEN_TEXT = "must not include these special characters. >, <, ^, $, ?, ||."
HASHTAG_LIMIT = 50
WEB_SCHEMES = ("https://", "http://", "ftp://")
# Hashtags of one object (each is a CKAN tag of its dataset).
HASHTAGS_MOST = 100
# The states a component goes through in its validation cycle; new ones are drafts.
COMPONENT_STATES = ("Draft", "Published", "Checked", "Approved", "Archived")


@dataclasses.dataclass(frozen=True)
class LibraryField:
    """One property of a library object: its label in messages, its longest
    value, and whether it is required, a forbidden-character name, a list
    of hashtags, an id list, or one of some values."""

    label: str
    limit: int = 250
    required: bool = False
    name: bool = False
    hashtags: bool = False
    ids: bool = False
    flag: bool = False
    # A web address: https, http or ftp.
    web: bool = False
    choices: tuple[str, ...] = ()


def _forbidden(value: str) -> bool:
    return any(mark in value for mark in _FORBIDDEN)


def _checker(what: str, fields: dict[str, LibraryField]):  # noqa: ANN202 - a check as CatalogueKind takes it
    def check(doc: dict[str, Any]) -> dict[str, list[str]]:
        """Every violation, as the iTwin API words them."""
        errors: dict[str, list[str]] = {}

        def add(target: str, message: str) -> None:
            errors.setdefault(target, []).append(message)

        for field, rule in fields.items():
            value = doc.get(field)
            if value is None or (rule.required and isinstance(value, str) and not value.strip()):
                if rule.required:
                    add(field, MISSING)
                continue
            if rule.hashtags:
                _check_hashtags(value, add)
            elif rule.ids:
                if not isinstance(value, list) or not all(isinstance(v, str) for v in cast("list[Any]", value)):
                    add(field, f"{rule.label} must be a list of ids.")
                elif len(cast("list[str]", value)) > rule.limit:
                    add(field, f"{rule.label} has more than '{rule.limit}' entries.")
            elif rule.flag:
                if not isinstance(value, bool):
                    add(field, f"{rule.label} must be true or false.")
            elif not isinstance(value, str):
                add(field, f"{rule.label} must be a string.")
            elif rule.choices and value not in rule.choices:
                add(field, f"{rule.label} must be one of: {', '.join(rule.choices)}.")
            else:
                if len(value) > rule.limit:
                    add(field, f"{rule.label} is over '{rule.limit}' length limit.")
                if rule.name and _forbidden(value):
                    add(field, f"{rule.label} {_FORBIDDEN_TEXT}")
                if rule.web and not value.lower().startswith(WEB_SCHEMES):
                    add(field, f"{rule.label} must be a valid web url, supported schemes are https, http and ftp.")
        for field in sorted(set(doc) - set(fields)):
            add(field, f"Property '{field}' is not part of a {what}.")
        return errors

    return check


def _check_hashtags(tags: Any, add: Any) -> None:
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in cast("list[Any]", tags)):
        add("hashtag", "Hashtags must be a list of strings.")
        return
    if len(cast("list[str]", tags)) > HASHTAGS_MOST:
        add("hashtag", f"Hashtags has more than '{HASHTAGS_MOST}' entries.")
    if any(len(t) > HASHTAG_LIMIT for t in cast("list[str]", tags)):
        add("hashtag", f"Hashtag is over '{HASHTAG_LIMIT}' length limit.")
    if any(_forbidden(t) for t in cast("list[str]", tags)):
        add("hashtag", f"Hashtag {_FORBIDDEN_TEXT}")


_NAME = LibraryField("DisplayName", required=True, name=True)
_HASHTAGS = LibraryField("Hashtags", hashtags=True)

# The iTwin API documents 250 characters for a catalog's region in its field
# table but enforces (and reports) 150; the enforced limit is the one kept.
CATALOG_FIELDS = {"displayName": _NAME, "description": LibraryField("Description"),
                  "region": LibraryField("Region", limit=150), "hashtags": _HASHTAGS}
COMPONENT_FIELDS = {
    "displayName": LibraryField("DisplayName", limit=150, required=True, name=True),
    "description": LibraryField("Description"), "hashtags": _HASHTAGS,
    "state": LibraryField("State", choices=COMPONENT_STATES),
    "catalogs": LibraryField("Catalogs", limit=100, ids=True),
    "category": LibraryField("Category", limit=100), "manufacturer": LibraryField("Manufacturer", limit=100),
}
CATEGORY_FIELDS = {"displayName": _NAME}
MANUFACTURER_FIELDS = {"displayName": _NAME, "phone": LibraryField("Phone"), "address": LibraryField("Address"),
                       "website": LibraryField("Website")}

WEBLINK = "weblink"
DOCUMENT = "document"
DOCUMENT_PURPOSES = ("Design", "Thumbnail", "Reference", "GalleryImage", "TypeCatalog")
WEBLINK_FIELDS = {"displayName": LibraryField("DisplayName", limit=50, required=True, name=True),
                  "uri": LibraryField("Uri", limit=2000, required=True, web=True)}
DOCUMENT_FIELDS = {
    "displayName": _NAME, "extension": LibraryField("Extension", limit=20, required=True),
    "purpose": LibraryField("Purpose", required=True, choices=DOCUMENT_PURPOSES),
    "available": LibraryField("Available", flag=True), "isActive": LibraryField("IsActive", flag=True),
    "version": LibraryField("Version", limit=50), "previousVersionId": LibraryField("PreviousVersionId", limit=100),
    "associatedDesignDocument": LibraryField("AssociatedDesignDocument", limit=100),
}
# Where a weblink's and a document's properties sit in a CKAN resource (a
# document's extension stays a property: CKAN rewrites a resource's format,
# pdf to PDF).
WEBLINK_RESOURCE = {"displayName": "name", "uri": "url"}
DOCUMENT_RESOURCE = {"displayName": "name"}


def _resource_checker(what: str, fields: dict[str, LibraryField], columns: dict[str, str],
                      needs_file: str = ""):  # noqa: ANN202
    """A resource role's check: the resource's columns and properties read
    back as the library object's fields, then checked as those;
    ``needs_file``: a flag that may be true only once the file is there."""
    check = _checker(what, fields)

    def run(resource: dict[str, Any]) -> dict[str, list[str]]:
        properties: dict[str, Any] = resource.get("properties") or {}
        doc: dict[str, Any] = {**properties, **{field: resource.get(column) for field, column in columns.items()}}
        errors = check({k: v for k, v in doc.items() if v not in (None, "")})
        if needs_file and doc.get(needs_file) is True and not resource.get("file"):
            errors.setdefault(needs_file, []).append("The file of the document has not been uploaded yet.")
        return errors

    return run


COMPONENT_RESOURCES = (
    CatalogueResourceRole(WEBLINK, _resource_checker("webLink", WEBLINK_FIELDS, WEBLINK_RESOURCE), unique_name=True),
    CatalogueResourceRole(DOCUMENT, _resource_checker("document", DOCUMENT_FIELDS, DOCUMENT_RESOURCE, "available"),
                          holds="file", file_fixed_when="available"),
)


def _kind(name: str, label: str, fields: dict[str, LibraryField], **more: Any) -> CatalogueKind:
    return CatalogueKind(
        name=name, label=label, jsonld_type=f"itwin:Library{label.rsplit(maxsplit=1)[-1].capitalize()}", write=WRITE_ORGANIZATION,
        doc_check=_checker(label.rsplit(maxsplit=1)[-1].lower(), fields), name_field="displayName", title_field="displayName",
        description_field="description", tags_field="hashtags", unique_fields=("displayName",),
        unique_in_organization=True, private_by_default=True, geo_fields=(), **more)


LIBRARY_KINDS = (
    _kind(CATALOG, "Library catalog", CATALOG_FIELDS, exact_fields=("id",)),
    _kind(COMPONENT, "Library component", COMPONENT_FIELDS,
          exact_fields=("id", "catalogs", "category", "manufacturer", "state"),
          reference_fields={"catalogs": CATALOG, "category": CATEGORY, "manufacturer": MANUFACTURER},
          doc_defaults={"state": COMPONENT_STATES[0]}, resource_roles=COMPONENT_RESOURCES),
    _kind(CATEGORY, "Library category", CATEGORY_FIELDS, exact_fields=("id",)),
    _kind(MANUFACTURER, "Library manufacturer", MANUFACTURER_FIELDS, exact_fields=("id",)),
)
