"""Hostile sizes: a body past its limit, a document with tens of thousands
of properties, huge strings and arrays, and JSON nested 100,000 levels deep
are refused in each API's own shape, naming the limit, before anything is
stored or indexed; afterwards the index still takes writes."""
from __future__ import annotations

import json

import pytest

from ckan import model
from ckan.tests import factories

from ckanext.catalogue.core import document
from ckanext.catalogue.tests.helpers import catalogue_call, gc_doc
from ckanext.catalogue.tests.iudx import samples as s

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")


def _gc(extra: dict) -> dict:
    return {"id": "limit-entry", "name": "limit-entry", "kind": "service", **gc_doc("limit-entry"), **extra}


# API -> (URL of a create, its body with ``extra`` properties in the document)
CREATES = {
    "iudx": ("/iudx/cat/v1/item", lambda extra: {**s.owner(), **extra}),
    "globalcatalog": ("/globalcatalog/api/v1", _gc),
    "gcat": ("/gcat/items", lambda extra: {"name": "limit-item", "title": "t", "license_id": "cc-by", **extra}),
    "library": ("/library/catalogs", lambda extra: {"displayName": "limit", "type": "Standard", **extra}),
    "action": ("/api/3/action/catalogue_item_create",
               lambda extra: {"kind": "globalcatalog.service", "id": "limit-x", "doc": {**gc_doc("x"), **extra}}),
}


# The software API takes only a catalog's name on import (the rest of the
# body is dropped, never stored): the body and nesting limits apply to it.
SOFTWARE_IMPORT = "/api/marketplace-software-catalogs/import_catalog/"


@pytest.fixture
def token() -> str:
    return factories.SysadminWithToken()["token"]


def _post(app, api: str, body: bytes, token: str):
    url, _make = CREATES[api]
    return app.post(url, data=body, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})


def _shape_names(resp, *words: str) -> None:
    text = resp.get_data(as_text=True)
    assert resp.content_type.startswith("application/json"), text[:200]
    assert all(w in text for w in words), text[:400]


def _nothing_written() -> None:
    assert model.Session.query(model.Package).count() == 0


@pytest.mark.parametrize("api", sorted(CREATES))
def test_tens_of_thousands_of_properties_are_refused(app, token: str, api: str):
    url, make = CREATES[api]
    many = {"bulk": {f"p{i}": i for i in range(30_000)}}
    body = json.dumps(make(many)).encode()
    assert len(body) < 1_048_576  # under the body limit: the property count refuses it
    resp = _post(app, api, body, token)
    assert resp.status_code in (400, 409, 422), resp.status_code
    _shape_names(resp, "ckanext.catalogue.limits.properties")
    _nothing_written()


@pytest.mark.parametrize("api", [*sorted(CREATES), "software"])
def test_a_body_past_its_limit_is_a_413(app, token: str, api: str):
    url, make = CREATES.get(api, (SOFTWARE_IMPORT, lambda extra: {"name": "Spack", **extra}))
    body = json.dumps(make({"huge": "x" * (11 * 1024 * 1024)})).encode()
    resp = app.post(url, data=body, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert resp.status_code == 413
    _shape_names(resp, "ckanext.catalogue.limits.body_size")
    _nothing_written()


@pytest.mark.parametrize("api", sorted(CREATES))
def test_a_long_string_under_the_body_limit_is_refused(app, token: str, api: str):
    _url, make = CREATES[api]
    resp = _post(app, api, json.dumps(make({"essay": "x" * 100_000})).encode(), token)
    assert resp.status_code in (400, 409, 422)
    _shape_names(resp, "essay", "ckanext.catalogue.limits.string_length")
    _nothing_written()


@pytest.mark.parametrize("api", sorted(CREATES))
def test_a_long_array_is_refused(app, token: str, api: str):
    _url, make = CREATES[api]
    resp = _post(app, api, json.dumps(make({"list": list(range(20_000))})).encode(), token)
    assert resp.status_code in (400, 409, 422)
    _shape_names(resp, "ckanext.catalogue.limits.array_length")
    _nothing_written()


@pytest.mark.parametrize("url", [*(u for u, _m in CREATES.values()), "/api/3/action/catalogue_group_create",
                                 "/gcat/groups", "/api/3/action/package_create", SOFTWARE_IMPORT])
def test_json_nested_100000_levels_is_a_400(app, token: str, url: str):
    body = ('{"doc": ' + "[" * 100_000 + "]" * 100_000 + "}").encode()
    resp = app.post(url, data=body, headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    # (The iTwin library answers every invalid create with 422.)
    assert resp.status_code == (422 if url.startswith("/library") else 400), resp.get_data(as_text=True)[:300]
    assert resp.content_type.startswith("application/json")
    _nothing_written()


def test_nesting_past_the_depth_limit_names_it(app, token: str):
    deep: dict = {}
    for _ in range(40):
        deep = {"d": deep}
    resp = _post(app, "globalcatalog", json.dumps(_gc({"deep": deep})).encode(), token)
    assert resp.status_code == 400
    _shape_names(resp, "ckanext.catalogue.limits.depth")


@pytest.mark.ckan_config("ckanext.catalogue.limits.indexed_properties", "50")
def test_only_a_bounded_set_of_properties_becomes_solr_fields(token: str):
    admin = factories.Sysadmin()["name"]
    org = factories.Organization()["id"]
    extra = {f"p{i:04d}": f"v{i}" for i in range(1500)}
    item = catalogue_call(admin, "catalogue_item_create", kind="globalcatalog.service", id="wide", organization=org,
                          doc={**gc_doc("wide"), **extra})
    # Everything is stored and returned...
    assert catalogue_call(admin, "catalogue_item_show", id=item["id"])["doc"]["p1499"] == "v1499"
    # ...but the index document holds at most 50 properties' fields.
    shown = catalogue_call(admin, "package_show", id=item["id"])
    indexed = document.catalogue_index_fields({**shown, "validated_data_dict": json.dumps(shown),
                                              document.EXTRA_DOC: json.dumps({**gc_doc("wide"), **extra})})
    attrs = [k for k in indexed if k.startswith("catalogue_attr_") and k != "catalogue_attr_id"]
    assert len(attrs) == 50
    assert not [k for k in indexed if k.startswith("catalogue_sort_p1")]
    # The index still answers and takes writes.
    catalogue_call(admin, "catalogue_item_create", kind="globalcatalog.service", id="after", organization=org,
                   doc=gc_doc("after"))
    assert catalogue_call(admin, "catalogue_item_search", q="after")["count"] >= 1
