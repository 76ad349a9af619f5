"""One rule, the same answer in every API: Catalogue-Admins and Managers
read what they may change; scoped tokens make writes inside their subtree
and nothing else; token lifetimes are bounded; visibility needs visibility
rights at creation too; a hidden item answers exactly as an unknown one."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.catalogue.tests.helpers import catalogue_call, gc_doc

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")
GC = "/globalcatalog/api/v1"


@pytest.fixture
def foreign_entry() -> dict:
    """A private Global Catalog entry of an organization, and its admin."""
    owner = factories.UserWithToken()
    org = factories.Organization(users=[{"name": owner["name"], "capacity": "admin"}])
    entry = catalogue_call(owner["name"], "catalogue_item_create", kind="globalcatalog.service", id="foreign",
                           organization=org["id"], doc=gc_doc("foreign"))
    assert entry["private"]
    return {"owner": owner, "org": org, "entry": entry}


@pytest.mark.parametrize("role", ["Catalogue-Admin", "Catalogue-Manager"])
def test_catalogue_admins_read_what_they_may_change_in_every_api(app, foreign_entry: dict, role: str):
    user = factories.UserWithToken()
    helpers.call_action("catalogue_role_grant", user=user["name"], role=role)
    headers = {"Authorization": f"Bearer {user['token']}"}
    entry_id = foreign_entry["entry"]["id"]
    got = app.get(f"{GC}/{entry_id}", headers=headers)
    assert got.status_code == 200
    body = {k: v for k, v in got.json.items() if k not in ("created", "updated", "url", "children_url")}
    body["overview_ui"]["en"]["description"] = "changed by an admin"
    put = app.client.put(f"{GC}/{entry_id}", json=body, headers=headers)
    assert put.status_code == 200, put.get_data(as_text=True)
    assert app.get(f"{GC}/{entry_id}/logs", headers=headers).status_code == 200
    token = catalogue_call(user["name"], "catalogue_token_create", item_id=entry_id, role="provider")
    assert token["item_id"] == entry_id
    assert entry_id in {i["id"] for i in catalogue_call(user["name"], "catalogue_item_search")["results"]}


def _scoped(owner: dict, item_id: str) -> str:
    return catalogue_call(owner["name"], "catalogue_token_create", item_id=item_id, role="provider")["token"]


def test_a_scoped_token_makes_writes_inside_its_subtree_only(app, foreign_entry: dict):
    sysadmin = factories.Sysadmin()
    entry_id = foreign_entry["entry"]["id"]
    token = _scoped(sysadmin, entry_id)
    headers = {"Authorization": token}
    # Inside: a plan under the entry.
    made = app.post("/api/3/action/catalogue_item_create", headers=headers, json={
        "kind": "globalcatalog.plan", "parent": entry_id, "id": "inside", "doc": gc_doc("inside")})
    assert made.status_code == 200, made.get_data(as_text=True)
    # Global actions and reads: the token identifies nobody.
    for action, data in (("catalogue_item_purge_expired", {}), ("catalogue_role_grant", {"user": "x", "role": "x"}),
                         ("package_search", {"include_private": True}), ("catalogue_item_search", {})):
        resp = app.post(f"/api/3/action/{action}", headers=headers, json=data)
        if resp.status_code == 200:
            assert entry_id not in resp.get_data(as_text=True), action  # read anonymously
        else:
            assert resp.status_code == 403, (action, resp.status_code)
    # Outside: another entry.
    other = app.post("/api/3/action/catalogue_item_create", headers=headers, json={
        "kind": "globalcatalog.service", "id": "outside", "owner_org": foreign_entry["org"]["id"],
        "doc": gc_doc("outside")})
    assert other.status_code == 403


def test_token_lifetimes_are_bounded(foreign_entry: dict):
    owner = foreign_entry["owner"]["name"]
    with pytest.raises(tk.ValidationError) as refused:
        catalogue_call(owner, "catalogue_token_create", item_id="foreign", role="provider", expires_in=10 ** 9)
    assert "expires_in" in refused.value.error_dict
    assert catalogue_call(owner, "catalogue_token_create", item_id="foreign", role="provider", expires_in=60)


def test_visibility_needs_visibility_rights_at_creation_too(app, foreign_entry: dict):
    editor = factories.UserWithToken()
    helpers.call_action("organization_member_create", id=foreign_entry["org"]["id"], username=editor["name"],
                        role="editor")
    made = {"kind": "globalcatalog.service", "owner_org": foreign_entry["org"]["id"]}
    with pytest.raises(tk.NotAuthorized):
        catalogue_call(editor["name"], "catalogue_item_create", id="public-by-editor", private=False,
                       doc=gc_doc("public-by-editor"), **made)
    with pytest.raises(tk.NotAuthorized):
        catalogue_call(editor["name"], "catalogue_item_visibility_update", id="foreign", restrictions="public")
    # The kind's default is theirs to use; the organization's admin may do both.
    assert catalogue_call(editor["name"], "catalogue_item_create", id="private-by-editor",
                          doc=gc_doc("private-by-editor"), **made)["private"]
    assert not catalogue_call(foreign_entry["owner"]["name"], "catalogue_item_create", id="public-by-admin",
                              private=False, doc=gc_doc("public-by-admin"), **made)["private"]


def _same(hidden, unknown, hidden_id: str, unknown_id: str) -> None:
    assert hidden.status_code == unknown.status_code
    assert hidden.get_data(as_text=True).replace(hidden_id, unknown_id) == unknown.get_data(as_text=True)


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_a_hidden_item_answers_as_an_unknown_one(app, foreign_entry: dict, who: str):
    outsider = factories.UserWithToken()
    headers = {} if who == "anonymous" else {"Authorization": f"Bearer {outsider['token']}"}
    entry = foreign_entry["entry"]
    pkg_id = entry["id"]
    for url in (f"{GC}/{{}}", f"{GC}/{{}}/logs", f"{GC}/{{}}/pricing", f"{GC}/{{}}/visibility"):
        _same(app.get(url.format(pkg_id), headers=headers), app.get(url.format("nope-x"), headers=headers),
              pkg_id, "nope-x")
    for action in ("catalogue_item_show", "package_show", "package_activity_list", "catalogue_item_log"):
        hidden = app.get(f"/api/3/action/{action}", query_string={"id": pkg_id}, headers=headers)
        unknown = app.get(f"/api/3/action/{action}", query_string={"id": "nope-x"}, headers=headers)
        assert hidden.status_code == unknown.status_code == 404, (action, hidden.status_code, unknown.status_code)
        assert hidden.json["error"]["message"].replace(pkg_id, "nope-x") == unknown.json["error"]["message"]
    # A write to it is refused as a write to nothing.
    hidden = app.client.delete(f"{GC}/{pkg_id}", headers=headers)
    unknown = app.client.delete(f"{GC}/nope-x", headers=headers)
    assert hidden.status_code == unknown.status_code


def test_writes_to_a_hidden_item_answer_as_writes_to_an_unknown_one(app, foreign_entry: dict):
    outsider = factories.UserWithToken()
    headers = {"Authorization": outsider["token"]}
    entry_id = foreign_entry["entry"]["id"]
    for action, data in (("catalogue_item_update", {"kind": "globalcatalog.service", "doc": gc_doc("x")}),
                         ("catalogue_item_patch", {"doc": {"tags": ["x"]}}),
                         ("catalogue_item_delete", {}), ("catalogue_item_moderate", {"decision": "approve"}),
                         ("dataset_follower_count", {}), ("follow_dataset", {})):
        hidden = app.post(f"/api/3/action/{action}", json={"id": entry_id, **data}, headers=headers)
        unknown = app.post(f"/api/3/action/{action}", json={"id": "nope-x", **data}, headers=headers)
        assert hidden.status_code == unknown.status_code and hidden.status_code in (404, 409), action
        assert hidden.json["error"] == {k: (v.replace("nope-x", entry_id) if isinstance(v, str) else v)
                                        for k, v in unknown.json["error"].items()}, action
    forced = [app.post("/api/3/action/catalogue_item_delete", json={"id": ref, "force": True}, headers=headers).json
              for ref in (entry_id, "nope-x")]
    assert [f["result"]["state"] for f in forced] == ["absent", "absent"]
    assert catalogue_call(foreign_entry["owner"]["name"], "catalogue_item_show", id=entry_id)["state"] == "active"
