"""The demo of ``make run`` (``ckan catalogue demo``): every dialect has
something to answer, from the shipped data files, offline; a second run
makes nothing new."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.catalogue.demo import catalogue_demo_people, catalogue_demo_steps, catalogue_load_demo


@pytest.fixture
def demo(clean_db, clean_index, ckan_config, monkeypatch) -> dict:
    # The demo's pending item: moderation on, as a portal may run it.
    monkeypatch.setitem(ckan_config, "ckanext.catalogue.moderation", "true")
    admin = factories.SysadminWithToken()
    steps: list[str] = []
    loaded = catalogue_load_demo(admin["name"], steps.append)
    return {"admin": admin, "users": {u.name: u for u in loaded.users}, "lines": loaded.lines, "steps": steps}


def _ok(resp) -> dict:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    return resp.json


def test_the_demo_fills_every_dialect_and_a_second_run_makes_nothing(app, demo):
    admin = {"Authorization": demo["admin"]["token"]}
    assert len(demo["steps"]) == catalogue_demo_steps()

    # IUDX: a city of about a hundred resources with places on the map.
    found = _ok(app.get("/iudx/cat/v1/search", query_string={"property": "[type]", "value": "[[iudx:Resource]]"}))
    assert found["totalHits"] == 100
    near = _ok(app.get("/iudx/cat/v1/search", query_string={
        "geoproperty": "location", "georel": "near", "maxDistance": "3000", "geometry": "Point",
        "coordinates": "[73.8077,18.5074]"}))
    assert 0 < near["totalHits"] < 100
    assert len(_ok(app.get("/iudx/cat/v1/list/resourceGroup"))["results"]) == 10

    # Global Catalog: public services for anyone, the internal one for its organization only.
    public = app.get("/globalcatalog/api/v1/", query_string={"include": "*", "limit": 200}).json
    names = {r["name"] for r in public["resources"]}
    assert {"cloud-object-storage", "databases-for-postgresql", "key-protect"} <= names
    assert "city-analytics" not in names
    pricing = app.get("/globalcatalog/api/v1/cos-standard/pricing", query_string={"deployment_region": "eu-de"}).json
    assert pricing["deployment_id"] == "cos-standard-eu-de"

    # iTwin library: catalogs and components of the demo organization.
    catalogs = app.get("/library/catalogs", headers=admin).json["catalogs"]
    assert [c["displayName"] for c in catalogs] == ["Doors", "Windows"]
    components = app.get("/library/components", headers={**admin, "Prefer": "return=representation"}).json
    assert len(components["components"]) == 3
    assert any(len(c["_links"]["catalogs"]) == 2 for c in components["components"])

    # gCat: items, the editor's one pending, one archived in the trash.
    assert app.get("/gcat/items/air-quality-sensors").status_code == 200
    pending = tk.get_action("catalogue_item_show")({"ignore_auth": True}, {"id": "noise-map-2025"})
    assert pending["moderation"]["state"] == "pending"
    mobility = app.get("/api/3/action/group_show", query_string={"id": "mobility"}).json["result"]
    assert mobility["package_count"] == 1  # bus-positions; the archived one is in the trash
    trash = tk.get_action("catalogue_trash_list")({"user": demo["admin"]["name"]}, {})
    assert trash["items"] == ["old-traffic-counts"]

    # Software: EESSI and Spack through their loaders, from the snapshots.
    software = app.get("/api/marketplace-software-catalogs/").json
    assert {c["name"] for c in software} == {"EESSI", "Spack"}
    packages = app.get("/api/marketplace-software-packages/", query_string={"page_size": 100}).json
    assert {"GROMACS", "numpy", "hdf5"} <= {p["name"] for p in packages}

    # The role users, each with a token that works.
    assert set(demo["users"]) == {p["name"] for p in catalogue_demo_people()}
    moderator = demo["users"]["demo-moderator"]
    assert app.post("/gcat/items/noise-map-2025/approve", headers={"Authorization": moderator.token}
                    ).status_code == 200

    # Idempotent: a second run makes nothing, and no user twice.
    again = catalogue_load_demo(demo["admin"]["name"])
    assert again.lines == [] and again.users == []
