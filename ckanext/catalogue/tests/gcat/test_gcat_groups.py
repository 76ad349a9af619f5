"""gCat groups and organizations at /gcat/, for every role, and purge that leaves nothing behind."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.search.common import make_connection
from ckan.tests import factories, helpers

ROLES = ["anonymous", "member", "editor", "admin", "manager", "moderator", "sysadmin", "other_org"]
WRITERS = {"admin", "manager", "sysadmin"}
# gCat's name rule, with the regular expression it names (gCat 2.x, CKAN.java).
NAME_MESSAGE = ("The 'name' must be between 2 and 100 characters long and contain only lowercase "
                "alphanumeric characters, '-' and '_'. A name can be checked against the regular expression "
                "^[a-z0-9_\\-]{2,100}$")


@pytest.fixture
def headers(role_headers):
    return role_headers


def _expected(role: str, ok: int) -> int:
    if role in WRITERS:
        return ok
    return 401  # gCat: no token, or not enough right for the request


@pytest.mark.parametrize("collection", ["groups", "organizations"])
@pytest.mark.parametrize("role", ROLES)
def test_every_method_for_every_role(app, headers, role, collection):
    kind = "organization" if collection == "organizations" else "group"
    existing = factories.Organization() if kind == "organization" else factories.Group()
    h = headers[role]
    base = f"/gcat/{collection}"

    assert app.get(base, headers=h).status_code == 200
    assert app.get(f"{base}/{existing['name']}", headers=h).status_code == 200

    created = app.post(base, json={"name": f"new-{role}", "title": "New"}, headers=h)
    assert created.status_code == _expected(role, 201), created.body
    if created.status_code == 201:
        assert created.headers["Location"].endswith(f"{base}/new-{role}")
    else:
        assert created.json["status"] == created.status_code and created.json["message"]

    put = app.client.put(f"{base}/{existing['name']}", json={"name": existing["name"], "title": "T"}, headers=h)
    assert put.status_code == _expected(role, 200)
    patch = app.client.patch(f"{base}/{existing['name']}", json={"description": "D"}, headers=h)
    assert patch.status_code == _expected(role, 200)
    delete = app.client.delete(f"{base}/{existing['name']}", headers=h)
    assert delete.status_code == _expected(role, 204)
    purge = app.client.open(f"{base}/{existing['name']}", method="PURGE", headers=h)
    assert purge.status_code == _expected(role, 204)
    assert purge.headers["Content-Type"].startswith("application/json") or purge.status_code == 204


@pytest.mark.usefixtures("headers")
class TestGroupRules:
    def test_list_paging_and_count(self, app):
        for name in ("g-a", "g-b", "g-c"):
            factories.Group(name=name)
        factories.Organization(name="o-a")
        assert app.get("/gcat/groups").json == ["g-a", "g-b", "g-c"]
        assert app.get("/gcat/groups", query_string={"limit": 1, "offset": 1}).json == ["g-b"]
        assert app.get("/gcat/groups", query_string={"count": "true"}).json == 3
        assert app.get("/gcat/organizations", query_string={"count": "true"}).json >= 1

    def test_default_limit_is_ten(self, app):
        for i in range(12):
            factories.Group(name=f"grp-{i:02d}")
        assert len(app.get("/gcat/groups").json) == 10

    @pytest.mark.parametrize("name", ["a", "Upper", "with space", "x" * 101, "dots.here"])
    def test_name_rule(self, app, headers, name):
        resp = app.post("/gcat/groups", json={"name": name}, headers=headers["admin"])
        assert resp.status_code == 400
        assert resp.json["errors"]["name"] == [NAME_MESSAGE]

    def test_body_name_must_equal_path_name(self, app, headers):
        factories.Group(name="alpha")
        resp = app.client.put("/gcat/groups/alpha", json={"name": "beta"}, headers=headers["admin"])
        assert resp.status_code == 400 and "name" in resp.json["errors"]
        resp = app.client.patch("/gcat/groups/alpha", json={"name": "beta"}, headers=headers["admin"])
        assert resp.status_code == 400

    def test_put_clears_fields_left_out_and_patch_keeps_them(self, app, headers):
        factories.Group(name="alpha", title="Alpha", description="About alpha",
                        extras=[{"key": "theme", "value": "air"}])
        patched = app.client.patch("/gcat/groups/alpha", json={"title": "Alpha 2"}, headers=headers["admin"]).json
        assert patched["title"] == "Alpha 2" and patched["description"] == "About alpha"
        replaced = app.client.put("/gcat/groups/alpha", json={"name": "alpha", "title": "Only title"},
                           headers=headers["admin"]).json
        assert replaced["title"] == "Only title"
        assert replaced["description"] == "" and replaced["extras"] == [] and replaced["image_url"] == ""

    def test_conflict_with_live_and_trashed_names(self, app, headers):
        factories.Group(name="taken")
        assert app.post("/gcat/groups", json={"name": "taken"}, headers=headers["admin"]).status_code == 409
        app.client.delete("/gcat/groups/taken", headers=headers["admin"])
        trashed = app.post("/gcat/groups", json={"name": "taken"}, headers=headers["admin"])
        assert trashed.status_code == 409
        assert "purge it or restore it" in trashed.json["message"]
        # an organization cannot take a group's name either
        assert app.post("/gcat/organizations", json={"name": "taken"}, headers=headers["admin"]).status_code == 409

    def test_soft_delete_then_restore_with_patch(self, app, headers):
        group = factories.Group(name="alpha")
        dataset = factories.Dataset(groups=[{"name": "alpha"}], owner_org=factories.Organization()["id"])
        assert app.client.delete("/gcat/groups/alpha", headers=headers["admin"]).status_code == 204
        assert "alpha" not in app.get("/gcat/groups").json
        member = model.Session.query(model.Member).filter_by(group_id=group["id"], table_id=dataset["id"]).one()
        assert member.state == "deleted"
        restored = app.client.patch("/gcat/groups/alpha", json={"state": "active"}, headers=headers["admin"])
        assert restored.status_code == 200 and restored.json["state"] == "active"
        assert "alpha" in app.get("/gcat/groups").json

    def test_unknown_and_wrong_method(self, app, headers):
        assert app.get("/gcat/groups/nope").status_code == 404
        assert app.get("/gcat/groups/nope").json["status"] == 404
        resp = app.post("/gcat/groups/anything", json={}, headers=headers["admin"])
        assert resp.status_code == 405 and resp.headers["Allow"] == "GET, PUT, PATCH, DELETE, PURGE"
        assert resp.json["status"] == 405

    def test_bad_token_is_401_and_bad_json_is_400(self, app, headers):
        resp = app.post("/gcat/groups", json={"name": "x1"}, headers={"Authorization": "Bearer not-a-token"})
        assert resp.status_code == 401 and resp.json["status"] == 401
        resp = app.post("/gcat/groups", data="not json", headers={**headers["admin"], "Content-Type": "application/json"})
        assert resp.status_code == 400


def _solr_hits(query: str) -> int:
    conn = make_connection()
    return conn.search(q=query, fq=[f'+site_id:"{tk.config["ckan.site_id"]}"'], rows=0).hits


@pytest.mark.usefixtures("headers")
class TestPurgeLeavesNothing:
    def test_group_purge(self, app, headers):
        group = factories.Group(name="doomed", image_url="http://example.org/x.png")
        org = factories.Organization()
        datasets = [factories.Dataset(groups=[{"name": "doomed"}], owner_org=org["id"]) for _ in range(3)]
        app.client.patch("/gcat/groups/doomed", json={"title": "Doomed"}, headers=headers["admin"])
        assert _solr_hits("groups:doomed") == 3
        resp = app.client.delete("/gcat/groups/doomed", query_string={"purge": "true"}, headers=headers["admin"])
        assert resp.status_code == 204
        gid = group["id"]
        counts = model.Session.execute(sa.text(
            "SELECT (SELECT count(*) FROM \"group\" WHERE id = :g OR name = 'doomed'),"
            " (SELECT count(*) FROM member WHERE group_id = :g OR table_id = :g),"
            " (SELECT count(*) FROM activity WHERE object_id = :g)"), {"g": gid}).one()
        assert tuple(counts) == (0, 0, 0)
        assert _solr_hits("groups:doomed") == 0
        assert _solr_hits(f'"{gid}"') == 0 and _solr_hits("doomed") == 0
        # the datasets survive, and the name is free at once
        for d in datasets:
            assert helpers.call_action("package_show", id=d["id"])["groups"] == []
        assert app.post("/gcat/groups", json={"name": "doomed"}, headers=headers["admin"]).status_code == 201

    def test_organization_purge_with_datasets_is_409(self, app, headers):
        org = factories.Organization(name="owner")
        factories.Dataset(owner_org=org["id"])
        resp = app.client.open("/gcat/organizations/owner", method="PURGE", headers=headers["admin"])
        assert resp.status_code == 409 and "still owns 1 dataset" in resp.json["message"]
        assert model.Session.query(model.Group).filter_by(name="owner").count() == 1

    @pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True)
    def test_organization_purge_unowns_datasets(self, app, headers):
        org = factories.Organization(name="owner")
        dataset = factories.Dataset(owner_org=org["id"])
        assert _solr_hits("organization:owner") == 1
        resp = app.client.open("/gcat/organizations/owner", method="PURGE", headers=headers["admin"])
        assert resp.status_code == 204
        assert helpers.call_action("package_show", id=dataset["id"])["owner_org"] is None
        assert _solr_hits("organization:owner") == 0
        leftovers = model.Session.execute(sa.text(
            "SELECT (SELECT count(*) FROM member WHERE group_id = :g OR table_id = :g)"
            " + (SELECT count(*) FROM activity WHERE object_id = :g)"), {"g": org["id"]}).scalar()
        assert leftovers == 0

    def test_purge_through_action_api(self, app, headers):
        # CKAN's action API takes the bare token
        token = {k: v.removeprefix("Bearer ") for k, v in headers["admin"].items()}
        editor = {k: v.removeprefix("Bearer ") for k, v in headers["editor"].items()}
        factories.Group(name="by-api")
        resp = app.post("/api/3/action/catalogue_group_purge", json={"id": "by-api"}, headers=token)
        assert resp.json["success"] is True
        assert model.Session.query(model.Group).filter_by(name="by-api").count() == 0
        factories.Group(name="kept")
        denied = app.post("/api/3/action/catalogue_group_purge", json={"id": "kept"}, headers=editor, status=403)
        assert denied.json["success"] is False
