"""Authorization matrix rows of gCat's writes. Items are public gCat items
of ``home`` made by the sysadmin: gCat items are written by
Catalogue-Editors (their own, in an organization where they may create
datasets) and Catalogue-Admins (anyone's), so an organization role alone
writes none. Approve and reject work on an item of ``home`` waiting for
moderation (made by ``people.author``). Groups and organizations are fresh
ones whose members are home's ``member``, ``editor`` and ``admin`` (in those
capacities), so a CKAN group role is seen to grant nothing here; they and
the trash change for Catalogue-Admins and above. Scoped tokens identify
nobody here (401), even when scoped to the very item written."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ckanext.catalogue.tests.helpers import catalogue_call
from ckanext.catalogue.tests.security.authz import ROLES, People, Row, Write

BASE = "/gcat"
ITEM_KIND = "gcat.item"
# Items of home someone else made, and new items placed in home: Catalogue-Admins
# and above (Catalogue-Editors change only their own and place none in home,
# where cat_editor may not create datasets; organization roles grant nothing).
ANY_ITEM = frozenset({"cat_admin", "cat_manager", "sysadmin"})
# Catalogue-Admins and above change groups and organizations and empty the trash.
CAT_ADMINS = frozenset({"cat_admin", "cat_manager", "sysadmin"})
# Only Catalogue-Moderators (and sysadmins) approve or reject; Admins and Managers see but do not decide.
MODERATORS = frozenset({"cat_moderator", "sysadmin"})


def _doc(name: str) -> dict[str, Any]:
    return {"name": name, "title": f"Item {name}", "notes": "Rain gauges", "license_id": "cc-by"}


def _item(people: People, suffix: str) -> dict[str, Any]:
    """A public gCat item of home, approved (its author is the sysadmin)."""
    return catalogue_call(people.names["sysadmin"], "catalogue_item_create", kind=ITEM_KIND,
                          organization=people.home, doc=_doc(f"i-{suffix}"))


def _pending(people: People, suffix: str) -> dict[str, Any]:
    """A gCat item of home waiting for moderation (moderation is on)."""
    made = catalogue_call(people.author, "catalogue_item_create", kind=ITEM_KIND, organization=people.home,
                          doc=_doc(f"p-{suffix}"))
    assert made["moderation"]["state"] == "pending", made.get("moderation")
    return made


def _on_item(method: str, path: str, make: Callable[[People, str], dict[str, Any]] = _item,
             body: Callable[[dict[str, Any]], Any] | None = None) -> Callable[[People, str], Write]:
    """A write on a fresh item ``i`` (``make``): ``path`` is formatted with its
    name; a scoped token is scoped to it."""
    def setup(people: People, suffix: str) -> Write:
        item = make(people, suffix)
        return Write(method, BASE + path.format(i=item["name"]), body(item) if body else None, scope=item["id"])
    return setup


def _on_resource(method: str, body: dict[str, Any] | None = None) -> Callable[[People, str], Write]:
    """A write on a fresh resource of a fresh item."""
    def setup(people: People, suffix: str) -> Write:
        item = _item(people, suffix)
        made = catalogue_call(people.names["sysadmin"], "catalogue_item_resource_create", id=item["id"],
                              url="https://e.org/a")
        return Write(method, f"{BASE}/items/{item['name']}/resources/{made['id']}", body, scope=item["id"])
    return setup


def _group(people: People, kind: str, suffix: str) -> dict[str, Any]:
    """A fresh group or organization with home's member, editor and admin as
    its member, editor and admin."""
    sysadmin = people.names["sysadmin"]
    made = catalogue_call(sysadmin, "catalogue_group_create", kind=kind, name=f"{kind[0]}-{suffix}", title="G")
    for capacity in ("member", "editor", "admin"):
        catalogue_call(sysadmin, f"{kind}_member_create", id=made["id"], username=people.names[capacity],
                       role=capacity)
    return made


def _on_group(collection: str, method: str, body: dict[str, Any] | None = None) -> Callable[[People, str], Write]:
    kind = "organization" if collection == "organizations" else "group"

    def setup(people: People, suffix: str) -> Write:
        made = _group(people, kind, suffix)
        return Write(method, f"{BASE}/{collection}/{made['name']}", body)
    return setup


def _new_group(collection: str) -> Callable[[People, str], Write]:
    return lambda people, suffix: Write("POST", f"{BASE}/{collection}", {"name": f"n-{suffix}", "title": "New"})


def _trash(people: People, suffix: str) -> Write:
    """The trash holds a fresh archived group."""
    made = _group(people, "group", suffix)
    catalogue_call(people.names["sysadmin"], "catalogue_group_delete", id=made["id"], kind="group")
    return Write("DELETE", f"{BASE}/trash")


def _group_rows(collection: str) -> dict[tuple[str, str], Row]:
    member = f"{BASE}/{collection}/<id>"
    return {
        ("POST", f"{BASE}/{collection}"): Row(CAT_ADMINS, _new_group(collection)),
        ("PUT", member): Row(CAT_ADMINS, _on_group(collection, "PUT", {"title": "Replaced"})),
        ("PATCH", member): Row(CAT_ADMINS, _on_group(collection, "PATCH", {"description": "Patched"})),
        ("DELETE", member): Row(CAT_ADMINS, _on_group(collection, "DELETE")),
    }


ROWS: dict[tuple[str, str], Row] = {
    **_group_rows("groups"),
    **_group_rows("organizations"),
    ("POST", f"{BASE}/items"): Row(ANY_ITEM, lambda p, s: Write("POST", f"{BASE}/items", {
        **_doc(f"n-{s}"), "owner_org": p.home})),
    ("PUT", f"{BASE}/items/<name>"): Row(ANY_ITEM, _on_item("PUT", "/items/{i}", body=lambda i: {
        **_doc(i["name"]), "title": "Changed"})),
    ("DELETE", f"{BASE}/items/<name>"): Row(ANY_ITEM, _on_item("DELETE", "/items/{i}")),
    ("POST", f"{BASE}/items/<name>/approve"): Row(MODERATORS, _on_item("POST", "/items/{i}/approve", _pending)),
    ("POST", f"{BASE}/items/<name>/reject"): Row(MODERATORS, _on_item("POST", "/items/{i}/reject", _pending,
                                                                      lambda i: {"message": "Needs a licence"})),
    ("DELETE", f"{BASE}/trash"): Row(CAT_ADMINS, _trash),
    # gCat's own moderation call: the state changes for moderators only.
    ("POST", f"{BASE}/items/<name>"): Row(MODERATORS, _on_item("POST", "/items/{i}", _pending,
                                                               lambda i: {"cm_item_status": "approved"})),
    # Queued for any signed-in user (never run here): the job removes only
    # what that user may remove.
    ("DELETE", f"{BASE}/items"): Row(frozenset(ROLES) - {"anonymous", "scoped"},
                                     lambda p, s: Write("DELETE", f"{BASE}/items")),
    ("POST", f"{BASE}/items/<name>/resources"): Row(ANY_ITEM, _on_item(
        "POST", "/items/{i}/resources", body=lambda i: {"url": "https://e.org/a"})),
    ("PUT", f"{BASE}/items/<name>/resources/<resource_id>"): Row(ANY_ITEM, _on_resource(
        "PUT", {"url": "https://e.org/b"})),
    ("DELETE", f"{BASE}/items/<name>/resources/<resource_id>"): Row(ANY_ITEM, _on_resource("DELETE")),
}
