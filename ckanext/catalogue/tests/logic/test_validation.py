"""The one validation path: every catalogue action validates through
``catalogue_validated``, which records its schema for the OpenAPI document."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

from ckanext.catalogue.api.openapi import catalogue_action_functions
from ckanext.catalogue.logic.validation import catalogue_action_schema
from ckanext.catalogue.tests.helpers import catalogue_call


def test_every_catalogue_action_records_its_schema(app):
    actions = catalogue_action_functions()
    assert "catalogue_item_create" in actions and "catalogue_software_record_create" in actions
    missing = sorted(name for name, fn in actions.items() if catalogue_action_schema(fn) is None)
    assert missing == []


def test_the_document_describes_each_action_body_from_its_schema(app):
    paths = app.get("/catalogue/openapi.json").json["paths"]

    def body(name: str) -> dict:
        return paths[f"/api/3/action/{name}"]["post"]["requestBody"]["content"]["application/json"]["schema"]

    assert body("catalogue_item_bulk_create")["properties"]["records"] == {}
    assert body("catalogue_item_visibility_update")["properties"]["extendable"]["type"] == "boolean"
    assert body("catalogue_item_log")["properties"]["limit"] == {"type": "integer", "minimum": 0}
    assert set(body("catalogue_software_record_create")["properties"]) == {"collection", "uuid", "fields", "partial"}


@pytest.mark.usefixtures("clean_db")
def test_a_bound_is_checked_before_the_schema():
    with pytest.raises(tk.ValidationError) as raised:
        call_action("catalogue_item_search", q="x" * 70000)
    assert "ckanext.catalogue.limits.string_length" in str(raised.value.error_dict)


@pytest.mark.usefixtures("clean_db")
def test_software_fields_keep_waldurs_wording():
    admin = factories.Sysadmin()["name"]
    catalog = catalogue_call(admin, "catalogue_software_catalog_create", doc={"name": "c", "version": "1"})
    with pytest.raises(tk.ValidationError) as raised:
        catalogue_call(admin, "catalogue_software_record_create", collection="packages",
                       fields={"catalog": catalog["id"], "name": " ", "homepage": 5, "categories": "x"})
    assert raised.value.error_dict == {
        "name": ["This field may not be blank."], "homepage": ["Not a valid string."],
        "categories": ["Expected a list of strings."]}
    created = catalogue_call(admin, "catalogue_software_record_create", collection="packages",
                             fields={"catalog": catalog["id"], "name": "zlib"})
    assert (created["homepage"], created["categories"], created["is_extension"]) == (None, [], False)
    with pytest.raises(tk.ValidationError) as raised:
        catalogue_call(admin, "catalogue_software_record_update", collection="packages", uuid=created["uuid"],
                       fields={"homepage": None, "is_extension": "yes"}, partial=True)
    assert raised.value.error_dict == {"is_extension": ["Must be a valid boolean."]}


@pytest.mark.usefixtures("clean_db")
def test_who_may_not_act_is_told_so_before_their_input_is_judged():
    admin = factories.Sysadmin()["name"]
    org = factories.Organization()
    hidden = catalogue_call(admin, "catalogue_item_create", kind="gcat.item", organization=org["id"], private=True,
                         doc={"license_id": "cc-by", "name": "hidden-item", "title": "Hidden"})
    public = catalogue_call(admin, "catalogue_item_create", kind="gcat.item", doc={"license_id": "cc-by", "name": "open-item", "title": "Open"})
    reader = factories.User()["name"]
    for action, data in (
            ("catalogue_item_artifact_upload", {"name": "x" * 300, "content": b"b", "content_type": "no type"}),
            ("catalogue_item_visibility_update", {"restrictions": "bogus", "extendable": "no"}),
            ("catalogue_item_log", {"limit": -1})):
        for caller in (reader, None):  # as for an unknown id: nothing about the input
            with pytest.raises(tk.ObjectNotFound):
                catalogue_call(caller, action, id=hidden["id"], **data)
        with pytest.raises(tk.NotAuthorized):
            catalogue_call(reader, action, id=public["id"], **data)


@pytest.mark.usefixtures("clean_db")
def test_a_count_checks_its_offset_and_a_log_reads_time_zero():
    with pytest.raises(tk.ValidationError) as raised:
        call_action("catalogue_item_count", offset="abc")
    assert set(raised.value.error_dict) == {"offset"}
    admin = factories.Sysadmin()["name"]
    item = catalogue_call(admin, "catalogue_item_create", kind="gcat.item", doc={"license_id": "cc-by", "name": "logged", "title": "Logged"})
    # startat=0 is the epoch: newest first from it back, nothing.
    assert catalogue_call(admin, "catalogue_item_log", id=item["id"], startat=0)["resources"] == []
    assert catalogue_call(admin, "catalogue_item_log", id=item["id"], startat=0, ascending="on")["count"] == 1
