"""/gcat/profiles: the item kinds' metadata profiles as gCat serves its
profiles (its API docs, resource_Profile: the list is a JSON array of names,
``count=true`` their number; one profile is XML by default and JSON for
``Accept: application/json``, a ``metadataformat`` of ``metadatafield``s)."""
from __future__ import annotations

from xml.etree import ElementTree  # noqa: S405 - parses the test's own server's answer

import pytest

from ckanext.catalogue.core.kinds import catalogue_kinds

pytestmark = pytest.mark.usefixtures("clean_db")


def test_the_list_names_every_kind_and_counts_them(app):
    names = app.get("/gcat/profiles").json
    assert names == sorted(catalogue_kinds()) and "gcat.item" in names and "iudx.resource" in names
    assert app.get("/gcat/profiles?count=true").json == len(names)


def test_a_profile_is_xml_by_default_and_json_on_request(app):
    xml = app.get("/gcat/profiles/gcat.item")
    assert xml.status_code == 200 and xml.headers["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(xml.body.encode())  # noqa: S314 - our own answer
    assert root.tag == "metadataformat" and root.get("type") == "gcat.item"
    fields = {f.findtext("fieldName"): f for f in root.findall("metadatafield")}
    assert fields["name"].findtext("mandatory") == "true" and fields["name"].findtext("dataType") == "String"
    assert fields["tags"].findtext("maxOccurs") == "*" and fields["title"].findtext("mandatory") == "false"

    as_json = app.get("/gcat/profiles/gcat.item", headers={"Accept": "application/json"}).json
    assert as_json["metadataformat"]["type"] == "gcat.item"
    by_name = {f["fieldName"]: f for f in as_json["metadataformat"]["metadatafield"]}
    assert set(by_name) == set(fields)
    assert by_name["name"]["mandatory"] is True and by_name["version"]["maxOccurs"] == "1"


def test_an_unknown_profile_is_404_and_profiles_are_read_only(app, sysadmin_headers):
    missing = app.get("/gcat/profiles/NoSuchProfile")
    assert missing.status_code == 404 and "Profile with name NoSuchProfile not found" in missing.json["message"]
    # Profiles are the registry's kinds, declared by the plugins: not written here.
    refused = app.client.put("/gcat/profiles/Mine", data="<metadataformat/>", headers=sysadmin_headers)
    assert refused.status_code == 405 and refused.headers["Allow"] == "GET"
