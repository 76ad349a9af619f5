"""/gcat/trash and /gcat/licenses."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.search.common import make_connection
from ckan.tests import factories, helpers


@pytest.fixture
def users(clean_db, clean_index):
    result = {}
    for role in ("member", "editor", "admin"):
        user = factories.UserWithToken()
        helpers.call_action("catalogue_role_grant", user=user["name"], role=f"Catalogue-{role.capitalize()}")
        result[role] = user
    return result


def _auth(user: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {user['token']}"}


def _trash(users):
    org = factories.Organization(name="owner")
    mine = factories.Dataset(name="mine", owner_org=org["id"], user=users["editor"])
    theirs = factories.Dataset(name="theirs", owner_org=org["id"])
    group = factories.Group(name="old-group")
    factories.Organization(name="old-org")
    helpers.call_action("package_delete", {"user": users["editor"]["name"]}, id=mine["id"])
    sysadmin = factories.Sysadmin()
    helpers.call_action("package_delete", {"user": sysadmin["name"]}, id=theirs["id"])
    helpers.call_action("group_delete", {"user": sysadmin["name"]}, id=group["id"])
    helpers.call_action("organization_delete", {"user": sysadmin["name"]}, id="old-org")
    return mine, theirs


def test_trash_lists_by_role(app, users):
    _trash(users)
    everything = app.get("/gcat/trash", headers=_auth(users["admin"])).json
    assert everything == {"groups": ["old-group"], "organizations": ["old-org"], "items": ["mine", "theirs"]}
    own = app.get("/gcat/trash", headers=_auth(users["editor"])).json
    assert own == {"groups": [], "organizations": [], "items": ["mine"]}
    assert app.get("/gcat/trash", headers=_auth(users["member"])).status_code == 401
    assert app.get("/gcat/trash").status_code == 401


def test_emptying_the_trash_leaves_nothing(app, users):
    mine, theirs = _trash(users)
    assert app.client.delete("/gcat/trash", headers=_auth(users["editor"])).status_code == 401
    assert app.client.delete("/gcat/trash", headers=_auth(users["admin"])).status_code == 204
    assert app.get("/gcat/trash", headers=_auth(users["admin"])).json == {
        "groups": [], "organizations": [], "items": []}
    ids = {"a": mine["id"], "b": theirs["id"]}
    left = model.Session.execute(sa.text(
        "SELECT (SELECT count(*) FROM package WHERE id IN (:a, :b))"
        " + (SELECT count(*) FROM member WHERE table_id IN (:a, :b))"
        " + (SELECT count(*) FROM activity WHERE object_id IN (:a, :b))"
        " + (SELECT count(*) FROM \"group\" WHERE name IN ('old-group', 'old-org'))"), ids).scalar()
    assert left == 0
    hits = make_connection().search(
        q=f'id:("{mine["id"]}" OR "{theirs["id"]}")', fq=[f'+site_id:"{tk.config["ckan.site_id"]}"'], rows=0).hits
    assert hits == 0
    # the names are free at once
    assert app.post("/gcat/groups", json={"name": "old-group"}, headers=_auth(users["admin"])).status_code == 201


def test_trash_wrong_method_and_licenses(app, users):
    resp = app.client.put("/gcat/trash", json={}, headers=_auth(users["admin"]))
    assert resp.status_code == 405 and resp.headers["Allow"] == "GET, DELETE"
    licenses = app.get("/gcat/licenses").json
    assert any(lic["id"] == "cc-by" for lic in licenses)


@pytest.mark.usefixtures("clean_datastore")
def test_purged_item_takes_its_datastore_table(app, users):
    dataset = factories.Dataset(owner_org=factories.Organization()["id"])
    resource = factories.Resource(package_id=dataset["id"])
    sysadmin = factories.Sysadmin()
    helpers.call_action("datastore_create", {"user": sysadmin["name"]}, resource_id=resource["id"], force=True,
                        records=[{"a": 1}])
    helpers.call_action("package_delete", {"user": sysadmin["name"]}, id=dataset["id"])
    assert app.client.delete("/gcat/trash", headers=_auth(users["admin"])).status_code == 204
    from ckanext.datastore.backend.postgres import get_read_engine

    with get_read_engine().connect() as conn:
        exists = conn.execute(sa.text("SELECT to_regclass(:t)"), {"t": f'public."{resource["id"]}"'}).scalar()
    assert exists is None
