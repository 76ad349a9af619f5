"""iTwin library catalogs at /library/catalogs."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

API = "/library/catalogs"


@pytest.fixture
def org_users(clean_db, clean_index):
    """An organization with an admin, an editor (write permission) and a
    plain member; a user of another organization; a second organization."""
    admin, editor, member, outsider = (factories.UserWithToken() for _ in range(4))
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"},
                                        {"name": editor["name"], "capacity": "editor"},
                                        {"name": member["name"], "capacity": "member"}])
    other = factories.Organization(users=[{"name": outsider["name"], "capacity": "admin"}])
    return {"org": org, "other": other,
            **{k: {"Authorization": f"Bearer {u['token']}"} for k, u in
               (("admin", admin), ("editor", editor), ("member", member), ("outsider", outsider))}}


DOORS = {"displayName": "Door's Catalog", "description": "Standard wooden doors", "region": "US East",
         "hashtags": ["door", "woodendoor"]}


def test_create_read_replace_delete(app, org_users):
    h = org_users["editor"]
    created = app.post(API, json=DOORS, headers=h)
    assert created.status_code == 201, created.body
    catalog = created.json["catalog"]
    assert {k: catalog[k] for k in DOORS} == DOORS
    assert catalog["createdDateTime"].endswith("Z") and catalog["lastModifiedDateTime"]
    assert created.headers["Location"].endswith(f"{API}/{catalog['id']}")

    got = app.get(f"{API}/{catalog['id']}", headers=h)
    assert got.status_code == 200 and got.json["catalog"]["displayName"] == "Door's Catalog"
    # Private to the organization: others do not see it.
    assert app.get(f"{API}/{catalog['id']}", headers=org_users["outsider"]).status_code in (403, 404)
    assert app.get(API, headers=org_users["outsider"]).json["catalogs"] == []

    replaced = app.client.put(f"{API}/{catalog['id']}", json={"displayName": "Doors"}, headers=h)
    assert replaced.status_code == 200
    assert replaced.json["catalog"] == {**{k: v for k, v in replaced.json["catalog"].items()
                                           if k in ("id", "createdDateTime", "lastModifiedDateTime")},
                                        "displayName": "Doors"}
    missing = app.client.put(f"{API}/{catalog['id']}", json={"description": "x"}, headers=h)
    assert missing.status_code == 422 and missing.json["error"]["code"] == "InvalidUpdateCatalogRequest"
    assert missing.json["error"]["details"] == [
        {"code": "MissingRequiredProperty", "message": "Required property is missing.", "target": "displayName"}]

    assert app.client.delete(f"{API}/{catalog['id']}", headers=h).status_code == 204
    gone = app.get(f"{API}/{catalog['id']}", headers=h)
    assert gone.status_code == 404 and gone.json["error"]["code"] == "CatalogNotFound"
    # The name is free again at once.
    assert app.post(API, json=DOORS, headers=h).status_code == 201


def test_every_violation_reported_together(app, org_users):
    bad = {"displayName": "x" * 251 + "<", "description": "d" * 251, "region": "r" * 151,
           "hashtags": ["ok", "h" * 51, "a||b"]}
    resp = app.post(API, json=bad, headers=org_users["admin"])
    assert resp.status_code == 422
    error = resp.json["error"]
    assert error["code"] == "InvalidCreateCatalogRequest" and error["message"] == "Cannot create catalog."
    assert {(d["code"], d["target"], d["message"]) for d in error["details"]} == {
        ("InvalidValue", "displayName", "DisplayName is over '250' length limit."),
        ("InvalidValue", "displayName", "DisplayName must not include these special characters. >, <, ^, $, ?, ||."),
        ("InvalidValue", "description", "Description is over '250' length limit."),
        ("InvalidValue", "region", "Region is over '150' length limit."),
        ("InvalidValue", "hashtag", "Hashtag is over '50' length limit."),
        ("InvalidValue", "hashtag", "Hashtag must not include these special characters. >, <, ^, $, ?, ||."),
    }
    missing = app.post(API, json={"description": "no name"}, headers=org_users["admin"])
    assert missing.json["error"]["details"][0]["code"] == "MissingRequiredProperty"
    for char in (">", "<", "^", "$", "?"):
        resp = app.post(API, json={"displayName": f"a{char}b"}, headers=org_users["admin"])
        assert resp.status_code == 422, char
    assert app.post(API, json={"displayName": "a|b"}, headers=org_users["admin"]).status_code == 201


def test_auth_errors_and_conflicts(app, org_users):
    resp = app.post(API, json=DOORS)
    assert resp.status_code == 401 and resp.json["error"]["code"] == "HeaderNotFound"
    assert app.get(API).json["error"]["code"] == "HeaderNotFound"
    assert app.post(API, json=DOORS, headers={"Authorization": "Bearer nonsense"}).status_code == 401
    resp = app.post(API, json=DOORS, headers=org_users["member"])
    assert resp.status_code == 403 and resp.json["error"]["code"] == "InsufficientPermissions"
    named = app.post(f"{API}?organization={org_users['org']['name']}", json=DOORS, headers=org_users["outsider"])
    assert named.status_code == 403
    assert app.post(API, json=DOORS, headers=org_users["admin"]).status_code == 201
    clash = app.post(API, json={**DOORS, "displayName": "DOOR'S CATALOG"}, headers=org_users["editor"])
    assert clash.status_code == 409 and clash.json["error"]["code"] == "CatalogExists"
    # The same name in another organization is fine.
    assert app.post(API, json=DOORS, headers=org_users["outsider"]).status_code == 201
    wrong = app.client.patch(API, json=DOORS, headers=org_users["admin"])
    assert wrong.status_code == 405 and wrong.json["error"]["code"] == "MethodNotAllowed"


def test_list_paging_search_and_representation(app, org_users):
    h = org_users["admin"]
    for number in range(5):
        tags = ["window"] if number % 2 else ["door"]
        assert app.post(API, json={"displayName": f"Catalog {number}", "hashtags": tags}, headers=h).status_code == 201
    page = app.get(API, query_string={"$top": "2", "$skip": "2"}, headers=h).json
    assert [c["displayName"] for c in page["catalogs"]] == ["Catalog 2", "Catalog 3"]
    assert set(page["catalogs"][0]) == {"id", "displayName"}
    assert page["_links"]["next"]["href"].endswith("$top=2&$skip=4") and "$skip=0" in page["_links"]["prev"]["href"]
    last = app.get(API, query_string={"$top": "2", "$skip": "4"}, headers=h).json
    assert "next" not in last["_links"]

    full = app.get(API, headers={**h, "Prefer": "return=representation"}).json["catalogs"]
    assert full[0]["hashtags"] == ["door"] and "createdDateTime" in full[0]
    minimal = app.get(API, headers={**h, "Prefer": "return=minimal"}).json["catalogs"]
    assert set(minimal[0]) == {"id", "displayName"}

    windows = app.get(API, query_string={"$search": "window"}, headers=h).json["catalogs"]
    assert [c["displayName"] for c in windows] == ["Catalog 1", "Catalog 3"]
    named = app.get(API, query_string={"$search": "Catalog 4"}, headers=h).json["catalogs"]
    assert [c["displayName"] for c in named] == ["Catalog 4"]
    assert app.get(API, query_string={"$top": "5000"}, headers=h).status_code == 422


def test_organization_is_named_when_the_caller_has_several(app, org_users):
    user = factories.UserWithToken()
    for org in (org_users["org"], org_users["other"]):
        tk.get_action("member_create")({"ignore_auth": True}, {
            "id": org["id"], "object": user["name"], "object_type": "user", "capacity": "editor"})
    h = {"Authorization": user["token"]}
    ambiguous = app.post(API, json=DOORS, headers=h)
    assert ambiguous.status_code == 422 and ambiguous.json["error"]["details"][0]["target"] == "organization"
    assert app.post(f"{API}?organization={org_users['other']['name']}", json=DOORS, headers=h).status_code == 201


def test_catalog_of_another_organization_is_not_found_even_when_public(app, org_users):
    """Bentley's Library API reference: a catalog outside the caller's
    organizations answers 404 ``CatalogNotFound`` on every route, and the
    list holds the caller's organizations' catalogs only, even when the
    catalog was made public through the portal or the action API."""
    created = app.post(API, json=DOORS, headers=org_users["editor"]).json["catalog"]
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    tk.get_action("catalogue_item_visibility_update")(site, {"id": created["id"], "restrictions": "public"})
    # Public in CKAN: anyone reads it through the core ...
    assert tk.get_action("catalogue_item_show")({"user": ""}, {"id": created["id"]})["id"] == created["id"]

    outsider, url = org_users["outsider"], f"{API}/{created['id']}"
    for resp in (app.get(url, headers=outsider),
                 app.client.put(url, json={"displayName": "Taken over"}, headers=outsider),
                 app.client.delete(url, headers=outsider)):
        assert resp.status_code == 404, resp.get_data(as_text=True)
        assert resp.json["error"]["code"] == "CatalogNotFound"
    assert app.get(API, headers=outsider).json["catalogs"] == []
    assert app.get(API + "?$search=Door", headers=outsider).json["catalogs"] == []
    # ... and its own organization still has it, unchanged.
    mine = app.get(url, headers=org_users["member"])
    assert mine.status_code == 200 and mine.json["catalog"]["displayName"] == DOORS["displayName"]
    assert [c["id"] for c in app.get(API, headers=org_users["member"]).json["catalogs"]] == [created["id"]]
