"""CKAN's own read paths never name an item the caller may not see: one
excluded by its visibility, one archived, and a public child of a private
parent, each checked through every path against a caller who may see it."""
from __future__ import annotations

import json
import uuid

import pytest

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories, helpers

from ckanext.catalogue.core.store import catalogue_core_context
from ckanext.catalogue.tests.factories import gc_entry
from ckanext.catalogue.tests.helpers import catalogue_call

PLAN = "globalcatalog.plan"


@pytest.fixture
def hidden(clean_db, clean_index) -> dict:
    """Three hidden items, and for each who may not and who may see it."""
    admin, outsider, plain = factories.User(), factories.User(), factories.User()
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
    other = factories.Organization(users=[{"name": outsider["name"], "capacity": "member"}])
    excluded = gc_entry(admin["name"], "hidden-excluded", organization=org["id"])
    catalogue_call(admin["name"], "catalogue_item_visibility_update", id=excluded["id"], exclude=[other["name"]])
    catalogue_call(admin["name"], "catalogue_item_update", id=excluded["id"], kind="globalcatalog.service",
                   doc={**excluded["doc"], "tags": ["changed-after-the-exclusion"]})
    archived = gc_entry(admin["name"], "hidden-archived", organization=org["id"])
    catalogue_call(admin["name"], "catalogue_item_delete", id=archived["id"])
    parent = catalogue_call(admin["name"], "catalogue_item_create", kind="globalcatalog.service",
                            id="hidden-parent", organization=org["id"],
                            doc={**excluded["doc"], "name": "hidden-parent"})
    assert parent["private"]
    child = catalogue_call(admin["name"], "catalogue_item_create", kind=PLAN, parent=parent["id"],
                           id="hidden-child", doc={**excluded["doc"], "name": "hidden-child"})
    catalogue_call(admin["name"], "catalogue_item_visibility_update", id=child["id"], restrictions="public")
    assert not model.Package.get(child["id"]).private  # CKAN's flag says public

    def name(item: dict) -> str:
        return model.Package.get(item["id"]).name

    cases = [
        (excluded, outsider["name"]),
        (archived, None), (archived, outsider["name"]), (archived, plain["name"]),
        (child, None), (child, outsider["name"]),
    ]
    rows = [(item["id"], name(item), caller) for item, caller in cases]
    return {"admin": admin, "org": org, "cases": rows, "outsider": outsider["name"],
            "hidden_from": lambda who: {n for _i, n, c in rows if c == who}}


def _paths(hidden: dict) -> dict:
    """Every read path: caller -> what it answers (as JSON text)."""
    admin, org = hidden["admin"], hidden["org"]

    def call(caller, action, **data):
        try:
            return json.dumps(catalogue_call(caller, action, **data))
        except (tk.NotAuthorized, tk.ObjectNotFound):
            return ""

    return {
        "package_autocomplete": lambda caller, ref: call(caller, "package_autocomplete", q="hidden", limit=100),
        "package_list": lambda caller, ref: call(caller, "package_list"),
        "current_package_list_with_resources": lambda caller, ref: call(
            caller, "current_package_list_with_resources", limit=100),
        "member_list": lambda caller, ref: call(caller, "member_list", id=org["id"], object_type="package"),
        "package_activity_list": lambda caller, ref: call(caller, "package_activity_list", id=ref),
        "organization_activity_list": lambda caller, ref: call(caller, "organization_activity_list", id=org["id"]),
        "recently_changed_packages_activity_list": lambda caller, ref: call(
            caller, "recently_changed_packages_activity_list"),
        "user_activity_list": lambda caller, ref: call(caller, "user_activity_list", id=admin["id"]),
    }


def test_no_read_path_names_a_hidden_item(hidden: dict):
    leaks = []
    for path, read in _paths(hidden).items():
        for item_id, name, caller in hidden["cases"]:
            answer = read(caller, item_id)
            if item_id in answer or f'"{name}"' in answer:
                leaks.append((path, name, caller or "anonymous"))
    assert leaks == []


def test_each_path_still_shows_the_items_to_those_who_may_see_them(hidden: dict):
    admin = hidden["admin"]["name"]
    excluded_id, excluded_name, _caller = hidden["cases"][0]
    for path, read in _paths(hidden).items():
        answer = read(admin, excluded_id)
        # Public and active (excluded for others only): listed everywhere.
        assert excluded_id in answer or f'"{excluded_name}"' in answer, path


def test_the_dashboard_and_activity_pages_name_no_hidden_item(app, hidden: dict):
    outsider = hidden["outsider"]
    helpers.call_action("follow_user", context={"user": outsider}, id=hidden["admin"]["id"])
    names = hidden["hidden_from"](outsider)
    assert len(names) == 3 and not [n for n in names if n in json.dumps(helpers.call_action(
        "dashboard_activity_list", context={"user": outsider}))]
    names = hidden["hidden_from"](None)  # the pages are read anonymously
    for url in (f"/organization/activity/{hidden['org']['name']}", f"/user/activity/{hidden['admin']['name']}"):
        body = app.get(url).get_data(as_text=True)
        assert not [n for n in names if n in body], url


def test_api2_autocomplete_names_no_hidden_item(app, hidden: dict):
    body = app.get("/api/2/util/dataset/autocomplete", query_string={"incomplete": "hidden"}).get_data(as_text=True)
    names = hidden["hidden_from"](None)
    assert len(names) == 2 and not [n for n in names if n in body]


def test_resource_search_counts_no_hidden_resource(hidden: dict):
    excluded_id, _name, outsider = hidden["cases"][0]
    helpers.call_action("resource_create", context=catalogue_core_context({"ignore_auth": True, "user": hidden["admin"]["name"]}),
                        package_id=excluded_id, url="http://internal-host/secret.csv", name="r")
    query = {"query": "url:internal-host"}
    assert catalogue_call(hidden["admin"]["name"], "resource_search", **query)["count"] == 1
    found = catalogue_call(outsider, "resource_search", limit=0, **query)
    assert found["count"] == 0 and found["results"] == []


def test_reads_of_a_hidden_item_answer_as_for_an_unknown_one(app, hidden: dict):
    excluded_id, _name, outsider = hidden["cases"][0]
    core = catalogue_core_context({"ignore_auth": True, "user": hidden["admin"]["name"]})
    # A DataStore table of the item, made as the core makes the software tables.
    resource = helpers.call_action("resource_create", context=core, package_id=excluded_id, name="r",
                                   url="_datastore_only_resource", url_type="catalogue_software",
                                   datastore_active=True)["id"]
    helpers.call_action("datastore_create", context={"ignore_auth": True}, resource_id=resource, force=True,
                        fields=[{"id": "a", "type": "int"}], records=[])
    token = factories.APIToken(user=outsider)["token"]
    for action, key, ref in (("package_show", "id", excluded_id), ("package_show", "name_or_id", excluded_id),
                             ("resource_show", "id", resource), ("resource_view_list", "id", resource),
                             ("datastore_search", "resource_id", resource),
                             ("datastore_info", "resource_id", resource)):
        answers = []
        for value in (ref, str(uuid.uuid4())):  # the hidden one, then an unknown one
            resp = app.post(f"/api/3/action/{action}", json={key: value}, headers={"Authorization": token})
            answers.append((resp.status_code, json.dumps(resp.json["error"]).replace(value, "<ref>")))
        assert answers[0] == answers[1] and answers[0][0] == 404, (action, answers)
    # Who may see the item still reads it.
    shown = catalogue_call(hidden["admin"]["name"], "datastore_search", resource_id=resource)
    assert [f["id"] for f in shown["fields"]] == ["_id", "a"]


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_bad_paging_is_a_400_not_a_500(app):
    resp = app.get("/api/3/action/recently_changed_packages_activity_list", query_string={"offset": "x"})
    assert resp.status_code in (400, 409) and "offset" in resp.get_data(as_text=True)
    resp = app.post("/api/3/action/package_search", json={"fq_list": 5})
    assert resp.status_code in (400, 409)
