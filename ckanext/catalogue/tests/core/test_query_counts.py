"""N+1 guard: the SQL statements and Solr requests of the main read paths
stay the same when the catalogue holds more items."""
from __future__ import annotations

import pysolr
import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.catalogue.core import bulk
from ckanext.catalogue.logic.action import item as item_actions
from ckanext.catalogue.tests.helpers import catalogue_call
from ckanext.catalogue.tests.iudx import samples as s


class _Counter:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sql = self.solr = 0
        original = pysolr.Solr._send_request

        def counted(solr: pysolr.Solr, *args, **kwargs):
            self.solr += 1
            return original(solr, *args, **kwargs)

        # Counts, then sends to the real Solr.
        monkeypatch.setattr(pysolr.Solr, "_send_request", counted)
        sa.event.listen(model.meta.engine, "before_cursor_execute", self._statement)

    def _statement(self, *args) -> None:
        self.sql += 1

    def close(self) -> None:
        sa.event.remove(model.meta.engine, "before_cursor_execute", self._statement)

    def measure(self, app, url: str, headers: dict[str, str] | None) -> tuple[int, int]:
        app.get(url, headers=headers)  # warm: caches of the first request are not what grows
        self.sql = self.solr = 0
        resp = app.get(url, headers=headers)
        assert resp.status_code == 200, (url, resp.body[:300])
        return self.sql, self.solr


def _grow(t: dict[str, str], start: int, count: int) -> dict[str, int]:
    records = [{"doc": s.resource(t["rg"], t["provider"], name=f"probe-{n}")} for n in range(start, start + count)]
    records += [{"doc": s.resource_group(t["provider"], t["rs"], name=f"probe-group-{n}")}
                for n in range(start, start + count)]
    records += [{"kind": "gcat.item", "doc": {"license_id": "cc-by", "name": f"gauge-{n}", "title": f"Gauge {n}", "tags": [{"name": "rain"}]}}
                for n in range(start, start + count)]
    records += [{"kind": "library.catalog", "organization": t["provider_org"],
                 "doc": {"displayName": f"Catalog {n}", "hashtags": ["lib"]}} for n in range(start, start + count)]
    result = catalogue_call(t["sysadmin"], "catalogue_item_bulk_create", records=records)
    assert not result["errors"], result["errors"][:2]
    return result["written"]


def _archive(t: dict[str, str], start: int, count: int) -> None:
    """Archive (to the trash) gCat items like those _grow makes."""
    for n in range(start, start + count):
        made = catalogue_call(t["sysadmin"], "catalogue_item_create", kind="gcat.item",
                              doc={"license_id": "cc-by", "name": f"binned-{n}", "title": f"Binned {n}"})
        catalogue_call(t["sysadmin"], "catalogue_item_delete", id=made["id"])


def test_read_paths_cost_the_same_with_more_items(app, iudx_tree, monkeypatch):
    t = iudx_tree
    token = tk.get_action("api_token_create")({"user": t["sysadmin"], "ignore_auth": True},
                                              {"user": t["sysadmin"], "name": "counts"})["token"]
    auth = {"Authorization": token}
    paths = [
        (f"/iudx/cat/v1/item?id={t['rg']}", None),
        (f"/iudx/cat/v1/search?property=[provider]&value=[[{t['provider']}]]&limit=100", None),
        (f"/iudx/cat/v1/relationship?id={t['rg']}&rel=resource&limit=100", None),
        ("/iudx/cat/v1/list/resourceGroup?limit=100", None),
        ("/gcat/items?limit=100", None),
        (f"/library/catalogs?$top=100&organization={t['provider_org']}", auth),
        (f"/api/3/action/catalogue_item_children?id={t['provider']}&depth=all&limit=100", None),
        (f"/api/3/action/catalogue_item_ancestors?id={t['resource']}", None),
        (f"/catalogue/{t['rg']}", None),
        # The portal's pages a large catalogue must keep usable: the search
        # page, a page of an item's children, the trash, a provider's dashboard.
        ("/catalogue/", None),
        (f"/catalogue-admin/item/{t['rg']}/children", None),
        ("/catalogue-admin/trash", auth),
        (f"/catalogue-admin/dashboard?organization={model.Group.get(t['provider_org']).name}", auth),
    ]
    _grow(t, 0, 2)
    _archive(t, 0, 2)
    counter = _Counter(monkeypatch)
    try:
        small = {url: counter.measure(app, url, h) for url, h in paths}
        counter.close()
        _grow(t, 2, 25)
        _archive(t, 2, 25)
        counter = _Counter(monkeypatch)
        large = {url: counter.measure(app, url, h) for url, h in paths}
    finally:
        counter.close()
    grown = {url: (small[url], large[url]) for url in small if small[url] != large[url]}
    assert not grown, f"(sql, solr) with 2 vs 27 items per collection: {grown}"


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_an_archive_is_one_write_and_one_index_pass(monkeypatch):
    """The archive time and the deleted state are committed together and
    indexed once: one Solr update (with its commit), not one per step."""
    admin = factories.Sysadmin()["name"]
    item = catalogue_call(admin, "catalogue_item_create", kind="gcat.item", doc={"license_id": "cc-by", "name": "archived", "title": "A"})
    updates: list[str] = []
    original = pysolr.Solr._send_request

    def counted(solr: pysolr.Solr, method: str, path: str = "", *args, **kwargs):
        if path.startswith("update"):
            updates.append(path)
        return original(solr, method, path, *args, **kwargs)

    monkeypatch.setattr(pysolr.Solr, "_send_request", counted)
    assert catalogue_call(admin, "catalogue_item_delete", id=item["id"])["state"] == "deleted"
    assert len(updates) == 1, updates
    archived = catalogue_call(admin, "catalogue_item_show", id=item["id"])
    assert archived["state"] == "deleted"
    found = catalogue_call(admin, "catalogue_item_search", ids=[item["id"]])
    assert found["count"] == 0  # the next search no longer finds it


def _bulk_write_cost(t: dict[str, str], monkeypatch: pytest.MonkeyPatch, start: int, count: int) -> tuple[int, int]:
    """SQL statements of the bulk writer's validation (CKAN's create
    schema), write and index steps, and Solr requests of the whole call
    (posted from a background thread), for one bulk create."""
    counter = _Counter(monkeypatch)
    measured = {"sql": 0, "solr": 0}
    validate, insert, index = bulk.catalogue_bulk_validate, bulk.catalogue_bulk_insert, bulk.catalogue_bulk_index

    def counted(fn, *args, **kwargs):
        counter.sql = counter.solr = 0
        result = fn(*args, **kwargs)
        measured["sql"] += counter.sql
        measured["solr"] += counter.solr
        return result

    with monkeypatch.context() as patch:
        patch.setattr(bulk, "catalogue_bulk_validate", lambda *a, **k: counted(validate, *a, **k))
        patch.setattr(bulk, "catalogue_bulk_insert", lambda *a, **k: counted(insert, *a, **k))
        patch.setattr(bulk, "catalogue_bulk_index", lambda *a, **k: counted(index, *a, **k))
        try:
            counter.solr = 0
            written = _grow(t, start, count)  # resources and groups, gCat items, library catalogs
            solr_requests = counter.solr
        finally:
            counter.close()
    assert written == {"bulk": 4 * count, "single": 0}
    return measured["sql"], solr_requests


def test_the_bulk_writer_costs_the_same_statements_per_batch(iudx_tree, monkeypatch):
    """Validating, writing and indexing a batch takes as many SQL statements
    for 30 items as for 3, and its documents go to Solr in one post and one commit."""
    _grow(iudx_tree, 0, 1)  # the tags exist from here on (a new tag is one more insert)
    small = _bulk_write_cost(iudx_tree, monkeypatch, 1, 1)
    large = _bulk_write_cost(iudx_tree, monkeypatch, 2, 10)
    assert small == large, (small, large)
    assert large[1] == 2  # one post of the 30 documents, one commit


def test_records_under_distinct_parents_cost_no_statement_per_parent(iudx_tree, monkeypatch):
    """A bulk call whose records each name another parent reads the
    parents in one go: 10 records under 10 parents cost as many SQL
    statements as 10 records under one."""
    t = iudx_tree
    groups = [catalogue_call(t["sysadmin"], "catalogue_item_create",
                             doc=s.resource_group(t["provider"], t["rs"], name=f"group-{n}"))["id"] for n in range(10)]

    def cost(names: list[str], parents: list[str]) -> int:
        counter = _Counter(monkeypatch)
        try:
            counter.sql = 0
            result = catalogue_call(t["sysadmin"], "catalogue_item_bulk_create", records=[
                {"doc": s.resource(parent, t["provider"], name=name)} for name, parent in zip(names, parents, strict=True)])
            assert not result["errors"], result["errors"][:2]
            return counter.sql
        finally:
            counter.close()

    cost(["warm"], groups[:1])  # the tags exist from here on
    one_parent = cost([f"a-{n}" for n in range(10)], groups[:1] * 10)
    assert cost([f"b-{n}" for n in range(10)], groups) == one_parent


def test_the_ids_loaded_ahead_are_bounded_and_the_rest_looked_up(iudx_tree, monkeypatch):
    """However many ids a bulk call's records hold, the query that loads
    them ahead asks for at most the bound; the records naming the others
    are checked as before."""
    t = iudx_tree
    groups = [catalogue_call(t["sysadmin"], "catalogue_item_create",
                             doc=s.resource_group(t["provider"], t["rs"], name=f"group-{n}"))["id"] for n in range(5)]
    monkeypatch.setattr(item_actions, "_NAMED_ITEMS_MAX", 2)
    largest: list[int] = [0]

    def statement(_conn, _cursor, sql, parameters, *_args) -> None:
        # The load ahead: whole items by id (the other catalogue_item reads
        # either name one value or select ids only).
        if "catalogue_item.kind AS" in sql and "catalogue_item.id IN (" in sql:
            largest[0] = max(largest[0], len(parameters))

    sa.event.listen(model.meta.engine, "before_cursor_execute", statement)
    try:
        result = catalogue_call(t["sysadmin"], "catalogue_item_bulk_create", records=[
            {"doc": s.resource(group, t["provider"], name=f"c-{n}")} for n, group in enumerate(groups)])
    finally:
        sa.event.remove(model.meta.engine, "before_cursor_execute", statement)
    assert not result["errors"] and len(result["created"]) == 5
    assert 0 < largest[0] <= 2
