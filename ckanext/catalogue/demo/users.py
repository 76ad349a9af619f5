"""The demo's people: the sysadmin of ``make run`` and one user per
catalogue role (and a provider's editor), each with a password and an API
token printed once, when it is made."""
from __future__ import annotations

import dataclasses
import secrets
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context


@dataclasses.dataclass(frozen=True)
class DemoUser:
    """A demo user made now, with what to print once."""

    name: str
    password: str
    token: str
    about: str


def _context(user: str) -> Context:
    return {"user": user, "ignore_auth": True}


def _site_user() -> str:
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def catalogue_ensure_sysadmin(name: str, email: str, password: str | None) -> tuple[dict[str, Any], str | None]:
    """Return the sysadmin ``name``, creating it if needed, and its new password if created."""
    site_user = _site_user()
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


def catalogue_new_api_token(user: str, name: str) -> str:
    context = _context(user)
    return tk.get_action("api_token_create")(context, {"user": user, "name": name})["token"]


def catalogue_ensure_users(people: list[dict[str, Any]]) -> list[DemoUser]:
    """Make the users ``people`` describe (``name``, a catalogue ``role``, or
    an ``organization`` and ``capacity``, and ``about``) that do not exist
    yet; the ones made, with their password and a new API token."""
    site = _site_user()
    made: list[DemoUser] = []
    for person in people:
        try:
            tk.get_action("user_show")(_context(site), {"id": person["name"]})
            continue
        except tk.ObjectNotFound:
            pass
        password = secrets.token_urlsafe(12)
        tk.get_action("user_create")(_context(site), {
            "name": person["name"], "email": f"{person['name']}@example.org", "password": password,
            "fullname": person["name"].replace("-", " ").title()})
        if person.get("role"):
            tk.get_action("catalogue_role_grant")({"user": site}, {"user": person["name"], "role": person["role"]})
        if person.get("organization"):
            tk.get_action("organization_member_create")(_context(site), {
                "id": person["organization"], "username": person["name"], "role": person["capacity"]})
        made.append(DemoUser(person["name"], password, catalogue_new_api_token(person["name"], "demo"),
                             person.get("about", "")))
    return made
