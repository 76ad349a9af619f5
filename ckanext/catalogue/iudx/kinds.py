"""The IUDX hierarchy as item kinds: Owner -> COS -> ResourceServer ->
Provider -> ResourceGroup -> Resource (IUDX v5), with the older model
(Provider -> ResourceServer -> ResourceGroup -> Resource) still accepted.

Required fields and name patterns follow IUDX's item JSON schemas; unknown
properties are kept, as IUDX keeps them.
"""
from __future__ import annotations

from typing import Any

from ckanext.catalogue.core.kinds import (
    ID_NAME,
    WRITE_ADMIN,
    WRITE_MANAGER,
    WRITE_ORGANIZATION,
    CatalogueKind,
)

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


def _kind(name: str, label: str, jsonld_type: str, required: list[str], properties: dict[str, Any],
          **options: Any) -> CatalogueKind:
    return CatalogueKind(name=name, label=label, jsonld_type=jsonld_type,
                         schema=_schema(jsonld_type, required, properties),
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
        parent_required=False, unique_fields=("name",)),
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
    }, write=WRITE_ORGANIZATION, parents=(RESOURCE_GROUP,),
        link_fields={"resourceGroup": RESOURCE_GROUP, "provider": PROVIDER,
                     "resourceServer": RESOURCE_SERVER, "cos": COS}, unique_fields=("name",)),
    # An IUDX instance (a city deployment); items name it in ``instance``.
    _kind(INSTANCE, "Instance", "iudx:Instance", ["name"], {
        "name": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9_-]{1,99}$"},
    }, write=WRITE_MANAGER, id_rule=ID_NAME),
)
