"""Item visibility through the core actions and CKAN's own: counts, facets,
children, package_search and package_show show each caller exactly what it
may see; moves keep the subtree's ancestors and visibility."""
from __future__ import annotations

import pytest

from ckan import logic
from ckan.tests import factories, helpers

from ckanext.catalogue.tests.conftest import catalogue_call

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")

SERVICE, PLAN = "globalcatalog.service", "globalcatalog.plan"


def _doc(name: str) -> dict:
    return {"name": name, "disabled": False, "tags": ["shared"], "images": {"image": "i"},
            "overview_ui": {"en": {"display_name": name, "description": "d", "long_description": "l"}},
            "provider": {"name": "p", "email": "p@example.org"}}


def _ids(caller, **query) -> set[str]:
    return {i["id"] for i in catalogue_call(caller, "catalogue_item_search", limit=100, **query)["results"]}


def _ckan_ids(caller) -> set[str]:
    found = helpers.call_action("package_search", context={"user": caller or "", "ignore_auth": False},
                                include_private=True, rows=100, fq="dataset_type:catalogue")
    return {r["id"] for r in found["results"]}


def test_visibility_is_the_same_in_every_read():
    admin, outsider, friend = factories.User(), factories.User(), factories.User()
    factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
    other = factories.Organization(users=[{"name": outsider["name"], "capacity": "member"}])
    root = catalogue_call(admin["name"], "catalogue_item_create", kind=SERVICE, id="vis-root", doc=_doc("root"))
    child = catalogue_call(admin["name"], "catalogue_item_create", kind=PLAN, parent="vis-root", id="vis-plan",
                           doc=_doc("plan"))
    both = {root["id"], child["id"]}
    assert root["private"] and _ids(admin["name"]) == both
    for caller in (None, outsider["name"], friend["name"]):
        assert _ids(caller) == set() and _ckan_ids(caller) == set()
        assert catalogue_call(caller, "catalogue_item_count")["count"] == 0
        assert catalogue_call(caller, "catalogue_item_facets", field="kind")["values"] == []

    # A friend included by name sees the root; the private child stays hidden.
    catalogue_call(admin["name"], "catalogue_item_visibility_update", id="vis-root", include=[friend["name"]])
    assert _ids(friend["name"]) == {root["id"]} and _ckan_ids(friend["name"]) == {root["id"]}
    assert catalogue_call(friend["name"], "catalogue_item_show", id="vis-root")["id"] == root["id"]
    with pytest.raises(logic.NotAuthorized):
        catalogue_call(friend["name"], "catalogue_item_show", id="vis-plan")
    # The child made public shows what its parent shows: the friend, not others.
    catalogue_call(admin["name"], "catalogue_item_visibility_update", id="vis-plan", restrictions="public")
    assert _ids(friend["name"]) == both and _ids(None) == set() and _ids(outsider["name"]) == set()
    children = catalogue_call(friend["name"], "catalogue_item_children", id="vis-root")
    assert [c["id"] for c in children["results"]] == [child["id"]]

    # Public root with the other organization excluded: everyone but its members.
    catalogue_call(admin["name"], "catalogue_item_visibility_update", id="vis-root", restrictions="public",
                   include=[], exclude=[other["name"]])
    assert _ids(None) == both and _ckan_ids(None) == both
    assert _ids(outsider["name"]) == set() and _ckan_ids(outsider["name"]) == set()
    assert catalogue_call(outsider["name"], "catalogue_item_count")["count"] == 0
    with pytest.raises(logic.NotAuthorized):
        helpers.call_action("package_show", context={"user": outsider["name"], "ignore_auth": False},
                            id=child["id"])
    # Only admins of the organization change it; unknown names are named.
    with pytest.raises(logic.NotAuthorized):
        catalogue_call(outsider["name"], "catalogue_item_visibility_update", id="vis-root", restrictions="private")
    with pytest.raises(logic.ValidationError) as unknown:
        catalogue_call(admin["name"], "catalogue_item_visibility_update", id="vis-root", include=["nobody-x"])
    assert "nobody-x" in str(unknown.value.error_dict["include"])

    # A document update keeps the visibility.
    catalogue_call(admin["name"], "catalogue_item_update", id="vis-root", doc=_doc("root2"))
    assert catalogue_call(admin["name"], "catalogue_item_visibility_show", id="vis-root")["exclude"] == {
        "organizations": [other["name"]], "users": []}
    assert _ids(None) == both


def test_move_rewrites_the_subtree_and_refuses_cycles():
    sysadmin = factories.Sysadmin()["name"]
    org = factories.Organization()
    make = {"kind": SERVICE, "organization": org["name"]}
    a = catalogue_call(sysadmin, "catalogue_item_create", id="mv-a", doc=_doc("a"), **make)
    b = catalogue_call(sysadmin, "catalogue_item_create", id="mv-b", doc=_doc("b"), **make)
    c = catalogue_call(sysadmin, "catalogue_item_create", id="mv-c", parent="mv-a", doc=_doc("c"), **make)
    d = catalogue_call(sysadmin, "catalogue_item_create", kind=PLAN, id="mv-d", parent="mv-c", doc=_doc("d"))
    with pytest.raises(logic.ValidationError) as without_move:
        catalogue_call(sysadmin, "catalogue_item_update", id="mv-c", doc=_doc("c"), parent="mv-b")
    assert "move=true" in str(without_move.value.error_dict)
    with pytest.raises(logic.ValidationError):
        catalogue_call(sysadmin, "catalogue_item_update", id="mv-a", doc=_doc("a"), parent="mv-d", move=True)
    # A plan cannot go under a plan.
    with pytest.raises(logic.ValidationError):
        catalogue_call(sysadmin, "catalogue_item_update", id="mv-d", doc=_doc("d"), parent="mv-d", move=True)
    moved = catalogue_call(sysadmin, "catalogue_item_update", id="mv-c", doc=_doc("c"), parent="mv-b", move=True)
    assert moved["parent"] == b["id"] and moved["ancestors"] == [b["id"]]
    assert catalogue_call(sysadmin, "catalogue_item_show", id="mv-d")["ancestors"] == [b["id"], c["id"]]
    assert _ids(sysadmin, ancestor=[b["id"]]) == {c["id"], d["id"]}
    assert _ids(sysadmin, ancestor=[a["id"]]) == set()
    # A plan needs a parent: it cannot go to the root.
    with pytest.raises(logic.ValidationError):
        catalogue_call(sysadmin, "catalogue_item_update", id="mv-d", doc=_doc("d"), parent="", move=True)
    rooted = catalogue_call(sysadmin, "catalogue_item_update", id="mv-c", doc=_doc("c"), move=True)
    assert rooted["parent"] is None and catalogue_call(sysadmin, "catalogue_item_show", id="mv-d")["ancestors"] == [
        c["id"]]
