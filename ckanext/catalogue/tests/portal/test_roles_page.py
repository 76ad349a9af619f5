"""The portal page that grants and revokes catalogue roles."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories, helpers

from ckanext.catalogue.tests.helpers import catalogue_call


def _form_fields(html: str, selector: str) -> dict[str, str]:
    form = BeautifulSoup(html, "html.parser").select_one(selector)
    return {i["name"]: i.get("value", "") for i in form.select("input[name]")}


@pytest.mark.usefixtures("clean_db")
def test_managers_grant_and_revoke_others_are_refused(app):
    manager = factories.UserWithToken()
    helpers.call_action("catalogue_role_grant", user=manager["name"], role="Catalogue-Manager")
    editor = factories.UserWithToken()
    helpers.call_action("catalogue_role_grant", user=editor["name"], role="Catalogue-Editor")
    target = factories.User()
    as_manager = {"Authorization": manager["token"]}

    assert app.get("/catalogue-admin/roles", headers={"Authorization": editor["token"]}).status_code == 403
    assert app.get("/catalogue-admin/roles").status_code == 403

    page = app.get("/catalogue-admin/roles", headers=as_manager)
    assert page.status_code == 200
    fields = _form_fields(page.body, "form.catalogue-role-grant")
    assert "_csrf_token" in fields
    granted = app.post("/catalogue-admin/roles", headers=as_manager, data={
        **fields, "user": target["name"], "role": "Catalogue-Admin", "grant": "1"})
    assert granted.status_code == 200
    assert "Catalogue-Admin" in catalogue_call(manager["name"], "catalogue_role_show", user=target["name"])["roles"]
    rows = BeautifulSoup(granted.body, "html.parser").select("table.catalogue-roles tbody tr")
    assert any(target["name"] in row.get_text() for row in rows)

    bad = app.post("/catalogue-admin/roles", headers=as_manager, data={
        **fields, "user": "nobody-here", "role": "Catalogue-Admin", "grant": "1"})
    assert bad.status_code == 200 and BeautifulSoup(bad.body, "html.parser").select_one(".error-block")

    revoke = [f for f in BeautifulSoup(granted.body, "html.parser").select("table.catalogue-roles form")
              if target["name"] in str(f)][0]
    data = {i["name"]: i.get("value", "") for i in revoke.select("input[name]")}
    assert app.post("/catalogue-admin/roles", headers=as_manager, data={**data, "revoke": "1"}).status_code == 200
    assert catalogue_call(manager["name"], "catalogue_role_show", user=target["name"])["roles"] == []
