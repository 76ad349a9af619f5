"""Items in the portal, clicked through in Chromium: create from the
catalogue page, find through search, archive, restore and purge; change
who may see an item; the trash; catalogue roles."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ckan.tests import factories

from ckanext.catalogue.tests.helpers import BROWSER_PASSWORD, catalogue_call
from ckanext.catalogue.tests.iudx import samples as s

pytestmark = pytest.mark.usefixtures("clean_db", "clean_index")


def _sysadmin() -> str:
    return factories.Sysadmin(password=BROWSER_PASSWORD)["name"]


def _fill_item_form(page, doc: dict) -> None:
    """Each field with an input typed into it, the rest as the JSON of the others."""
    rest = {}
    for key, value in doc.items():
        field = page.locator(f".catalogue-item-form [name='{key}']")
        if key != "more" and field.count():
            field.fill(", ".join(value) if isinstance(value, list) else
                       json.dumps(value) if isinstance(value, dict) else str(value))
        else:
            rest[key] = value
    page.fill("#field-more", json.dumps(rest))


def _create_in_form(page, kind: str, parent_label: str, doc: dict) -> None:
    page.get_by_role("link", name="Catalogue", exact=True).first.click()
    page.locator("a.catalogue-new").click()
    page.locator(f"a[href$='kind={kind}']").click()
    page.select_option("#field-parent", label=parent_label)
    _fill_item_form(page, doc)
    page.get_by_role("button", name="Create").click()
    page.wait_for_url(re.compile(r".*/catalogue/[^/]+$"))


def test_create_find_archive_restore_and_purge_an_item(page, log_in):
    admin = _sysadmin()
    owner = catalogue_call(admin, "catalogue_item_create", doc=s.owner())["id"]
    cos = catalogue_call(admin, "catalogue_item_create", doc=s.cos(owner))["id"]
    rs = catalogue_call(admin, "catalogue_item_create", doc=s.resource_server(cos))["id"]
    log_in(admin)

    # A provider under the resource server, then a resource group under it.
    provider_doc = s.provider(None, name="ui-provider")
    _create_in_form(page, "iudx.provider", "Resource server: rs-pune", provider_doc)
    assert "ui-provider" in page.locator("h1").first.inner_text()
    provider = catalogue_call(admin, "catalogue_item_show", id=page.url.rsplit("/", 1)[-1])
    assert provider["parent"] == rs
    group_doc = s.resource_group(provider["id"], name="ui-flood-group")
    del group_doc["provider"]  # the form's parent fills the link
    _create_in_form(page, "iudx.resource_group", "Provider: ui-provider", group_doc)
    assert [a.inner_text() for a in page.locator(".breadcrumb li a").all()][-2:] == ["ui-provider", "ui-flood-group"]
    group = page.url.rsplit("/", 1)[-1]

    # Found through the catalogue's search box.
    page.get_by_role("link", name="Catalogue", exact=True).first.click()
    page.fill("#field-giant-search", "ui-flood-group")
    page.keyboard.press("Enter")
    page.locator(".dataset-item a", has_text="ui-flood-group").first.click()

    # Edited in its form: a bad value is named next to its input, then fixed.
    page.locator("a.catalogue-edit").click()
    page.fill("#field-name", "no spaces at the end ")
    page.fill("#field-description", "Edited in the browser")
    page.get_by_role("button", name="Save").click()
    assert page.locator(".catalogue-field-error[data-field='name']").count() == 1
    assert page.locator("#field-name.is-invalid").count() == 1
    page.fill("#field-name", "ui-flood-group")
    page.get_by_role("button", name="Save").click()
    assert "Saved" in page.locator(".alert").first.inner_text()
    assert catalogue_call(admin, "catalogue_item_show", id=group)["doc"]["description"] == "Edited in the browser"

    page.locator("button.catalogue-archive").click()
    assert "Archived" in page.locator(".alert").first.inner_text()
    assert page.locator(".badge", has_text="Deleted").count() == 1
    assert catalogue_call(admin, "catalogue_item_show", id=group)["state"] == "deleted"

    page.locator("button.catalogue-restore").click()
    assert "Restored" in page.locator(".alert").first.inner_text()
    assert catalogue_call(admin, "catalogue_item_show", id=group)["state"] == "active"

    page.wait_for_load_state("networkidle")  # CKAN's JS modules (the confirm dialog) are set up
    page.locator("button.catalogue-purge").click()
    page.locator(".modal").get_by_role("button", name="Confirm").click()
    page.wait_for_url(re.compile(r".*/catalogue/?(\?.*)?$"))
    assert "Purged" in page.locator(".alert").first.inner_text()
    assert catalogue_call(admin, "catalogue_item_search", q="ui-flood-group")["count"] == 0


def test_visibility_page_opens_an_item_to_all_but_one_organization(page, log_in):
    admin, outsider = factories.User(password=BROWSER_PASSWORD), factories.User()
    factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
    other = factories.Organization(users=[{"name": outsider["name"], "capacity": "member"}])
    doc = {"name": "ui-service", "disabled": False, "tags": ["t"], "images": {"image": "i"},
           "overview_ui": {"en": {"display_name": "UI service", "description": "d", "long_description": "l"}},
           "provider": {"name": "p", "email": "p@example.org"}}
    catalogue_call(admin["name"], "catalogue_item_create", kind="globalcatalog.service", id="ui-svc", doc=doc)
    log_in(admin["name"])

    page.goto("/catalogue/")
    page.locator(".dataset-item a").first.click()
    assert page.locator(".catalogue-visibility").inner_text().strip() == "Restricted"
    page.get_by_role("link", name="Visibility").click()
    page.select_option("#field-restrictions", "public")
    page.fill("#field-exclude", "no-such-org")
    page.get_by_role("button", name="Save").click()
    # Refused with the field and the reason, nothing changed.
    assert "no-such-org" in page.locator(".error-block").inner_text()
    page.fill("#field-exclude", other["name"])
    page.get_by_role("button", name="Save").click()
    assert page.locator(".catalogue-visibility").inner_text().strip() == "Public"
    assert catalogue_call(None, "catalogue_item_count")["count"] == 1
    assert catalogue_call(outsider["name"], "catalogue_item_count")["count"] == 0


def test_trash_restores_items_and_purges_organizations(page, log_in):
    admin = _sysadmin()
    owner = catalogue_call(admin, "catalogue_item_create", doc=s.owner("trashed-owner"))["id"]
    catalogue_call(admin, "catalogue_item_delete", id=owner)
    gone = factories.Organization(name="gone-org")
    catalogue_call(admin, "organization_delete", id=gone["id"])
    back = factories.Group(name="back-group")
    catalogue_call(admin, "group_delete", id=back["id"])
    log_in(admin)

    page.get_by_role("link", name="Trash").click()
    row = page.locator(".catalogue-trash-items tr", has_text="trashed-owner")
    row.get_by_role("button", name="Restore").click()
    assert "Restored" in page.locator(".alert").first.inner_text()
    assert page.locator(".catalogue-trash-items tr", has_text="trashed-owner").count() == 0
    assert catalogue_call(admin, "catalogue_item_show", id=owner)["state"] == "active"

    page.wait_for_load_state("networkidle")
    page.locator(".catalogue-trash-organizations tr", has_text="gone-org").get_by_role("button", name="Purge").click()
    with page.expect_navigation():
        page.locator(".modal").get_by_role("button", name="Confirm").click()
    assert "Purged gone-org" in page.locator(".alert").first.inner_text()
    assert page.locator(".catalogue-trash-organizations").count() == 0

    page.locator(".catalogue-trash-groups tr", has_text="back-group").get_by_role("button", name="Restore").click()
    assert "Restored back-group" in page.locator(".alert").first.inner_text()
    assert catalogue_call(admin, "group_show", id=back["id"])["state"] == "active"
    assert page.locator(".catalogue-trash-groups").count() == 0


def test_roles_page_grants_and_revokes(page, log_in):
    admin, user = _sysadmin(), factories.User()["name"]
    log_in(admin)
    page.get_by_role("link", name="Roles").click()
    page.fill("#field-user", user)
    page.select_option("#field-role", "Catalogue-Editor")
    page.get_by_role("button", name="Grant").click()
    row = page.locator(".catalogue-roles tr", has_text=user)
    assert "Catalogue-Editor" in row.inner_text()
    row.get_by_role("button", name="Revoke").click()
    assert page.locator(".catalogue-roles tr", has_text=user).count() == 0


def test_item_tabs_keep_artifacts_and_show_the_log(page, log_in):
    admin = _sysadmin()
    owner = catalogue_call(admin, "catalogue_item_create", doc=s.owner("tabbed-owner"))["id"]
    log_in(admin)
    page.goto(f"/catalogue/{owner}")
    page.locator("a[href$='/artifacts']").click()
    page.set_input_files("#field-file", files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello"}])
    page.get_by_role("button", name="Upload").click()
    assert "Uploaded notes.txt" in page.locator(".alert").first.inner_text()
    row = page.locator(".catalogue-artifacts tr", has_text="notes.txt")
    assert "text/plain" in row.inner_text()
    with page.expect_download() as download:
        row.get_by_role("link", name="notes.txt").click()
    assert Path(download.value.path()).read_bytes() == b"hello"

    # A fresh page: the download's click may leave CKAN's JS modules unset.
    page.reload(wait_until="networkidle")
    row.get_by_role("button", name="Delete").click()
    with page.expect_navigation():
        page.locator(".modal").get_by_role("button", name="Confirm").click()
    assert "Deleted notes.txt" in page.locator(".alert").first.inner_text()
    assert page.locator(".catalogue-artifacts .empty").count() == 1

    page.goto(f"/catalogue/{owner}")
    page.locator("a[href$='/log']").click()
    entries = page.locator(".catalogue-log tbody tr")
    assert entries.count() >= 1 and admin in entries.first.inner_text()


@pytest.mark.ckan_config("ckanext.catalogue.moderation", "true")
def test_moderators_approve_and_reject_from_the_queue(page, log_in):
    from ckan.tests import helpers

    editor, moderator = factories.User(password=BROWSER_PASSWORD)["name"], factories.User(password=BROWSER_PASSWORD)["name"]
    helpers.call_action("catalogue_role_grant", user=editor, role="Catalogue-Editor")
    helpers.call_action("catalogue_role_grant", user=moderator, role="Catalogue-Moderator")
    created = catalogue_call(editor, "catalogue_item_create", kind="gcat.item",
                             doc={"name": "queued-bad", "title": "queued-bad", "license_id": "cc-by"})
    assert created["moderation"]["state"] == "pending"
    # The served portal moderates too: an item made in its form waits.
    log_in(editor)
    page.goto("/catalogue-admin/new?kind=gcat.item")
    _fill_item_form(page, {"name": "queued-good", "title": "queued-good", "license_id": "cc-by"})
    page.get_by_role("button", name="Create").click()
    assert page.locator(".catalogue-moderation").inner_text() == "Waiting for moderation"
    page.goto("/user/_logout")
    log_in(moderator)
    page.get_by_role("link", name="Moderation").click()
    assert page.locator(".catalogue-moderation-queue tbody tr").count() == 2

    bad = page.locator(".catalogue-moderation-queue tr", has_text="queued-bad")
    bad.get_by_role("button", name="Reject").click()
    assert "message" in page.locator(".alert").first.inner_text()  # a rejection needs one
    bad = page.locator(".catalogue-moderation-queue tr", has_text="queued-bad")
    bad.locator("input[name=message]").fill("Add a licence note")
    bad.locator("input[name=message]").press("Enter")  # Enter rejects, never approves
    assert "Rejected" in page.locator(".alert").first.inner_text()
    page.locator(".catalogue-moderation-queue tr", has_text="queued-good").get_by_role("button", name="Approve").click()
    assert "Approved" in page.locator(".alert").first.inner_text()
    assert page.locator(".catalogue-moderation-queue .empty").count() == 1
    assert catalogue_call(editor, "catalogue_item_show", id="queued-bad")["moderation"] == {
        "state": "rejected", "message": "Add a licence note"}
    assert catalogue_call(None, "catalogue_item_show", id="queued-good")["moderation"]["state"] == "approved"


def _gc_doc(name: str) -> dict:
    return {"name": name, "disabled": False, "tags": ["t"], "images": {"image": "i"},
            "overview_ui": {"en": {"display_name": name, "description": "d", "long_description": "l"}},
            "provider": {"name": "p", "email": "p@example.org"}}


def test_provider_dashboard_counts_kinds_and_lists_changes(page, log_in):
    editor = factories.User(password=BROWSER_PASSWORD)["name"]
    factories.Organization(name="dash-org", users=[{"name": editor, "capacity": "editor"}])
    catalogue_call(editor, "catalogue_item_create", kind="globalcatalog.service", id="dash-svc",
                   doc=_gc_doc("dash-svc"))
    catalogue_call(editor, "catalogue_item_create", kind="globalcatalog.plan", id="dash-plan", parent="dash-svc",
                   doc=_gc_doc("dash-plan"))
    log_in(editor)
    page.get_by_role("link", name="My catalogue").click()
    kinds = {r.locator("td").first.inner_text(): r.locator("td").last.inner_text()
             for r in page.locator(".catalogue-dashboard-kinds tr").all()}
    assert set(kinds.values()) == {"1"} and len(kinds) == 2
    assert [r.locator("td").first.inner_text() for r in page.locator(".catalogue-dashboard-recent tbody tr").all()] == [
        "dash-plan", "dash-svc"]
    page.locator(".catalogue-dashboard-kinds a", has_text="plan").first.click()
    assert [a.inner_text() for a in page.locator(".dataset-item .dataset-heading a").all()] == ["dash-plan"]


def _provider_and_group() -> tuple[str, str, str]:
    """A sysadmin, and a provider with one resource group (its chain above it)."""
    admin = _sysadmin()
    owner = catalogue_call(admin, "catalogue_item_create", doc=s.owner())["id"]
    cos = catalogue_call(admin, "catalogue_item_create", doc=s.cos(owner))["id"]
    rs = catalogue_call(admin, "catalogue_item_create", doc=s.resource_server(cos))["id"]
    provider = catalogue_call(admin, "catalogue_item_create", doc=s.provider(rs))["id"]
    return admin, provider, catalogue_call(admin, "catalogue_item_create", doc=s.resource_group(provider, rs))["id"]


def test_children_tree_expands_lazily(page):
    admin, provider, group = _provider_and_group()
    for name in ("tree-a", "tree-b"):
        catalogue_call(admin, "catalogue_item_create", doc=s.resource(group, provider, name=name))

    page.goto(f"/catalogue/{provider}")
    page.wait_for_load_state("networkidle")
    row = page.locator(".catalogue-tree > li.catalogue-child")
    assert row.count() == 1 and "env-flood" in row.inner_text()
    row.locator("button.catalogue-expand").click()
    below = row.locator(".catalogue-subtree li.catalogue-child")
    below.nth(1).wait_for()
    assert [b.locator("a").inner_text() for b in below.all()] == ["tree-a", "tree-b"]
    assert below.locator("button.catalogue-expand").count() == 0  # leaves have nothing to expand


def test_item_page_draws_its_places_and_folds_its_document(page):
    """Issue 23: an item's places on a small map (a circle per point), its
    nested values folded until clicked, its JSON one click away."""
    admin, provider, group = _provider_and_group()
    made = catalogue_call(admin, "catalogue_item_create", doc=s.resource(group, provider, name="map-sensor"))
    page.goto(f"/catalogue/{made['name']}")
    page.wait_for_load_state("networkidle")
    canvas = page.locator(".catalogue-doc-map")
    assert canvas.evaluate("el => Boolean(el._catalogueMap)")
    assert page.locator(".catalogue-doc-map path.leaflet-interactive").count() == 1
    centre = canvas.evaluate("el => el._catalogueMap.getCenter()")
    assert abs(centre["lat"] - 18.52) < 0.01 and abs(centre["lng"] - 73.85) < 0.01
    nested = page.locator("details.catalogue-doc-nested").first
    assert not nested.locator("table").first.is_visible()
    nested.locator("summary").first.click()
    assert nested.locator("table").first.is_visible()
    raw = page.locator("details.catalogue-doc-raw")
    assert not raw.locator("pre").is_visible()
    raw.locator("summary").click()
    assert '"map-sensor"' in raw.locator("pre").inner_text()


def test_map_search_finds_items_in_the_drawn_area(page):
    admin, provider, group = _provider_and_group()
    catalogue_call(admin, "catalogue_item_create", doc=s.resource(group, provider, name="pune-sensor"))
    catalogue_call(admin, "catalogue_item_create",
                   doc=s.resource(group, provider, name="york-sensor", lon=-74.0, lat=40.7))

    page.goto("/catalogue/")
    page.wait_for_load_state("networkidle")
    canvas = page.locator(".catalogue-map-canvas")
    box = canvas.bounding_box()

    def at(lat: float, lon: float) -> tuple[float, float]:
        point = canvas.evaluate("(el, ll) => el._catalogueMap.latLngToContainerPoint(ll)", [lat, lon])
        return box["x"] + point["x"], box["y"] + point["y"]

    # A box around India, drawn with the mouse.
    page.locator("button.catalogue-map-draw").click()
    page.mouse.move(*at(30, 65))
    page.mouse.down()
    page.mouse.move(*at(20, 75), steps=5)
    with page.expect_navigation():
        page.mouse.move(*at(10, 85), steps=5)
        page.mouse.up()
    assert "ext_bbox=" in page.url
    headings = page.locator(".dataset-item .dataset-heading a")
    assert [a.inner_text() for a in headings.all()] == ["pune-sensor"]
    assert page.locator("path.leaflet-interactive").count() == 1  # the box, shown again

    # Typed instead, and cleared.
    page.fill("#field-ext-bbox", "-80,35,-70,45")
    page.locator(".catalogue-map-form button").click()
    assert [a.inner_text() for a in headings.all()] == ["york-sensor"]
    page.locator("a.catalogue-map-clear").click()
    assert "ext_bbox" not in page.url and headings.count() == 7


def test_purge_from_the_group_and_organization_pages(page, log_in):
    admin = _sysadmin()
    group = factories.Group(name="purge-me-group")
    kept = factories.Organization(name="still-owning-org")
    factories.Dataset(name="owned-dataset", owner_org=kept["id"], groups=[{"id": group["id"]}])
    log_in(admin)

    page.goto("/group/purge-me-group")
    page.wait_for_load_state("networkidle")
    page.locator("button.catalogue-group-purge").click()
    with page.expect_navigation():
        page.locator(".modal").get_by_role("button", name="Confirm").click()
    assert page.url.rstrip("/").endswith("/group")
    assert "Purged purge-me-group" in page.locator(".alert").first.inner_text()
    assert catalogue_call(admin, "group_list") == []
    assert catalogue_call(admin, "package_show", id="owned-dataset")["groups"] == []

    # An organization that owns a dataset is refused, and the page says why.
    page.goto("/organization/still-owning-org")
    page.wait_for_load_state("networkidle")
    page.locator("button.catalogue-group-purge").click()
    with page.expect_navigation():
        page.locator(".modal").get_by_role("button", name="Confirm").click()
    assert page.url.rstrip("/").endswith("/organization/still-owning-org")
    assert "still owns 1 dataset" in page.locator(".alert").first.inner_text()
    assert catalogue_call(admin, "organization_show", id=kept["id"])["state"] == "active"

    # Not offered to those who may not purge.
    page.goto("/user/_logout")
    page.goto("/organization/still-owning-org")
    assert page.locator("button.catalogue-group-purge").count() == 0


PRICING = {"type": "paid", "origin": "global_catalog",
           "metrics": [{"metric_id": "part-is.instance-hours", "resource_display_name": "Instance hours",
                        "charge_unit_display_name": "Hour", "tier_model": "Linear",
                        "amounts": [{"country": "USA", "currency": "USD",
                                     "prices": [{"quantity_tier": 1, "price": 0.12}]}]}]}


def test_pricing_tab_shows_what_an_entry_costs(page, log_in):
    editor = factories.User(password=BROWSER_PASSWORD)["name"]
    factories.Organization(name="price-org", users=[{"name": editor, "capacity": "editor"}])
    priced = catalogue_call(editor, "catalogue_item_create", kind="globalcatalog.service", id="priced-svc",
                            doc={**_gc_doc("priced-svc"), "metadata": {"pricing": PRICING}})
    free = catalogue_call(editor, "catalogue_item_create", kind="globalcatalog.service", id="free-svc",
                          doc=_gc_doc("free-svc"))
    log_in(editor)

    page.goto(f"/catalogue/{priced['name']}")
    page.get_by_role("link", name="Pricing").click()
    assert page.locator(".catalogue-pricing-type").inner_text() == "paid"
    row = page.locator(".catalogue-pricing-metrics tbody tr")
    assert row.count() == 1
    assert [c.inner_text() for c in row.locator("td").all()][:3] == ["Instance hours", "Hour", "Linear"]
    assert "USA USD" in row.inner_text() and "0.12" in row.inner_text()

    page.goto(f"/catalogue/{free['name']}")
    assert page.get_by_role("link", name="Pricing").count() == 0
