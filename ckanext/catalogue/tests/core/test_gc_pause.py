"""The cyclic collector's pause around large answers: restored as it was
after nested and concurrent blocks, and held while a Global Catalog tree
(``depth``) and a large page of items are built."""
from __future__ import annotations

import contextlib
import gc
import json
import threading

import pytest

from ckanext.catalogue.core import gc_pause, store
from ckanext.catalogue.core.gc_pause import catalogue_gc_paused
from ckanext.catalogue.globalcatalog import views as gc_views
from ckanext.catalogue.tests.helpers import catalogue_call


@pytest.fixture
def collector_on():
    """The collector on for the test, and as it was afterwards (whatever
    the test did to it: a collector left off would keep every reference
    cycle of the tests after, database connections included)."""
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_nested_blocks_restore_the_collector_when_the_outer_one_ends():
    with catalogue_gc_paused():
        assert not gc.isenabled()
        with catalogue_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_a_collector_off_before_stays_off():
    gc.disable()
    with catalogue_gc_paused():
        pass
    assert not gc.isenabled()


@pytest.mark.usefixtures("collector_on")
def test_overlapping_threads_share_one_pause():
    first_in, second_done, seen = threading.Event(), threading.Event(), []

    def first() -> None:
        with catalogue_gc_paused():
            first_in.set()
            second_done.wait(5)
            seen.append(gc.isenabled())  # the other thread left: still paused for this one

    worker = threading.Thread(target=first)
    worker.start()
    first_in.wait(5)
    with catalogue_gc_paused():
        pass
    second_done.set()
    worker.join(5)
    assert seen == [False]
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_on", "with_plugins", "clean_db", "clean_index")
def test_a_tree_and_a_large_page_are_built_with_the_collector_paused(app, monkeypatch):
    from ckan.tests import factories

    admin = factories.SysadminWithToken()
    org = factories.Organization()
    doc = {"disabled": False, "tags": ["t"], "images": {"image": "i"}, "provider": {"name": "p", "email": "p@example.org"},
           "overview_ui": {"en": {"display_name": "D", "description": "d", "long_description": "l"}}}
    catalogue_call(admin["name"], "catalogue_item_create", kind="globalcatalog.service", id="tree-root",
                   organization=org["name"], private=False, doc={**doc, "name": "tree-root"})
    catalogue_call(admin["name"], "catalogue_item_create", kind="globalcatalog.plan", id="tree-plan", parent="tree-root",
                   private=False, doc={**doc, "name": "tree-plan"})
    seen: list[str] = []
    shape, pause = gc_views._with_children, store.catalogue_gc_paused

    def shaping(*args, **kwargs):
        seen.append(f"tree built, collector {'on' if gc.isenabled() else 'paused'}")
        return shape(*args, **kwargs)

    @contextlib.contextmanager
    def pausing():
        with pause():
            seen.append("search paused")
            yield

    monkeypatch.setattr(gc_views, "_with_children", shaping)
    monkeypatch.setattr(store, "catalogue_gc_paused", pausing)
    tree = app.get("/globalcatalog/api/v1/tree-root?depth=*",
                   headers={"Authorization": f"Bearer {admin['token']}"}).json
    assert [c["id"] for c in tree["children"]] == ["tree-plan"]
    # The tree is one search of a large page, nested in the tree's pause.
    assert seen == ["tree built, collector paused", "search paused"]
    seen.clear()
    catalogue_call(admin["name"], "catalogue_item_search", limit=10)
    assert seen == []
    assert catalogue_call(admin["name"], "catalogue_item_search", limit=1000)["count"] == 2
    assert seen == ["search paused"]
    assert gc.isenabled()

    # The tree's pause ends once the answer is sent (closed), after its
    # dicts are freed: not while they are all still held.
    client = app.flask_app.test_client()
    answer = client.get("/globalcatalog/api/v1/tree-root?depth=*",
                        headers={"Authorization": f"Bearer {admin['token']}"}, buffered=False)
    body = b"".join(answer.response)
    assert not gc.isenabled()
    answer.close()
    assert gc.isenabled()
    assert json.loads(body)["children"][0]["id"] == "tree-plan"


@pytest.mark.usefixtures("collector_on")
def test_a_pause_ends_once_whoever_ends_it():
    end = gc_pause.catalogue_gc_pause()
    with catalogue_gc_paused():
        end()
        end()  # a second end of the same pause changes nothing
        assert not gc.isenabled()
    assert gc.isenabled()
