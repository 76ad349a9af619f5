"""Builders of IUDX item documents for the tests (made up for this project)."""
from __future__ import annotations

from typing import Any

CONTEXT = "https://voc.iudx.org.in/"


def owner(name: str = "city-owner") -> dict[str, Any]:
    return {"@context": CONTEXT, "type": ["iudx:Owner"], "name": name, "description": "Owner of the city data"}


def cos(owner_id: str, name: str = "cos-pune.example.org") -> dict[str, Any]:
    return {"@context": CONTEXT, "type": ["iudx:COS"], "name": name, "description": "City operating system",
            "owner": owner_id, "cosURL": "pune.example.org", "cosUI": "https://catalogue.pune.example.org"}


def resource_server(cos_id: str | None, name: str = "rs-pune", **extra: Any) -> dict[str, Any]:
    doc = {"@context": CONTEXT, "type": ["iudx:ResourceServer"], "name": name,
           "description": "Resource server", "tags": ["rs"], **extra}
    if cos_id:
        doc["cos"] = cos_id
    return doc


def provider(rs_id: str | None, name: str = "pune-smart-city", user: str = "user-1", **extra: Any) -> dict[str, Any]:
    doc = {"@context": CONTEXT, "type": ["iudx:Provider"], "name": name, "description": "A data provider",
           "ownerUserId": user, **extra}
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
    return {"@context": CONTEXT, "type": ["iudx:Resource"], "name": name, "description": f"Sensor {name}",
            "tags": ["flood", "sensor"], "provider": provider_id, "resourceGroup": rg_id,
            "location": {"type": "Place", "address": "Pune",
                         "geometry": {"type": "Point", "coordinates": [lon, lat]}}, **extra}
