"""The IUDX hierarchy as item kinds: Owner -> COS -> ResourceServer ->
Provider -> ResourceGroup -> Resource (IUDX v5), with the older model
(Provider -> ResourceServer -> ResourceGroup -> Resource) still accepted.

Each kind's JSON schema accepts the older documents too; with
``ckanext.catalogue.iudx.schemas = v5`` (the default) its check adds what
IUDX v5's own item schemas require on top (``_V5``: required properties,
UUID links, the shapes of the organization and access objects). Unknown
properties are kept, as IUDX keeps them.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsonschema.validators

import ckan.plugins.toolkit as tk

from ckanext.catalogue.config import catalogue_iudx_legacy_schemas
from ckanext.catalogue.core.errors import CODE_INVALID_ID, CatalogueInvalid
from ckanext.catalogue.core.kinds import (
    ID_NAME,
    WRITE_ADMIN,
    WRITE_MANAGER,
    WRITE_ORGANIZATION,
    CatalogueKind,
)
from ckanext.catalogue.core.rules import catalogue_schema_errors

OWNER = "iudx.owner"
COS = "iudx.cos"
RESOURCE_SERVER = "iudx.resource_server"
PROVIDER = "iudx.provider"
RESOURCE_GROUP = "iudx.resource_group"
RESOURCE = "iudx.resource"
INSTANCE = "iudx.instance"

_STRINGS: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
# IUDX's name pattern of Owners, resource groups and resources.
_NAME = r"^[a-zA-Z0-9]([\w-]*[a-zA-Z0-9 ])?$"
_LINK: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 512}


def _schema(jsonld_type: str, required: list[str], properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "required": ["type", *required],
        "properties": {
            "type": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                     "contains": {"const": jsonld_type}},
            "id": {"type": "string", "maxLength": 512},
            "@context": {"type": "string"},
            "description": {"type": "string"},
            "tags": _STRINGS,
            "instance": {"type": "string", "maxLength": 100},
            **properties,
        },
        "additionalProperties": True,
    }


# What IUDX v5's item schemas (src/main/resources/.../validator/*ItemSchema.json
# of datakaveri/iudx-catalogue-server) require beyond the kinds' own schemas.
# Only what those schemas enforce: a few of their constraints sit outside
# ``properties`` there and are not applied by IUDX either (a Provider's
# ``resourceServer`` and ``ownerUserId`` patterns, a COS's ``cosUI`` one).
_UUID: dict[str, Any] = {"type": "string", "maxLength": 36,
                         "pattern": "^[a-zA-Z0-9]{8}-[a-zA-Z0-9]{4}-[a-zA-Z0-9]{4}-[a-zA-Z0-9]{4}-[a-zA-Z0-9]{12}$"}
_PLACE: dict[str, Any] = {"type": "object", "required": ["type", "address", "geometry"], "properties": {
    "type": {"type": "string"}, "address": {"type": "string"},
    "geometry": {"type": "object", "required": ["type", "coordinates"], "properties": {
        "type": {"type": "string"}, "coordinates": {"type": "array", "items": {"type": "number"}}}},
}}
_ORG: dict[str, Any] = {"type": "object", "required": ["name", "additionalInfoURL", "location"], "properties": {
    "name": {"type": "string"}, "additionalInfoURL": {"type": "string"}, "location": _PLACE}}
_ACCESS: dict[str, Any] = {"type": "array", "items": {
    "type": "object", "required": ["type", "protocol", "accessURL"], "properties": {
        "type": {"type": "array", "items": {"type": "string"}},
        "protocol": {"type": "string", "pattern": "^[a-zA-Z]{3,10}$"},
        "accessURL": {"type": "string", "pattern": r"^[a-zA-Z0-9]{2,}(\.[a-zA-Z0-9]{2,}){0,10}$"},
        "port": {"type": "integer", "minimum": 1, "maximum": 65535}}}}
_V5: dict[str, dict[str, Any]] = {
    OWNER: {"required": ["name", "description"], "properties": {"id": _UUID}},
    COS: {"required": ["name", "description", "owner", "cosURL", "cosUI"],
          "properties": {"id": _UUID, "owner": _UUID}},
    RESOURCE_SERVER: {"required": ["cos", "owner", "name", "description", "tags", "resourceServerOrg",
                                   "resourceServerRegURL", "resourceAccessModalities"],
                      "properties": {"id": _UUID, "cos": _UUID, "owner": _UUID, "resourceServerOrg": _ORG,
                                     "location": {"type": "object"}, "resourceAccessModalities": _ACCESS}},
    PROVIDER: {"required": ["name", "description", "providerOrg", "ownerUserId", "resourceServer"],
               "properties": {"id": _UUID, "providerOrg": _ORG}},
    # IUDX's resource group and resource schemas leave ``id`` out: a
    # malformed one is refused as an id (InvalidUUID), not by the schema.
    RESOURCE_GROUP: {"required": ["description", "name", "tags", "provider"], "properties": {"provider": _UUID}},
    RESOURCE: {"required": ["name", "provider", "resourceGroup", "resourceServer", "tags", "apdURL",
                            "accessPolicy"],
               "properties": {"provider": _UUID, "resourceGroup": _UUID, "resourceServer": _UUID,
                              "apdURL": {"type": "string"}}},
}


def _v5_check(name: str, base: dict[str, Any]) -> Callable[[dict[str, Any]], dict[str, list[str]]]:
    """The kind's check of what IUDX v5 requires beyond ``base`` (its own
    schema), unless ``ckanext.catalogue.iudx.schemas`` is ``legacy``."""
    v5: dict[str, Any] = {"type": "object", **_V5[name]}
    validator = jsonschema.validators.validator_for(v5)(v5)
    base_validator = jsonschema.validators.validator_for(base)(base)

    def check(doc: dict[str, Any]) -> dict[str, list[str]]:
        if catalogue_iudx_legacy_schemas():
            return {}
        errors = catalogue_schema_errors(validator, doc)
        # IUDX v5 takes no path ids: only UUIDs, checked after the schema.
        if not errors and "/" in str(doc.get("id") or "") and base_validator.is_valid(doc):
            raise CatalogueInvalid({"id": [tk._("Invalid UUID: {value}").format(value=doc["id"])]}, CODE_INVALID_ID)
        return errors

    return check


def _kind(name: str, label: str, jsonld_type: str, required: list[str], properties: dict[str, Any],
          **options: Any) -> CatalogueKind:
    schema = _schema(jsonld_type, required, properties)
    return CatalogueKind(name=name, label=label, jsonld_type=jsonld_type, schema=schema,
                         doc_check=_v5_check(name, schema) if name in _V5 else None,
                         status_field="itemStatus", created_field="itemCreatedAt",
                         exact_fields=("id", "type", *options.get("link_fields", {})), **options)


IUDX_KINDS = (
    _kind(OWNER, "Owner", "iudx:Owner", ["name", "description"], {
        "name": {"type": "string", "pattern": _NAME},
    }, write=WRITE_MANAGER, unique_fields=("name",)),
    _kind(COS, "COS", "iudx:COS", ["name", "description"], {
        "name": {"type": "string", "pattern": r"^[a-zA-Z0-9-]([\w\-.]*[a-zA-Z0-9- ])?$"},
        "owner": _LINK,
        "cosURL": {"type": "string", "pattern": r"^[a-zA-Z0-9-]{2,}(\.[a-zA-Z0-9-/]{2,}){1,5}$"},
        "cosUI": {"type": "string"},
    }, write=WRITE_MANAGER, parents=(OWNER,), link_fields={"owner": OWNER}, parent_required=False,
        unique_fields=("name",)),
    _kind(RESOURCE_SERVER, "Resource server", "iudx:ResourceServer", ["name", "description", "tags"], {
        "name": {"type": "string", "pattern": r"^[a-zA-Z0-9]([\w\-.]*[a-zA-Z0-9 ])?$"},
        "cos": _LINK, "provider": _LINK, "owner": _LINK,
        "resourceServerRegURL": {"type": "string", "pattern": r"^[a-zA-Z0-9-]{2,}(\.[a-zA-Z0-9-]{2,}){1,10}$"},
    }, write=WRITE_MANAGER, parents=(COS, PROVIDER), link_fields={"cos": COS, "provider": PROVIDER, "owner": OWNER},
        parent_required=False, unique_fields=("resourceServerRegURL",)),
    _kind(PROVIDER, "Provider", "iudx:Provider", ["name", "description"], {
        "name": {"type": "string", "pattern": r"^[a-zA-Z0-9(\[]([\w().\[\] &\-]*[a-zA-Z0-9).\]])?$"},
        "resourceServer": _LINK, "cos": _LINK, "owner": _LINK,
        "ownerUserId": {"type": "string", "maxLength": 512},
        "providerOrg": {"type": "object"},
    }, write=WRITE_ADMIN, parents=(RESOURCE_SERVER,), link_fields={"resourceServer": RESOURCE_SERVER, "cos": COS, "owner": OWNER},
        parent_required=False, binds_organization=True,
        unique_scope_fields=("resourceServer", "ownerUserId")),
    _kind(RESOURCE_GROUP, "Resource group", "iudx:ResourceGroup", ["name", "description", "tags", "provider"], {
        "name": {"type": "string", "pattern": _NAME},
        "provider": _LINK, "resourceServer": _LINK, "cos": _LINK,
    }, write=WRITE_ORGANIZATION, parents=(PROVIDER, RESOURCE_SERVER),
        link_fields={"provider": PROVIDER, "resourceServer": RESOURCE_SERVER, "cos": COS},
        unique_fields=("name",), unique_scope_fields=("provider",)),
    _kind(RESOURCE, "Resource", "iudx:Resource", ["name", "tags", "provider", "resourceGroup"], {
        "name": {"type": "string", "maxLength": 512, "pattern": _NAME},
        "provider": _LINK, "resourceGroup": _LINK, "resourceServer": _LINK, "cos": _LINK,
        "accessPolicy": {"type": "string", "pattern": "^(SECURE|OPEN|PII|secure|open|pii)$"},
        "apdURL": {"type": "string", "maxLength": 512},
    }, write=WRITE_ORGANIZATION, parents=(RESOURCE_GROUP,),
        link_fields={"resourceGroup": RESOURCE_GROUP, "provider": PROVIDER,
                     "resourceServer": RESOURCE_SERVER, "cos": COS}, unique_fields=("name",)),
    # An IUDX instance (a city deployment); items name it in ``instance``.
    _kind(INSTANCE, "Instance", "iudx:Instance", ["name"], {
        "name": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9_-]{1,99}$"},
    }, write=WRITE_MANAGER, id_rule=ID_NAME),
)
