"""The item page in the portal: ancestors as a breadcrumb, children paged."""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from ckanext.catalogue.portal import helpers
from ckanext.catalogue.tests.helpers import catalogue_call
from ckanext.catalogue.tests.iudx import samples as s


def test_item_page_shows_breadcrumb_and_paged_children(app, iudx_tree, monkeypatch):
    t = iudx_tree
    monkeypatch.setattr(helpers, "CHILDREN_PAGE_SIZE", 2)
    for name in ("b-sensor", "c-sensor"):
        catalogue_call(t["sysadmin"], "catalogue_item_create", doc=s.resource(t["rg"], t["provider"], name))

    page = BeautifulSoup(app.get(f"/catalogue/{t['rg']}").body, "html.parser")
    crumbs = [li.get_text(strip=True) for li in page.select(".breadcrumb li")]
    assert crumbs[-5:-1] == ["city-owner", "cos-pune.example.org", "rs-pune", "pune-smart-city"]
    children = [li.a.get_text(strip=True) for li in page.select("li.catalogue-child")]
    assert children == ["sensor-1", "b-sensor"]
    assert page.select_one(".catalogue-children .badge").get_text(strip=True) == "3"

    second = BeautifulSoup(app.get(f"/catalogue/{t['rg']}?children_page=2").body, "html.parser")
    assert [li.a.get_text(strip=True) for li in second.select("li.catalogue-child")] == ["c-sensor"]

    leaf = BeautifulSoup(app.get(f"/catalogue/{t['resource']}").body, "html.parser")
    assert leaf.select_one(".catalogue-children .empty") is not None
    assert "Resource" in leaf.select_one(".catalogue-kind").get_text()


def test_catalogue_search_page_lists_items(app, iudx_tree):
    page = BeautifulSoup(app.get("/catalogue/").body, "html.parser")
    assert len(page.select(".dataset-item")) == 6


def _token_headers(user: str) -> dict[str, str]:
    import ckan.plugins.toolkit as tk

    token = tk.get_action("api_token_create")({"user": user, "ignore_auth": True}, {"user": user, "name": "ui"})
    return {"Authorization": token["token"]}


def _errors_by_field(body: str) -> dict[str, str]:
    return {e["data-field"]: e.get_text(strip=True)
            for e in BeautifulSoup(body, "html.parser").select(".catalogue-field-error")}


def test_create_form_offers_allowed_parents_and_shows_errors(app, iudx_tree):
    t = iudx_tree
    headers = _token_headers(t["sysadmin"])
    page = BeautifulSoup(app.get("/catalogue-admin/new?kind=iudx.resource", headers=headers).body, "html.parser")
    options = [o["value"] for o in page.select("#field-parent option")]
    assert options == [t["rg"]]  # only resource groups may hold resources
    # The kind's fields each have an input; links come from the parent.
    inputs = {i["name"] for i in page.select(".catalogue-item-form [name]")}
    assert {"name", "description", "tags", "more"} <= inputs
    assert not inputs & {"provider", "resourceGroup", "type", "id"}
    assert '"iudx:Resource"' in page.select_one("#field-more").get_text()
    csrf = page.select_one("input[name=_csrf_token]")["value"]

    bad = app.post("/catalogue-admin/new?kind=iudx.resource", headers=headers, data={
        "_csrf_token": csrf, "parent": t["rg"], "name": "x!", "more": "{not json"})
    assert "more" in _errors_by_field(bad.body)  # unreadable input: named before the core is asked
    bad = app.post("/catalogue-admin/new?kind=iudx.resource", headers=headers, data={
        "_csrf_token": csrf, "parent": t["rg"], "name": "x!", "more": json.dumps({"type": ["iudx:Resource"]})})
    errors = _errors_by_field(bad.body)
    assert {"name", "tags"} <= set(errors), errors
    assert BeautifulSoup(bad.body, "html.parser").select_one("#field-name")["value"] == "x!"  # kept

    good = app.post("/catalogue-admin/new?kind=iudx.resource", headers=headers, follow_redirects=False, data={
        "_csrf_token": csrf, "parent": t["rg"], "name": "from-form", "tags": "ui, flood",
        "description": "made in the form", "accessPolicy": "OPEN", "apdURL": "apd.example.org",
        "more": json.dumps({"type": ["iudx:Resource"], "extra": 1})})
    assert good.status_code == 302
    found = app.get("/iudx/cat/v1/search", query_string={"property": "[name]", "value": "[[from-form]]"}).json
    assert found["totalHits"] == 1
    made = found["results"][0]
    assert made["provider"] == t["provider"]  # filled from the parent's ancestors
    assert made["tags"] == ["ui", "flood"] and made["extra"] == 1 and made["description"] == "made in the form"


def test_parent_options_are_where_the_caller_may_create(iudx_tree):
    from ckan.tests import factories

    t = iudx_tree
    assert [p["id"] for p in catalogue_call(t["sysadmin"], "catalogue_item_parent_options",
                                            kind="iudx.resource")["results"]] == [t["rg"]]
    # Resource groups are written by their provider's organization: others get none.
    outsider = factories.User()["name"]
    assert catalogue_call(outsider, "catalogue_item_parent_options", kind="iudx.resource")["count"] == 0
    member = factories.User()["name"]
    from ckan.tests import helpers as ckan_helpers
    ckan_helpers.call_action("organization_member_create", id=t["provider_org"], username=member, role="editor")
    assert [p["id"] for p in catalogue_call(member, "catalogue_item_parent_options",
                                            kind="iudx.resource")["results"]] == [t["rg"]]
    assert catalogue_call(None, "catalogue_item_parent_options", kind="iudx.resource")["count"] == 0
    assert catalogue_call(t["sysadmin"], "catalogue_item_parent_options", kind="iudx.owner")["count"] == 0
    with pytest.raises(tk_validation_error()):
        catalogue_call(t["sysadmin"], "catalogue_item_parent_options", kind="no.such")


def tk_validation_error() -> type:
    import ckan.plugins.toolkit as tk

    return tk.ValidationError


def test_edit_form_changes_the_document_and_refuses_stale_saves(app, iudx_tree):
    t = iudx_tree
    headers = _token_headers(t["sysadmin"])
    url = f"/catalogue-admin/item/{t['resource']}/edit"
    page = BeautifulSoup(app.get(url, headers=headers).body, "html.parser")
    assert page.select_one("#field-name")["value"] == "sensor-1"
    assert page.select_one("#field-tags")["value"] == "flood, sensor"
    assert page.select_one("#field-parent") is None  # linked by resourceGroup: no move here
    form = {i["name"]: i.get("value", "") for i in page.select(".catalogue-item-form input[name]")}
    form.update({t_.get("name"): t_.get_text() for t_ in page.select(".catalogue-item-form textarea")})

    # Saved as shown (a browser sends text areas' line breaks as CRLF): nothing changes.
    before = catalogue_call(t["sysadmin"], "catalogue_item_show", id=t["resource"])
    as_sent = {k: v.replace("\n", "\r\n") for k, v in form.items()}
    assert app.post(url, headers=headers, follow_redirects=False, data=as_sent).status_code == 302
    after = catalogue_call(t["sysadmin"], "catalogue_item_show", id=t["resource"])
    assert after["doc"] == before["doc"] and "@context" in after["doc"]
    assert after["etag"] == before["etag"]  # not even a new version

    saved = app.post(url, headers=headers, follow_redirects=False,
                     data={**form, "description": "Renamed in the form", "tags": "flood"})
    assert saved.status_code == 302
    stored = catalogue_call(t["sysadmin"], "catalogue_item_show", id=t["resource"])["doc"]
    assert stored["description"] == "Renamed in the form" and stored["tags"] == ["flood"]
    assert stored["location"]["geometry"]["coordinates"] == [73.85, 18.52]  # kept in the other fields' JSON
    assert stored["resourceGroup"] == t["rg"] and stored["itemStatus"] == "ACTIVE"  # owned by the server

    # The same form again: someone saved since it was opened.
    stale = app.post(url, headers=headers, data={**form, "description": "lost update"})
    assert "changed" in BeautifulSoup(stale.body, "html.parser").select_one(".catalogue-form-errors").get_text()
    assert catalogue_call(t["sysadmin"], "catalogue_item_show", id=t["resource"])["doc"]["description"] == \
        "Renamed in the form"
    # An error by field, next to it.
    page = BeautifulSoup(app.get(url, headers=headers).body, "html.parser")
    fresh = {i["name"]: i.get("value", "") for i in page.select(".catalogue-item-form input[name]")}
    fresh.update({t_.get("name"): t_.get_text() for t_ in page.select(".catalogue-item-form textarea")})
    refused = app.post(url, headers=headers, data={**fresh, "name": "bad name!"})
    assert "name" in _errors_by_field(refused.body)
    # Readers without write rights get no form.
    app.get(url, status=403)


def test_catalogue_search_filters_by_kind_with_readable_facets(app, iudx_tree):
    page = BeautifulSoup(app.get("/catalogue/").body, "html.parser")
    facet_titles = [h.get_text(strip=True) for h in page.select("#search-facets h2, #search-facets .module-heading")]
    assert any("Kinds" in t for t in facet_titles) and any("Visibility" in t for t in facet_titles)
    kind_links = {a.get_text(" ", strip=True) for a in page.select("#search-facets a[href*='catalogue_kind=']")}
    assert any(label.startswith("COS") for label in kind_links)
    assert any("Providers" in t for t in facet_titles) and any("State" in t for t in facet_titles)
    # Items never moderated count as approved.
    states = {a.get_text(" ", strip=True) for a in page.select("#search-facets a[href*='catalogue_moderation=']")}
    assert states == {"Approved 6"} or states == {"Approved - 6"}, states
    approved = BeautifulSoup(app.get("/catalogue/?catalogue_moderation=approved").body, "html.parser")
    assert len(approved.select(".dataset-item")) == 6
    filtered = BeautifulSoup(app.get("/catalogue/?catalogue_kind=iudx.cos").body, "html.parser")
    assert [a.get_text(strip=True) for a in filtered.select(".dataset-item .dataset-heading a")] == [
        "cos-pune.example.org"]


def test_tree_rows_page_lazily_and_count_grandchildren(app, iudx_tree, monkeypatch):
    t = iudx_tree
    monkeypatch.setattr(helpers, "CHILDREN_PAGE_SIZE", 2)
    for name in ("b-sensor", "c-sensor"):
        catalogue_call(t["sysadmin"], "catalogue_item_create", doc=s.resource(t["rg"], t["provider"], name))
    first = BeautifulSoup(app.get(f"/catalogue-admin/item/{t['rg']}/children").body, "html.parser")
    assert [li.a.get_text(strip=True) for li in first.select("li.catalogue-child")] == ["sensor-1", "b-sensor"]
    more = first.select_one("li.catalogue-more button")["hx-get"]
    second = BeautifulSoup(app.get(more).body, "html.parser")
    assert [li.a.get_text(strip=True) for li in second.select("li.catalogue-child")] == ["c-sensor"]
    assert second.select_one("li.catalogue-more") is None
    # A provider's row says how many children its resource group has.
    upper = BeautifulSoup(app.get(f"/catalogue-admin/item/{t['provider']}/children").body, "html.parser")
    assert upper.select_one("li.catalogue-child button.catalogue-expand").get_text(strip=True) == "3"
    assert app.get("/catalogue-admin/item/nothing-here/children", status=404)


def test_log_page_pages_through_the_changes(app, iudx_tree, monkeypatch):
    from ckan.tests import factories

    from ckanext.catalogue.portal import views

    t = iudx_tree
    monkeypatch.setattr(views, "CATALOGUE_LOG_PAGE_SIZE", 1)
    other = factories.Sysadmin()["name"]  # another user's change is its own log entry
    catalogue_call(other, "catalogue_item_patch", id=t["owner"], doc={"description": "changed"})
    headers = {"Authorization": factories.SysadminWithToken()["token"]}
    first = BeautifulSoup(app.get(f"/catalogue-admin/item/{t['owner']}/log", headers=headers).body, "html.parser")
    assert len(first.select(".catalogue-log tbody tr")) == 1
    assert [a.get_text(strip=True) for a in first.select(".pagination a")] == ["1", "2"]
    second = BeautifulSoup(app.get(first.select(".pagination a")[1]["href"], headers=headers).body, "html.parser")
    assert "created" in second.select_one(".catalogue-log tbody tr").get_text()


def test_search_page_filters_by_a_box_and_refuses_a_bad_one(app, iudx_tree):
    t = iudx_tree
    catalogue_call(t["sysadmin"], "catalogue_item_create",
                   doc=s.resource(t["rg"], t["provider"], "far-sensor", lon=-74.0, lat=40.7))

    def names(query: str) -> list[str]:
        page = BeautifulSoup(app.get(f"/catalogue/?{query}").body, "html.parser")
        return sorted(a.get_text(strip=True) for a in page.select(".dataset-item .dataset-heading a"))

    assert names("ext_bbox=73.7,18.4,74.0,18.7") == ["sensor-1"]
    assert names("ext_bbox=-75,40,-73,41") == ["far-sensor"]
    assert names("ext_bbox=-180,-90,180,90") == ["far-sensor", "sensor-1"]
    # With a word and a facet the box still holds.
    assert names("q=sensor&catalogue_kind=iudx.resource&ext_bbox=-75,40,-73,41") == ["far-sensor"]
    page = BeautifulSoup(app.get("/catalogue/?ext_bbox=-75,40,-73,41").body, "html.parser")
    assert page.select_one("#field-ext-bbox")["value"] == "-75,40,-73,41"
    assert page.select_one(".catalogue-map-clear") is not None
    assert page.select_one("[data-module=catalogue-map-search]")["data-module-tiles"] == ""

    for bad, reason in (("1,2,3", "four numbers"), ("200,0,201,1", "-180..180"), ("5,0,1,1", "west")):
        response = app.get(f"/catalogue/?ext_bbox={bad}", status=400)
        assert "ext_bbox" in response.body and reason in response.body
    # A caller's own OR filter stays whole beside the box.
    either = app.post("/api/3/action/package_search", json={
        "fq": "name:sensor-1 OR name:far-sensor OR dataset_type:catalogue", "extras": {"ext_bbox": "-75,40,-73,41"}})
    assert [r["title"] for r in either.json["result"]["results"]] == ["far-sensor"]
    refused = app.post("/api/3/action/package_search", json={"extras": {"ext_bbox": "x,1,2,3"}}, status=400)
    assert "ext_bbox" in refused.json["error"]["message"]
    found = app.post("/api/3/action/package_search", json={"extras": {"ext_bbox": "73.7,18.4,74.0,18.7"}})
    assert [r["name"] for r in found.json["result"]["results"]] == [
        catalogue_call(t["sysadmin"], "catalogue_item_show", id=t["resource"])["name"]]


def test_pricing_comes_from_the_core_and_only_where_there_is_some(app, iudx_tree):
    from ckan.tests import factories

    admin = iudx_tree["sysadmin"]
    org = factories.Organization()
    doc = {"name": "costly", "disabled": False, "tags": ["t"], "images": {"image": "i"},
           "overview_ui": {"en": {"display_name": "costly", "description": "d", "long_description": "l"}},
           "provider": {"name": "p", "email": "p@example.org"}, "metadata": {"pricing": {"type": "free"}}}
    costly = catalogue_call(admin, "catalogue_item_create", kind="globalcatalog.service", id="costly",
                            organization=org["name"], private=False, doc=doc)
    assert catalogue_call(admin, "catalogue_item_pricing", id="costly") == {
        "id": costly["id"], "kind": "globalcatalog.service", "pricing": {"type": "free"}}
    # A kind without pricing, and an entry without any.
    assert catalogue_call(admin, "catalogue_item_pricing", id=iudx_tree["resource"])["pricing"] is None
    doc["metadata"] = {"pricing": {}}
    catalogue_call(admin, "catalogue_item_create", kind="globalcatalog.service", id="unpriced",
                   organization=org["name"], private=False, doc={**doc, "name": "unpriced"})
    assert catalogue_call(admin, "catalogue_item_pricing", id="unpriced")["pricing"] is None

    page = BeautifulSoup(app.get(f"/catalogue-admin/item/{costly['name']}/pricing").body, "html.parser")
    assert page.select_one(".catalogue-pricing-type").get_text(strip=True) == "free"
    app.get(f"/catalogue-admin/item/{iudx_tree['resource']}/pricing", status=404)
    app.get("/catalogue-admin/item/no-such-item/pricing", status=404)


def test_form_values_round_trip_a_document():
    from ckanext.catalogue.core.kinds import catalogue_kind
    from ckanext.catalogue.portal import forms

    kind = catalogue_kind("gcat.item")
    doc = {"name": "ds", "title": "A title", "notes": "Long\ntext", "tags": [{"name": "a"}, "b"],
           "extras": [{"key": "k", "value": "v"}], "custom": {"x": [1, 2]}}
    values = forms.catalogue_form_values(kind, doc)
    assert values["tags"] == "a, b" and values["notes"] == "Long\ntext"
    assert json.loads(values["more"]) == {"custom": {"x": [1, 2]}}
    # Editing: inputs left as shown keep the stored values exactly.
    back, errors = forms.catalogue_form_doc(kind, values, doc)
    assert errors == {} and back == doc
    changed, _ = forms.catalogue_form_doc(kind, {**values, "tags": "a, c", "title": "New "}, doc)
    assert changed == {**doc, "tags": ["a", "c"], "title": "New "}
    # Creating: the names of tags, as typed.
    made, errors = forms.catalogue_form_doc(kind, values)
    assert errors == {} and made == {**doc, "tags": ["a", "b"]}
    _, errors = forms.catalogue_form_doc(kind, {**values, "extras": "[", "more": "[1]"})
    assert set(errors) == {"extras", "more"}


def test_trash_page_offers_item_buttons_for_items_only(app, iudx_tree):
    from ckan.tests import factories
    from ckan.tests import helpers as ckan_helpers

    t = iudx_tree
    catalogue_call(t["sysadmin"], "catalogue_item_delete", id=t["resource"])
    plain = factories.Dataset(name="plain-in-trash", title="plain-in-trash", owner_org=factories.Organization()["id"])
    ckan_helpers.call_action("package_delete", {"user": t["sysadmin"]}, id=plain["id"])
    page = BeautifulSoup(app.get("/catalogue-admin/trash", headers=_token_headers(t["sysadmin"])).body,
                         "html.parser")
    rows = {r.select_one("td").get_text(strip=True): r for r in page.select(".catalogue-trash-items tbody tr")}
    assert set(rows) == {"sensor-1", "plain-in-trash"}
    assert [b.get_text(strip=True) for b in rows["sensor-1"].select("button")] == ["Restore", "Purge"]
    assert rows["plain-in-trash"].select("button") == []


def test_new_form_starts_private_where_the_kind_does(app, iudx_tree):
    headers = _token_headers(iudx_tree["sysadmin"])
    private = BeautifulSoup(app.get("/catalogue-admin/new?kind=globalcatalog.service", headers=headers).body,
                            "html.parser")
    assert private.select_one("#field-private").has_attr("checked")
    public = BeautifulSoup(app.get("/catalogue-admin/new?kind=gcat.item", headers=headers).body, "html.parser")
    assert not public.select_one("#field-private").has_attr("checked")


def test_item_page_shows_the_document_as_a_table_with_links_and_a_map(app, iudx_tree):
    """Issue 23: labels a person reads, linked items as links, nested values
    folded, places on a map, the raw JSON one click away."""
    t = iudx_tree
    page = BeautifulSoup(app.get(f"/catalogue/{t['resource']}").body, "html.parser")
    rows = {tr.th.get_text(strip=True): tr.td for tr in page.select(".catalogue-doc-table > tbody > tr")}
    assert {"Name", "Resource group", "Provider", "Access policy", "Apd URL", "Location"} <= set(rows)
    group = rows["Resource group"].select_one("a.catalogue-doc-link")
    assert group is not None and group.get_text(strip=True) == "env-flood"
    assert group["href"].endswith(f"/catalogue/{t['rg']}")
    assert rows["Location"].select_one("details.catalogue-doc-nested") is not None
    assert rows["Tags"].get_text(strip=True) == "flood, sensor"
    places = json.loads(page.select_one(".catalogue-doc-map")["data-module-features"])
    assert places[0]["geometry"] == {"type": "Point", "coordinates": [73.85, 18.52]}
    raw = page.select_one("details.catalogue-doc-raw pre")
    assert json.loads(raw.get_text())["name"] == "sensor-1"


def test_a_linked_item_the_reader_may_not_see_is_not_named(app):
    """The page links only the items its reader may see: a category hidden
    from a member stays a bare id, its name never shown."""
    import ckan.plugins.toolkit as tk
    from ckan.tests import factories

    admin, member = factories.User(), factories.User()
    org = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"},
                                        {"name": member["name"], "capacity": "member"}])
    category = catalogue_call(admin["name"], "catalogue_item_create", kind="library.category",
                              organization=org["name"], doc={"displayName": "Secret category"})["id"]
    site = {"user": tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]}
    tk.get_action("catalogue_item_visibility_update")(site, {"id": category, "restrictions": "private",
                                                             "exclude": [member["name"]]})
    component = catalogue_call(admin["name"], "catalogue_item_create", kind="library.component",
                               organization=org["name"], doc={"displayName": "Door", "category": category})
    body = app.get(f"/catalogue/{component['name']}", headers=_token_headers(member["name"])).body
    rows = {tr.th.get_text(strip=True): tr.td for tr in
            BeautifulSoup(body, "html.parser").select(".catalogue-doc-table > tbody > tr")}
    assert rows["Category"].get_text(strip=True) == category
    assert "Secret category" not in body
    mine = app.get(f"/catalogue/{component['name']}", headers=_token_headers(admin["name"])).body
    assert "Secret category" in mine


def test_catalogue_home_counts_items_per_dialect_and_new_item_groups_kinds(app, iudx_tree):
    """Issue 23: the catalogue's home says what each dialect holds (as the
    reader sees it), with its API and documentation; the New item page
    groups the kinds by dialect, a line on each."""
    page = BeautifulSoup(app.get("/catalogue/").body, "html.parser")
    cards = {c["data-dialect"]: c for c in page.select(".catalogue-dialect")}
    assert set(cards) == {"gcat", "globalcatalog", "iudx", "library", "software"}
    assert cards["iudx"].select_one(".catalogue-dialect-count").get_text(strip=True) == "6"
    assert cards["library"].select_one(".catalogue-dialect-count").get_text(strip=True) == "0"
    assert cards["iudx"].select_one("a.catalogue-dialect-docs")["href"].endswith("/catalogue-api#tag-iudx")
    kinds = [a.get_text(strip=True) for a in cards["iudx"].select("p a")]
    assert "Resource" in kinds and "Owner" in kinds
    assert app.get(cards["iudx"].select_one("a.catalogue-dialect-api")["href"]).status_code == 200
    # A search page (any argument) is the results only.
    assert not BeautifulSoup(app.get("/catalogue/?q=sensor").body, "html.parser").select(".catalogue-dialect")

    new = BeautifulSoup(app.get("/catalogue-admin/new", headers=_token_headers(iudx_tree["sysadmin"])).body,
                        "html.parser")
    groups = {g["data-dialect"]: g for g in new.select(".catalogue-kind-group")}
    assert {"gcat", "globalcatalog", "iudx", "library", "software"} <= set(groups)
    assert groups["library"].select_one("h2").get_text(strip=True) == "Bentley iTwin library"
    assert "Library component" in groups["library"].get_text()
    assert groups["iudx"].select_one("p.text-muted").get_text(strip=True)
