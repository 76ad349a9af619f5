"""Stored cross-site scripting: a file a user uploads (an artifact as HTML
or SVG, a resource) is served as a download that is never sniffed and never
runs in the portal's origin; redirect targets with control characters are
refused instead of failing."""
from __future__ import annotations

from io import BytesIO

import pytest

from ckan.tests import factories

from ckanext.catalogue.tests.factories import gc_entry

SCRIPT = {"text/html": b"<html><script>alert(document.cookie)</script></html>",
          "image/svg+xml": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'}


def _assert_download(resp, name: str) -> None:
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert name in resp.headers["Content-Disposition"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    csp = resp.headers["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp


@pytest.mark.parametrize("content_type", sorted(SCRIPT))
def test_artifacts_are_downloads_that_cannot_run(app, org_admin, content_type: str):
    entry = gc_entry(org_admin["name"], "xss", organization=org_admin["org"]["id"])
    headers = {"Authorization": f"Bearer {org_admin['token']}"}
    name = "page.html" if content_type == "text/html" else "image.svg"
    url = f"/globalcatalog/api/v1/{entry['id']}/artifacts/{name}"
    assert app.client.put(url, data=SCRIPT[content_type], headers={**headers, "Content-Type": content_type}
                          ).status_code == 200
    _assert_download(app.get(url, headers=headers), name)
    # The portal's Artifacts tab serves the same bytes the same way.
    _assert_download(app.get(f"/catalogue-admin/item/{entry['id']}/artifacts/{name}", headers=headers), name)


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_an_uploaded_resource_is_a_download(app):
    user = factories.UserWithToken()
    org = factories.Organization(users=[{"name": user["name"], "capacity": "admin"}])
    dataset = factories.Dataset(user=user, owner_org=org["id"])
    resp = app.post("/api/3/action/resource_create", headers={"Authorization": user["token"]}, data={
        "package_id": dataset["id"], "name": "page", "upload": (BytesIO(SCRIPT["text/html"]), "page.html")})
    resource = resp.json["result"]
    got = app.get(f"/dataset/{dataset['id']}/resource/{resource['id']}/download/page.html")
    _assert_download(got, "page.html")


@pytest.mark.parametrize("where", ["/user/login?came_from=/x%0d%0aSet-Cookie:a=b", "/user/login?came_from=/%01"])
def test_a_redirect_target_with_control_characters_is_a_400(app, where: str):
    assert app.get(where).status_code == 400


def test_a_button_with_a_control_character_in_came_from_is_a_400(app, org_admin):
    entry = gc_entry(org_admin["name"], "back", organization=org_admin["org"]["id"])
    headers = {"Authorization": org_admin["token"]}
    resp = app.post(f"/catalogue-admin/item/{entry['id']}/restore", headers=headers,
                    data={"came_from": "/catalogue/\r\nx"}, follow_redirects=False)
    assert resp.status_code == 400
