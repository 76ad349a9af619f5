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
    assert t["rg"] in _ok(app.get(f"{API}/list/resourceGroup/"))["results"]
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
         400, "LinkValidationFailed")
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


def test_duplicates_answer_as_iudx_words_them(app, iudx_tree, admin_token):
    """IUDX's validator refuses an item whose name (a resource server: its
    URL; a provider: its user on that server) is taken where it goes as a
    link validation failure, in each type's words; only a taken id is
    AlreadyExists (datakaveri/iudx-catalogue-server, src/main/java/iudx/
    catalogue/server/validator/ValidatorServiceImpl.java and database/
    DatabaseServiceImpl.java, createItem)."""
    t = iudx_tree
    taken = {
        "Fail: Owner item already exists": s.owner(),
        "Fail: COS item already exists": s.cos(t["owner"]),
        "Fail: Resource Server item with url rs-pune.example.org already exists for this COS":
            s.resource_server(t["cos"], name="another-rs", resourceServerRegURL="rs-pune.example.org"),
        "Fail: Provider item for this resource server already exists": s.provider(t["rs"], name="other-name"),
        f"Fail: Resource group item with the name 'env-flood' already exists for the provider '{t['provider']}'":
            s.resource_group(t["provider"], t["rs"]),
        f"Fail: Resource item with the name 'sensor-1' already exists in the resource group '{t['rg']}'":
            s.resource(t["rg"], t["provider"]),
    }
    for detail, doc in taken.items():
        body = _err(app.post(f"{API}/item/", json=doc, headers=admin_token), 400, "LinkValidationFailed")
        assert body == {"type": "urn:dx:cat:LinkValidationFailed", "title": "Link Validation Failed",
                        "detail": detail}
    # The same name elsewhere is no duplicate: another group, another provider.
    other_rg = _ok(app.post(f"{API}/item/", json=s.resource_group(t["provider"], t["rs"], name="env-air"),
                            headers=admin_token), 201)["results"]["id"]
    _ok(app.post(f"{API}/item/", json=s.resource(other_rg, t["provider"]), headers=admin_token), 201)
    body = _err(app.post(f"{API}/item/", json={**s.resource(t["rg"], t["provider"], "fresh"), "id": t["resource"]},
                         headers=admin_token), 400, "AlreadyExists")
    assert body["detail"] == "Fail: Doc Exists"
    # An update into a taken name is refused in the same words.
    mine = _ok(app.post(f"{API}/item/", json=s.resource(t["rg"], t["provider"], "sensor-2"),
                        headers=admin_token), 201)["results"]
    body = _err(app.client.put(f"{API}/item/", json={**mine, "name": "sensor-1"}, headers=admin_token), 400,
                "LinkValidationFailed")
    assert body["detail"] == f"Fail: Resource item with the name 'sensor-1' already exists in the resource group '{t['rg']}'"


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
    ({"property": "[tags", "value": "[[x]]"}, "InvalidSyntax"),  # a list IUDX cannot read
    ({"property": "[tags]", "value": "[[x]"}, "InvalidSyntax"),
    ({"q": "x", "filter": "[id,name"}, "InvalidSyntax"),
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
    # IUDX's codes (BboxSearchIT.java): an unknown relation, a missing
    # parameter, a coordinate that is no number.
    ({"geoproperty": "location", "georel": "sideways", "geometry": "bbox", "coordinates": "[[1,2],[3,1]]"},
     "InvalidGeoValue"),
    ({"geoproperty": "location", "georel": "within", "geometry": "bbox"}, "InvalidSyntax"),
    ({"geoproperty": "location", "georel": "within", "geometry": "bbox", "coordinates": "[[1,2],[x) OR (*:*,1]]"},
     "InvalidSyntax"),
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
    hidden_group = catalogue_call(t["sysadmin"], "catalogue_item_create",
                                  doc=s.resource_group(t["provider"], t["rs"], name="secret-group"), private=True)
    stranger = factories.UserWithToken()
    for headers in ({}, {"token": stranger["token"]}):
        found = _ok(app.get(f"{API}/search", query_string={"property": "[resourceGroup]", "value": f"[[{t['rg']}]]"},
                            headers=headers))
        assert hidden["id"] not in {r["id"] for r in found["results"]}
        assert _ok(app.get(f"{API}/count", query_string={"q": "hidden"}, headers=headers))["totalHits"] == 0
        listed = _ok(app.get(f"{API}/list/resourceGroup", headers=headers))
        assert hidden_group["id"] not in listed["results"] and t["rg"] in listed["results"]
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

    # As IUDX's RelationshipSearchIT.java (datakaveri/iudx-catalogue-server,
    # src/test/java/iudx/catalogue/server/apiserver/integrationtests/
    # searchAPIsIT/): the matching items themselves, by a property or a path.
    found = _ok(app.get(f"{API}/relsearch", query_string={"relationship": "[resourceGroup.name]",
                                                          "value": "[[env-flood]]"}))
    assert [r["id"] for r in found["results"]] == [t["rg"]]
    found = _ok(app.get(f"{API}/relsearch", query_string={
        "relationship": "[provider.providerOrg.location.geometry.type]", "value": "[[Point]]"}))
    assert [r["id"] for r in found["results"]] == [t["provider"]]
    for wrong in ("[galaxy.name]", "[cos.name]", "[instance.name]"):
        _err(app.get(f"{API}/relsearch", query_string={"relationship": wrong, "value": "[[x]]"}), 400,
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
                           doc={"license_id": "cc-by", "name": "gauge-sensor", "title": "Gauge sensor"})
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


@pytest.mark.ckan_config("ckanext.catalogue.iudx.schemas", "legacy")
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


def _place(address: str, lon: float, lat: float) -> dict:
    return {"type": "Place", "address": address, "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def test_items_as_iudx_v5_schemas_require_them(app, iudx_tree, admin_token):
    """The create and update requests of IUDX's CrudAPIsIT.java
    (datakaveri/iudx-catalogue-server, src/test/java/iudx/catalogue/server/
    apiserver/integrationtests/crudApisIT/CrudAPIsIT.java), with its
    payloads and the answers it asserts; the required properties are those
    of its item schemas (src/main/resources/iudx/catalogue/server/
    validator/*ItemSchema.json)."""
    ctx = "https://voc.iudx.org.in/"

    def created(doc):
        body = _ok(app.post(f"{API}/item/", json=doc, headers=admin_token), 201)
        assert body["title"] == "Success" and body["detail"] == "Success: Item created"
        return body["results"]["id"]

    owner = {"@context": ctx, "type": ["iudx:Owner"], "name": "OwnerItemPM18",
             "description": "testing owner item creation through integration tests"}
    owner_id = created(owner)
    cos = {"@context": ctx, "type": ["iudx:COS"], "name": "iudxCOSPM18", "owner": owner_id,
           "description": "testing COS item creation through integration tests", "cosURL": "cat-test.iudx.io",
           "cosUI": "cat-test.iudx.io"}
    cos_id = created(cos)
    server = {"@context": ctx, "type": ["iudx:ResourceServer"], "name": "IudxResourceServerPM",
              "description": "Multi tenanted IUDX resource server for integration tests",
              "tags": ["IUDX", "Resource", "Server", "Platform"], "cos": cos_id, "owner": owner_id,
              "resourceServerOrg": {"name": "iudx", "additionalInfoURL": "https://iudx.org.in",
                                    "location": _place("IISc, Bangalore", 77.570423, 13.013945)},
              "resourceServerRegURL": "rs-test-pm.iudx.io",
              "resourceAccessModalities": [{"type": ["iudx:HTTPAccess"], "protocol": "http", "accessURL": "rs",
                                            "port": 8080}],
              "locations": _place("IISc, Bangalore", 77.570423, 13.013945)}
    server_id = created(server)
    provider = {"@context": ctx, "type": ["iudx:Provider"], "name": "Provider for integration tests",
                "resourceServer": server_id, "description": "provider for the integration test",
                "ownerUserId": "cbe6c060-1767-488f-b624-1424e22004a2",
                "providerOrg": {"name": "Datakaveri", "additionalInfoURL": "https://datakaveri.org",
                                "location": _place("IIsc", 75.92, 14.5)}}
    provider_id = created(provider)
    group = {"@context": ctx, "type": ["iudx:ResourceGroup", "iudx:IssueReporting"], "name": "ResourceGroupPM19",
             "description": "resource group item for the postman collection",
             "tags": ["swachhata", "complaints", "construction material", "requests"], "provider": provider_id}
    group_id = created(group)
    resource = {"@context": ctx, "type": ["iudx:Resource", "iudx:PointOfInterest"], "name": "ResourceItemPM19",
                "label": "item for test only", "description": "resource item for the postman collection",
                "tags": ["swachhata", "complaints"], "apdURL": "rs.apd.iudx.org.in", "accessPolicy": "SECURE",
                "resourceServer": server_id, "provider": provider_id, "resourceGroup": group_id}
    resource_id = created(resource)

    unknown = "83995e8c-fa80-4241-93c0-e86a66154eb6"
    _err(app.post(f"{API}/item/", json={**resource, "name": "wifi-location", "resourceServer": unknown,
                                        "provider": unknown, "resourceGroup": unknown}, headers=admin_token),
         400, "LinkValidationFailed")
    _err(app.post(f"{API}/item/", json={**group, "name": "agra-swachhata-app", "provider": "83995e8c-fa80-4241-93c0"},
                  headers=admin_token), 400, "InvalidSchema")
    # A provider missing its resource server, with its id inside providerOrg.
    body = _err(app.post(f"{API}/item/", json={
        "@context": ctx, "type": ["iudx:Provider"], "name": "uuid-test", "description": "provider id for uuid test",
        "providerOrg": {**provider["providerOrg"], "id": "2ed6f05f-2f35-3f70-a472-79763fc81",
                        "ownerUserId": "d8e46706-b9db-44e1-a9aa-e40839396b01"}}, headers=admin_token),
        400, "InvalidSchema")
    assert "resourceServer" in body["detail"] and "ownerUserId" in body["detail"]

    def updated(doc, item_id):
        _ok(app.client.put(f"{API}/item/", json={**doc, "id": item_id}, headers=admin_token))

    updated({**owner, "name": "iudxOwnerPM18", "description": "testing the owner id updation"}, owner_id)
    updated({**cos, "name": "IudxCosPM18", "description": "COS item for postman collection"}, cos_id)
    updated({**server, "name": "ResourceServerPM19"}, server_id)
    updated({**provider, "name": "ProviderPM19"}, provider_id)
    updated({**group, "description": "changed"}, group_id)
    updated({**resource, "description": "changed"}, resource_id)
    _err(app.client.put(f"{API}/item/", json={**group, "id": group_id, "provider": "e0760835-6066-301b-b224-"},
                        headers=admin_token), 400, "InvalidSchema")

    # Each type's required properties, named in the answer.
    required = {
        "cosUI": cos, "resourceAccessModalities": server, "resourceServerOrg": server, "providerOrg": provider,
        "apdURL": resource, "accessPolicy": resource, "resourceServer": resource,
    }
    for field, doc in required.items():
        body = _err(app.post(f"{API}/item/", json={k: v for k, v in doc.items() if k != field},
                             headers=admin_token), 400, "InvalidSchema")
        assert field in body["detail"], (field, body)
    # Links IUDX's schemas hold to UUIDs; a path id is no id for IUDX v5.
    _err(app.post(f"{API}/item/", json={**server, "name": "rs2", "resourceServerRegURL": "rs2.iudx.io",
                                        "cos": "pune/cos"}, headers=admin_token), 400, "InvalidSchema")
    _err(app.post(f"{API}/item/", json={**resource, "name": "r2", "id": "example.org/pune/r2"},
                  headers=admin_token), 400, "InvalidUUID")


@pytest.mark.ckan_config("ckanext.catalogue.iudx.schemas", "legacy")
def test_legacy_schemas_take_the_older_documents(app, iudx_tree, admin_token):
    """``ckanext.catalogue.iudx.schemas = legacy``: a provider without a
    resource server and a resource without IUDX v5's added properties are
    accepted, and a path id is kept as the item's alias."""
    t = iudx_tree
    prov = _ok(app.post(f"{API}/item/", json=s.provider(None, name="old-prov", user="old"), headers=admin_token),
               201)["results"]
    doc = {k: v for k, v in s.resource(t["rg"], t["provider"], "old-sensor").items()
           if k not in ("apdURL", "accessPolicy", "resourceServer")}
    made = _ok(app.post(f"{API}/item/", json={**doc, "id": "example.org/pune/old-sensor"}, headers=admin_token),
               201)["results"]
    assert prov["name"] == "old-prov"
    found = _ok(app.get(f"{API}/item", query_string={"id": "example.org/pune/old-sensor"}))["results"]
    assert [i["id"] for i in found] == [made["id"]]


def test_update_without_an_id_checks_links_then_finds_nothing(app, iudx_tree, admin_token):
    """PUT /item/ without an id, as IUDX's CrudAPIsIT.java sends it
    (datakaveri/iudx-catalogue-server, src/test/java/iudx/catalogue/server/
    apiserver/integrationtests/crudApisIT/CrudAPIsIT.java, orders 18-20):
    wrong links are LinkValidationFailed, a bad token 401, and a sound
    document 404 ItemNotFound; nothing is stored either way."""
    t = iudx_tree
    doc = s.resource(t["rg"], t["provider"], "wyfy-location")
    body = _err(app.client.put(f"{API}/item/", json=doc, headers=admin_token), 404, "ItemNotFound")
    assert body["detail"] == "Fail: Doc doesn't exist, can't update"
    # The name of an existing item is no reason to answer otherwise.
    _err(app.client.put(f"{API}/item/", json=s.resource(t["rg"], t["provider"]), headers=admin_token), 404,
         "ItemNotFound")
    _err(app.client.put(f"{API}/item/", json={**doc, "resourceGroup": str(uuid.uuid4())}, headers=admin_token),
         400, "LinkValidationFailed")
    _err(app.client.put(f"{API}/item/", json={k: v for k, v in doc.items() if k != "tags"}, headers=admin_token),
         400, "InvalidSchema")
    _err(app.client.put(f"{API}/item/", json=doc, headers={"token": "abc"}), 401, "InvalidAuthorizationToken")
    _err(app.client.put(f"{API}/item/", json=doc), 401, "InvalidAuthorizationToken")
    found = _ok(app.get(f"{API}/search", query_string={"property": "[name]", "value": "[[wyfy-location]]"}))
    assert found["totalHits"] == 0


_BIG = "7323214141413123542536363452413123" * 15 + ".927285"


def test_geo_search_as_iudx_geo_tests_run_it(app, iudx_tree, admin_token):
    """The requests and asserted answers of IUDX's geo search tests
    (datakaveri/iudx-catalogue-server, src/test/java/iudx/catalogue/server/
    apiserver/integrationtests/searchAPIsIT/geoSpatialSearchIT/
    PointSearchIT.java, BboxSearchIT.java, PolygonSearchIT.java and
    LineStringSearchIT.java), on items placed where they search."""
    t = iudx_tree
    near = _ok(app.post(f"{API}/item/", json=s.resource(t["rg"], t["provider"], "kothrud", lon=73.83, lat=18.49),
                        headers=admin_token), 201)["results"]["id"]
    on_line = _ok(app.post(f"{API}/item/", json=s.resource(t["rg"], t["provider"], "on-line", lon=73.82772,
                                                           lat=18.488375), headers=admin_token), 201)["results"]["id"]
    far = _ok(app.post(f"{API}/item/", json=s.resource(t["rg"], t["provider"], "bengaluru", lon=77.59, lat=12.97),
                       headers=admin_token), 201)["results"]["id"]

    def found(**args):
        return {i["id"] for i in _ok(app.get(f"{API}/search", query_string=args))["results"]}

    def refused(status_type, **args):
        body = _err(app.get(f"{API}/search", query_string=args), 400, status_type) if status_type else None
        if body is None:
            resp = app.get(f"{API}/search", query_string=args)
            assert resp.status_code == 400, resp.get_data(as_text=True)
            body = resp.json
            assert body["title"] == "failed", body
        return body

    point = {"geoproperty": "location", "geometry": "Point", "coordinates": "[73.827285,18.482712]"}
    circle = found(**point, georel="within", maxDistance="5000")
    assert near in circle and on_line in circle and far not in circle
    assert found(**point, georel="near", maxDistance="5000") == circle
    refused("InvalidGeoValue", **point, georel="abc", maxDistance="5000")
    refused("InvalidSyntax", **{**point, "coordinates": "[73.827285,18.482712ab]"}, georel="intersects",
            maxDistance="5000")
    refused("InvalidGeoValue", **{**point, "geoproperty": "abc"}, georel="intersects", maxDistance="5000")
    for missing in ("geoproperty", "georel", "geometry"):
        args = {**point, "georel": "intersects", "maxDistance": "5000"}
        args["abc" + missing] = args.pop(missing)
        refused("InvalidSyntax", **args)
    refused(None, **{**point, "coordinates": "[73.9272851,18.5027121]"}, georel="intersects", maxDistance="5000")
    many = "[[[75.9,14.5],[72,13],[73,20],[76.9,14.5],[76.9,14.5],[72,13],[73,20],[71.9,14.5],[79.9,14.5]," \
           "[72,13],[73,20],[76.9,14.5],[71.9,14.5],[72,13],[73,20],[75.9,14.5]]]"
    refused(None, **{**point, "coordinates": many}, georel="within", maxDistance="100")
    for distance in ("50000", "-5000"):
        refused(None, **point, georel="within", maxDistance=distance)
    body = refused(None, **{**point, "coordinates": f"[{_BIG},18.502712]"}, georel="within", maxDistance="5000")
    assert body["type"] == "urn:dx:cat:InvalidPropertyValue"

    box = {"geoproperty": "location", "georel": "within", "geometry": "bbox"}
    inside = found(**box, coordinates="[[73.8120,18.5305],[73.8665,18.4126]]")
    assert near in inside and far not in inside
    assert found(**{**box, "georel": "coveredBy"}, coordinates="[[73.8120,18.5305],[73.8665,18.4126]]") == inside
    refused("InvalidGeoValue", **{**box, "geoproperty": "location1"}, coordinates="[[73.87,18.52],[73.88,18.51]]")
    refused("InvalidGeoValue", **{**box, "georel": "withinab"}, coordinates="[[73.87,18.52],[73.88,18.51]]")
    refused("InvalidSyntax", **box, coordinates="[[sb73.874537,18.528311],[73.874537,18.528311]]")
    refused(None, **box, coordinates="[[73.84231220,18.5305],[73.8665,18.5126]]")
    refused(None, **box, coordinates=many)
    refused(None, **box, coordinates=f"[[{_BIG},18.5305],[73.8665,18.5126]]")

    polygon = {"geoproperty": "location", "georel": "within", "geometry": "Polygon"}
    ring = "[[[73.696,18.592],[73.69079,18.391],[73.96,18.3643],[74.09,18.526],[73.8947,18.689830],[73.696,18.592]]]"
    assert near in found(**polygon, coordinates=ring) and far not in found(**polygon, coordinates=ring)
    refused("InvalidGeoValue", **{**polygon, "geoproperty": "abclocation"}, coordinates=ring)
    refused("InvalidGeoValue", **{**polygon, "georel": "1within"}, coordinates=ring)
    refused("InvalidSyntax", **polygon, coordinates=ring.replace("73.696", "abc73.696", 1))
    refused(None, **polygon, coordinates="[[[75.9324532,14.5],[72,13],[73,20],[75.9,14.5]]]")
    refused(None, **polygon, coordinates=many)
    assert found(**{**polygon, "georel": "equals"}, coordinates=ring) == set()

    line = {"geoproperty": "location", "georel": "intersects", "geometry": "LineString"}
    path = "[[73.874537,18.528311],[73.82772,18.488375],[73.876484,18.525007]]"
    crossed = found(**line, coordinates=path)
    assert on_line in crossed and far not in crossed
    refused("InvalidGeoValue", **{**line, "geoproperty": "abclocation"}, coordinates=path)
    refused("InvalidGeoValue", **{**line, "georel": "abcintersects"}, coordinates=path)
    refused("InvalidSyntax", **line, coordinates=path.replace("73.874537", "abc73.874537"))
    refused(None, **line, coordinates="[[73.8745374,18.528311],[73.836808,18.572797],[73.876484,18.525007]]")
    refused(None, **line, coordinates=many)
    # The wrong nesting for the geometry is IUDX's "Invalid coordinate format".
    body = refused(None, **polygon, coordinates="[[73.696,18.592],[73.69079,18.391],[73.96,18.3643],[73.696,18.592]]")
    assert body["detail"] == "Invalid coordinate format"


def test_relationship_answers_as_iudx_relationship_tests(app, iudx_tree):
    """The requests and answers of IUDX's TotalInverseRelationshipsIT.java
    and ForwardRelationshipsIT.java (datakaveri/iudx-catalogue-server,
    src/test/java/iudx/catalogue/server/apiserver/integrationtests/
    relationshipAPIsIT/), with the errors its RelationshipApis.java and
    DatabaseServiceImpl.java give."""
    t = iudx_tree

    def rel(**args):
        return app.get(f"{API}/relationship", query_string=args)

    for kind in ("resource", "rg", "provider", "rs"):
        assert _ok(rel(id=t[kind], rel="all"))["totalHits"] >= 1
    assert [i["id"] for i in _ok(rel(id=t["resource"], rel="cos"))["results"]] == [t["cos"]]
    assert [i["id"] for i in _ok(rel(id=t["rg"], rel="resourceServer"))["results"]] == [t["rs"]]
    assert [i["id"] for i in _ok(rel(id=t["cos"], rel="resource"))["results"]] == [t["resource"]]
    body = _err(rel(id=t["cos"], rel="all"), 400, "InvalidRelationSearch")
    assert body["detail"] == "Invalid relationship type search"
    _err(rel(id=t["provider"], rel="provider"), 400, "InvalidRelationSearch")
    body = _err(rel(id="5b7556b5-0779-4c47-9cf2-3f209779aa21", rel="resourceServer"), 400, "ItemNotFound")
    assert body["detail"] == "Item id given is not present"
    for wrong in ("resourceGrp", "resrce"):
        _err(rel(id=t["resource"], rel=wrong), 400, "InvalidParamValue")
    _err(rel(id="dummy-id", rel="resource"), 400, "InvalidParamValue")
    _err(app.get(f"{API}/relationship", query_string={"id": t["resource"], "rel1": "resource"}), 400,
         "MissingParams")
    _err(app.get(f"{API}/relationship", query_string={"i1d": t["resource"], "rel": "resourceServer"}), 400,
         "MissingParams")
    too_many = "[id,name,tags,deviceId,resourceServer,provider,location,address,type,itemStatus,authServerInfo]"
    for args in ({"filter": too_many}, {"limit": "1000001"}):
        resp = rel(id=t["provider"], rel="resourceGroup", **args)
        assert resp.status_code == 400 and resp.json["title"] == "failed", resp.json
    kept = _ok(rel(id=t["provider"], rel="resourceGroup", filter="[id,name]"))["results"]
    assert kept == [{"id": t["rg"], "name": "env-flood"}]
    # Another dialect's item is no IUDX item to relate.
    other = catalogue_call(t["sysadmin"], "catalogue_item_create", kind="gcat.item", doc={"license_id": "cc-by", "name": "g-1", "title": "G"})
    _err(rel(id=other["id"], rel="all"), 400, "ItemNotFound")

