"""The registry of catalogue item kinds.

A kind says what an item is (its JSON-LD type), under which kinds it may
sit, which JSON schema its document must pass, how its id is made, which
document fields link it to its ancestors, what makes it unique and who may
write it. Each dialect's plugin registers its kinds (``<dialect>/kinds.py``)
through ICatalogueKinds; the item actions read them and hold no
kind-specific code.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import ckan.plugins as p

from ckanext.catalogue.interfaces import ICatalogueKinds

# Who may create, update and delete items of a kind (sysadmins always may).
WRITE_MANAGER = "manager"       # Catalogue-Manager
WRITE_ADMIN = "admin"           # Catalogue-Admin or above
WRITE_ORGANIZATION = "organization"  # editors/admins of the item's organization, or Catalogue-Admin
WRITE_EDITOR = "editor"         # Catalogue-Editor for own items, Catalogue-Admin for anyone's

ID_UUID = "uuid"  # server-generated UUID, a client-supplied UUID accepted
ID_NAME = "name"  # the item's name is its dataset name, usable wherever an id is
ID_CLIENT = "client"  # any string the client chooses, kept as an alias of a fresh UUID


@dataclasses.dataclass(frozen=True)
class CatalogueKind:
    name: str
    label: str
    jsonld_type: str
    # Kinds the parent may have; an empty tuple means a root kind.
    parents: tuple[str, ...] = ()
    # Document fields naming linked items (ids or aliases), with the kind
    # each must name. The deepest of the items they name is the parent;
    # every other one must be an ancestor of it (an IUDX Resource names its
    # resourceGroup, provider and resourceServer).
    link_fields: dict[str, str] = dataclasses.field(default_factory=dict[str, str])
    parent_required: bool = True
    schema: dict[str, Any] | None = None
    id_rule: str = ID_UUID
    # Document fields whose values, lower-cased, are unique among the
    # parent's children of this kind (``scope_fields`` replaces the parent
    # as the scope when given).
    unique_fields: tuple[str, ...] = ()
    unique_scope_fields: tuple[str, ...] = ()
    # Unique within the item's organization instead (library catalogs).
    unique_in_organization: bool = False
    # Checks beyond the JSON schema, in the words the dialect promises:
    # doc -> {field: [messages]} (empty when the document is fine).
    doc_check: Callable[[dict[str, Any]], dict[str, list[str]]] | None = None
    # New items are private to their organization until made public.
    private_by_default: bool = False
    write: str = WRITE_ADMIN
    # A kind whose items each stand for a CKAN organization (IUDX Provider):
    # the items below it belong to that organization.
    binds_organization: bool = False
    # Document field holding the name (the dataset name of named kinds, the
    # value uniqueness is checked on) and an optional callable that checks it
    # (raising ckan Invalid with the message the dialect promises).
    name_field: str = "name"
    name_check: Callable[[Any], Any] | None = None
    # Items created by users below Catalogue-Admin wait for a moderator
    # when ``ckanext.catalogue.moderation`` is on.
    moderated: bool = False
    title_field: str = "name"
    description_field: str = "description"
    tags_field: str = "tags"
    # Server-stamped document fields: (field, value) set on create, kept
    # on update; ``created`` names the field holding the creation time.
    status_field: str | None = None
    status_value: str = "ACTIVE"
    created_field: str | None = None
    # Document fields (GeoJSON objects or ``{"geometry": ...}``) indexed for
    # geo search.
    geo_fields: tuple[str, ...] = ("location",)
    # Document fields matched exactly (ids, links); others are text.
    exact_fields: tuple[str, ...] = ("id", "type")
    # Where an item of this kind keeps its pricing (a path of object keys
    # in its document); empty: the kind has none.
    pricing_path: tuple[str, ...] = ()


_registry: dict[str, CatalogueKind] = {}


def catalogue_kinds() -> dict[str, CatalogueKind]:
    """Every registered kind by name: each dialect plugin declares its own
    kinds through ICatalogueKinds, as any other plugin may."""
    if not _registry:
        found: list[CatalogueKind] = []
        for plugin in p.PluginImplementations(ICatalogueKinds):
            found.extend(plugin.catalogue_kinds())
        _registry.update({kind.name: kind for kind in found})
    return _registry


def catalogue_kind(name: str) -> CatalogueKind | None:
    return catalogue_kinds().get(name)


def catalogue_kind_by_type(jsonld_type: str) -> CatalogueKind | None:
    for kind in catalogue_kinds().values():
        if kind.jsonld_type == jsonld_type:
            return kind
    return None


def catalogue_reset_registry() -> None:
    """Forget the kinds, so the next lookup sees the plugins loaded now."""
    _registry.clear()
