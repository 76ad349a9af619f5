"""Builders of IUDX item documents for the tests (made up for this project),
complete as IUDX v5's item schemas require them. A link the caller leaves
out (a resource server's owner, a resource's resource server) is read from
the item it already names, as a client would copy it."""
from __future__ import annotations

import re
import uuid
from typing import Any

import ckan.plugins.toolkit as tk

CONTEXT = "https://voc.iudx.org.in/"
_PLACE = {"type": "Place", "address": "Pune", "geometry": {"type": "Point", "coordinates": [73.85, 18.52]}}


def _linked(item_id: str | None, field: str) -> str | None:
    """``field`` of the document of the item ``item_id`` (None without one)."""
    if not item_id:
        return None
    if (item_id, field) not in _LINKED:
        try:
            doc = tk.get_action("catalogue_item_show")({"ignore_auth": True}, {"id": item_id})["doc"]
        except (tk.ObjectNotFound, tk.ValidationError):  # a test of a wrong link
            return None
        if not doc.get(field):
            return None
        _LINKED[(item_id, field)] = doc[field]
    return _LINKED[(item_id, field)]


# Links found, by (item id, field): an update never changes an item's links
# and ids are random, so what was read once holds (a bench builds 100,000
# resources under one provider).
_LINKED: dict[tuple[str, str], str] = {}


def user_id(user: str) -> str:
    """The UUID IUDX's ``ownerUserId`` holds for a made-up user name."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"user:{user}"))


def owner(name: str = "city-owner") -> dict[str, Any]:
    return {"@context": CONTEXT, "type": ["iudx:Owner"], "name": name, "description": "Owner of the city data"}


def cos(owner_id: str, name: str = "cos-pune.example.org") -> dict[str, Any]:
    return {"@context": CONTEXT, "type": ["iudx:COS"], "name": name, "description": "City operating system",
            "owner": owner_id, "cosURL": "pune.example.org", "cosUI": "https://catalogue.pune.example.org"}


def resource_server(cos_id: str | None, name: str = "rs-pune", owner_id: str | None = None,
                    **extra: Any) -> dict[str, Any]:
    """Under ``cos_id`` (IUDX v5), or with no COS (the older model)."""
    host = re.sub(r"[^a-zA-Z0-9-]+", "-", name)
    doc = {"@context": CONTEXT, "type": ["iudx:ResourceServer"], "name": name,
           "description": "Resource server", "tags": ["rs"], "resourceServerRegURL": f"{host}.example.org"}
    if cos_id:
        owner_id = owner_id or _linked(cos_id, "owner")
        if owner_id:
            doc["owner"] = owner_id
        doc.update(cos=cos_id,
                   resourceServerOrg={"name": "city", "additionalInfoURL": "https://example.org", "location": _PLACE},
                   resourceAccessModalities=[{"type": ["iudx:HTTPAccess"], "protocol": "http",
                                              "accessURL": "rs", "port": 8080}])
    return {**doc, **extra}


def provider(rs_id: str | None, name: str = "pune-smart-city", user: str = "user-1", **extra: Any) -> dict[str, Any]:
    doc = {"@context": CONTEXT, "type": ["iudx:Provider"], "name": name, "description": "A data provider",
           "ownerUserId": user_id(user),
           "providerOrg": {"name": name, "additionalInfoURL": "https://example.org", "location": _PLACE}, **extra}
    if rs_id:
        doc["resourceServer"] = rs_id
    return doc


def resource_group(provider_id: str, rs_id: str | None = None, name: str = "env-flood", **extra: Any) -> dict[str, Any]:
    doc = {"@context": CONTEXT, "type": ["iudx:ResourceGroup", "iudx:FloodSensing"], "name": name,
           "description": "Flood sensors", "tags": ["flood", "water level"], "provider": provider_id, **extra}
    if rs_id:
        doc["resourceServer"] = rs_id
    return doc


def resource(rg_id: str, provider_id: str, name: str = "sensor-1", lon: float = 73.85, lat: float = 18.52,
             **extra: Any) -> dict[str, Any]:
    doc = {"@context": CONTEXT, "type": ["iudx:Resource"], "name": name, "description": f"Sensor {name}",
           "tags": ["flood", "sensor"], "provider": provider_id, "resourceGroup": rg_id,
           "apdURL": "apd.example.org", "accessPolicy": "OPEN",
           "location": {"type": "Place", "address": "Pune",
                        "geometry": {"type": "Point", "coordinates": [lon, lat]}}, **extra}
    if "resourceServer" not in doc:
        server = _linked(provider_id, "resourceServer")
        if server:
            doc["resourceServer"] = server
    return doc
