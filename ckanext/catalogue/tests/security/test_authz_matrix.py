"""The authorization matrix of the item writes: every role against every
catalogue item write of the action API, from one table. An item write
action without a row fails the test, so no new write goes unchecked.

Rows name who may make the write on a public Global Catalog entry of the
organization ``home`` (write rule: the organization's editors and admins,
Catalogue-Admins and Managers, sysadmins); each cell runs on a fresh entry.
"""
from __future__ import annotations

from typing import Any, Callable

import pytest

from ckan.tests import factories, helpers

from ckanext.catalogue.logic.action import catalogue_get_actions, read_paths
from ckanext.catalogue.tests.conftest import catalogue_call
from ckanext.catalogue.tests.security.conftest import gc_doc, gc_entry

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")

ROLES = ("anonymous", "user", "member", "editor", "admin", "other_admin", "cat_member", "cat_editor",
         "cat_admin", "cat_manager", "cat_moderator", "sysadmin", "scoped")
WRITERS = {"editor", "admin", "cat_admin", "cat_manager", "sysadmin", "scoped"}
VISIBILITY = {"admin", "cat_admin", "cat_manager", "sysadmin", "scoped"}

Setup = Callable[[dict, str], dict[str, Any]]  # (people, fresh entry id) -> action data


def _archived(people: dict, entry: str) -> dict:
    catalogue_call(people["admin_name"], "catalogue_item_delete", id=entry)
    return {"id": entry}


def _with_artifact(people: dict, entry: str) -> dict:
    catalogue_call(people["admin_name"], "catalogue_item_artifact_upload", id=entry, name="a.txt",
                   content="x", content_type="text/plain")
    return {"id": entry, "name": "a.txt"}


def _pending(people: dict, entry: str) -> str:
    """A gCat item of ``home`` waiting for moderation (moderation is on)."""
    return catalogue_call(people["author_name"], "catalogue_item_create", kind="gcat.item",
                          organization=people["home"], doc={
                              "name": f"{entry}-pending", "title": "t", "notes": "n", "license_id": "cc-by"})["id"]


# action -> (who may, data for a fresh entry)
ITEM_WRITES: dict[str, tuple[set[str], Setup]] = {
    "catalogue_item_create": (WRITERS, lambda p, e: {"kind": "globalcatalog.plan", "parent": e, "id": f"{e}-plan",
                                                    "doc": gc_doc(f"{e}-plan")}),
    "catalogue_item_bulk_create": (WRITERS, lambda p, e: {"records": [
        {"kind": "globalcatalog.plan", "parent": e, "id": f"{e}-bulk", "doc": gc_doc(f"{e}-bulk")}]}),
    "catalogue_item_update": (WRITERS, lambda p, e: {"id": e, "kind": "globalcatalog.service",
                                                    "doc": {**gc_doc(e), "tags": ["changed"]}}),
    "catalogue_item_patch": (WRITERS, lambda p, e: {"id": e, "doc": {"tags": ["patched"]}}),
    "catalogue_item_delete": (WRITERS, lambda p, e: {"id": e}),
    "catalogue_item_purge": (WRITERS, lambda p, e: {"id": e}),
    "catalogue_item_restore": (WRITERS, _archived),
    "catalogue_item_visibility_update": (VISIBILITY, lambda p, e: {"id": e, "restrictions": "organizations"}),
    "catalogue_item_artifact_upload": (WRITERS, lambda p, e: {"id": e, "name": "b.txt", "content": "y",
                                                             "content_type": "text/plain"}),
    "catalogue_item_artifact_delete": (WRITERS, _with_artifact),
    # Not for scoped tokens: a token never makes another token.
    "catalogue_token_create": (WRITERS - {"scoped"}, lambda p, e: {"item_id": e, "role": "provider"}),
    "catalogue_item_purge_expired": ({"sysadmin"}, lambda p, e: {}),
    "catalogue_item_moderate": ({"cat_moderator", "sysadmin"}, lambda p, e: {"id": _pending(p, e),
                                                                            "decision": "approve"}),
}


def test_every_item_write_has_a_row():
    writes = {name for name, action in catalogue_get_actions().items()
              if (name.startswith("catalogue_item_") or name == "catalogue_token_create")
              and not getattr(action, "side_effect_free", False) and name not in read_paths.__all__}
    assert writes - set(ITEM_WRITES) == set(), "item writes without a row in ITEM_WRITES"


@pytest.fixture
def people() -> dict:
    made = {name: factories.UserWithToken() for name in ROLES if name not in ("anonymous", "scoped", "sysadmin")}
    made["sysadmin"] = factories.SysadminWithToken()
    author = factories.User()  # writes the pending gCat items
    home = factories.Organization(users=[*({"name": made[r]["name"], "capacity": r} for r in ("member", "editor",
                                                                                             "admin")),
                                         {"name": author["name"], "capacity": "editor"}])
    helpers.call_action("catalogue_role_grant", user=author["name"], role="Catalogue-Editor")
    factories.Organization(users=[{"name": made["other_admin"]["name"], "capacity": "admin"}])
    for role in ("member", "editor", "admin", "manager", "moderator"):
        helpers.call_action("catalogue_role_grant", user=made[f"cat_{role}"]["name"],
                            role=f"Catalogue-{role.capitalize()}")
    return {"tokens": {name: user["token"] for name, user in made.items()}, "home": home["id"],
            "admin_name": made["admin"]["name"], "author_name": author["name"]}


@pytest.mark.ckan_config("ckanext.catalogue.moderation", "true")
@pytest.mark.parametrize("action", sorted(ITEM_WRITES))
def test_each_role_may_make_exactly_the_writes_its_row_allows(app, people: dict, action: str):
    allowed, setup = ITEM_WRITES[action]
    wrong = []
    for number, role in enumerate(ROLES):
        entry = gc_entry(people["admin_name"], f"m{number}-{action[10:].replace('_', '-')}", owner_org=people["home"])
        data = setup(people, entry["id"])
        if role == "scoped":  # the home admin's token, scoped to this entry
            token = catalogue_call(people["admin_name"], "catalogue_token_create", item_id=entry["id"],
                                   role="provider")["token"]
        else:
            token = people["tokens"].get(role)
        headers = {"Authorization": token} if token else {}
        resp = app.post(f"/api/3/action/{action}", json=data, headers=headers)
        body = resp.json
        # A bulk create answers 200 and reports each refused record.
        result = body.get("result") if resp.status_code == 200 else None
        took = resp.status_code == 200 and not (isinstance(result, dict) and result.get("errors"))
        if took != (role in allowed) or (not took and resp.status_code not in (200, 403, 404)):
            wrong.append((role, resp.status_code, str(body.get("error") or "")[:120]))
    assert wrong == []
