"""HEAD on a dialect route is answered by its GET view: a read, never the
write another method of the route makes (HEAD is a safe method: a session
cookie identifies it and no CSRF token is asked)."""
from __future__ import annotations

from ckan.tests import factories

from ckanext.catalogue.tests.factories import LibraryCatalog, gc_entry
from ckanext.catalogue.tests.helpers import catalogue_call


def test_head_reads_and_writes_nothing(app, org_admin):
    sysadmin = {"Authorization": f"Bearer {factories.SysadminWithToken()['token']}"}
    factories.Group(name="kept")
    catalog = LibraryCatalog(user=org_admin["name"], organization=org_admin["org"]["id"])
    entry = gc_entry(org_admin["name"], "kept-entry", organization=org_admin["org"]["id"])
    # Each with the body a PUT of the route would take.
    for url, body in (("/gcat/groups/kept", {"name": "kept", "title": "changed"}),
                      (f"/library/catalogs/{catalog['id']}", {"displayName": "changed"}),
                      ("/globalcatalog/api/v1/kept-entry", {**entry["doc"], "kind": "service", "name": "changed"})):
        head = app.client.open(url, method="HEAD", json=body, headers=sysadmin)
        assert head.status_code == 200 and head.get_data() == b"", url
    assert app.get("/gcat/groups/kept", headers=sysadmin).json["state"] == "active"
    assert catalogue_call(org_admin["name"], "catalogue_item_show", id=catalog["id"])["doc"] == catalog["doc"]
    assert catalogue_call(org_admin["name"], "catalogue_item_show", id=entry["id"])["doc"] == entry["doc"]
