"""Authorization matrix rows of the IUDX API's writes (/iudx/cat/v1). Item
rows work on a fresh Owner -> COS -> ResourceServer -> Provider ->
ResourceGroup -> Resource branch: a sysadmin makes the Provider bound to
``home`` (so everything
under it is home's) and its group, home's admin the Resource. Resources
are written by the organization (WRITERS). Instances belong to no
organization and no parent: Catalogue-Managers' (and sysadmins'). Scoped
tokens work here (IUDX's create-catalogue token): one is scoped to the item
written, or to the new item's parent."""
from __future__ import annotations

from ckanext.catalogue.iudx import kinds
from ckanext.catalogue.tests.helpers import catalogue_call
from ckanext.catalogue.tests.iudx import samples as s
from ckanext.catalogue.tests.security.authz import ROLES, WRITERS, People, Row, Write

BASE = "/iudx/cat/v1"
# Instances are of kind WRITE_MANAGER: Catalogue-Managers and sysadmins
# (Catalogue-Admins are below; no organization role counts).
MANAGERS = frozenset({"cat_manager", "sysadmin"})


def _group(people: People, suffix: str) -> tuple[str, str]:
    """A fresh Provider of ``home`` and a ResourceGroup under it: (provider, group)."""
    sysadmin = people.names["sysadmin"]
    owner = catalogue_call(sysadmin, "catalogue_item_create", doc=s.owner(f"owner-{suffix}"))["id"]
    cos = catalogue_call(sysadmin, "catalogue_item_create", doc=s.cos(owner, f"cos-{suffix}.example.org"))["id"]
    server = catalogue_call(sysadmin, "catalogue_item_create", doc=s.resource_server(cos, f"rs-{suffix}"))["id"]
    provider = catalogue_call(sysadmin, "catalogue_item_create", organization=people.home,
                              doc=s.provider(server, name=f"prov-{suffix}", user=f"user-{suffix}"))
    assert provider["owner_org"] == people.home
    group = catalogue_call(sysadmin, "catalogue_item_create",
                           doc=s.resource_group(provider["id"], name=f"rg-{suffix}"))
    return provider["id"], group["id"]


def _resource(people: People, suffix: str) -> tuple[str, dict]:
    """A fresh public Resource of ``home``, made by home's admin: (id, its document)."""
    provider, group = _group(people, suffix)
    doc = s.resource(group, provider, f"res-{suffix}")
    made = catalogue_call(people.names["admin"], "catalogue_item_create", doc=doc)
    assert made["owner_org"] == people.home and not made["private"]
    return made["id"], doc


def _create_resource(people: People, suffix: str) -> Write:
    # A new Resource under a fresh group of home; a scoped token is scoped to the group.
    provider, group = _group(people, suffix)
    return Write("POST", f"{BASE}/item", s.resource(group, provider, f"new-{suffix}"), scope=group)


def _update_resource(people: People, suffix: str) -> Write:
    item, doc = _resource(people, suffix)
    return Write("PUT", f"{BASE}/item", {**doc, "id": item, "description": "changed"}, scope=item)


def _delete_resource(people: People, suffix: str) -> Write:
    item, _doc = _resource(people, suffix)
    return Write("DELETE", f"{BASE}/item?id={item}", scope=item)


def _create_instance(people: People, suffix: str) -> Write:
    # No parent: a scoped token (scoped to a fresh home entry) is outside.
    return Write("POST", f"{BASE}/instance?id=inst-{suffix}")


def _delete_instance(people: People, suffix: str) -> Write:
    name = f"inst-{suffix}"
    made = catalogue_call(people.names["sysadmin"], "catalogue_item_create", kind=kinds.INSTANCE,
                          doc={"type": ["iudx:Instance"], "name": name})
    return Write("DELETE", f"{BASE}/instance?id={name}", scope=made["id"])


# Who may rate a public item: whoever is signed in (a scoped token makes
# item writes only).
RATERS = frozenset(ROLES) - {"anonymous", "scoped"}


def _rate(people: People, suffix: str) -> Write:
    item, _doc = _resource(people, suffix)
    return Write("POST", f"{BASE}/consumer/ratings?id={item}", {"rating": 4, "comment": "fine"})


def _rated(people: People, suffix: str) -> str:
    """A public Resource every signed-in role has rated: each changes its own."""
    item, _doc = _resource(people, suffix)
    for name in people.names.values():
        catalogue_call(name, "catalogue_rating_create", id=item, rating=3)
    return item


ROWS: dict[tuple[str, str], Row] = {
    ("POST", f"{BASE}/consumer/ratings"): Row(RATERS, _rate),
    ("PUT", f"{BASE}/consumer/ratings"): Row(RATERS, lambda p, s: Write(
        "PUT", f"{BASE}/consumer/ratings?id={_rated(p, s)}", {"rating": 1})),
    ("DELETE", f"{BASE}/consumer/ratings"): Row(RATERS, lambda p, s: Write(
        "DELETE", f"{BASE}/consumer/ratings?id={_rated(p, s)}")),
    ("POST", f"{BASE}/item"): Row(WRITERS, _create_resource),
    ("PUT", f"{BASE}/item"): Row(WRITERS, _update_resource),
    ("DELETE", f"{BASE}/item"): Row(WRITERS, _delete_resource),
    ("POST", f"{BASE}/instance"): Row(MANAGERS, _create_instance),
    # A sysadmin's token scoped to the instance itself is inside its subtree.
    ("DELETE", f"{BASE}/instance"): Row(MANAGERS | {"scoped"}, _delete_instance),
}
