"""Item visibility through the core actions and CKAN's own: counts, facets,
children, package_search and package_show show each caller exactly what it
may see; moves keep the subtree's ancestors and visibility."""
from __future__ import annotations

import os

import pytest

import ckan.plugins.toolkit as tk
from ckan import logic, model
from ckan.tests import factories, helpers

from ckanext.activity.model import Activity

from ckanext.catalogue.tests.helpers import catalogue_call

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")

SERVICE, PLAN = "globalcatalog.service", "globalcatalog.plan"


def _refused_as_unknown(attempt, hidden: str, unknown: str) -> None:
    """``attempt(hidden)`` is refused exactly as ``attempt(unknown)``, the names aside."""
    with pytest.raises(logic.ValidationError) as seen:
        attempt(hidden)
    with pytest.raises(logic.ValidationError) as missing:
        attempt(unknown)
    assert seen.value.error_dict == {
        k: [m.replace(unknown, hidden) for m in v] for k, v in missing.value.error_dict.items()}

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
    with pytest.raises(logic.NotFound):  # hidden reads as unknown
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
    with pytest.raises(logic.NotFound):  # hidden reads as unknown
        helpers.call_action("package_show", context={"user": outsider["name"], "ignore_auth": False},
                            id=child["id"])
    # Only admins of the organization change it (the excluded one cannot
    # even see it); unknown names are named.
    with pytest.raises(logic.NotFound):
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


def test_a_move_needs_write_rights_where_the_item_goes():
    editor, other_admin = factories.User(), factories.User()
    factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    factories.Organization(users=[{"name": other_admin["name"], "capacity": "admin"}])
    catalogue_call(editor["name"], "catalogue_item_create", kind=SERVICE, id="own", doc=_doc("own"))
    catalogue_call(other_admin["name"], "catalogue_item_create", kind=SERVICE, id="theirs-private",
                   doc=_doc("p"))
    catalogue_call(other_admin["name"], "catalogue_item_create", kind=SERVICE, id="theirs-public",
                   doc=_doc("q"), private=False)

    def move(parent):
        return catalogue_call(editor["name"], "catalogue_item_update", id="own", doc=_doc("own"),
                              parent=parent, move=True)

    # A parent the editor may not see answers exactly as one that does not exist.
    _refused_as_unknown(move, "theirs-private", "nothing-here")
    # One they may see but not write under refuses the move.
    with pytest.raises(logic.NotAuthorized):
        move("theirs-public")
    # An archived parent takes no moves.
    catalogue_call(editor["name"], "catalogue_item_create", kind=SERVICE, id="own-archived", doc=_doc("arch"))
    catalogue_call(editor["name"], "catalogue_item_delete", id="own-archived")
    with pytest.raises(logic.ValidationError) as archived:
        move("own-archived")
    assert "archived" in str(archived.value.error_dict)
    assert catalogue_call(editor["name"], "catalogue_item_show", id="own")["parent"] is None
    assert catalogue_call(other_admin["name"], "catalogue_item_children", id="theirs-public")["count"] == 0


def test_excludes_hold_for_archived_items_and_private_rewrites_the_restrictions():
    admin, member, excluded = factories.User(), factories.User(), factories.User()
    factories.Organization(users=[{"name": admin["name"], "capacity": "admin"},
                                  {"name": member["name"], "capacity": "member"},
                                  {"name": excluded["name"], "capacity": "member"}])
    root = catalogue_call(admin["name"], "catalogue_item_create", kind=SERVICE, id="ex-root", doc=_doc("r"))
    plan = catalogue_call(admin["name"], "catalogue_item_create", kind=PLAN, parent="ex-root", id="ex-plan",
                          doc=_doc("p"), private=False)
    catalogue_call(admin["name"], "catalogue_item_visibility_update", id="ex-root", restrictions="public",
                   exclude=[excluded["name"]])
    assert _ids(None) == {root["id"], plan["id"]} and _ids(excluded["name"]) == set()

    def ckan_show(caller, item_id):
        return helpers.call_action("package_show", context={"user": caller or "", "ignore_auth": False},
                                   id=item_id)

    # Archived, the plan is for its organization's members, still without the excluded one.
    catalogue_call(admin["name"], "catalogue_item_delete", id="ex-plan")
    assert ckan_show(member["name"], plan["id"])["state"] == "deleted"
    for caller in (excluded["name"], None):
        with pytest.raises(logic.NotFound):
            ckan_show(caller, plan["id"])
    catalogue_call(admin["name"], "catalogue_item_restore", id="ex-plan")

    # private=true on an item with stored settings makes it private, with its subtree.
    catalogue_call(admin["name"], "catalogue_item_patch", id="ex-root", doc={}, private=True)
    shown = catalogue_call(admin["name"], "catalogue_item_visibility_show", id="ex-root")
    assert shown["restrictions"] == "private" and shown["exclude"]["users"] == [excluded["name"]]
    assert _ids(None) == set() and _ids(member["name"]) == {root["id"], plan["id"]}
    with pytest.raises(logic.NotFound):
        ckan_show(None, plan["id"])
    catalogue_call(admin["name"], "catalogue_item_patch", id="ex-root", doc={}, private=False)
    assert catalogue_call(admin["name"], "catalogue_item_visibility_show", id="ex-root")["restrictions"] == "public"
    assert _ids(None) == {root["id"], plan["id"]} and _ids(excluded["name"]) == set()


def _stored_files() -> set[str]:
    root = tk.config["ckan.files.storage.catalogue_artifacts.path"]
    return {os.path.join(d, f) for d, _dirs, names in os.walk(root) for f in names}


def test_artifact_bytes_never_outlive_their_rows(monkeypatch):
    sysadmin = factories.Sysadmin()["name"]
    org = factories.Organization()
    catalogue_call(sysadmin, "catalogue_item_create", kind=SERVICE, id="art", doc=_doc("art"),
                   organization=org["name"])
    before = _stored_files()
    catalogue_call(sysadmin, "catalogue_item_artifact_upload", id="art", name="a.txt", content=b"kept")
    kept = _stored_files() - before
    assert len(kept) == 1

    # A failure after the bytes are stored (here: the ownership step) leaves
    # neither a row nor the bytes.
    def refuse(context, data_dict):
        raise logic.ValidationError({"owner_id": ["refused for the test"]})

    monkeypatch.setitem(logic._actions, "file_ownership_transfer", refuse)
    with pytest.raises(logic.ValidationError):
        catalogue_call(sysadmin, "catalogue_item_artifact_upload", id="art", name="b.txt", content=b"gone")
    monkeypatch.undo()
    assert _stored_files() - before == kept
    assert [a["name"] for a in catalogue_call(sysadmin, "catalogue_item_artifact_list", id="art")["resources"]] == [
        "a.txt"]

    # A purge removes them once it is committed.
    catalogue_call(sysadmin, "catalogue_item_purge", id="art")
    assert _stored_files() - before == set()


def test_only_those_who_set_visibility_flip_the_private_flag():
    admin, editor = factories.User(), factories.User()
    factories.Organization(users=[{"name": admin["name"], "capacity": "admin"},
                                  {"name": editor["name"], "capacity": "editor"}])
    catalogue_call(admin["name"], "catalogue_item_create", kind=SERVICE, id="flag", doc=_doc("flag"))
    catalogue_call(admin["name"], "catalogue_item_visibility_update", id="flag", restrictions="private")
    # The editor changes the document, not who may see it.
    with pytest.raises(logic.NotAuthorized):
        catalogue_call(editor["name"], "catalogue_item_patch", id="flag", doc={}, private=False)
    catalogue_call(editor["name"], "catalogue_item_patch", id="flag", doc={"tags": ["edited"]})
    assert catalogue_call(admin["name"], "catalogue_item_visibility_show", id="flag")["restrictions"] == "private"
    assert catalogue_call(None, "catalogue_item_count")["count"] == 0


def test_archived_items_are_for_those_who_may_restore_them():
    from ckan.tests import helpers as ckan_helpers

    sysadmin, catalogue_admin, stranger = factories.Sysadmin()["name"], factories.User()["name"], factories.User()
    ckan_helpers.call_action("catalogue_role_grant", user=catalogue_admin, role="Catalogue-Admin")
    from ckanext.catalogue.tests.iudx import samples as s

    owner = catalogue_call(sysadmin, "catalogue_item_create", doc=s.owner("archived-root"))["id"]
    catalogue_call(sysadmin, "catalogue_item_delete", id=owner)
    assert catalogue_call(catalogue_admin, "catalogue_item_show", id=owner)["state"] == "deleted"
    assert "archived-root" in str(catalogue_call(catalogue_admin, "catalogue_trash_list")["items"]) or \
        owner in catalogue_call(catalogue_admin, "catalogue_trash_list")["items"]
    for caller in (None, stranger["name"]):
        with pytest.raises(logic.NotFound):
            catalogue_call(caller, "catalogue_item_show", id=owner)


def test_a_hidden_parent_reads_as_unknown_and_a_kind_change_moves_by_the_new_kind():
    editor, other_admin = factories.User(), factories.User()
    factories.Organization(users=[{"name": editor["name"], "capacity": "editor"}])
    factories.Organization(users=[{"name": other_admin["name"], "capacity": "admin"}])
    catalogue_call(other_admin["name"], "catalogue_item_create", kind=SERVICE, id="hidden-svc", doc=_doc("h"))

    def create_plan(parent):
        return catalogue_call(editor["name"], "catalogue_item_create", kind=PLAN, id=f"plan-{parent}",
                              parent=parent, doc=_doc("plan"))

    _refused_as_unknown(create_plan, "hidden-svc", "no-such-svc")

    # A flavor becomes a plan and moves under a service in one update: the
    # service is judged as the parent of a plan, not of a flavor.
    for item_id, kind, parent in (("svc-a", SERVICE, None), ("plan-a", PLAN, "svc-a"),
                                  ("flavor-a", "globalcatalog.flavor", "plan-a"), ("svc-b", SERVICE, None)):
        catalogue_call(editor["name"], "catalogue_item_create", kind=kind, id=item_id, doc=_doc(item_id),
                       **({"parent": parent} if parent else {}))
    moved = catalogue_call(editor["name"], "catalogue_item_update", id="flavor-a", doc=_doc("flavor-a"),
                           parent="svc-b", move=True, to_kind=PLAN)
    assert moved["kind"] == PLAN and moved["parent"] == catalogue_call(
        editor["name"], "catalogue_item_show", id="svc-b")["id"]
    # The other way round is refused: a flavor cannot sit under a service.
    with pytest.raises(logic.ValidationError):
        catalogue_call(editor["name"], "catalogue_item_update", id="plan-a", doc=_doc("plan-a"),
                       parent="svc-b", move=True, to_kind="globalcatalog.flavor")


def test_bulk_created_items_inherit_visibility_as_single_ones_do():
    admin, included, excluded, outsider = (factories.User() for _ in range(4))
    factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
    guests = factories.Organization(users=[{"name": included["name"], "capacity": "member"},
                                           {"name": excluded["name"], "capacity": "member"}])
    catalogue_call(admin["name"], "catalogue_item_create", kind=SERVICE, id="bv-root", doc=_doc("r"))
    catalogue_call(admin["name"], "catalogue_item_create", kind=PLAN, parent="bv-root", id="bv-plan", doc=_doc("p"))
    # Restricted at the root, with an exclude one level down: each item's
    # labels fold both.
    catalogue_call(admin["name"], "catalogue_item_visibility_update", id="bv-root", restrictions="private",
                   include=[guests["name"]])
    catalogue_call(admin["name"], "catalogue_item_visibility_update", id="bv-plan", restrictions="private",
                   include=[guests["name"]], exclude=[excluded["name"]])
    single = catalogue_call(admin["name"], "catalogue_item_create", kind="globalcatalog.deployment",
                            parent="bv-plan", id="bv-single", doc=_doc("s"), private=False)["id"]
    made = catalogue_call(admin["name"], "catalogue_item_bulk_create", records=[
        {"kind": "globalcatalog.deployment", "parent": "bv-plan", "id": f"bv-{n}", "doc": _doc(f"d{n}"),
         "private": False}
        for n in range(4)])
    assert made["written"]["bulk"] == 4
    every = {single, *made["created"]}
    expected = {admin["name"]: every, included["name"]: every, excluded["name"]: set(), outsider["name"]: set(),
                None: set()}
    for caller, ids in expected.items():
        assert _ids(caller, kind=["globalcatalog.deployment"]) == ids, caller
    labels = {a.object_id: sorted(a.permission_labels) for a in
              model.Session.query(Activity).filter(Activity.object_id.in_(every))}
    assert all(labels[i] == labels[single] for i in every)
