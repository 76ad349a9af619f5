"""DELETE and PURGE on /gcat/items: gCat's bulk removal (its API docs,
resource_Item: "returns immediately to the client and continues in
background"; the invoking user's items, everyone's with own_only=false for
a Catalogue-Admin or above, ignored for others; deleted items go to the
trash, purge=true removes them), run by the real RQ worker."""
from __future__ import annotations

import pytest

from ckan import model
from ckan.lib import jobs

QUEUE = "catalogue-tests"  # test.ini's ckanext.catalogue.jobs.queue

pytestmark = pytest.mark.usefixtures("with_test_worker")


@pytest.fixture(autouse=True)
def empty_queue():
    jobs.get_queue(QUEUE).empty()


def _run_jobs() -> None:
    jobs.Worker([QUEUE]).work(burst=True)


def _state(name: str) -> str | None:
    model.Session.remove()
    pkg = model.Package.get(name)
    return pkg.state if pkg is not None else None


def _items(app, headers, owner: str, names: list[str]) -> None:
    for name in names:
        made = app.post("/gcat/items", json={"name": name, "license_id": "cc-by"}, headers=headers[owner])
        assert made.status_code == 201, made.body


def test_delete_takes_the_callers_own_items_to_the_trash(app, role_headers):
    _items(app, role_headers, "editor", ["mine-1", "mine-2"])
    _items(app, role_headers, "admin", ["theirs"])
    # An editor asking for everyone's gets their own: own_only is ignored for them.
    resp = app.client.delete("/gcat/items?own_only=false", headers=role_headers["editor"])
    assert resp.status_code == 202, resp.get_data(as_text=True)
    assert resp.json["own_only"] is True and resp.json["purge"] is False
    assert _state("mine-1") == "active"  # nothing happens before the worker runs
    _run_jobs()
    assert (_state("mine-1"), _state("mine-2"), _state("theirs")) == ("deleted", "deleted", "active")
    trash = app.get("/gcat/trash", headers=role_headers["editor"]).json
    assert sorted(trash["items"]) == ["mine-1", "mine-2"]


def test_purge_and_own_only_false_for_a_catalogue_admin(app, role_headers):
    _items(app, role_headers, "editor", ["e-1"])
    _items(app, role_headers, "admin", ["a-1"])
    assert app.client.delete("/gcat/items/e-1", headers=role_headers["editor"]).status_code == 204
    resp = app.client.open("/gcat/items?own_only=false", method="PURGE", headers=role_headers["admin"])
    assert resp.status_code == 202 and resp.json == {**resp.json, "own_only": False, "purge": True}
    _run_jobs()
    # Purged for good, those in the trash too; the names are free again.
    assert (_state("e-1"), _state("a-1")) == (None, None)
    _items(app, role_headers, "editor", ["e-1"])


def test_delete_with_purge_true_is_a_purge(app, role_headers):
    _items(app, role_headers, "editor", ["gone"])
    assert app.client.delete("/gcat/items?purge=true", headers=role_headers["editor"]).status_code == 202
    _run_jobs()
    assert _state("gone") is None


def test_who_may_ask(app, role_headers):
    _items(app, role_headers, "editor", ["kept"])
    assert app.client.delete("/gcat/items").status_code == 401
    # A member owns nothing: the job removes nothing of anyone else's.
    assert app.client.delete("/gcat/items?own_only=false", headers=role_headers["member"]).status_code == 202
    _run_jobs()
    assert _state("kept") == "active"
