"""The plugin interfaces of the catalogue and what a plugin declares through
them: item kinds (CatalogueKind), dialect APIs (CatalogueDialect) and read
rules. The dialects of this package implement them in their own
``plugin.py``; nothing here imports the rest of the package, so every layer
may use it."""
from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

import jsonschema.validators
from flask import Blueprint, Response

import ckan.plugins as p
from ckan import model

# Who may create, update and delete items of a kind (sysadmins always may).
WRITE_MANAGER = "manager"       # Catalogue-Manager
WRITE_ADMIN = "admin"           # Catalogue-Admin or above
WRITE_ORGANIZATION = "organization"  # editors/admins of the item's organization, or Catalogue-Admin
WRITE_EDITOR = "editor"         # Catalogue-Editor for own items, Catalogue-Admin for anyone's

ID_UUID = "uuid"  # server-generated UUID, a client-supplied UUID accepted
ID_NAME = "name"  # the item's name is its dataset name, usable wherever an id is
ID_CLIENT = "client"  # any string the client chooses, kept as an alias of a fresh UUID


@dataclasses.dataclass(frozen=True)
class CatalogueResourceRole:
    """A list of resources the items of a kind keep beside their document (a
    library component's weblinks and documents), with its own rules."""

    name: str
    # Checks of a resource's fields (``name``, ``url``, ``format``,
    # ``description``, ``properties``, and ``file``: whether it holds an
    # uploaded file) in the dialect's words: -> {field: [messages]}, empty
    # when the resource is fine.
    check: Callable[[dict[str, Any]], dict[str, list[str]]] | None = None
    # Each name is held by one resource of the role at most (409 otherwise).
    unique_name: bool = False
    # What a resource of the role holds: ``link`` (a url, never a file) or
    # ``file`` (an uploaded file, never a url; it may be made before its
    # file is sent).
    holds: str = "link"
    # A property that, once true, keeps the file as it is (409 on a new one).
    file_fixed_when: str = ""


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
    # Document fields naming other items that are not its ancestors (an id,
    # or a list of ids), with the kind each must name. Every one must exist
    # and belong to the item's own organization (a library component names
    # its catalogs, category and manufacturer).
    reference_fields: dict[str, str] = dataclasses.field(default_factory=dict[str, str])
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
    # Document fields a new or replacing document that leaves them out gets
    # (a library component starts as a Draft).
    doc_defaults: dict[str, Any] = dataclasses.field(default_factory=dict[str, Any])
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
    # The roles its items' resources may take (none: resources have no role).
    resource_roles: tuple[CatalogueResourceRole, ...] = ()

    @functools.cached_property
    def schema_validator(self) -> Any:
        """The validator of ``schema`` (None without one), built once: a
        kind's schema does not change, and building it for each record took
        a third of the check of an IUDX resource."""
        return jsonschema.validators.validator_for(self.schema)(self.schema) if self.schema else None


class ICatalogueKinds(p.Interface):
    """Plugins add item kinds to the registry (``core/kinds.py``)."""

    def catalogue_kinds(self) -> Iterable[CatalogueKind]:
        """The kinds this plugin declares."""
        return []


class ICatalogueReaders(p.Interface):
    """Plugins narrow who may read some datasets (the software catalogs:
    signed-in users only). Labels join CKAN's permission labels, so search
    follows them; the refusal is checked on every read of one dataset."""

    def catalogue_dataset_labels(self, dataset: model.Package, labels: list[str]) -> list[str]:
        """The dataset's permission labels, given those decided so far."""
        return labels

    def catalogue_user_labels(self, user: Any, labels: list[str]) -> list[str]:
        """The labels a user (None: anonymous) reads, given those decided so far."""
        return labels

    def catalogue_read_refusal(self, dataset: model.Package, user_name: str | None) -> str | None:
        """Why this caller may not read the dataset, or None."""
        return None


@dataclasses.dataclass(frozen=True)
class CatalogueDialect:
    """What one dialect's API is, declared once by its plugin: the shared
    HTTP layer, rate limits, body limits, scoped tokens and the OpenAPI
    document read it from here instead of naming dialects."""

    # Its name in option keys (``rate_limit.<name>``, ``limits.body_size.<name>``),
    # and its tag in the OpenAPI document.
    name: str
    blueprint: Blueprint
    # What the portal says of it: a title, one line, and the path of its
    # main API read (or portal page).
    title: str = ""
    summary: str = ""
    home: str = ""
    # Its part of the OpenAPI document (``openapi.yaml`` beside its views).
    openapi: Path | None = None
    # Headers besides ``Authorization`` that carry its API tokens.
    token_headers: tuple[str, ...] = ()
    # Its 429 answer, given the seconds until a retry may succeed.
    too_many: Callable[[int], Response] | None = None
    # Endpoints a scoped token may write through (IUDX's item routes).
    scoped_endpoints: tuple[str, ...] = ()
    # Endpoints whose body is a file, bounded by the artifacts' size limit.
    file_endpoints: tuple[str, ...] = ()
    # Endpoints taking a resource file in a multipart body, bounded by
    # CKAN's ``ckan.max_resource_size``.
    upload_endpoints: tuple[str, ...] = ()


class ICatalogueDialect(p.Interface):
    """A plugin that serves a catalogue dialect's API."""

    def catalogue_dialect(self) -> CatalogueDialect:
        """The dialect this plugin serves."""
        raise NotImplementedError


def catalogue_dialects() -> list[CatalogueDialect]:
    """The dialects of the plugins loaded now."""
    return [plugin.catalogue_dialect() for plugin in p.PluginImplementations(ICatalogueDialect)]


def catalogue_dialect_of(blueprint: str | None) -> CatalogueDialect | None:
    """The dialect whose blueprint is named ``blueprint``, if any."""
    return next((d for d in catalogue_dialects() if d.blueprint.name == blueprint), None) if blueprint else None


def catalogue_token_headers() -> tuple[str, ...]:
    """Every header besides ``Authorization`` some dialect takes a token in."""
    return tuple(dict.fromkeys(h for d in catalogue_dialects() for h in d.token_headers))


class CatalogueDialectPlugin(p.SingletonPlugin):
    """Base of a dialect's plugin: serves its blueprint and declares its
    dialect and item kinds (a subclass sets ``dialect`` and ``kinds``)."""

    p.implements(p.IBlueprint)
    p.implements(ICatalogueKinds)
    p.implements(ICatalogueDialect)

    dialect: ClassVar[CatalogueDialect]
    kinds: ClassVar[tuple[CatalogueKind, ...]] = ()

    def get_blueprint(self) -> list[Blueprint]:
        return [self.dialect.blueprint]

    def catalogue_dialect(self) -> CatalogueDialect:
        return self.dialect

    def catalogue_kinds(self) -> Iterable[CatalogueKind]:
        return self.kinds
