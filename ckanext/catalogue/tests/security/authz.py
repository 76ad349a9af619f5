"""The authorization matrix: thirteen roles, a row per write, and the runner
that sends each row's write as each role and checks who got through.

A row says who may make a write and how to make it on fresh objects
(``Row.setup(people, suffix)`` returns the ``Write``). The tables are per
feature (``test_authz_matrix`` for the action API, ``test_authz_routes``
for every dialect route); each has a completeness test, so a new write
without a row fails the suite.

The people: a user per role with an API token; ``home`` is the organization
of ``member``/``editor``/``admin``; ``other_admin`` admins another one;
``cat_*`` hold the catalogue-wide roles; ``scoped`` is a sysadmin's token
scoped to one item of home (``Write.scope``, or a fresh home entry when the
write names none): whatever its owner may do, it makes only item writes
inside that subtree.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ckan.tests import factories, helpers

from ckanext.catalogue.tests.factories import gc_entry
from ckanext.catalogue.tests.helpers import catalogue_call

ROLES = ("anonymous", "user", "member", "editor", "admin", "other_admin", "cat_member", "cat_editor",
         "cat_admin", "cat_manager", "cat_moderator", "sysadmin", "scoped")
# Who may change an item of ``home``, and who may also change its visibility.
WRITERS = frozenset({"editor", "admin", "cat_admin", "cat_manager", "sysadmin", "scoped"})
VISIBILITY = frozenset({"admin", "cat_admin", "cat_manager", "sysadmin", "scoped"})
# Catalogue-wide writes (groups, roles, trash, catalogs of no organization).
SITE = frozenset({"sysadmin"})
REFUSED = (401, 403, 404)


@dataclass
class People:
    tokens: dict[str, str]
    names: dict[str, str]
    home: str  # organization id
    other: str  # the other organization's id
    author: str  # an editor of home holding Catalogue-Editor: writes gCat items waiting for moderation
    grantee: str  # a user whose catalogue roles the role rows change (no role of the matrix)


@dataclass(frozen=True)
class Write:
    method: str
    url: str
    json: Any = None
    scope: str | None = None  # the item a scoped token is scoped to
    data: bytes | None = None  # a raw body (sent when ``json`` is None)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    allowed: frozenset[str]
    setup: Callable[[People, str], Write]
    # A 2xx that still refused the write (a bulk create reports refused records).
    refused_inside: Callable[[Any], bool] = lambda body: False


def make_people() -> People:
    made = {name: factories.UserWithToken() for name in ROLES if name not in ("anonymous", "scoped", "sysadmin")}
    made["sysadmin"] = factories.SysadminWithToken()
    author = factories.User()
    home = factories.Organization(users=[*({"name": made[r]["name"], "capacity": r}
                                           for r in ("member", "editor", "admin")),
                                         {"name": author["name"], "capacity": "editor"}])
    other = factories.Organization(users=[{"name": made["other_admin"]["name"], "capacity": "admin"}])
    helpers.call_action("catalogue_role_grant", user=author["name"], role="Catalogue-Editor")
    for role in ("member", "editor", "admin", "manager", "moderator"):
        helpers.call_action("catalogue_role_grant", user=made[f"cat_{role}"]["name"],
                            role=f"Catalogue-{role.capitalize()}")
    return People(tokens={name: user["token"] for name, user in made.items()},
                  names={name: user["name"] for name, user in made.items()},
                  home=home["id"], other=other["id"], author=author["name"], grantee=factories.User()["name"])


def _token(people: People, role: str, scope: str | None, suffix: str) -> str | None:
    if role != "scoped":
        return people.tokens.get(role)
    item = scope or gc_entry(people.names["admin"], f"{suffix}-scope", organization=people.home)["id"]
    return catalogue_call(people.names["sysadmin"], "catalogue_token_create", item_id=item, role="provider")["token"]


def _send(app, people: People, role: str, write: Write, suffix: str):
    token = _token(people, role, write.scope, suffix)
    headers = {**write.headers, **({"Authorization": token} if token else {})}
    body = {"json": write.json} if write.json is not None else {"data": write.data}
    return app.client.open(write.url, method=write.method, headers=headers, **body)


def run_row(app, people: People, row: Row, name: str) -> list[tuple[str, int, str]]:
    """Send the row's write as every role; the cells that went wrong.

    Refused roles share one setup (a refusal changes nothing, and a write
    that got through is reported anyway); each allowed role gets its own."""
    wrong = []
    shared: Write | None = None
    for number, role in enumerate(ROLES):
        suffix = f"{name}-{number}"
        if role in row.allowed:
            write = row.setup(people, suffix)
        else:
            shared = shared or row.setup(people, f"{name}-refused")
            write = shared
        resp = _send(app, people, role, write, suffix)
        body = resp.get_json(silent=True)
        took = 200 <= resp.status_code < 300 and not row.refused_inside(body)
        if took != (role in row.allowed) or (not took and not (resp.status_code in REFUSED or
                                                               row.refused_inside(body))):
            wrong.append((role, resp.status_code, resp.get_data(as_text=True)[:160]))
    return wrong
