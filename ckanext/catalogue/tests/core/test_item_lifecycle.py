"""Archive, restore, retention purge and forced purge of catalogue items,
through the core actions (every dialect's deletes go through them)."""
from __future__ import annotations

import pytest

from ckan import logic
from ckan.tests import factories, helpers

from ckanext.catalogue.tests.helpers import catalogue_call, run_ckan


def _search_ids(caller: str, **query) -> list[str]:
    return [i["id"] for i in catalogue_call(caller, "catalogue_item_search", limit=100, **query)["results"]]


def test_archive_then_restore_keeps_every_field(iudx_tree):
    admin, rg, resource = iudx_tree["sysadmin"], iudx_tree["rg"], iudx_tree["resource"]
    before = catalogue_call(admin, "catalogue_item_show", id=resource)
    # An item with children is not archived.
    with pytest.raises(logic.ValidationError):
        catalogue_call(admin, "catalogue_item_delete", id=rg)
    assert catalogue_call(admin, "catalogue_item_delete", id=resource) == {"id": resource, "state": "deleted"}
    assert resource not in _search_ids(admin, ancestor=[rg])
    assert catalogue_call(admin, "catalogue_item_show", id=resource)["state"] == "deleted"
    restored = catalogue_call(admin, "catalogue_item_restore", id=resource)
    assert restored["state"] == "active"
    assert restored["doc"] == before["doc"] and restored["ancestors"] == before["ancestors"]
    assert resource in _search_ids(admin, ancestor=[rg])
    with pytest.raises(logic.ValidationError) as not_archived:
        catalogue_call(admin, "catalogue_item_restore", id=resource)
    assert "not archived" in str(not_archived.value.error_dict)

    # A child waits for its parent's restore.
    catalogue_call(admin, "catalogue_item_delete", id=resource)
    catalogue_call(admin, "catalogue_item_delete", id=rg)
    with pytest.raises(logic.ValidationError) as parent_archived:
        catalogue_call(admin, "catalogue_item_restore", id=resource)
    assert "parent" in parent_archived.value.error_dict
    catalogue_call(admin, "catalogue_item_restore", id=rg)
    catalogue_call(admin, "catalogue_item_restore", id=resource)

    # Restoring is writing: a user without a catalogue role may not (nor
    # even learn that the archived item is there).
    catalogue_call(admin, "catalogue_item_delete", id=resource)
    with pytest.raises(logic.NotFound):
        catalogue_call(factories.User()["name"], "catalogue_item_restore", id=resource)


def test_retention_purge_and_forced_purge(iudx_tree, ckan_config, monkeypatch):
    admin, resource, rg = iudx_tree["sysadmin"], iudx_tree["resource"], iudx_tree["rg"]
    catalogue_call(admin, "catalogue_item_delete", id=resource)
    # Within the retention period nothing goes.
    assert catalogue_call(admin, "catalogue_item_purge_expired") == {"purged": []}
    with pytest.raises(logic.NotAuthorized):
        catalogue_call(factories.User()["name"], "catalogue_item_purge_expired")
    monkeypatch.setitem(ckan_config, "ckanext.catalogue.archive_retention_days", 0)
    assert catalogue_call(admin, "catalogue_item_purge_expired") == {"purged": [resource]}
    with pytest.raises(logic.NotFound):
        catalogue_call(admin, "catalogue_item_show", id=resource)

    # force: gone at once; an item that does not exist is not an error.
    assert catalogue_call(admin, "catalogue_item_delete", id=rg, force=True) == {"id": rg, "state": "purged"}
    assert catalogue_call(admin, "catalogue_item_delete", id=rg, force=True) == {"id": rg, "state": "absent"}
    with pytest.raises(logic.NotFound):
        catalogue_call(admin, "catalogue_item_show", id=rg)


def test_purge_expired_command(iudx_tree):
    admin, resource = iudx_tree["sysadmin"], iudx_tree["resource"]
    catalogue_call(admin, "catalogue_item_delete", id=resource)
    kept = run_ckan("catalogue", "purge-expired")
    assert kept.returncode == 0 and kept.stdout.strip() == "purged 0 item(s)"
    gone = run_ckan("catalogue", "purge-expired", "--days", "0")
    assert gone.returncode == 0 and gone.stdout.strip() == "purged 1 item(s)"
    assert helpers.call_action("package_search", q=f"id:{resource}", include_private=True,
                               include_deleted=True)["count"] == 0


def test_if_match_refuses_a_stale_version_and_changes_nothing(iudx_tree):
    admin, resource = iudx_tree["sysadmin"], iudx_tree["resource"]
    first = catalogue_call(admin, "catalogue_item_show", id=resource)
    assert first["etag"].startswith('"') and first["etag"] == catalogue_call(
        admin, "catalogue_item_show", id=resource)["etag"]
    changed = catalogue_call(admin, "catalogue_item_patch", id=resource, doc={"description": "one"},
                             if_match=first["etag"])
    assert changed["etag"] != first["etag"]
    # A second writer still holding the first version is refused.
    with pytest.raises(logic.ValidationError) as stale:
        catalogue_call(admin, "catalogue_item_patch", id=resource, doc={"description": "two"},
                       if_match=first["etag"])
    assert stale.value.code == "precondition"
    with pytest.raises(logic.ValidationError):
        catalogue_call(admin, "catalogue_item_delete", id=resource, if_match=first["etag"])
    now = catalogue_call(admin, "catalogue_item_show", id=resource)
    assert now["doc"]["description"] == "one" and now["state"] == "active"
    assert catalogue_call(admin, "catalogue_item_patch", id=resource, doc={"description": "three"},
                          if_match="*")["doc"]["description"] == "three"


def test_log_pages_newest_first_with_limits(iudx_tree):
    admin, resource = iudx_tree["sysadmin"], iudx_tree["resource"]
    for n in range(3):
        catalogue_call(admin, "catalogue_item_patch", id=resource, doc={"description": f"v{n}"})
    log = catalogue_call(admin, "catalogue_item_log", id=resource)
    assert log["count"] == 4 and log["limit"] == 50 and log["offset"] == 0
    assert [e["type"] for e in log["resources"]] == ["update", "update", "update", "create"]
    assert [e["data"]["doc"]["description"] for e in log["resources"][:3]] == ["v2", "v1", "v0"]
    assert log["resources"][0]["who"]["name"] == admin and log["resources"][0]["who"]["email"]
    oldest = catalogue_call(admin, "catalogue_item_log", id=resource, ascending=True, limit=2, offset=1)
    assert [e["data"]["doc"]["description"] for e in oldest["resources"]] == ["v0", "v1"]
    assert oldest["count"] == 4
    future = catalogue_call(admin, "catalogue_item_log", id=resource, ascending=True, startat="4102444800")
    assert future["count"] == 0
    past = catalogue_call(admin, "catalogue_item_log", id=resource, startat="2001-01-01T00:00:00Z")
    assert past["count"] == 0
    for bad in ({"limit": 201}, {"offset": -1}, {"startat": "yesterday"}):
        with pytest.raises(logic.ValidationError):
            catalogue_call(admin, "catalogue_item_log", id=resource, **bad)
    # Only those who may change the item read its log.
    with pytest.raises(logic.NotAuthorized):
        catalogue_call(factories.User()["name"], "catalogue_item_log", id=resource)


def test_trash_list_pages_its_rows(iudx_tree):
    admin, rg, resource = iudx_tree["sysadmin"], iudx_tree["rg"], iudx_tree["resource"]
    catalogue_call(admin, "catalogue_item_delete", id=resource)
    catalogue_call(admin, "catalogue_item_delete", id=rg)
    plain = factories.Dataset(name="zz-plain-dataset", owner_org=factories.Organization()["id"])
    helpers.call_action("package_delete", {"user": admin}, id=plain["id"])

    everything = catalogue_call(admin, "catalogue_trash_list")
    assert "item_rows" not in everything and len(everything["items"]) == 3

    first = catalogue_call(admin, "catalogue_trash_list", limit=2)
    second = catalogue_call(admin, "catalogue_trash_list", limit=2, offset=2)
    assert first["item_count"] == second["item_count"] == 3
    assert first["items"] + second["items"] == everything["items"]
    rows = {row["id"]: row for row in first["item_rows"] + second["item_rows"]}
    assert rows[resource]["kind"] == "iudx.resource" and rows[rg]["kind"] == "iudx.resource_group"
    assert rows[plain["id"]]["kind"] is None and rows[plain["id"]]["name"] == "zz-plain-dataset"
    with pytest.raises(logic.ValidationError) as bad:
        catalogue_call(admin, "catalogue_trash_list", limit=-1)
    assert "limit" in bad.value.error_dict
