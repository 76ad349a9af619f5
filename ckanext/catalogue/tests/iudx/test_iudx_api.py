"""The IUDX catalogue API at /iudx/cat/v1, over HTTP, on the real Solr."""
from __future__ import annotations

import uuid

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.catalogue.tests.helpers import catalogue_call
from ckanext.catalogue.tests.iudx import samples as s

API = "/iudx/cat/v1"


@pytest.fixture
def admin_token(iudx_tree) -> dict[str, str]:
    token = tk.get_action("api_token_create")(
        {"user": iudx_tree["sysadmin"], "ignore_auth": True}, {"user": iudx_tree["sysadmin"], "name": "t"})["token"]
    return {"token": token}


def _editor_token(tree) -> dict[str, str]:
    user = factories.UserWithToken()
    tk.get_action("member_create")({"ignore_auth": True}, {
        "id": tree["provider_org"], "object": user["name"], "object_type": "user", "capacity": "editor"})
    return {"token": user["token"]}


def _ok(resp, status=200):
    assert resp.status_code == status, resp.get_data(as_text=True)
    body = resp.json
    assert body["type"] == "urn:dx:cat:Success"
    return body


def _err(resp, status, urn):
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.content_type.startswith("application/json")
    body = resp.json
    assert body["type"] == f"urn:dx:cat:{urn}", body
    assert body["title"] and body["detail"]
    return body


def test_item_create_read_update_delete(app, iudx_tree, admin_token):
    t = iudx_tree
    headers = _editor_token(t)
    doc = s.resource(t["rg"], t["provider"], "sensor-9")
    created = _ok(app.post(f"{API}/item", json=doc, headers=headers), 201)
    item = created["results"]  # one object, as IUDX answers a create
    assert created["detail"] == "Success: Item created"
    uuid.UUID(item["id"])
    assert item["itemStatus"] == "ACTIVE" and item["itemCreatedAt"] and item["name"] == "sensor-9"

    got = _ok(app.get(f"{API}/item", query_string={"id": item["id"]}))
    assert got["totalHits"] == 1 and got["results"][0]["id"] == item["id"]

    changed = {**doc, "id": item["id"], "description": "moved upstream"}
    updated = _ok(app.client.put(f"{API}/item", json=changed, headers=headers))
    assert updated["results"]["description"] == "moved upstream"
    assert updated["results"]["itemCreatedAt"] == item["itemCreatedAt"]
    _err(app.client.put(f"{API}/item", json={**changed, "itemCreatedAt": "2000-01-01T00:00:00+0000"},
                        headers=headers), 400, "InvalidSchema")

    deleted = _ok(app.client.delete(f"{API}/item", query_string={"id": item["id"]}, headers=headers))
    assert deleted["detail"]
    _err(app.get(f"{API}/item", query_string={"id": str(uuid.uuid4())}), 404, "ItemNotFound")
    _err(app.get(f"{API}/item", query_string={"id": "not-a-uuid"}), 400, "InvalidUUID")


def test_every_route_also_answers_with_a_trailing_slash(app, iudx_tree):
    """IUDX's own integration tests create every item with ``POST /item/``
    (datakaveri/iudx-catalogue-server, src/test/java/iudx/catalogue/server/
    apiserver/integrationTests/crudApisIT/CreateItemIT.java); every route
    answers so, with no redirect."""
    t = iudx_tree
    headers = _editor_token(t)
    doc = s.resource(t["rg"], t["provider"], "slashed-sensor")
    item = _ok(app.post(f"{API}/item/", json=doc, headers=headers), 201)["results"]
    assert _ok(app.get(f"{API}/item/", query_string={"id": item["id"]}))["results"][0]["name"] == "slashed-sensor"
    found = _ok(app.get(f"{API}/search/", query_string={"property": "[name]", "value": "[[slashed-sensor]]"}))
    assert [r["id"] for r in found["results"]] == [item["id"]]
    assert _ok(app.get(f"{API}/count/", query_string={"property": "[name]",
                                                       "value": "[[slashed-sensor]]"}))["totalHits"] == 1
    assert item["id"] in _ok(app.get(f"{API}/list/resource/"))["results"]
    assert _ok(app.get(f"{API}/relationship/", query_string={"id": item["id"], "rel": "resourceGroup"}))["results"]
    _err(app.client.put(f"{API}/item/", json={**doc, "id": item["id"]}, headers={}), 401,
         "InvalidAuthorizationToken")
    _ok(app.client.delete(f"{API}/item/", query_string={"id": item["id"]}, headers=headers))
    # A wrong method on a slashed route is still IUDX's 405, not Flask's page.
    assert app.client.patch(f"{API}/search/").status_code == 405


def test_delete_is_for_good(app, iudx_tree):
    """As IUDX's DeleteItemIT.java (datakaveri/iudx-catalogue-server,
    src/test/java/iudx/catalogue/server/apiserver/integrationTests/
    crudApisIT/DeleteItemIT.java): a deleted item is gone for everyone, a
    second delete is 404 ItemNotFound, a malformed id InvalidSyntax; and
    the same item can be created again."""
    t = iudx_tree
    headers = _editor_token(t)
    doc = s.resource(t["rg"], t["provider"], "short-lived")
    item = _ok(app.post(f"{API}/item/", json=doc, headers=headers), 201)["results"]
    _ok(app.client.delete(f"{API}/item", query_string={"id": item["id"]}, headers=headers))
    for who in ({}, headers, {"token": tk.get_action("api_token_create")(
            {"user": t["sysadmin"], "ignore_auth": True}, {"user": t["sysadmin"], "name": "x"})["token"]}):
        _err(app.get(f"{API}/item", query_string={"id": item["id"]}, headers=who), 404, "ItemNotFound")
    again = _err(app.client.delete(f"{API}/item", query_string={"id": item["id"]}, headers=headers), 404,
                 "ItemNotFound")
    assert again["detail"] == "Fail: Doc doesn't exist, can't delete"
    _err(app.client.delete(f"{API}/item", query_string={"id": str(uuid.uuid4())}, headers=headers), 404,
         "ItemNotFound")
    _err(app.client.delete(f"{API}/item", query_string={"id": "dummy-id"}, headers=headers), 400, "InvalidSyntax")
    _err(app.client.delete(f"{API}/item", query_string={"id": item["id"]}, headers={"token": "abc"}), 401,
         "InvalidAuthorizationToken")
    remade = _ok(app.post(f"{API}/item/", json=doc, headers=headers), 201)["results"]
    assert remade["name"] == "short-lived" and remade["id"] != item["id"]
    # Nothing of the deleted item is left to restore.
    assert model.Package.get(item["id"]) is None


def test_item_errors_in_iudx_shape(app, iudx_tree, admin_token):
    t = iudx_tree
    doc = s.resource(t["rg"], t["provider"], "e1")
    _err(app.post(f"{API}/item", json=doc), 401, "InvalidAuthorizationToken")
    _err(app.post(f"{API}/item", json=doc, headers={"token": "not-a-token"}), 401, "InvalidAuthorizationToken")
    stranger = factories.UserWithToken()
    body = _err(app.post(f"{API}/item", json=doc, headers={"token": stranger["token"]}), 401,
                "InvalidAuthorizationToken")
    assert "organization" in body["detail"]
    _err(app.post(f"{API}/item", json={**doc, "id": "1234"}, headers=admin_token), 400, "InvalidUUID")
    _err(app.post(f"{API}/item", json=s.resource(str(uuid.uuid4()), t["provider"], "e2"), headers=admin_token),
         400, "LinkValidationFailed")
    _err(app.post(f"{API}/item", json=s.resource(t["rg"], t["provider"], "sensor-1"), headers=admin_token),
         400, "AlreadyExists")
    _err(app.post(f"{API}/item", json={k: v for k, v in doc.items() if k != "type"}, headers=admin_token),
         400, "InvalidSchema")
    body = _err(app.post(f"{API}/item", json={k: v for k, v in doc.items() if k != "tags"}, headers=admin_token),
                400, "InvalidSchema")
    assert "tags" in body["detail"]
    body = _err(app.client.delete(f"{API}/item", query_string={"id": t["rg"]}, headers=admin_token),
                400, "OperationNotAllowed")
    assert body["detail"] == "Fail: Can't delete, doc has associated item"
    _err(app.post(f"{API}/item", data="not json", headers={**admin_token, "Content-Type": "application/json"}),
         400, "InvalidSchema")
    _err(app.client.patch(f"{API}/item", json=doc, headers=admin_token), 405, "MethodNotAllowed")


def _resources(app, t, headers):
    points = {"north": (73.86, 18.60), "south": (73.85, 18.40), "far": (77.59, 12.97)}
    ids = {}
    for name, (lon, lat) in points.items():
        doc = s.resource(t["rg"], t["provider"], f"aq-{name}", lon=lon, lat=lat,
                         tags=["air quality", name], deviceModel=f"model-{name}")
        ids[name] = _ok(app.post(f"{API}/item", json=doc, headers=headers), 201)["results"]["id"]
    return ids


def test_search_attribute_text_geo_and_projection(app, iudx_tree, admin_token):
    t = iudx_tree
    ids = _resources(app, t, admin_token)

    def search(**args):
        return _ok(app.get(f"{API}/search", query_string=args))

    found = search(property="[tags]", value="[[north,far]]")
    assert {r["id"] for r in found["results"]} == {ids["north"], ids["far"]} and found["totalHits"] == 2
    found = search(property="[tags,deviceModel]", value="[[north,far],[model-far]]")
    assert [r["id"] for r in found["results"]] == [ids["far"]]
    found = search(property="[resourceGroup]", value=f"[[{t['rg']}]]", limit="2")
    assert found["totalHits"] == 4 and len(found["results"]) == 2
    found = search(property="[id]", value=f"[[{ids['south']}]]", filter="[id,name]")
    assert found["results"] == [{"id": ids["south"], "name": "aq-south"}]

    found = search(q='"air quality"')
    assert {r["id"] for r in found["results"]} == set(ids.values())

    bbox = search(geoproperty="location", georel="within", geometry="bbox", coordinates="[[73.8,18.7],[73.9,18.5]]")
    assert {r["id"] for r in bbox["results"]} == {ids["north"], t["resource"]}
    near = search(geoproperty="location", georel="near", geometry="Point", coordinates="[73.85,18.41]",
                  maxDistance="5000")
    assert {r["id"] for r in near["results"]} == {ids["south"]}
    polygon = search(geoproperty="location", georel="intersects", geometry="Polygon",
                     coordinates="[[[73.8,18.3],[73.9,18.3],[73.9,18.7],[73.8,18.7],[73.8,18.3]]]")
    assert {r["id"] for r in polygon["results"]} == {ids["north"], ids["south"], t["resource"]}
    outside = search(geoproperty="location", georel="disjoint", geometry="Polygon",
                     coordinates="[[[73.8,18.3],[73.9,18.3],[73.9,18.7],[73.8,18.7],[73.8,18.3]]]")
    assert {r["id"] for r in outside["results"]} == {ids["far"]}
    line = search(geoproperty="location", georel="intersects", geometry="LineString",
                  coordinates="[[77.0,12.97],[78.0,12.97]]")
    assert {r["id"] for r in line["results"]} == {ids["far"]}
    combined = search(property="[tags]", value="[[air quality]]", geoproperty="location", georel="within",
                      geometry="bbox", coordinates="[[77.0,13.5],[78.0,12.5]]")
    assert [r["id"] for r in combined["results"]] == [ids["far"]]

    count = _ok(app.get(f"{API}/count", query_string={"property": "[tags]", "value": "[[air quality]]"}))
    assert count["totalHits"] == 3 and "results" not in count


@pytest.mark.parametrize(("args", "urn"), [
    ({}, "InvalidSyntax"),
    ({"property": "[a,b,c,d,e]", "value": "[[1],[2],[3],[4],[5]]"}, "InvalidPropertyValue"),
    ({"property": "[tags]", "value": "[[1,2,3,4,5]]"}, "InvalidPropertyValue"),
    ({"property": "[tags]", "value": "[[x*]]"}, "InvalidPropertyValue"),
    ({"property": "[tags]", "value": "[[x]]", "limit": "9000", "offset": "2000"}, "InvalidPropertyValue"),
    ({"property": "[tags]", "value": "[[x]]", "limit": "0"}, "InvalidPropertyValue"),
    ({"property": "[tags]", "value": "[[x]]", "offset": "-1"}, "InvalidSyntax"),
    ({"q": "x) OR (y"}, "InvalidSyntax"),
    ({"property": "[ta gs)]", "value": "[[x]]"}, "InvalidProperty"),
    ({"property": "[tags", "value": "[[x]]"}, "InvalidProperty"),
    ({"q": "x" * 101}, "InvalidPropertyValue"),
    ({"q": "x", "filter": "[" + ",".join(f"f{i}" for i in range(11)) + "]"}, "BadFilter"),
    ({"geoproperty": "location", "georel": "near", "geometry": "Point", "coordinates": "[73.1234567,18.5]",
      "maxDistance": "10"}, "InvalidPropertyValue"),
    ({"geoproperty": "location", "georel": "near", "geometry": "Point", "coordinates": "[73.1,18.5]",
      "maxDistance": "10001"}, "InvalidPropertyValue"),
    ({"geoproperty": "location", "georel": "within", "geometry": "Polygon",
      "coordinates": "[[" + ",".join("[73.1,18.1]" for _ in range(11)) + "]]"}, "InvalidPropertyValue"),
    ({"geoproperty": "location", "georel": "within", "geometry": "Polygon",
      "coordinates": "[[[73.1,18.1],[73.2,18.1],[73.2,18.2],[73.1,18.3]]]"}, "InvalidGeoValue"),
    ({"geoproperty": "location", "georel": "sideways", "geometry": "bbox", "coordinates": "[[1,2],[3,1]]"},
     "InvalidGeoParam"),
    ({"geoproperty": "location", "georel": "within", "geometry": "bbox"}, "InvalidGeoParam"),
    ({"geoproperty": "location", "georel": "within", "geometry": "bbox", "coordinates": "[[1,2],[x) OR (*:*,1]]"},
     "InvalidGeoValue"),
])
def test_search_limits_answer_400(app, clean_db, args, urn):
    _err(app.get(f"{API}/search", query_string=args), 400, urn)


@pytest.mark.parametrize("value", ["x) OR (*:*", "{!lucene}*:*", "*", '"', "\\"])
def test_solr_syntax_in_parameters_finds_nothing(app, iudx_tree, value):
    for args in ({"property": "[name]", "value": f"[[{value}]]"}, {"property": "[id]", "value": f"[[{value}]]"},
                 {"q": value}):
        resp = app.get(f"{API}/search", query_string=args)
        if resp.status_code == 200:
            assert resp.json["totalHits"] == 0, (args, resp.json)
        else:
            _err(resp, 400, resp.json["type"].split(":")[-1])
    resp = app.get(f"{API}/relationship", query_string={"id": value, "rel": "all"})
    assert resp.status_code in (400, 404)


def test_private_items_never_appear_to_others(app, iudx_tree, admin_token):
    t = iudx_tree
    hidden = catalogue_call(t["sysadmin"], "catalogue_item_create", doc=s.resource(t["rg"], t["provider"], "hidden"),
                            private=True)
    stranger = factories.UserWithToken()
    for headers in ({}, {"token": stranger["token"]}):
        found = _ok(app.get(f"{API}/search", query_string={"property": "[resourceGroup]", "value": f"[[{t['rg']}]]"},
                            headers=headers))
        assert hidden["id"] not in {r["id"] for r in found["results"]}
        assert _ok(app.get(f"{API}/count", query_string={"q": "hidden"}, headers=headers))["totalHits"] == 0
        listed = _ok(app.get(f"{API}/list/resource", headers=headers))
        assert hidden["id"] not in listed["results"]
        related = _ok(app.get(f"{API}/relationship", query_string={"id": t["rg"], "rel": "resource"},
                              headers=headers))
        assert hidden["id"] not in {r["id"] for r in related["results"]}
        _err(app.get(f"{API}/item", query_string={"id": hidden["id"]}, headers=headers), 404, "ItemNotFound")
    found = _ok(app.get(f"{API}/count", query_string={"q": "hidden"}, headers=admin_token))
    assert found["totalHits"] == 1


def test_list_relationship_and_relsearch(app, iudx_tree):
    t = iudx_tree
    listed = _ok(app.get(f"{API}/list/resourceGroup"))
    assert listed["results"] == [t["rg"]] and listed["totalHits"] == 1
    tags = _ok(app.get(f"{API}/list/tags"))
    assert set(tags["results"]) >= {"flood", "sensor", "water level"}
    _err(app.get(f"{API}/list/planets"), 400, "InvalidSyntax")

    rel = _ok(app.get(f"{API}/relationship", query_string={"id": t["resource"], "rel": "provider"}))
    assert [r["id"] for r in rel["results"]] == [t["provider"]]
    rel = _ok(app.get(f"{API}/relationship", query_string={"id": t["rs"], "rel": "resource"}))
    assert [r["id"] for r in rel["results"]] == [t["resource"]]
    rel = _ok(app.get(f"{API}/relationship", query_string={"id": t["resource"], "rel": "all"}))
    assert [r["id"] for r in rel["results"]] == [t["owner"], t["cos"], t["rs"], t["provider"], t["rg"], t["resource"]]
    rel = _ok(app.get(f"{API}/relationship", query_string={"id": t["rg"], "rel": "type"}))
    assert rel["results"][0]["type"] == ["iudx:ResourceGroup", "iudx:FloodSensing"]
    _err(app.get(f"{API}/relationship", query_string={"id": t["resource"], "rel": "resource"}), 400,
         "InvalidRelationSearch")
    _err(app.get(f"{API}/relationship", query_string={"id": t["resource"], "rel": "friends"}), 400,
         "InvalidParamValue")
    _err(app.get(f"{API}/relationship", query_string={"rel": "all"}), 400, "MissingParams")

    found = _ok(app.get(f"{API}/relsearch", query_string={"relationship": "[resourceGroup.name]",
                                                          "value": "[[env-flood]]"}))
    assert [r["id"] for r in found["results"]] == [t["resource"]]
    _err(app.get(f"{API}/relsearch", query_string={"relationship": "[galaxy.name]", "value": "[[x]]"}), 400,
         "InvalidRelationSearch")


def test_instances_and_the_instance_header(app, iudx_tree, admin_token):
    t = iudx_tree
    _ok(app.post(f"{API}/instance", query_string={"id": "pune"}, headers=admin_token), 201)
    _err(app.post(f"{API}/instance", query_string={"id": "pune"}, headers=admin_token), 400, "AlreadyExists")
    doc = s.resource(t["rg"], t["provider"], "in-pune", instance="pune")
    created = _ok(app.post(f"{API}/item", json=doc, headers=admin_token), 201)["results"]
    found = _ok(app.get(f"{API}/search", query_string={"q": "sensor"}, headers={"instance": "pune"}))
    _err(app.get(f"{API}/count", query_string={"q": "sensor", "filter": "[id]"}), 400, "OperationNotAllowed")
    assert [r["id"] for r in found["results"]] == [created["id"]]
    assert _ok(app.get(f"{API}/list/instance"))["results"] == ["pune"]
    _ok(app.client.delete(f"{API}/instance", query_string={"id": "pune"}, headers=admin_token))


def test_instance_errors_as_iudx_words_them(app, iudx_tree, admin_token):
    """As IUDX's InstanceAPIsIT.java (datakaveri/iudx-catalogue-server,
    src/test/java/iudx/catalogue/server/apiserver/integrationTests/
    instanceAPIsIT/InstanceAPIsIT.java)."""
    body = _err(app.post(f"{API}/instance", query_string={"ide": "poone"}, headers=admin_token), 400,
                "InvalidSyntax")
    assert body["title"] == "Invalid Syntax" and body["detail"] == "id not present in the request"
    _ok(app.post(f"{API}/instance", query_string={"id": "poone"}, headers=admin_token), 201)
    assert "poone" in _ok(app.get(f"{API}/list/instance"))["results"]
    _ok(app.client.delete(f"{API}/instance", query_string={"id": "poone"}, headers=admin_token))
    missing = _err(app.client.delete(f"{API}/instance", query_string={"id": "-"}, headers=admin_token), 404,
                   "ItemNotFound")
    assert missing["title"] == "Item is not found"


def test_scoped_token_writes_only_inside_its_item(app, iudx_tree):
    t = iudx_tree
    user = factories.User()
    tk.get_action("member_create")({"ignore_auth": True}, {
        "id": t["provider_org"], "object": user["name"], "object_type": "user", "capacity": "editor"})
    other_group = catalogue_call(t["sysadmin"], "catalogue_item_create",
                                 doc=s.resource_group(t["provider"], name="other-group"))
    scoped = catalogue_call(user["name"], "catalogue_token_create", item_id=t["rg"], role="provider")
    headers = {"token": scoped["token"]}
    _ok(app.post(f"{API}/item", json=s.resource(t["rg"], t["provider"], "inside"), headers=headers), 201)
    body = _err(app.post(f"{API}/item", json=s.resource(other_group["id"], t["provider"], "outside"),
                         headers=headers), 401, "InvalidAuthorizationToken")
    assert t["rg"] in body["detail"]
    # Outside the catalogue's item APIs the token identifies nobody.
    resp = app.post("/api/3/action/package_patch", json={"id": t["rg"], "notes": "x"},
                    headers={"Authorization": scoped["token"]})
    assert resp.status_code == 403
    expired = catalogue_call(user["name"], "catalogue_token_create", item_id=t["rg"], expires_in=1)
    import time
    time.sleep(2)
    _err(app.post(f"{API}/item", json=s.resource(t["rg"], t["provider"], "late"), headers={"token": expired["token"]}),
         401, "InvalidAuthorizationToken")


def test_a_sysadmins_scoped_token_stays_in_its_subtree(app, iudx_tree):
    t = iudx_tree
    scoped = catalogue_call(t["sysadmin"], "catalogue_token_create", item_id=t["rg"])
    headers = {"token": scoped["token"]}
    _ok(app.post(f"{API}/item", json=s.resource(t["rg"], t["provider"], "admin-inside"), headers=headers), 201)
    _err(app.post(f"{API}/item", json=s.resource_group(t["provider"], name="admin-outside"), headers=headers),
         401, "InvalidAuthorizationToken")
    # Not a key to the portal's other pages or APIs either.
    assert app.get("/catalogue-admin/roles", headers={"Authorization": scoped["token"]}).status_code == 403
    assert app.post("/gcat/groups", json={"name": "via-scope"},
                    headers={"Authorization": f"Bearer {scoped['token']}"}).status_code == 401


def test_exact_id_property_matches_only_that_item(app, iudx_tree):
    t = iudx_tree
    found = _ok(app.get(f"{API}/search", query_string={"property": "[id]", "value": f"[[{t['provider']}]]"}))
    assert [r["id"] for r in found["results"]] == [t["provider"]]
    _err(app.get(f"{API}/relsearch", query_string={"relationship": "[resourceGroup.name]", "value": "[[[x]]]"}),
         400, "InvalidRelationSearch")
    _err(app.get(f"{API}/search", query_string={"q": "x", "limit": "²"}), 400, "InvalidSyntax")


def test_other_dialects_items_are_not_iudx_items(app, iudx_tree, admin_token):
    t = iudx_tree
    other = catalogue_call(t["sysadmin"], "catalogue_item_create", kind="gcat.item",
                           doc={"name": "gauge-sensor", "title": "Gauge sensor"})
    _err(app.get("/iudx/cat/v1/item", query_string={"id": other["id"]}), 404, "ItemNotFound")
    _err(app.client.delete("/iudx/cat/v1/item", query_string={"id": other["id"]}, headers=admin_token),
         404, "ItemNotFound")
    found = app.get("/iudx/cat/v1/search", query_string={"q": "sensor"}).json
    assert other["id"] not in [i["id"] for i in found["results"]]
    everything = app.get("/iudx/cat/v1/count", query_string={"q": "gauge"}).json
    assert everything["totalHits"] == 0
    # A gCat document sent to IUDX is not an IUDX item.
    posted = app.post("/iudx/cat/v1/item", json={"type": ["gcat:Item"], "name": "x-y"}, headers=admin_token)
    _err(posted, 400, "InvalidSchema")
    assert catalogue_call(t["sysadmin"], "catalogue_item_show", id=other["id"])["state"] == "active"


def test_legacy_tree_relationships_and_unstorable_text(app, iudx_tree, admin_token):
    t = iudx_tree
    # Older hierarchy: Provider at the root, its ResourceServer below it.
    legacy = catalogue_call(t["sysadmin"], "catalogue_item_create", doc=s.provider(None, name="legacy-prov",
                                                                                  user="user-9"))
    server = catalogue_call(t["sysadmin"], "catalogue_item_create",
                            doc={**s.resource_server(None, name="rs-legacy"), "provider": legacy["id"]})
    none_above = app.get("/iudx/cat/v1/relationship", query_string={"id": legacy["id"], "rel": "cos"}).json
    assert none_above["results"] == [] and none_above["totalHits"] == 0
    below = _ok(app.get("/iudx/cat/v1/relationship", query_string={"id": legacy["id"], "rel": "resourceServer"}))
    assert [i["id"] for i in below["results"]] == [server["id"]]
    above = _ok(app.get("/iudx/cat/v1/relationship", query_string={"id": server["id"], "rel": "provider"}))
    assert [i["id"] for i in above["results"]] == [legacy["id"]]
    # Text PostgreSQL cannot hold is a 400 naming the field, never a 500.
    bad = app.post("/iudx/cat/v1/item", json=s.owner(name="nul-owner") | {"description": "a\u0000b"},
                   headers=admin_token)
    assert bad.status_code == 400 and "description" in bad.json["detail"]
    assert app.get("/iudx/cat/v1/item", query_string={"id": "a/\u0000"}).status_code == 400
