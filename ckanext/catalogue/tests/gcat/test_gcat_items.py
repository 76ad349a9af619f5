"""gCat items at /gcat/items, for every role, on the item core."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.lib.search.common import make_connection

ROLES = ["anonymous", "member", "editor", "admin", "manager", "moderator", "sysadmin", "other_org"]
# Who may create items, and who may change items they did not create.
CREATORS = {"editor", "admin", "manager", "sysadmin"}
ANY_ITEM = {"admin", "manager", "sysadmin"}
# gCat's name rule, with the regular expression it names (gCat 2.x, CKAN.java).
NAME_MESSAGE = ("The 'name' must be between 2 and 100 characters long and contain only lowercase "
                "alphanumeric characters, '-' and '_'. A name can be checked against the regular expression "
                "^[a-z0-9_\\-]{2,100}$")


@pytest.fixture
def headers(role_headers):
    return role_headers


def _status(role: str, allowed: set[str], ok: int) -> int:
    if role in allowed:
        return ok
    return 401  # gCat: no token, or not enough right for the request


def _item(name: str, **extra) -> dict:
    return {"name": name, "title": f"Item {name}", "notes": "Rain gauges", "license_id": "cc-by",
            "tags": [{"name": "rain"}], "extras": [{"key": "source", "value": "field"}], **extra}


@pytest.mark.parametrize("role", ROLES)
def test_every_method_for_every_role(app, headers, role):
    h = headers[role]
    existing = app.post("/gcat/items", json=_item("existing"), headers=headers["sysadmin"])
    assert existing.status_code == 201, existing.body

    listed = app.get("/gcat/items", headers=h)
    assert listed.status_code == 200 and listed.json == ["existing"]
    assert app.get("/gcat/items?count=true", headers=h).json == 1
    got = app.get("/gcat/items/existing", headers=h)
    assert got.status_code == 200 and got.json["title"] == "Item existing"

    created = app.post("/gcat/items", json=_item(f"new-{role}"), headers=h)
    assert created.status_code == _status(role, CREATORS, 201), created.body
    if created.status_code == 201:
        assert created.headers["Location"].endswith(f"/gcat/items/new-{role}")
        own = app.client.put(f"/gcat/items/new-{role}", json=_item(f"new-{role}", title="Mine"), headers=h)
        assert own.status_code == 200 and own.json["title"] == "Mine"

    put = app.client.put("/gcat/items/existing", json=_item("existing", title="T"), headers=h)
    assert put.status_code == _status(role, ANY_ITEM, 200), put.body
    patch = app.client.patch("/gcat/items/existing", json={"title": "x"}, headers=h)
    assert patch.status_code == 405 and set(patch.headers["Allow"].split(", ")) == {"GET", "POST", "PUT", "DELETE", "PURGE"}
    deleted = app.client.delete("/gcat/items/existing", headers=h)
    assert deleted.status_code == _status(role, ANY_ITEM, 204)
    if role not in ANY_ITEM:
        assert deleted.json["status"] == deleted.status_code and deleted.json["message"]


def test_name_rule_body_name_and_full_replace(app, headers):
    h = headers["editor"]
    bad = app.post("/gcat/items", json=_item("Bad Name"), headers=h)
    assert bad.status_code == 400 and bad.json["errors"]["name"] == [NAME_MESSAGE]
    assert app.post("/gcat/items", json=_item("x"), headers=h).status_code == 400
    assert app.post("/gcat/items", json=_item("rain"), headers=h).status_code == 201
    mismatch = app.client.put("/gcat/items/rain", json=_item("snow"), headers=h)
    assert mismatch.status_code == 400 and "name" in mismatch.json["errors"]
    replaced = app.client.put("/gcat/items/rain", json={"name": "rain", "title": "Only title", "license_id": "odc-by"},
                              headers=h)
    assert replaced.status_code == 200
    body = app.get("/gcat/items/rain").json
    assert body["title"] == "Only title" and "notes" not in body and "extras" not in body
    # Tags CKAN cannot hold stay in the document only (never a 500).
    odd = app.client.put("/gcat/items/rain", json={"name": "rain", "license_id": "odc-by",
                                                   "tags": [{"name": {}}, {"name": "ok"}]}, headers=h)
    assert odd.status_code == 200
    dataset = app.get("/api/3/action/package_show?id=rain", headers=h).json["result"]
    assert [t["name"] for t in dataset["tags"]] == ["ok"]
    assert app.get("/gcat/items/nothing-here").status_code == 404
    assert app.post("/gcat/items", json=_item("rain"), headers=h).status_code == 409


def test_an_item_names_its_licence_as_gcat_requires(app, headers):
    """The item check of gCat (CKANPackage): without license_id, 400 "You must
    specify a license identifier for the item. License list can be
    retrieved using licence collection"; a PUT that leaves it out too."""
    h = headers["editor"]
    message = ("You must specify a license identifier for the item. License list can be retrieved using "
               "licence collection")
    for body in ({"name": "nolicence"}, {"name": "nolicence", "license_id": ""}, {"name": "nolicence", "license_id": 3}):
        refused = app.post("/gcat/items", json=body, headers=h)
        assert refused.status_code == 400 and refused.json["errors"]["license_id"][0] == message, refused.json
    assert app.post("/gcat/items", json=_item("licensed"), headers=h).status_code == 201
    assert app.client.put("/gcat/items/licensed", json={"name": "licensed"}, headers=h).status_code == 400
    assert app.get("/gcat/licenses").status_code == 200


@pytest.mark.ckan_config("ckanext.catalogue.gcat.license_required", "false")
def test_the_licence_rule_can_be_relaxed(app, headers):
    assert app.post("/gcat/items", json={"name": "nolicence"}, headers=headers["editor"]).status_code == 201


def test_soft_delete_trash_conflict_and_purge_leave_nothing(app, headers):
    h = headers["admin"]
    created = app.post("/gcat/items", json=_item("gauges"), headers=h).json
    assert app.client.delete("/gcat/items/gauges", headers=h).status_code == 204
    assert "gauges" in app.get("/gcat/trash", headers=h).json["items"]
    assert app.get("/gcat/items").json == []
    again = app.post("/gcat/items", json=_item("gauges"), headers=h)
    assert again.status_code == 409 and "purge it or restore it" in again.json["message"]
    # To an editor who may not see the archived item, it is a name in use, as any other.
    other = app.post("/gcat/items", json=_item("gauges"), headers=headers["editor"])
    assert other.status_code == 409 and "trash" not in other.json["message"], other.json

    assert app.client.open("/gcat/items/gauges", method="PURGE", headers=h).status_code == 204
    item_id = created["id"]
    for table, column in (("package", "id"), ("catalogue_item", "id"), ("activity", "object_id"),
                          ("package_extra" if False else "catalogue_item_key", "item_id")):
        count = model.Session.execute(sa.text(f"select count(*) from {table} where {column} = :id"),
                                      {"id": item_id}).scalar()
        assert count == 0, table
    assert make_connection().search(q=f'id:"{item_id}" OR name:"gauges"').hits == 0
    assert app.post("/gcat/items", json=_item("gauges"), headers=h).status_code == 201


def test_items_of_other_kinds_are_not_gcat_items(app, headers, iudx_tree):
    assert app.get(f"/gcat/items/{iudx_tree['resource']}").status_code == 404
    assert app.get("/gcat/items").json == []


@pytest.mark.ckan_config("ckanext.catalogue.moderation", "true")
def test_moderation_pending_until_a_moderator_decides(app, headers):
    editor, member, moderator, admin = (headers[r] for r in ("editor", "member", "moderator", "admin"))
    created = app.post("/gcat/items", json=_item("draft"), headers=editor)
    assert created.status_code == 201 and created.json["moderation"]["state"] == "pending"
    by_admin = app.post("/gcat/items", json=_item("trusted"), headers=admin)
    assert by_admin.json["moderation"]["state"] == "approved"

    # Hidden from members and anonymous users, in lists and reads, through every API.
    for h in (None, member):
        assert app.get("/gcat/items", headers=h).json == ["trusted"]
        assert app.get("/gcat/items/draft", headers=h).status_code == 404  # as an unknown item
    api = app.get("/api/3/action/package_search", query_string={"q": "name:draft", "include_private": "true"})
    assert api.json["result"]["count"] == 0
    assert app.get("/api/3/action/package_show", query_string={"id": "draft"}).status_code == 404
    listed = app.get("/api/3/action/package_list").json["result"]
    assert "trusted" in listed and "draft" not in listed
    assert app.get("/api/3/action/package_list", query_string={"limit": 1, "offset": 0}).json["result"] != ["draft"]
    # Seen by its author, moderators and admins; filterable by state.
    for h in (editor, moderator, admin):
        assert app.get("/gcat/items/draft", headers=h).status_code == 200
        assert app.get("/gcat/items?status=pending", headers=h).json == ["draft"]
    assert app.get("/gcat/items?status=approved", headers=admin).json == ["trusted"]

    # Only moderators decide; a rejection carries a message to the author.
    assert app.post("/gcat/items/draft/approve", headers=editor).status_code == 401
    assert app.post("/gcat/items/draft/reject", json={}, headers=moderator).status_code == 400
    rejected = app.post("/gcat/items/draft/reject", json={"message": "Add a licence"}, headers=moderator)
    assert rejected.status_code == 200
    assert app.get("/gcat/items/draft", headers=editor).json["moderation"] == {
        "state": "rejected", "message": "Add a licence"}
    assert app.get("/gcat/items/draft", headers=member).status_code == 404
    # The author's fix goes back to the queue; approval makes it public.
    fixed = app.client.put("/gcat/items/draft", json=_item("draft", license_id="cc-by-sa"), headers=editor)
    assert fixed.json["moderation"]["state"] == "pending"
    assert app.post("/gcat/items/draft/approve", headers=moderator).json["moderation"]["state"] == "approved"
    assert sorted(app.get("/gcat/items").json) == ["draft", "trusted"]
    assert app.get("/gcat/items/draft").status_code == 200
    assert "draft" in app.get("/api/3/action/package_list").json["result"]
    # An item in the trash is restored before anyone decides on it.
    assert app.client.delete("/gcat/items/draft", headers=editor).status_code in (200, 204)
    archived = app.post("/gcat/items/draft/reject", json={"message": "late"}, headers=moderator)
    assert archived.status_code == 400 and "restored" in archived.get_data(as_text=True)


@pytest.mark.ckan_config("ckanext.catalogue.moderation", "true")
def test_moderation_on_gcats_own_url_and_body(app, headers):
    """Moderated Catalogues of gCat (docs/index.rst; its API lists POST on
    /items/{ITEM_ID}): the moderation operation in the body, with a message;
    a message alone changes no state, and the author may answer with one."""
    editor, moderator, member = headers["editor"], headers["moderator"], headers["member"]
    assert app.post("/gcat/items", json=_item("queued"), headers=editor).status_code == 201

    asked = app.post("/gcat/items/queued", json={"message": "Which licence?"}, headers=moderator)
    assert asked.status_code == 200 and asked.json["moderation"] == {"state": "pending", "message": "Which licence?"}
    answered = app.post("/gcat/items/queued", json={"message": "CC-BY"}, headers=editor)
    assert answered.status_code == 200 and answered.json["moderation"] == {"state": "pending", "message": "CC-BY"}
    # The author's message decides nothing, and nobody else may send one.
    assert app.post("/gcat/items/queued", json={"cm_item_status": "approved"}, headers=editor).status_code == 401
    assert app.post("/gcat/items/queued", json={"message": "x"}, headers=member).status_code == 404
    assert app.post("/gcat/items/queued", json={}, headers=moderator).status_code == 400
    for status in ("pending", {}, ["approved"], 1):
        assert app.post("/gcat/items/queued", json={"cm_item_status": status}, headers=moderator).status_code == 400

    rejected = app.post("/gcat/items/queued", json={"cm_item_status": "rejected", "message": "No licence"},
                        headers=moderator)
    assert rejected.json["moderation"] == {"state": "rejected", "message": "No licence"}
    assert app.post("/gcat/items/queued", json={"cm_item_status": "rejected"}, headers=moderator).status_code == 400
    approved = app.post("/gcat/items/queued", json={"cm_item_status": "approved", "message": "Thanks"},
                        headers=moderator)
    assert approved.status_code == 200 and approved.json["moderation"] == {"state": "approved", "message": "Thanks"}
    assert app.get("/gcat/items/queued", headers=member).status_code == 200


@pytest.mark.ckan_config("ckanext.catalogue.moderation", "true")
@pytest.mark.parametrize("role", ROLES)
def test_only_moderators_decide(app, headers, role):
    assert app.post("/gcat/items", json=_item("queued"), headers=headers["editor"]).status_code == 201
    for decision, body in (("approve", None), ("reject", {"message": "Needs a licence"})):
        resp = app.post(f"/gcat/items/queued/{decision}", json=body, headers=headers[role])
        # Who may not see the pending item is told it does not exist.
        expected = 404 if role in ("anonymous", "member", "other_org") else _status(
            role, {"moderator", "sysadmin"}, 200)
        assert resp.status_code == expected, (decision, resp.body)
    assert app.get("/gcat/items/queued/approve", headers=headers[role]).status_code == 405


def test_an_editor_places_items_only_where_they_may_create_datasets(app, headers):
    from ckan.lib import api_token
    from ckan.tests import factories

    foreign = factories.Organization()
    refused = app.post("/gcat/items", json=_item("elsewhere", owner_org=foreign["name"]), headers=headers["editor"])
    assert refused.status_code == 401 and "may create datasets" in refused.json["message"]
    user = api_token.get_user_from_token(headers["editor"]["Authorization"].split()[-1])
    own = factories.Organization(users=[{"name": user.name, "capacity": "editor"}])
    placed = app.post("/gcat/items", json=_item("in-own-org", owner_org=own["name"]), headers=headers["editor"])
    assert placed.status_code == 201 and placed.json["owner_org"] == own["id"]
    # Catalogue-Admins place items anywhere.
    assert app.post("/gcat/items", json=_item("by-admin", owner_org=foreign["name"]),
                    headers=headers["admin"]).status_code == 201
