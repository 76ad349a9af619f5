"""A small demo catalogue for `make run`, created through CKAN actions.

Idempotent: objects that already exist are left as they are.
"""
from __future__ import annotations

import secrets
from typing import Any, cast

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context

DEMO_ORGANIZATION = {
    "name": "catalogue-demo",
    "title": "Catalogue demo provider",
    "description": "Organization that owns the demo catalogue.",
}
DEMO_GROUPS = [
    {"name": "environment", "title": "Environment", "description": "Air, water and weather data."},
    {"name": "mobility", "title": "Mobility", "description": "Transport and traffic data."},
    {"name": "energy", "title": "Energy", "description": "Energy production and use."},
]
DEMO_DATASETS: list[dict[str, Any]] = [
    {
        "name": "air-quality-sensors",
        "title": "Air quality sensors",
        "notes": "Readings of the city's air quality monitoring stations.",
        "groups": [{"name": "environment"}],
        "tags": [{"name": "air"}, {"name": "sensors"}],
    },
    {
        "name": "bus-positions",
        "title": "Bus positions",
        "notes": "Live positions of the city's buses.",
        "groups": [{"name": "mobility"}],
        "tags": [{"name": "transport"}],
    },
]


def _context(user: str) -> Context:
    return {"user": user, "ignore_auth": True}


def catalogue_ensure_sysadmin(name: str, email: str, password: str | None) -> tuple[dict[str, Any], str | None]:
    """Return the sysadmin ``name``, creating it if needed, and its new password if created."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    try:
        user = tk.get_action("user_show")(_context(site_user), {"id": name})
        created_password = None
    except tk.ObjectNotFound:
        created_password = password or secrets.token_urlsafe(12)
        user = tk.get_action("user_create")(
            _context(site_user), {"name": name, "email": email, "password": created_password}
        )
    if not user.get("sysadmin"):
        tk.get_action("user_patch")(_context(site_user), {"id": user["id"], "sysadmin": True})
    return user, created_password


def catalogue_load_demo(user: str) -> list[str]:
    """Create the demo organization, groups and datasets; return what was created."""
    created: list[str] = []
    context = _context(user)

    def ensure(kind: str, data: dict[str, Any]) -> None:
        try:
            tk.get_action(f"{kind}_show")(cast(Context, dict(context)), {"id": data["name"]})
        except tk.ObjectNotFound:
            tk.get_action(f"{kind}_create")(cast(Context, dict(context)), dict(data))
            created.append(f"{kind} {data['name']}")

    ensure("organization", DEMO_ORGANIZATION)
    for group in DEMO_GROUPS:
        ensure("group", group)
    for dataset in DEMO_DATASETS:
        ensure("package", {**dataset, "owner_org": DEMO_ORGANIZATION["name"]})
    model.Session.remove()
    return created


def catalogue_new_api_token(user: str, name: str) -> str:
    context = _context(user)
    return tk.get_action("api_token_create")(context, {"user": user, "name": name})["token"]
