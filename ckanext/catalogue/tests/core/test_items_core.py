"""The item core through CKAN's action layer: hierarchy, validation, links,
uniqueness, fixed fields, delete/purge, visibility and permissions."""
from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import text

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.search.common import make_connection
from ckan.tests import factories

from ckanext.catalogue.core import errors
from ckanext.catalogue.tests.helpers import catalogue_call
from ckanext.catalogue.tests.iudx import samples as s


def _ids(found):
    return {item["id"] for item in found["results"]}


def _package_count() -> int:
    return model.Session.query(model.Package).count()


def test_hierarchy_reads_are_solr_queries_on_copied_ancestors(iudx_tree):
    t, admin = iudx_tree, iudx_tree["sysadmin"]
    resource = catalogue_call(admin, "catalogue_item_show", id=t["resource"])
    assert resource["ancestors"] == [t["owner"], t["cos"], t["rs"], t["provider"], t["rg"]]
    assert resource["parent"] == t["rg"] and resource["type"] == "iudx:Resource"
    assert resource["doc"]["itemStatus"] == "ACTIVE" and resource["doc"]["itemCreatedAt"]

    under_rs = catalogue_call(None, "catalogue_item_search", ancestor=[t["rs"]])
    assert _ids(under_rs) == {t["provider"], t["rg"], t["resource"]}
    resources = catalogue_call(None, "catalogue_item_search", ancestor=[t["provider"]], kind=["iudx.resource"])
    assert _ids(resources) == {t["resource"]}

    ancestors = catalogue_call(None, "catalogue_item_ancestors", id=t["resource"])
    assert [i["id"] for i in ancestors["results"]] == resource["ancestors"]
    children = catalogue_call(None, "catalogue_item_children", id=t["provider"])
    assert _ids(children) == {t["rg"]}
    everything = catalogue_call(None, "catalogue_item_children", id=t["owner"], depth="all", limit=2)
    assert everything["count"] == 5 and len(everything["results"]) == 2
    assert catalogue_call(None, "catalogue_item_count", kind=["iudx.resource_group"])["count"] == 1

    # The index document itself carries the copied-down ids.
    docs = make_connection().search(q=f'id:"{t["resource"]}"', fl="catalogue_ancestors,catalogue_kind,catalogue_depth")
    doc = docs.docs[0]
    assert doc["catalogue_ancestors"] == resource["ancestors"]
    assert doc["catalogue_kind"] == "iudx.resource" and doc["catalogue_depth"] == 5


def test_schema_errors_name_every_field_and_store_nothing(iudx_tree):
    t, admin = iudx_tree, iudx_tree["sysadmin"]
    before = _package_count()
    doc = s.resource(t["rg"], t["provider"])
    del doc["name"], doc["tags"]
    with pytest.raises(errors.CatalogueInvalid) as failure:
        catalogue_call(admin, "catalogue_item_create", doc=doc)
    assert failure.value.code == errors.CODE_INVALID
    assert set(failure.value.error_dict) == {"name", "tags"}

    with pytest.raises(errors.CatalogueInvalid) as failure:
        catalogue_call(admin, "catalogue_item_create", doc={**s.owner("other"), "name": "bad name!"})
    assert "name" in failure.value.error_dict
    with pytest.raises(errors.CatalogueInvalid) as failure:
        catalogue_call(admin, "catalogue_item_create", doc={"type": ["iudx:Unknown"], "name": "x"})
    assert "type" in failure.value.error_dict
    assert _package_count() == before


@pytest.mark.ckan_config("ckanext.catalogue.iudx.schemas", "legacy")  # path ids are no IUDX v5 ids
def test_ids_uuid_and_legacy_aliases(iudx_tree):
    t, admin = iudx_tree, iudx_tree["sysadmin"]
    with pytest.raises(errors.CatalogueInvalid) as failure:
        catalogue_call(admin, "catalogue_item_create", doc={**s.resource(t["rg"], t["provider"], "r2"), "id": "not-a-uuid"})
    assert failure.value.code == errors.CODE_INVALID_ID

    chosen = str(uuid.uuid4())
    created = catalogue_call(admin, "catalogue_item_create", doc={**s.resource(t["rg"], t["provider"], "r3"), "id": chosen})
    assert created["id"] == chosen
    with pytest.raises(errors.CatalogueConflict):
        catalogue_call(admin, "catalogue_item_create", doc={**s.resource(t["rg"], t["provider"], "r4"), "id": chosen})

    legacy = "example.org/0a1b2c3d4e5f60718293a4b5c6d7e8f901234567/rs.example.org/env-flood-legacy"
    group = catalogue_call(admin, "catalogue_item_create",
                           doc={**s.resource_group(t["provider"], name="legacy-group"), "id": legacy})
    assert group["aliases"] == [legacy] and group["id"] != legacy
    assert catalogue_call(None, "catalogue_item_show", id=legacy)["id"] == group["id"]
    # The alias works wherever an id is accepted: as a link, and in searches.
    child = catalogue_call(admin, "catalogue_item_create", doc=s.resource(legacy, t["provider"], "legacy-child"))
    assert child["parent"] == group["id"]
    assert _ids(catalogue_call(None, "catalogue_item_search", ancestor=[legacy])) == {child["id"]}
    found = catalogue_call(None, "catalogue_item_search",
                           filters=[{"property": "resourceGroup", "values": [legacy], "exact": True}])
    assert _ids(found) == {child["id"]}


def test_an_item_is_named_by_its_id_then_an_alias_then_its_dataset_name(iudx_tree):
    admin = iudx_tree["sysadmin"]
    named = catalogue_call(admin, "catalogue_item_create", kind="gcat.item", doc={"license_id": "cc-by", "name": "named-item", "title": "N"})
    assert model.Package.get(named["id"]).name == "named-item"
    for value in (named["id"], "named-item"):
        assert catalogue_call(None, "catalogue_item_show", id=value)["id"] == named["id"]
    # A name that is also another dataset's id does not name the item: ids
    # come first, as CKAN's own lookup reads them.
    taken = str(uuid.uuid4())
    shadowed = catalogue_call(admin, "catalogue_item_create", kind="gcat.item", doc={"license_id": "cc-by", "name": taken, "title": "S"})
    assert catalogue_call(None, "catalogue_item_show", id=taken)["id"] == shadowed["id"]
    factories.Dataset(id=taken, owner_org=factories.Organization()["id"])
    model.Session.remove()
    with pytest.raises(tk.ObjectNotFound):
        catalogue_call(None, "catalogue_item_show", id=taken)


def test_links_must_exist_fit_the_kind_and_agree(iudx_tree):
    t, admin = iudx_tree, iudx_tree["sysadmin"]
    before = _package_count()
    cases = [
        (s.resource(str(uuid.uuid4()), t["provider"], "x1"), "resourceGroup"),   # parent missing
        (s.resource(t["provider"], t["provider"], "x2"), "resourceGroup"),       # parent of the wrong kind
        (s.resource_group(t["rs"], name="x3"), "provider"),                       # provider link is a server
    ]
    other_provider = catalogue_call(admin, "catalogue_item_create", doc=s.provider(t["rs"], name="other", user="u2"))
    before += 1
    cases.append((s.resource(t["rg"], other_provider["id"], "x4"), "provider"))  # provider does not own the group
    for doc, field in cases:
        with pytest.raises(errors.CatalogueInvalid) as failure:
            catalogue_call(admin, "catalogue_item_create", doc=doc)
        assert failure.value.code == errors.CODE_LINK, doc
        assert field in failure.value.error_dict
    assert _package_count() == before


def test_uniqueness_under_the_parent(iudx_tree):
    t, admin = iudx_tree, iudx_tree["sysadmin"]
    with pytest.raises(errors.CatalogueConflict):
        catalogue_call(admin, "catalogue_item_create", doc=s.resource_group(t["provider"], name="ENV-FLOOD"))
    with pytest.raises(errors.CatalogueConflict):
        catalogue_call(admin, "catalogue_item_create", doc=s.resource(t["rg"], t["provider"], "sensor-1"))
    with pytest.raises(errors.CatalogueConflict):  # one provider per resource server and owner user
        catalogue_call(admin, "catalogue_item_create", doc=s.provider(t["rs"], name="another-name"))
    other = catalogue_call(admin, "catalogue_item_create", doc=s.provider(t["rs"], name="p2", user="user-2"))
    # The same group name under another provider is fine.
    catalogue_call(admin, "catalogue_item_create", doc=s.resource_group(other["id"], name="env-flood"))


def test_update_replaces_patch_merges_and_fixed_fields_stay(iudx_tree):
    t, admin = iudx_tree, iudx_tree["sysadmin"]
    before = catalogue_call(admin, "catalogue_item_show", id=t["resource"])
    doc = s.resource(t["rg"], t["provider"], "sensor-1")
    del doc["location"]
    doc["description"] = "replaced"
    updated = catalogue_call(admin, "catalogue_item_update", id=t["resource"], doc=doc)
    assert "location" not in updated["doc"] and updated["doc"]["description"] == "replaced"
    assert updated["doc"]["itemCreatedAt"] == before["doc"]["itemCreatedAt"]
    assert updated["doc"]["itemStatus"] == "ACTIVE"
    assert catalogue_call(None, "catalogue_item_search", geometry="ENVELOPE(73, 74, 19, 18)")["count"] == 0

    patched = catalogue_call(admin, "catalogue_item_patch", id=t["resource"], doc={"unit": "cm"})
    assert patched["doc"]["unit"] == "cm" and patched["doc"]["description"] == "replaced"

    for change in ({"itemCreatedAt": "2001-01-01T00:00:00+0000"}, {"type": ["iudx:ResourceGroup"]},
                   {"resourceGroup": t["provider"]}, {"id": str(uuid.uuid4())}):
        with pytest.raises(errors.CatalogueInvalid) as failure:
            catalogue_call(admin, "catalogue_item_patch", id=t["resource"], doc=change)
        assert failure.value.code == errors.CODE_IMMUTABLE, change
    assert catalogue_call(admin, "catalogue_item_show", id=t["resource"])["doc"]["unit"] == "cm"


def test_delete_refuses_items_with_children_and_purge_cascades_for_admins(iudx_tree):
    t, admin = iudx_tree, iudx_tree["sysadmin"]
    with pytest.raises(errors.CatalogueInvalid) as failure:
        catalogue_call(admin, "catalogue_item_delete", id=t["rg"])
    assert failure.value.code == errors.CODE_NOT_ALLOWED
    assert failure.value.error_dict["message"] == ["Fail: Can't delete, doc has associated item"]
    with pytest.raises(errors.CatalogueInvalid):
        catalogue_call(admin, "catalogue_item_purge", id=t["rg"])

    editor = factories.User()
    tk.get_action("member_create")({"ignore_auth": True}, {
        "id": t["provider_org"], "object": editor["name"], "object_type": "user", "capacity": "editor"})
    with pytest.raises(tk.NotAuthorized):  # cascade is for Catalogue-Admins
        catalogue_call(editor["name"], "catalogue_item_purge", id=t["rg"], cascade=True)

    catalogue_call(admin, "catalogue_item_delete", id=t["resource"])
    assert catalogue_call(None, "catalogue_item_count", ancestor=[t["rg"]])["count"] == 0
    catalogue_call(admin, "catalogue_item_purge", id=t["provider"], cascade=True)

    gone = [t["provider"], t["rg"], t["resource"]]
    for table in ("package", "catalogue_item"):
        rows = model.Session.execute(text(f"select count(*) from {table} where id = any(:ids)"), {"ids": gone})
        assert rows.scalar() == 0, table
    keys = model.Session.execute(text("select count(*) from catalogue_item_key where item_id = any(:ids)"),
                                 {"ids": gone}).scalar()
    activities = model.Session.execute(text("select count(*) from activity where object_id = any(:ids)"),
                                       {"ids": gone}).scalar()
    assert keys == 0 and activities == 0
    hits = make_connection().search(q="*:*", fq=" OR ".join(f'id:"{i}" OR catalogue_ancestors:"{i}"' for i in gone))
    assert hits.hits == 0
    assert _ids(catalogue_call(None, "catalogue_item_search", ancestor=[t["owner"]])) == {t["cos"], t["rs"]}


def test_write_rules_per_kind(iudx_tree):
    t = iudx_tree
    member, editor, stranger = factories.User(), factories.User(), factories.User()
    manager, cat_admin = factories.User(), factories.User()
    admin = t["sysadmin"]
    catalogue_call(admin, "catalogue_role_grant", user=manager["name"], role="Catalogue-Manager")
    catalogue_call(admin, "catalogue_role_grant", user=cat_admin["name"], role="Catalogue-Admin")
    for user, capacity in ((member, "member"), (editor, "editor")):
        tk.get_action("member_create")({"ignore_auth": True}, {
            "id": t["provider_org"], "object": user["name"], "object_type": "user", "capacity": capacity})

    def refused(user, **data):
        with pytest.raises(tk.NotAuthorized):
            catalogue_call(user, "catalogue_item_create", **data)

    # Servers and COS: managers only. Providers: Catalogue-Admin and above.
    refused(cat_admin["name"], doc=s.resource_server(t["cos"], name="rs-2"))
    catalogue_call(manager["name"], "catalogue_item_create", doc=s.resource_server(t["cos"], name="rs-2"))
    refused(editor["name"], doc=s.provider(t["rs"], name="p-x", user="ux"))
    other = catalogue_call(cat_admin["name"], "catalogue_item_create", doc=s.provider(t["rs"], name="p-y", user="uy"))
    # Groups and resources: the editors of the provider's organization, and nowhere else.
    catalogue_call(editor["name"], "catalogue_item_create", doc=s.resource(t["rg"], t["provider"], "by-editor"))
    refused(member["name"], doc=s.resource(t["rg"], t["provider"], "by-member"))
    refused(stranger["name"], doc=s.resource(t["rg"], t["provider"], "by-stranger"))
    refused(editor["name"], doc=s.resource_group(other["id"], name="elsewhere"))
    refused(None, doc=s.resource(t["rg"], t["provider"], "anonymous"))
    with pytest.raises(tk.NotAuthorized):
        catalogue_call(stranger["name"], "catalogue_item_patch", id=t["resource"], doc={"unit": "x"})
    catalogue_call(editor["name"], "catalogue_item_patch", id=t["resource"], doc={"unit": "x"})


def test_private_items_are_seen_only_by_their_organization(iudx_tree):
    t, admin = iudx_tree, iudx_tree["sysadmin"]
    hidden = catalogue_call(admin, "catalogue_item_create", doc=s.resource(t["rg"], t["provider"], "secret"),
                            private=True)
    member, stranger = factories.User(), factories.User()
    tk.get_action("member_create")({"ignore_auth": True}, {
        "id": t["provider_org"], "object": member["name"], "object_type": "user", "capacity": "member"})
    for user in (None, stranger["name"]):
        assert hidden["id"] not in _ids(catalogue_call(user, "catalogue_item_search", ancestor=[t["rg"]]))
        assert catalogue_call(user, "catalogue_item_count", ancestor=[t["rg"]])["count"] == 1
        with pytest.raises(tk.ObjectNotFound):  # hidden reads as unknown
            catalogue_call(user, "catalogue_item_show", id=hidden["id"])
    assert hidden["id"] in _ids(catalogue_call(member["name"], "catalogue_item_search", ancestor=[t["rg"]]))
    assert catalogue_call(member["name"], "catalogue_item_show", id=hidden["id"])["private"] is True


@pytest.mark.parametrize("value", ['x") OR ("*:*', "*", "x) OR (*:*", "{!lucene}*:*", '\\"', "zqxj:wvut"])
def test_solr_syntax_in_values_matches_literally(iudx_tree, value):
    found = catalogue_call(None, "catalogue_item_search",
                           filters=[{"property": "name", "values": [value], "exact": False}])
    assert found["count"] == 0
    found = catalogue_call(None, "catalogue_item_search",
                           filters=[{"property": "id", "values": [value], "exact": True}])
    assert found["count"] == 0
    assert catalogue_call(None, "catalogue_item_search", q=value)["count"] == 0
    assert catalogue_call(None, "catalogue_item_search", ancestor=[value])["count"] == 0


def test_geometry_must_be_plain_wkt(iudx_tree):
    with pytest.raises(tk.ValidationError):
        catalogue_call(None, "catalogue_item_search", geometry='POINT(1 2)") OR id:("x')
    found = catalogue_call(None, "catalogue_item_search", georel="within",
                           geometry="POLYGON((73 18, 74 18, 74 19, 73 19, 73 18))")
    assert _ids(found) == {iudx_tree["resource"]}


def test_ckan_dataset_actions_cannot_bypass_the_item_rules(iudx_tree, app):
    t = iudx_tree
    editor = factories.UserWithToken()
    helpers_call = tk.get_action
    helpers_call("member_create")({"ignore_auth": True}, {
        "id": t["provider_org"], "object": editor["name"], "object_type": "user", "capacity": "editor"})
    for caller in (editor["name"], t["sysadmin"]):
        for action, data in (("package_patch", {"id": t["rg"], "notes": "rewritten"}),
                             ("package_delete", {"id": t["rg"]}),
                             ("dataset_purge", {"id": t["rg"]}),
                             ("package_create", {"name": f"sneaky-{uuid.uuid4().hex[:8]}", "type": "catalogue",
                                                 "owner_org": t["provider_org"]})):
            with pytest.raises(tk.NotAuthorized, match="only through the catalogue_item_"):
                helpers_call(action)({"user": caller}, dict(data))
    # The action API answers CKAN's 403 envelope, and nothing changed.
    refused = app.post("/api/3/action/package_delete", json={"id": t["rg"]},
                       headers={"Authorization": editor["token"]})
    assert refused.status_code == 403 and refused.json["success"] is False
    item = catalogue_call(t["sysadmin"], "catalogue_item_show", id=t["rg"])
    assert item["state"] == "active" and "rewritten" not in str(item)
    # The core's own path still works.
    catalogue_call(t["sysadmin"], "catalogue_item_patch", id=t["rg"], doc={"description": "through the core"})
    assert catalogue_call(None, "catalogue_item_show", id=t["rg"])["doc"]["description"] == "through the core"


def test_bulk_create_reports_records_ckan_itself_refuses_and_keeps_the_rest(iudx_tree):
    t = iudx_tree
    factories.Dataset(name="taken-name", owner_org=factories.Organization()["id"])
    records = [{"kind": "gcat.item", "doc": {"license_id": "cc-by", "name": "fine-one", "title": "One"}},
               {"kind": "gcat.item", "doc": {"license_id": "cc-by", "name": "taken-name", "title": "Taken"}},
               {"kind": "gcat.item", "doc": {"license_id": "cc-by", "name": "new", "title": "Reserved by CKAN"}},
               {"kind": "gcat.item", "doc": {"license_id": "cc-by", "name": "fine-two", "title": "Two"}}]
    result = catalogue_call(t["sysadmin"], "catalogue_item_bulk_create", records=records)
    assert [e["index"] for e in result["errors"]] == [1, 2]
    assert result["errors"][1]["errors"] == {"name": ["That name cannot be used"]}
    names = {catalogue_call(None, "catalogue_item_show", id=i)["name"] for i in result["created"]}
    assert names == {"fine-one", "fine-two"}


@pytest.mark.ckan_config("ckan.search.rows_max", "2")
def test_a_page_larger_than_ckans_rows_max_is_not_cut_short(iudx_tree):
    everything = catalogue_call(None, "catalogue_item_search", limit=100)
    assert everything["count"] == 6 and len(everything["results"]) == 6
    page = catalogue_call(None, "catalogue_item_search", limit=3, offset=2, sort="catalogue_depth asc")
    assert [i["kind"] for i in page["results"]] == ["iudx.resource_server", "iudx.provider", "iudx.resource_group"]


@pytest.mark.ckan_config("ckan.search.rows_max", "2")
def test_a_large_page_is_one_solr_request(iudx_tree, monkeypatch):
    import pysolr

    sent = []
    original = pysolr.Solr._select
    monkeypatch.setattr(pysolr.Solr, "_select",
                        lambda solr, params, **kw: sent.append(params) or original(solr, params, **kw))
    assert len(catalogue_call(None, "catalogue_item_search", limit=100)["results"]) == 6
    assert len(sent) == 1


def test_searches_return_the_item_stored_in_the_index_and_read_older_index_documents(iudx_tree, monkeypatch):
    from ckan.lib import search

    from ckanext.catalogue import plugin

    t, admin = iudx_tree, iudx_tree["sysadmin"]
    shown = catalogue_call(admin, "catalogue_item_show", id=t["resource"])
    found = catalogue_call(admin, "catalogue_item_search", ids=[t["resource"]])["results"]
    assert found == [shown]
    stored = make_connection().search(q=f'id:"{t["resource"]}"', fl="catalogue_item").docs[0]
    assert stored["catalogue_item"]

    # A document indexed before the stored item existed is still answered,
    # from CKAN's own dataset dict, in the same order as the others.
    index_fields = plugin.catalogue_index_fields
    monkeypatch.setattr(plugin, "catalogue_index_fields",
                        lambda pkg: {k: v for k, v in index_fields(pkg).items() if k != "catalogue_item"})
    search.rebuild(t["resource"])
    assert "catalogue_item" not in make_connection().search(q=f'id:"{t["resource"]}"', fl="*").docs[0]
    everything = catalogue_call(admin, "catalogue_item_search", sort="catalogue_depth asc", limit=10)["results"]
    assert [i["kind"] for i in everything][-2:] == ["iudx.resource_group", "iudx.resource"]
    assert everything[-1] == shown


def test_the_item_stored_in_the_index_holds_its_document_as_written(iudx_tree):
    """The indexed item carries its document's stored JSON text as it is:
    read back through a search, it equals the item shown, escapes,
    non-ASCII, numbers and nesting included."""
    admin = iudx_tree["sysadmin"]
    doc = {"name": "spliced-doc", "license_id": "cc-by", "title": 'Ünïcode "quoted" \\ back\tslash \U0001d11e',
           "notes": "line\nbreak </script>", "extras": [{"key": "k", "value": "ü"}]}
    made = catalogue_call(admin, "catalogue_item_create", kind="gcat.item", doc=doc)
    shown = catalogue_call(admin, "catalogue_item_show", id=made["id"])
    assert shown["doc"]["title"] == doc["title"]
    assert catalogue_call(admin, "catalogue_item_search", ids=[made["id"]])["results"] == [shown]
    stored = make_connection().search(q=f'id:"{made["id"]}"', fl="catalogue_item").docs[0]["catalogue_item"]
    assert json.loads(stored) == shown


def test_the_catalogues_bookkeeping_is_not_free_text(iudx_tree):
    """An item's kind, ancestors and other bookkeeping are filters of their
    own, not words of the free text: a text search finds the document's
    words only."""
    admin = iudx_tree["sysadmin"]
    made = catalogue_call(admin, "catalogue_item_create", kind="gcat.item",
                          doc={"license_id": "cc-by", "name": "plain-words", "title": "Quillwort survey"})
    indexed = make_connection().search(q=f'id:"{made["id"]}"', fl="*").docs[0]
    assert not [k for k in indexed if k.startswith("extras_catalogue_")]
    assert indexed["catalogue_kind"] == "gcat.item"
    assert _ids(catalogue_call(admin, "catalogue_item_search", q="quillwort")) == {made["id"]}
    assert _ids(catalogue_call(admin, "catalogue_item_search", q="gcat")) == set()
    assert _ids(catalogue_call(admin, "catalogue_item_search", kind=["gcat.item"])) >= {made["id"]}


def test_an_item_is_shown_as_catalogue_item_dict_makes_it_of_package_show(iudx_tree):
    """catalogue_item_show builds the item from its dataset row (no
    package_show, no Solr request): the same item as catalogue_item_dict
    makes of package_show's dict read from the database, for items public, private, archived, in
    an organization that was deleted, named by id, alias or name."""
    from ckanext.catalogue.core.document import catalogue_item_dict  # noqa: PLC0415 - the reference, this test only

    t, admin = iudx_tree, iudx_tree["sysadmin"]
    legacy = catalogue_call(admin, "catalogue_item_create", id="example.org/legacy/path",
                            doc=s.resource(t["rg"], t["provider"], name="legacy-sensor"))
    private = catalogue_call(admin, "catalogue_item_create", kind="gcat.item", private=True,
                             organization=t["provider_org"], doc={"license_id": "cc-by", "name": "shown-private", "title": "P"})
    archived = catalogue_call(admin, "catalogue_item_create", kind="gcat.item",
                              doc={"license_id": "cc-by", "name": "shown-archived", "title": "A"})
    catalogue_call(admin, "catalogue_item_delete", id=archived["id"])
    gone_org = factories.Organization()
    orphan = catalogue_call(admin, "catalogue_item_create", kind="gcat.item", organization=gone_org["name"],
                            doc={"license_id": "cc-by", "name": "shown-orphan", "title": "O"})
    model.Session.execute(text("UPDATE \"group\" SET state = 'deleted' WHERE id = :id"), {"id": gone_org["id"]})
    model.Session.commit()
    for ref in (t["resource"], t["provider"], "example.org/legacy/path", legacy["id"], private["id"],
                archived["id"], "shown-private", orphan["id"]):
        model.Session.expunge_all()  # read from the database, as a request does
        shown = catalogue_call(admin, "catalogue_item_show", id=ref)
        reference = catalogue_item_dict(tk.get_action("package_show")({"ignore_auth": True, "use_cache": False},
                                                                      {"id": shown["id"]}))
        assert shown == reference, ref
    assert catalogue_call(admin, "catalogue_item_show", id=orphan["id"])["organization"] is None
    assert catalogue_call(admin, "catalogue_item_show", id=archived["id"])["state"] == "deleted"


def test_validate_checks_as_create_does_and_stores_nothing(iudx_tree):
    t, admin = iudx_tree, iudx_tree["sysadmin"]
    before = _package_count()
    doc = s.resource(t["rg"], t["provider"], "dry-run")
    assert catalogue_call(admin, "catalogue_item_validate", doc=doc) == {"kind": "iudx.resource", "parent": t["rg"]}
    assert _package_count() == before
    with pytest.raises(errors.CatalogueConflict) as taken:
        catalogue_call(admin, "catalogue_item_validate", doc=s.resource(t["rg"], t["provider"]))
    assert taken.value.code == errors.CODE_TAKEN
    with pytest.raises(errors.CatalogueConflict) as exists:
        catalogue_call(admin, "catalogue_item_validate", doc={**doc, "id": t["resource"]})
    assert exists.value.code == errors.CODE_EXISTS
    with pytest.raises(errors.CatalogueInvalid) as link:
        catalogue_call(admin, "catalogue_item_validate", doc={**doc, "resourceGroup": str(uuid.uuid4())})
    assert link.value.code == errors.CODE_LINK
    # Who may not create the item may not have it checked either.
    outsider = factories.User()["name"]
    for caller in (outsider, None):
        with pytest.raises(tk.NotAuthorized):
            catalogue_call(caller, "catalogue_item_validate", doc=doc)
    assert _package_count() == before
