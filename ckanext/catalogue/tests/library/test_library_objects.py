"""iTwin library components, categories, manufacturers, and a component's
weblinks and documents, replayed from Bentley's Library API reference
(developer.bentley.com/apis/library/operations: create-component,
get-components, get-component, update-component, create-category,
get-categories, delete-category, create-manufacturer,
create-component-weblink, update-component-weblink,
create-component-document, update-component-document) and the requests of
Bentley's sample app (iTwin/library-api-sample-app: LibraryManager.cs)."""
from __future__ import annotations

from io import BytesIO
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories

from ckanext.catalogue.api.signed_urls import catalogue_signed_args
from ckanext.catalogue.library.attachments import DOWNLOAD_LINK, UPLOAD_LINK

LIB = "/library"


@pytest.fixture
def org_users(clean_db, clean_index):
    """An organization with an admin, an editor and a plain member; an admin
    of another organization."""
    admin, editor, member, outsider = (factories.UserWithToken() for _ in range(4))
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"},
                                        {"name": editor["name"], "capacity": "editor"},
                                        {"name": member["name"], "capacity": "member"}])
    other = factories.Organization(users=[{"name": outsider["name"], "capacity": "admin"}])
    return {"org": org, "other": other, "names": {"editor": editor["name"], "member": member["name"]},
            **{k: {"Authorization": f"Bearer {u['token']}"} for k, u in
               (("admin", admin), ("editor", editor), ("member", member), ("outsider", outsider))}}


def _post(app, path: str, body: dict, headers: dict) -> dict:
    resp = app.post(f"{LIB}/{path}", json=body, headers=headers)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    return resp.json


def _path(href: str) -> str:
    parts = urlsplit(href)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _library(app, h: dict) -> dict:
    """Two catalogs, a category and a manufacturer of the caller's organization."""
    return {"doors": _post(app, "catalogs", {"displayName": "Doors"}, h)["catalog"]["id"],
            "wood": _post(app, "catalogs", {"displayName": "Wood"}, h)["catalog"]["id"],
            "category": _post(app, "categories", {"displayName": "Equipment"}, h)["category"]["id"],
            "maker": _post(app, "manufacturers", {"displayName": "ABC", "phone": "+1 800-910-9999",
                                                  "address": "999 Main St, ABC NY 12345",
                                                  "website": "www.abc123.com"}, h)["manufacturer"]["id"]}


def test_component_lifecycle_with_its_catalogs_category_and_manufacturer(app, org_users):
    """create-component / get-component / update-component / delete-component:
    201 with the component and its ``_links``, Draft by default, PUT replaces
    the whole component, DELETE 204 and then 404 ComponentNotFound."""
    h = org_users["editor"]
    lib = _library(app, h)
    body = {"displayName": "Door", "description": "A standard wooden door", "hashtags": ["door", "woodendoor"],
            "catalogs": [lib["doors"], lib["wood"]], "category": lib["category"], "manufacturer": lib["maker"]}
    resp = app.post(f"{LIB}/components", json=body, headers=h)
    assert resp.status_code == 201, resp.body
    component = resp.json["component"]
    assert component["state"] == "Draft"
    assert {k: component[k] for k in ("displayName", "description", "hashtags")} == {
        k: body[k] for k in ("displayName", "description", "hashtags")}
    assert component["createdDateTime"].endswith("Z") and component["lastModifiedDateTime"].endswith("Z")
    links = component["_links"]
    assert [_path(c["href"]) for c in links["catalogs"]] == [f"{LIB}/catalogs/{lib['doors']}",
                                                             f"{LIB}/catalogs/{lib['wood']}"]
    assert _path(links["category"]["href"]) == f"{LIB}/categories/{lib['category']}"
    assert _path(links["manufacturer"]["href"]) == f"{LIB}/manufacturers/{lib['maker']}"
    url = f"{LIB}/components/{component['id']}"
    assert resp.headers["Location"].endswith(url)
    # Each link leads to its object.
    assert app.get(_path(links["manufacturer"]["href"]), headers=h).json["manufacturer"]["website"] == "www.abc123.com"

    got = app.get(url, headers=org_users["member"])
    assert got.status_code == 200 and got.json["component"] == component

    replaced = app.client.put(url, json={"displayName": "Door", "state": "Published", "catalogs": [lib["wood"]]},
                              headers=h)
    assert replaced.status_code == 200, replaced.get_data(as_text=True)
    shown = replaced.json["component"]
    assert shown["state"] == "Published" and "description" not in shown and "hashtags" not in shown
    assert [_path(c["href"]) for c in shown["_links"]["catalogs"]] == [f"{LIB}/catalogs/{lib['wood']}"]
    assert "category" not in shown["_links"]
    # A replacement without a state goes back to Draft, the default.
    assert app.client.put(url, json={"displayName": "Door"}, headers=h).json["component"]["state"] == "Draft"

    assert app.client.delete(url, headers=h).status_code == 204
    gone = app.get(url, headers=h)
    assert gone.status_code == 404
    assert gone.json["error"] == {"code": "ComponentNotFound", "message": "Requested Component is not available."}


def test_component_checks_and_links_to_other_organizations(app, org_users):
    """A component's properties are checked as the iTwin API checks them, all
    reported at once; its associated entities must be existing ids of the
    caller's organization (an id elsewhere is as unknown as a made-up one)."""
    h = org_users["editor"]
    lib = _library(app, h)
    bad = app.post(f"{LIB}/components", json={"displayName": "d" * 151 + "?", "description": "x" * 251,
                                              "state": "Shipped", "hashtags": ["h" * 51], "colour": "red"},
                   headers=h)
    assert bad.status_code == 422
    error = bad.json["error"]
    assert error["code"] == "InvalidComponentRequest" and error["message"] == "Cannot perform operation."
    assert {(d["target"], d["message"]) for d in error["details"]} == {
        ("displayName", "DisplayName is over '150' length limit."),
        ("displayName", "DisplayName must not include these special characters. >, <, ^, $, ?, ||."),
        ("description", "Description is over '250' length limit."),
        ("state", "State must be one of: Draft, Published, Checked, Approved, Archived."),
        ("hashtag", "Hashtag is over '50' length limit."),
        ("colour", "Property 'colour' is not part of a component."),
    }
    missing = app.post(f"{LIB}/components", json={"description": "no name"}, headers=h)
    assert missing.json["error"]["details"] == [
        {"code": "MissingRequiredProperty", "message": "Required property is missing.", "target": "displayName"}]

    elsewhere = _post(app, "catalogs", {"displayName": "Theirs"}, org_users["outsider"])["catalog"]["id"]
    # Even made public through the action API, another organization's catalog is not this one's to name.
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    tk.get_action("catalogue_item_visibility_update")(site, {"id": elsewhere, "restrictions": "public"})
    for field, value in (("catalogs", [lib["doors"], elsewhere]), ("catalogs", [lib["category"]]),
                         ("category", lib["maker"]), ("manufacturer", "4ca8dcff-5ebb-b236-ea2f-0bfbdf3c623e")):
        resp = app.post(f"{LIB}/components", json={"displayName": f"Door {field}", field: value}, headers=h)
        assert resp.status_code == 422, (field, value)
        assert [d["target"] for d in resp.json["error"]["details"]] == [field]
    # Nothing was stored by the refused requests.
    listed = app.get(f"{LIB}/components", headers=h).json["components"]
    assert listed == []


def test_components_list_paging_search_catalogs_and_prefer(app, org_users):
    """get-components: the id and displayName of each by default, the whole
    component with ``Prefer: return=representation``; ``$top``/``$skip``
    with self/next/prev links; ``$search`` in displayName and hashtags;
    ``catalogs`` a comma-separated list of catalog ids; ``$top`` over 1000
    is InvalidComponentsRequest."""
    h = org_users["admin"]
    lib = _library(app, h)
    for number in range(5):
        _post(app, "components", {"displayName": f"Component {number}", "hashtags": ["oak" if number % 2 else "pine"],
                                  "catalogs": [lib["doors"]] if number < 3 else [lib["wood"], lib["doors"]]
                                  if number == 3 else [lib["wood"]]}, h)
    page = app.get(f"{LIB}/components", query_string={"$top": "2", "$skip": "2"}, headers=h).json
    assert [c["displayName"] for c in page["components"]] == ["Component 2", "Component 3"]
    assert set(page["components"][0]) == {"id", "displayName"}
    assert _path(page["_links"]["next"]["href"]).endswith("$top=2&$skip=4")
    assert "$skip=0" in page["_links"]["prev"]["href"] and "self" in page["_links"]

    full = app.get(f"{LIB}/components", headers={**h, "Prefer": "return=representation"}).json["components"]
    assert full[0]["state"] == "Draft" and full[0]["_links"]["catalogs"]
    oak = app.get(f"{LIB}/components", query_string={"$search": "oak"}, headers=h).json["components"]
    assert [c["displayName"] for c in oak] == ["Component 1", "Component 3"]

    in_wood = app.get(f"{LIB}/components", query_string={"catalogs": lib["wood"]}, headers=h).json["components"]
    assert [c["displayName"] for c in in_wood] == ["Component 3", "Component 4"]
    both = app.get(f"{LIB}/components", query_string={"catalogs": f"{lib['wood']},{lib['doors']}"},
                   headers=h).json["components"]
    assert len(both) == 5

    many_catalogs = app.get(f"{LIB}/components", query_string={"catalogs": ",".join(["x"] * 101)}, headers=h)
    assert many_catalogs.status_code == 422 and many_catalogs.json["error"]["details"][0]["target"] == "catalogs"
    too_many = app.get(f"{LIB}/components", query_string={"$top": "1001"}, headers=h)
    assert too_many.status_code == 422
    assert too_many.json["error"] == {"code": "InvalidComponentsRequest", "message": "Cannot perform operation.",
                                      "details": [{"code": "InvalidValue", "target": "$top",
                                                   "message": "Page size is over '1000' items limit."}]}

    # A catalog deleted drops out of its components' links; the components stay.
    assert app.client.delete(f"{LIB}/catalogs/{lib['wood']}", headers=h).status_code == 204
    four = app.get(f"{LIB}/components", headers={**h, "Prefer": "return=representation"}).json["components"]
    assert len(four) == 5
    assert [_path(c["href"]) for c in four[3]["_links"]["catalogs"]] == [f"{LIB}/catalogs/{lib['doors']}"]
    assert four[4]["_links"]["catalogs"] == []


def test_categories_and_manufacturers(app, org_users):
    """create-category / get-categories / delete-category and
    create-manufacturer: 50 per page with a continuation token in
    ``_links.next`` (none on the last page), CategoryNotFound with the iTwin
    API's capitalised message, names unique in the organization, each
    field's limit."""
    h = org_users["admin"]
    for number in range(52):
        _post(app, "categories", {"displayName": f"Category {number:02d}"}, h)
    first = app.get(f"{LIB}/categories", headers=h).json
    assert len(first["categories"]) == 50 and set(first["categories"][0]) == {
        "id", "displayName", "createdDateTime", "lastModifiedDateTime"}
    second = app.get(_path(first["_links"]["next"]["href"]), headers=h).json
    assert [c["displayName"] for c in second["categories"]] == ["Category 50", "Category 51"]
    assert second["_links"] == {}

    clash = app.post(f"{LIB}/categories", json={"displayName": "category 07"}, headers=h)
    assert clash.status_code == 409
    assert clash.json["error"] == {"code": "CategoryExists", "message": "Category with the same name already exists."}
    long_name = app.post(f"{LIB}/categories", json={"displayName": "c" * 251}, headers=h)
    assert long_name.status_code == 422 and long_name.json["error"]["code"] == "InvalidCategoryRequest"

    category = first["categories"][0]["id"]
    assert app.client.delete(f"{LIB}/categories/{category}", headers=h).status_code == 204
    gone = app.client.delete(f"{LIB}/categories/{category}", headers=h)
    assert gone.status_code == 404
    assert gone.json["error"] == {"code": "CategoryNotFound", "message": "Requested Category is not available."}

    maker = _post(app, "manufacturers", {"displayName": "ABC", "website": "www.abc123.com"}, h)["manufacturer"]
    url = f"{LIB}/manufacturers/{maker['id']}"
    bad = app.client.put(url, json={"displayName": "ABC", "phone": "9" * 251}, headers=h)
    assert bad.status_code == 422 and bad.json["error"]["code"] == "InvalidManufacturerRequest"
    assert bad.json["error"]["details"] == [
        {"code": "InvalidValue", "message": "Phone is over '250' length limit.", "target": "phone"}]
    assert app.client.put(url, json={"displayName": "ABC Inc."}, headers=h).json["manufacturer"]["displayName"] == \
        "ABC Inc."
    assert app.get(f"{LIB}/manufacturers", headers=h).json["manufacturers"][0]["displayName"] == "ABC Inc."
    assert app.post(f"{LIB}/manufacturers", json={"displayName": "X"}, headers=org_users["member"]).status_code == 403


def test_objects_of_another_organization_are_not_found(app, org_users):
    """As with catalogs: a component, category or manufacturer of another
    organization answers 404 with its own code on every route, and is in
    no list; the weblinks and documents of its component too."""
    h = org_users["editor"]
    lib = _library(app, h)
    component = _post(app, "components", {"displayName": "Door", "catalogs": [lib["doors"]]}, h)["component"]["id"]
    link = _post(app, f"components/{component}/weblinks", {"displayName": "Site", "uri": "https://example.org"},
                 h)["webLink"]["id"]
    outsider = org_users["outsider"]
    for many, object_id, code in (("components", component, "ComponentNotFound"),
                                  ("categories", lib["category"], "CategoryNotFound"),
                                  ("manufacturers", lib["maker"], "ManufacturerNotFound")):
        url = f"{LIB}/{many}/{object_id}"
        for resp in (app.get(url, headers=outsider), app.client.put(url, json={"displayName": "Mine"}, headers=outsider),
                     app.client.delete(url, headers=outsider)):
            assert resp.status_code == 404 and resp.json["error"]["code"] == code, (many, resp.json)
        assert app.get(f"{LIB}/{many}", headers=outsider).json[many] == []
    for resp in (app.get(f"{LIB}/components/{component}/weblinks", headers=outsider),
                 app.get(f"{LIB}/components/{component}/weblinks/{link}", headers=outsider),
                 app.post(f"{LIB}/components/{component}/weblinks", json={"displayName": "x", "uri": "https://x.org"},
                          headers=outsider)):
        assert resp.status_code == 404 and resp.json["error"]["code"] == "ComponentNotFound"
    # The outsider's component cannot name this organization's category either.
    theirs = app.post(f"{LIB}/components", json={"displayName": "Theirs", "category": lib["category"]},
                      headers=outsider)
    assert theirs.status_code == 422 and theirs.json["error"]["details"][0]["target"] == "category"


def test_resource_roles_hold_what_they_say_through_the_action_api(app, org_users):
    """The roles' rules are the core's, so the action API keeps them too: a
    weblink is a link (never a file), a document a file (never a link), and
    a media type is one line."""
    h = org_users["editor"]
    component = _post(app, "components", {"displayName": "Door"}, h)["component"]["id"]
    editor = {"user": org_users["names"]["editor"]}
    create = tk.get_action("catalogue_item_resource_create")
    with pytest.raises(tk.ValidationError) as refused:
        create(dict(editor), {"id": component, "role": "weblink", "name": "Site", "url": "https://x.org",
                              "upload": FileStorage(BytesIO(b"x"), filename="x.html")})
    assert "upload" in refused.value.error_dict
    with pytest.raises(tk.ValidationError) as refused:
        create(dict(editor), {"id": component, "role": "document", "name": "Plan", "url": "https://x.org/a.pdf",
                              "properties": {"extension": "pdf", "purpose": "Design", "available": True}})
    assert "url" in refused.value.error_dict
    with pytest.raises(tk.ValidationError) as refused:
        create(dict(editor), {"id": component, "role": "other", "name": "Plan", "url": "https://x.org"})
    assert "role" in refused.value.error_dict
    with pytest.raises(tk.ValidationError) as refused:
        create(dict(editor), {"id": component, "role": "weblink", "name": "Site", "url": "https://x.org",
                              "mimetype": "text/html\r\nSet-Cookie: a=b"})
    assert "mimetype" in refused.value.error_dict


def test_a_category_hidden_from_the_caller_cannot_be_named(app, org_users):
    """An object the caller may not see (its organization's admin excluded
    them) is as unknown to a component's references as a made-up id, so a
    write never confirms that it exists."""
    category = _post(app, "categories", {"displayName": "Secret"}, org_users["admin"])["category"]["id"]
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    tk.get_action("catalogue_item_visibility_update")(site, {
        "id": category, "restrictions": "private", "exclude": [org_users["names"]["editor"]]})
    assert app.get(f"{LIB}/categories/{category}", headers=org_users["editor"]).status_code == 404
    resp = app.post(f"{LIB}/components", json={"displayName": "Door", "category": category},
                    headers=org_users["editor"])
    assert resp.status_code == 422 and resp.json["error"]["details"] == [{
        "code": "InvalidValue", "target": "category", "message": f"Linked item {category} does not exist"}]


def test_component_weblinks(app, org_users):
    """create-component-weblink and its siblings: 201 ``{"webLink": ...}``,
    409 WebLinkExists for a name taken in the component, 422
    InvalidWebLinkRequest with the documented details, PUT replaces, DELETE
    204 and then the weblink's own 404."""
    h = org_users["editor"]
    component = _post(app, "components", {"displayName": "Door"}, h)["component"]["id"]
    url = f"{LIB}/components/{component}/weblinks"
    created = app.post(url, json={"displayName": "Bentley Communities for OpenGround",
                                  "uri": "https://communities.bentley.com/products/geotech"}, headers=h)
    assert created.status_code == 201, created.body
    link = created.json["webLink"]
    assert set(link) == {"id", "displayName", "uri", "createdDateTime", "lastModifiedDateTime"}
    assert created.headers["Location"].endswith(f"{url}/{link['id']}")

    taken = app.post(url, json={"displayName": "bentley communities for openground", "uri": "https://x.org"},
                     headers=h)
    assert taken.status_code == 409
    assert taken.json["error"] == {"code": "WebLinkExists", "message": "WebLink with the same name already exists."}

    # A field of the wrong type is named as the client sent it.
    typed = app.post(url, json={"displayName": 5, "uri": "https://x.org"}, headers=h)
    assert typed.status_code == 422 and [d["target"] for d in typed.json["error"]["details"]] == ["displayName"]
    missing = app.post(url, json={}, headers=h)
    assert missing.status_code == 422
    assert missing.json["error"]["code"] == "InvalidWebLinkRequest"
    assert missing.json["error"]["message"] == "Cannot perform operation."
    assert {(d["code"], d["target"]) for d in missing.json["error"]["details"]} == {
        ("MissingRequiredProperty", "displayName"), ("MissingRequiredProperty", "uri")}
    wrong = app.post(url, json={"displayName": "a" * 51 + "$", "uri": "javascript:alert(1)"}, headers=h)
    assert {(d["target"], d["message"]) for d in wrong.json["error"]["details"]} == {
        ("displayName", "DisplayName is over '50' length limit."),
        ("displayName", "DisplayName must not include these special characters. >, <, ^, $, ?, ||."),
        ("uri", "Uri must be a valid web url, supported schemes are https, http and ftp."),
    }

    one = f"{url}/{link['id']}"
    replaced = app.client.put(one, json={"displayName": "Docs", "uri": "ftp://files.example.org/door"}, headers=h)
    assert replaced.status_code == 200 and replaced.json["webLink"]["uri"] == "ftp://files.example.org/door"
    assert [w["displayName"] for w in app.get(url, headers=org_users["member"]).json["webLinks"]] == ["Docs"]
    assert app.post(url, json={"displayName": "More", "uri": "https://x.org"},
                    headers=org_users["member"]).status_code == 403
    assert app.client.delete(one, headers=h).status_code == 204
    gone = app.get(one, headers=h)
    assert gone.status_code == 404
    assert gone.json["error"] == {"code": "WebLinkNotFound", "message": "Requested WebLink is not available."}
    # A weblink id under another component is not found there.
    other = _post(app, "components", {"displayName": "Window"}, h)["component"]["id"]
    kept = _post(app, f"components/{component}/weblinks", {"displayName": "Kept", "uri": "https://x.org"}, h)
    assert app.get(f"{LIB}/components/{other}/weblinks/{kept['webLink']['id']}", headers=h).status_code == 404


def test_component_document_upload_flow(app, org_users):
    """create-component-document, then the file PUT to ``_links.fileUrl``
    with ``x-ms-blob-type: BlockBlob`` and no Authorization header (as
    Bentley's sample app sends it), then update-component-document with
    ``available: true``; the available document's fileUrl downloads the
    bytes as an attachment that is never sniffed."""
    h = org_users["editor"]
    component = _post(app, "components", {"displayName": "Heater"}, h)["component"]["id"]
    url = f"{LIB}/components/{component}/documents"
    body = {"displayName": "Electric Water Heater_DRE", "extension": "rfa", "purpose": "Design", "version": "1"}
    created = app.post(url, json=body, headers=h)
    assert created.status_code == 201, created.body
    document = created.json["document"]
    assert {k: document[k] for k in body} == body
    assert document["available"] is False and document["size"] == 0
    upload_url = _path(document["_links"]["fileUrl"]["href"])

    early = app.client.put(f"{url}/{document['id']}", json={**body, "available": True}, headers=h)
    assert early.status_code == 422 and early.json["error"]["code"] == "InvalidDocumentRequest"
    assert early.json["error"]["details"][0]["target"] == "available"

    content = b"<html><script>alert(1)</script></html>"
    stored = app.client.put(upload_url, data=content, headers={"x-ms-blob-type": "BlockBlob"})
    assert stored.status_code == 201, stored.get_data(as_text=True)
    # The document as read, sent back with available (the sample app's way).
    done = app.client.put(f"{url}/{document['id']}", json={**document, "available": True}, headers=h)
    assert done.status_code == 200, done.get_data(as_text=True)
    shown = done.json["document"]
    assert shown["available"] is True and shown["size"] == len(content)

    listed = app.get(url, headers=org_users["member"]).json["documents"]
    assert [d["id"] for d in listed] == [document["id"]]
    download = app.get(_path(listed[0]["_links"]["fileUrl"]["href"]))
    assert download.status_code == 200 and download.data == content
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "Electric%20Water%20Heater_DRE.rfa" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    # Once available, the file stays as it is (a new version is a new document).
    again = app.client.put(upload_url, data=b"other", headers={"x-ms-blob-type": "BlockBlob"})
    assert again.status_code == 409 and again.json["error"]["code"] == "DocumentIsAvailable"
    assert app.get(_path(listed[0]["_links"]["fileUrl"]["href"])).data == content
    # The extension is kept as sent (CKAN would rewrite a resource format: png to PNG).
    thumb = _post(app, f"components/{component}/documents",
                  {"displayName": "Thumb", "extension": "png", "purpose": "Thumbnail"}, h)["document"]
    assert thumb["extension"] == "png"

    bad = app.post(url, json={"displayName": "Thumb", "extension": "png", "purpose": "Poster"}, headers=h)
    assert bad.status_code == 422
    assert bad.json["error"]["details"] == [{
        "code": "InvalidValue", "target": "purpose",
        "message": "Purpose must be one of: Design, Thumbnail, Reference, GalleryImage, TypeCatalog."}]
    # Deleting the component takes its documents and their links with it.
    assert app.client.delete(f"{LIB}/components/{component}", headers=h).status_code == 204
    assert app.get(_path(listed[0]["_links"]["fileUrl"]["href"])).status_code == 404


def test_document_links_allow_one_thing_for_a_while(app, org_users):
    """A fileUrl carries its own permission: it is refused (403, nothing
    said of the document) once changed, expired, used for what it was not
    made for, or when its user has lost access since."""
    h = org_users["editor"]
    component = _post(app, "components", {"displayName": "Heater"}, h)["component"]["id"]
    document = _post(app, f"components/{component}/documents",
                     {"displayName": "Plan", "extension": "dgn", "purpose": "Reference"}, h)["document"]
    href = _path(document["_links"]["fileUrl"]["href"])
    path, query = href.split("?", 1)
    args = dict(parse_qsl(query))
    editor = org_users["names"]["editor"]

    def put(args: dict) -> int:
        return app.client.put(f"{path}?{urlencode(args)}", data=b"x").status_code

    assert put({**args, "sig": "0" * 64}) == 403
    assert put({**args, "su": model.User.get(org_users["names"]["member"]).id}) == 403
    # A signature that is not hex is refused like any other, never a server error.
    assert put({**args, "sig": "é" * 64}) == 403
    assert app.get(f"{path}?{urlencode({**args, 'sig': 'é'})}").status_code == 403
    expired = catalogue_signed_args(UPLOAD_LINK, (component, document["id"]), editor, -1)
    assert put(expired) == 403
    # A download link does not upload, and an upload link does not download.
    assert put(catalogue_signed_args(DOWNLOAD_LINK, (component, document["id"]), editor, 60)) == 403
    assert app.get(href).status_code == 403
    # Another document's link is not this one's.
    other = _post(app, f"components/{component}/documents",
                  {"displayName": "Other", "extension": "dgn", "purpose": "Reference"}, h)["document"]["id"]
    assert app.client.put(f"{LIB}/components/{component}/documents/{other}/file?{query}", data=b"x"
                          ).status_code == 403

    # A link made for a user who may not write refuses the upload.
    member = catalogue_signed_args(UPLOAD_LINK, (component, document["id"]), org_users["names"]["member"], 60)
    assert put(member) == 403
    # The editor leaves the organization: their links stop working with their access.
    tk.get_action("member_delete")({"ignore_auth": True}, {
        "id": org_users["org"]["id"], "object": editor, "object_type": "user"})
    assert put(args) == 404
