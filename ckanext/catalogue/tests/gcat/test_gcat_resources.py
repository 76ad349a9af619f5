"""An item's resources at /gcat/items/{name}/resources: CKAN resources of the
item's dataset, as gCat's resource collection documents them (its API docs,
resource_Resource: GET/POST on the collection, GET/PUT/DELETE on one; 201
with Location, 204 on delete; its CKANResource checks and their messages)."""
from __future__ import annotations

import io
from urllib.parse import urlparse

import pytest

from ckan import model

ITEM = {"name": "rain", "title": "Rain", "license_id": "cc-by"}
URL = "/gcat/items/rain/resources"


@pytest.fixture
def item(app, role_headers):
    made = app.post("/gcat/items", json=ITEM, headers=role_headers["editor"])
    assert made.status_code == 201, made.body
    return made.json


def test_create_read_replace_delete(app, role_headers, item):
    h = role_headers["editor"]
    created = app.post(URL, json={"name": "readings", "url": "https://example.org/rain.csv", "format": "CSV",
                                  "description": "Daily readings", "package_id": "rain"}, headers=h)
    assert created.status_code == 201, created.body
    res = created.json
    assert (res["name"], res["url"], res["format"], res["package_id"]) == (
        "readings", "https://example.org/rain.csv", "CSV", item["id"])
    assert created.headers["Location"].endswith(f"{URL}/{res['id']}")

    assert [r["id"] for r in app.get(URL).json] == [res["id"]]
    assert app.get(f"{URL}/{res['id']}").json["description"] == "Daily readings"
    # The item's own document and its resources live apart: an item PUT keeps them.
    assert app.client.put("/gcat/items/rain", json={**ITEM, "title": "Rainfall"}, headers=h).status_code == 200
    assert [r["id"] for r in app.get(URL).json] == [res["id"]]

    replaced = app.client.put(f"{URL}/{res['id']}", json={**res, "name": "daily", "description": ""}, headers=h)
    assert replaced.status_code == 200, replaced.get_data(as_text=True)
    assert (replaced.json["name"], replaced.json["url"]) == ("daily", "https://example.org/rain.csv")

    assert app.client.delete(f"{URL}/{res['id']}", headers=h).status_code == 204
    assert app.get(f"{URL}/{res['id']}").status_code == 404
    assert app.get(URL).json == []


def test_refusals_in_gcat_s_words(app, role_headers, item):
    h = role_headers["editor"]
    no_url = app.post(URL, json={"name": "x"}, headers=h)
    assert no_url.status_code == 400 and "The content must contains the url property" in no_url.json["message"]
    other = app.post(URL, json={"url": "https://e.org/a", "package_id": "another-item"}, headers=h)
    assert other.status_code == 400
    assert ("Item ID rain does not match another-item which is the value of package_id contained in the "
            "representation.") in other.json["message"]
    made = app.post(URL, json={"url": "https://e.org/a"}, headers=h).json
    wrong_id = app.client.put(f"{URL}/{made['id']}", json={"id": "other", "url": "https://e.org/b"}, headers=h)
    assert wrong_id.status_code == 400 and f"Resource ID {made['id']} does not match other" in wrong_id.json["message"]
    too_long = app.post(URL, json={"url": "https://e.org/" + "a" * 2000}, headers=h)
    assert too_long.status_code == 400 and "url" in too_long.json["message"]

    # A resource is found only under its own item.
    assert app.post("/gcat/items", json={**ITEM, "name": "snow"}, headers=h).status_code == 201
    assert app.get(f"/gcat/items/snow/resources/{made['id']}").status_code == 404
    assert app.client.delete(f"/gcat/items/snow/resources/{made['id']}", headers=h).status_code == 404
    assert app.get("/gcat/items/nothing/resources").status_code == 404


def test_who_may_write_resources(app, role_headers, item):
    body = {"url": "https://e.org/a"}
    # gCat answers 401 for a role too low, as for no token.
    for role in ("anonymous", "member", "other_org"):
        assert app.post(URL, json=body, headers=role_headers[role]).status_code == 401
    assert app.post(URL, json=body, headers=role_headers["admin"]).status_code == 201
    made = app.post(URL, json=body, headers=role_headers["editor"]).json
    assert app.client.delete(f"{URL}/{made['id']}", headers=role_headers["member"]).status_code == 401
    assert app.get(f"{URL}/{made['id']}", headers=role_headers["member"]).status_code == 200


@pytest.mark.ckan_config("ckanext.catalogue.limits.item_resources", "2")
def test_at_most_the_configured_number_of_resources(app, role_headers, item):
    h = role_headers["editor"]
    for _ in range(2):
        assert app.post(URL, json={"url": "https://e.org/a"}, headers=h).status_code == 201
    refused = app.post(URL, json={"url": "https://e.org/a"}, headers=h)
    assert refused.status_code == 400 and "at most 2 resources" in refused.json["message"]


def test_upload_through_ckans_uploader_served_as_an_attachment(app, role_headers, item):
    h = role_headers["editor"]
    sent = app.post(URL, data={"name": "page", "upload": (io.BytesIO(b"<script>alert(1)</script>"), "page.html")},
                    headers=h, content_type="multipart/form-data")
    assert sent.status_code == 201, sent.body
    res = sent.json
    assert res["url_type"] == "upload" and res["url"].endswith("/download/page.html")
    assert model.Session.get(model.Resource, res["id"]).url == "page.html"

    got = app.get(urlparse(res["url"]).path)
    assert got.status_code == 200 and got.body == "<script>alert(1)</script>"
    assert got.headers["Content-Disposition"].startswith("attachment")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    # A PUT of its fields without a new file keeps the file.
    kept = app.client.put(f"{URL}/{res['id']}", json={"name": "renamed"}, headers=h)
    assert kept.status_code == 200 and kept.json["url_type"] == "upload"
    assert kept.json["url"].endswith("/download/page.html")


def test_resources_of_an_item_hidden_from_the_caller_stay_hidden(app, role_headers):
    """Nothing of a private item's resources reaches who may not read the
    item: not the list, not one, not its file."""
    h = role_headers["sysadmin"]
    assert app.post("/gcat/items", json={**ITEM, "name": "secret", "private": True}, headers=h).status_code == 201
    made = app.post("/gcat/items/secret/resources", headers=h, content_type="multipart/form-data",
                    data={"upload": (io.BytesIO(b"hidden"), "hidden.txt")})
    assert made.status_code == 201, made.body
    download = urlparse(made.json["url"]).path
    # CKAN's own pages take the bare token.
    assert app.get(download, headers={"Authorization": h["Authorization"].removeprefix("Bearer ")}).body == "hidden"
    for who in ("anonymous", "other_org", "member"):
        assert app.get("/gcat/items/secret/resources", headers=role_headers[who]).status_code == 404
        assert app.get(f"/gcat/items/secret/resources/{made.json['id']}", headers=role_headers[who]).status_code == 404
        bare = {"Authorization": role_headers[who]["Authorization"].removeprefix("Bearer ")} if (
            role_headers[who] and "Authorization" in role_headers[who]) else None
        refused = app.get(download, headers=bare)
        assert refused.status_code == 404 and refused.body != "hidden"
