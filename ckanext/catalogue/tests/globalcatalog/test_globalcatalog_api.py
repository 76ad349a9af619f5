"""The Global Catalog API (/globalcatalog/api/v1) over HTTP: entries, children,
archive/restore, visibility without leaks, ETags (304/412), logs, pricing,
artifacts and reparenting."""
from __future__ import annotations

import json

import pytest

from ckan import logic
from ckan.tests import factories

from ckanext.catalogue.tests.helpers import catalogue_call

BASE = "/globalcatalog/api/v1"


def _entry(entry_id: str, kind: str = "service", **more) -> dict:
    return {"id": entry_id, "name": f"name-{entry_id}", "kind": kind, "disabled": False, "tags": ["a", "b"],
            "overview_ui": {"en": {"display_name": f"Display {entry_id}", "description": "desc",
                                   "long_description": "long"},
                            "de": {"display_name": f"Anzeige {entry_id}", "description": "b",
                                   "long_description": "lang"}},
            "images": {"image": "https://img/x.png"}, "provider": {"email": "p@example.org", "name": "Prov"},
            **more}


@pytest.fixture
def gc(clean_db, clean_index):
    """An organization with an admin, an editor and a member, and an outsider."""
    admin, editor, member, outsider = (factories.UserWithToken() for _ in range(4))
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"},
                                        {"name": editor["name"], "capacity": "editor"},
                                        {"name": member["name"], "capacity": "member"}])
    other_org = factories.Organization(users=[{"name": outsider["name"], "capacity": "member"}])

    def headers(user):
        return {"Authorization": f"Bearer {user['token']}"}

    return {"org": org, "other_org": other_org, "admin": admin, "editor": editor, "member": member,
            "outsider": outsider, "h": headers}


def _call(app, method: str, url: str, status: int | None = None, **kwargs):
    resp = getattr(app.client, method)(url, **kwargs)
    if status is not None:
        assert resp.status_code == status, resp.get_data(as_text=True)
    return resp


def _put(app, url, status=None, **kwargs):
    return _call(app, "put", url, status, **kwargs)


def _delete(app, url, status=None, **kwargs):
    return _call(app, "delete", url, status, **kwargs)


def _create(app, gc, body, user="admin", status=201):
    resp = app.post(f"{BASE}/", json=body, headers=gc["h"](gc[user]), status=status)
    return resp.json


def test_create_get_update_and_the_default_projection(app, gc):
    created = _create(app, gc, _entry("svc1", metadata={"pricing": {"type": "paid", "origin": "global_catalog"},
                                                        "ui": {"side_by_side_index": 3}}))
    assert created["id"] == "svc1" and created["kind"] == "service" and created["active"] is False
    assert created["images"] == {"image": "https://img/x.png"}
    assert created["url"].endswith(f"{BASE}/svc1") and created["pricing_tags"] == ["paid"]
    # The id is taken, archived or not.
    _create(app, gc, _entry("svc1"), status=409)

    got = app.get(f"{BASE}/svc1", headers={**gc["h"](gc["editor"]), "Accept-Language": "de"})
    assert got.json["overview_ui"] == {"de": _entry("svc1")["overview_ui"]["de"]}
    assert got.headers["ETag"].startswith("\"")
    assert app.get(f"{BASE}/svc1", headers={**gc["h"](gc["editor"]), "If-None-Match": got.headers["ETag"]}
                   ).status_code == 304
    # The 304 says nothing to those who may not read the entry (private until made public).
    assert app.get(f"{BASE}/svc1", headers={"If-None-Match": got.headers["ETag"]}).status_code == \
        app.get(f"{BASE}/svc1").status_code != 304
    assert app.get(f"{BASE}/svc1?include=metadata.ui", headers=gc["h"](gc["admin"])).json["metadata"] == {
        "ui": {"side_by_side_index": 3}}

    # Full replace: kind service becomes template, tags and name change.
    body = _entry("svc1", kind="template", name="renamed", tags=["x", "y"], url=created["url"])
    updated = _put(app, f"{BASE}/svc1", json=body, headers=gc["h"](gc["editor"])).json
    assert updated["kind"] == "template" and updated["name"] == "renamed" and updated["tags"] == ["x", "y"]
    assert "metadata" not in updated and updated["active"] is False
    # If-Match with the old version: 412 and nothing changed.
    stale = app.client.put(f"{BASE}/svc1", json=_entry("svc1", name="lost"),
                           headers={**gc["h"](gc["editor"]), "If-Match": got.headers["ETag"]})
    assert stale.status_code == 412 and stale.json["status_code"] == 412
    assert app.get(f"{BASE}/svc1", headers=gc["h"](gc["admin"])).json["name"] == "renamed"
    # Bad input names the field.
    bad = app.post(f"{BASE}/", json={**_entry("bad"), "provider": {"name": "x"}}, headers=gc["h"](gc["admin"]),
                   status=400).json
    assert bad["errors"][0]["target"]["name"] == "provider"
    assert _put(app, f"{BASE}/bogus", json=_entry("bogus"), headers=gc["h"](gc["admin"]), status=404)


def test_children_listing_paging_and_q(app, gc):
    _create(app, gc, _entry("root1"))
    _create(app, gc, _entry("root2", tags=["solo"]))
    for i in range(3):
        _create(app, gc, _entry(f"plan{i}", kind="plan", parent_id="root1",
                                metadata={"pricing": {"type": "free" if i else "paid"}}))
    _create(app, gc, _entry("nested", parent_id="root1"))
    admin = gc["h"](gc["admin"])
    plans = app.get(f"{BASE}/root1/plan?_limit=2&sort-by=name&descending=true", headers=admin).json
    assert plans["count"] == 3 and plans["resource_count"] == 2 and "next" in plans
    assert [r["id"] for r in plans["resources"]] == ["plan2", "plan1"]
    assert set(plans["resources"][0]) >= {"name", "kind", "overview_ui", "images", "disabled", "tags", "provider"}
    assert "metadata" not in plans["resources"][0]
    everything = app.get(f"{BASE}/root1/%2A", headers=admin).json
    assert everything["count"] == 4
    assert app.get(f"{BASE}/root1/testString", headers=admin).json["count"] == 0
    assert app.get(f"{BASE}/bogus/service", headers=admin, status=404)
    # q: words and filters; the list holds top-level entries only.
    top = app.get(f"{BASE}/", headers=admin).json
    assert {r["id"] for r in top["resources"]} == {"root1", "root2"}
    assert [r["id"] for r in app.get(f"{BASE}/?q=tag:solo", headers=admin).json["resources"]] == ["root2"]
    free = app.get(f"{BASE}/root1/plan?q=price:free", headers=admin).json
    assert {r["id"] for r in free["resources"]} == {"plan1", "plan2"}
    # depth nests the tree.
    tree = app.get(f"{BASE}/root1?depth=*", headers=admin).json
    assert {c["id"] for c in tree["children"]} == {"plan0", "plan1", "plan2", "nested"}
    # A tree too large for one answer is refused, naming depth.
    from ckanext.catalogue.globalcatalog import views as gc_views
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(gc_views, "DEPTH_MAX_ITEMS", 3)
        refused = app.get(f"{BASE}/root1?depth=*", headers=admin, status=400).json
        assert "depth" in str(refused) and "more than 3" in str(refused)
    # The list's ETag gives 304.
    etag = app.get(f"{BASE}/root1/plan", headers=admin).headers["ETag"]
    assert app.get(f"{BASE}/root1/plan", headers={**admin, "If-None-Match": etag}).status_code == 304


def test_archive_restore_and_force_delete(app, gc):
    admin = gc["h"](gc["admin"])
    _create(app, gc, _entry("gone"))
    assert _delete(app, f"{BASE}/gone", headers=admin).json == {}
    assert app.get(f"{BASE}/gone", headers=admin, status=404)
    # Even a client naming the archived version gets no 304.
    archived = catalogue_call(gc["admin"]["name"], "catalogue_item_etag", id="gone")
    assert archived["state"] == "deleted"
    assert app.get(f"{BASE}/gone", headers={**admin, "If-None-Match": archived["etag"]}, status=404)
    assert _put(app, f"{BASE}/gone/restore", headers=admin).status_code == 200
    assert app.get(f"{BASE}/gone", headers=admin).json["name"] == "name-gone"
    # Restoring a live entry and archiving a missing one are both fine.
    assert _put(app, f"{BASE}/gone/restore", headers=admin).status_code == 200
    assert _delete(app, f"{BASE}/bogus", headers=admin).status_code == 200
    assert _put(app, f"{BASE}/bogus/restore", headers=admin, status=404)
    # force purges, even an archived entry, so the id is free again.
    _delete(app, f"{BASE}/gone", headers=admin)
    assert _delete(app, f"{BASE}/gone?force=true", headers=admin).status_code == 200
    _create(app, gc, _entry("gone"))


def test_visibility_inherits_and_never_leaks(app, gc):
    admin, member, outsider = gc["h"](gc["admin"]), gc["h"](gc["member"]), gc["h"](gc["outsider"])
    _create(app, gc, _entry("vroot"))
    _create(app, gc, _entry("vchild", kind="plan", parent_id="vroot"))
    # New entries are private: the organization sees them, nobody else.
    assert app.get(f"{BASE}/vroot/visibility", headers=admin).json["restrictions"] == "private"
    assert app.get(f"{BASE}/vroot", headers=member).status_code == 200
    assert app.get(f"{BASE}/vroot", headers=outsider, status=404)  # hidden reads as unknown
    assert app.get(f"{BASE}/", headers=outsider).json["count"] == 0
    assert app.get(f"{BASE}/").json["count"] == 0
    # Only admins of the organization change visibility.
    _put(app, f"{BASE}/vroot/visibility", json={"restrictions": "public"}, headers=gc["h"](gc["editor"]),
            status=403)
    _put(app, f"{BASE}/vroot/visibility", json={"restrictions": "public"}, headers=admin)
    # The child is still private; made public, it shows what its parent shows.
    assert app.get(f"{BASE}/vroot/%2A").json["count"] == 0
    _put(app, f"{BASE}/vchild/visibility", json={"restrictions": "public"}, headers=admin)
    assert app.get(f"{BASE}/vroot/%2A").json["count"] == 1
    assert app.get(f"{BASE}/vchild").status_code == 200
    # The parent made private again hides the public child too (search and get).
    _put(app, f"{BASE}/vroot/visibility", json={"restrictions": "private",
                                             "include": {"accounts": {gc["outsider"]["name"]: ""}}},
            headers=admin)
    assert app.get(f"{BASE}/vchild", status=404)  # hidden reads as unknown
    assert app.get(f"{BASE}/").json["count"] == 0
    # The included user sees both; then excluded (by organization), neither.
    assert app.get(f"{BASE}/vchild", headers=outsider).status_code == 200
    assert app.get(f"{BASE}/vroot/%2A", headers=outsider).json["count"] == 1
    _put(app, f"{BASE}/vroot/visibility", json={"restrictions": "public",
                                             "exclude": {"accounts": {gc["other_org"]["name"]: ""}}},
            headers=admin)
    assert app.get(f"{BASE}/", headers=outsider).json["count"] == 0
    assert app.get(f"{BASE}/vchild", headers=outsider, status=404)
    assert app.get(f"{BASE}/").json["count"] == 1
    shown = app.get(f"{BASE}/vroot/visibility", headers=admin).json
    assert shown["exclude"] == {"accounts": {gc["other_org"]["name"]: ""}} and shown["owner"] == gc["org"]["name"]
    assert app.get(f"{BASE}/bogus/visibility", headers=admin, status=404)


def test_reparenting_needs_move(app, gc):
    admin = gc["h"](gc["admin"])
    for name in ("a", "b"):
        _create(app, gc, _entry(name))
    _create(app, gc, _entry("c", parent_id="a"))
    _create(app, gc, _entry("d", kind="plan", parent_id="c"))
    # A different parent without move=true, and move=true without a change: 400.
    _put(app, f"{BASE}/c", json=_entry("c", parent_id="b"), headers=admin, status=400)
    _put(app, f"{BASE}/c?move=true", json=_entry("c", parent_id="a"), headers=admin, status=400)
    # No cycles.
    _put(app, f"{BASE}/a?move=true", json=_entry("a", parent_id="c"), headers=admin, status=400)
    moved = _put(app, f"{BASE}/c?move=true", json=_entry("c", parent_id="b"), headers=gc["h"](gc["editor"])).json
    assert moved["parent_id"] == "b"
    # The move is in the entry's log.
    latest = app.get(f"{BASE}/c/logs", headers=admin).json["resources"][0]
    assert latest["type"] == "update" and latest["who_name"] == gc["editor"]["name"]
    # The subtree moved with it: b's descendants now hold d.
    assert {c["id"] for c in app.get(f"{BASE}/b?depth=*", headers=admin).json["children"][0]["children"]} == {"d"}
    assert app.get(f"{BASE}/a/%2A", headers=admin).json["count"] == 0
    # move=true without a parent moves to the root.
    _put(app, f"{BASE}/c?move=true", json=_entry("c"), headers=admin)
    assert "c" in {r["id"] for r in app.get(f"{BASE}/", headers=admin).json["resources"]}


def test_logs_pricing_and_artifacts(app, gc):
    admin, editor, member = gc["h"](gc["admin"]), gc["h"](gc["editor"]), gc["h"](gc["member"])
    _create(app, gc, _entry("p", metadata={"pricing": {"type": "paid", "origin": "global_catalog"}}))
    _create(app, gc, _entry("np"))
    _put(app, f"{BASE}/p", json=_entry("p", name="p2", metadata={"pricing": {"type": "paid"}}), headers=editor)
    logs = app.get(f"{BASE}/p/logs", headers=editor).json
    assert logs["count"] == 2 and [m["type"] for m in logs["resources"]] == ["update", "create"]
    assert logs["resources"][0]["who_name"] == gc["editor"]["name"]
    assert app.get(f"{BASE}/p/logs?ascending=true&_limit=1", headers=editor).json["resources"][0]["type"] == "create"
    app.get(f"{BASE}/p/logs", headers=member, status=403)
    app.get(f"{BASE}/p/logs?_limit=x", headers=editor, status=400)

    assert app.get(f"{BASE}/p/pricing", headers=member).json["type"] == "paid"
    app.get(f"{BASE}/np/pricing", headers=admin, status=404)
    app.get(f"{BASE}/bogus/pricing", headers=admin, status=404)
    assert app.get(f"{BASE}/p/pricing/deployment", headers=admin).json["count"] == 0

    body = b'{"someKey": "someValue"}'
    uploaded = _put(app, f"{BASE}/p/artifacts/some.json", 200, data=body,
                    headers={**editor, "Content-Type": "application/json"}).json
    assert uploaded["size"] == 24 and uploaded["etag"]
    listed = app.get(f"{BASE}/p/artifacts", headers=member).json
    assert listed["count"] == 1 and listed["resources"][0]["size"] == 24
    assert listed["resources"][0]["url"].endswith(f"{BASE}/p/artifacts/some.json")
    got = app.get(f"{BASE}/p/artifacts/some.json", headers=member)
    assert got.body == body.decode() and got.headers["Content-Type"].startswith("application/json")
    assert app.get(f"{BASE}/p/artifacts/some.json", headers={**member, "If-None-Match": got.headers["ETag"]}
                   ).status_code == 304
    assert app.client.put(f"{BASE}/p/artifacts/x", data=b"1", headers=member).status_code == 403
    with pytest.raises(logic.ValidationError) as cache:
        catalogue_call(gc["editor"]["name"], "catalogue_item_artifact_upload", id="p", name="/cache/x", content=b"1")
    assert "/cache/" in str(cache.value.error_dict["name"])
    assert app.get(f"{BASE}/bogus/artifacts", headers=admin).json == {"count": 0, "resources": []}
    assert _delete(app, f"{BASE}/p/artifacts/bogus", headers=editor).status_code == 200
    assert _delete(app, f"{BASE}/bogus/artifacts/bogus", headers=editor, status=404)
    assert _delete(app, f"{BASE}/p/artifacts/some.json", headers=editor).status_code == 200
    # Any character in a path reaches the API's own answer, a newline too.
    odd = _delete(app, f"{BASE}/p/artifacts/a%0Ab", headers=editor)
    assert odd.status_code == 400 and odd.is_json
    assert app.get(f"{BASE}/p/x%0Ay/z/w", headers=admin, status=404).json["errors"]
    app.get(f"{BASE}/p/artifacts/some.json", headers=member, status=404)
    assert app.get(f"{BASE}/p/artifacts", headers=member).json["count"] == 0


def test_a_refused_field_named_by_a_lone_surrogate_is_a_400_in_the_catalog_s_shape(app, gc):
    """A document key that is not valid Unicode text is refused, and the
    answer naming it is still written (escaped), not a 500."""
    body = json.dumps({**_entry("odd"), "\ud800": 1})  # json escapes the lone surrogate
    resp = app.post(f"{BASE}/", data=body, content_type="application/json", headers=gc["h"](gc["admin"]),
                    status=400)
    refused = json.loads(resp.get_data())
    assert refused["errors"][0]["target"]["name"] == "\ud800"
    assert app.get(f"{BASE}/odd", headers=gc["h"](gc["admin"]), status=404)
