"""IBM Global Catalog entries: one registry kind per catalog kind, with the
parents each may sit under. Ids are the client's own strings; entries are
private until made public and written by editors and admins of their
organization (or Catalogue-Admins)."""
from __future__ import annotations

from typing import Any, cast

from ckanext.catalogue.core.kinds import ID_CLIENT, WRITE_ORGANIZATION, CatalogueKind

PREFIX = "globalcatalog."

# Kinds that stand on their own (at the root or nested in one another, as
# the SDK's tests nest a service in a service).
TOP_KINDS = ("service", "template", "dashboard", "iaas", "platform_service", "runtime", "buildpack",
             "dataset", "geography", "cname", "ui-dashboard", "composite")
# Kinds that only exist under another entry.
CHILD_KINDS: dict[str, tuple[str, ...]] = {"plan": TOP_KINDS, "flavor": ("plan",), "deployment": ("plan", "flavor"),
               "alias": (*TOP_KINDS, "plan")}

_OVERVIEW_REQUIRED = ("display_name", "long_description", "description")


def globalcatalog_kind_name(gc_kind: str) -> str:
    return PREFIX + gc_kind


def globalcatalog_gc_kind(kind_name: str) -> str:
    return kind_name.removeprefix(PREFIX)


def globalcatalog_check(doc: dict[str, Any]) -> dict[str, list[str]]:
    """What the Global Catalog refuses in an entry, field by field."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    name = doc.get("name")
    if not isinstance(name, str) or not name.strip():
        add("name", "name is required and must be a non-empty string")
    elif len(name) > 200:
        add("name", "name must be at most 200 characters")
    overview = doc.get("overview_ui")
    if not isinstance(overview, dict) or not overview:
        add("overview_ui", "overview_ui is required: an object of languages, each with "
                           "display_name, description and long_description")
    else:
        for lang, text in cast("dict[str, Any]", overview).items():
            if not isinstance(text, dict):
                add(f"overview_ui.{lang}", "must be an object")
                continue
            for field in _OVERVIEW_REQUIRED:
                if not isinstance(text.get(field), str):
                    add(f"overview_ui.{lang}.{field}", f"{field} is required and must be a string")
    images = doc.get("images")
    if not isinstance(images, dict) or not isinstance(images.get("image"), str):
        add("images", "images is required and must be an object with an image URL")
    elif not all(isinstance(v, str) for v in cast("dict[str, Any]", images).values()):
        add("images", "every image must be a URL string")
    provider = doc.get("provider")
    if not isinstance(provider, dict) or not all(isinstance(provider.get(f), str) for f in ("email", "name")):
        add("provider", "provider is required and must be an object with email and name")
    tags = doc.get("tags")
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in cast("list[Any]", tags)):
        add("tags", "tags is required and must be a list of strings")
    if not isinstance(doc.get("disabled"), bool):
        add("disabled", "disabled is required and must be true or false")
    for field in ("active", "group"):
        if field in doc and not isinstance(doc[field], bool):
            add(field, f"{field} must be true or false")
    if "metadata" in doc and not isinstance(doc["metadata"], dict):
        add("metadata", "metadata must be an object")
    return errors


def _kind(gc_kind: str, parents: tuple[str, ...], parent_required: bool) -> CatalogueKind:
    return CatalogueKind(
        name=globalcatalog_kind_name(gc_kind), label=f"Global Catalog {gc_kind}",
        jsonld_type=f"globalcatalog:{gc_kind}", parents=tuple(globalcatalog_kind_name(p) for p in parents),
        parent_required=parent_required, id_rule=ID_CLIENT, write=WRITE_ORGANIZATION,
        doc_check=globalcatalog_check, private_by_default=True, unique_fields=("name",),
        title_field="name", description_field="", tags_field="tags", geo_fields=(),
        exact_fields=("id", "name", "tags"), pricing_path=("metadata", "pricing"),
    )


GLOBALCATALOG_KINDS = (
    *(_kind(k, TOP_KINDS, False) for k in TOP_KINDS),
    *(_kind(k, parents, True) for k, parents in CHILD_KINDS.items()),
)
GLOBALCATALOG_KIND_NAMES = tuple(k.name for k in GLOBALCATALOG_KINDS)
