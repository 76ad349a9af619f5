"""Catalogue roles: storage in the extension's table, auth, action API and CLI."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories, helpers

from ckanext.catalogue.tests.helpers import run_ckan


def _grant(user: dict, role: str) -> None:
    helpers.call_action("catalogue_role_grant", user=user["name"], role=role)


@pytest.mark.usefixtures("clean_db")
class TestRoleActions:
    def test_grant_is_stored_in_the_extension_table_and_replaces_the_level(self):
        user = factories.User()
        _grant(user, "Catalogue-Editor")
        _grant(user, "Catalogue-Moderator")
        result = helpers.call_action("catalogue_role_grant", user=user["name"], role="Catalogue-Admin")
        assert result["roles"] == ["Catalogue-Admin", "Catalogue-Moderator"]
        assert result["level"] == "Catalogue-Admin" and result["moderator"] is True
        rows = model.Session.execute(
            sa.text("SELECT role FROM catalogue_role WHERE user_id = :u ORDER BY role"), {"u": user["id"]}
        ).scalars().all()
        assert rows == ["Catalogue-Admin", "Catalogue-Moderator"]

    def test_revoke_and_revoke_of_a_role_not_held(self):
        user = factories.User()
        _grant(user, "Catalogue-Editor")
        after = helpers.call_action("catalogue_role_revoke", user=user["name"], role="Catalogue-Editor")
        assert after["roles"] == [] and after["level"] is None
        with pytest.raises(tk.ObjectNotFound):
            helpers.call_action("catalogue_role_revoke", user=user["name"], role="Catalogue-Editor")

    def test_validation_names_the_field(self):
        user = factories.User()
        with pytest.raises(tk.ValidationError) as err:
            helpers.call_action("catalogue_role_grant", user=user["name"], role="Catalogue-King")
        assert "role" in err.value.error_dict
        with pytest.raises(tk.ValidationError) as err:
            helpers.call_action("catalogue_role_grant", user="nobody-here", role="Catalogue-Member")
        assert "user" in err.value.error_dict

    def test_list_filters_by_role(self):
        a, b = factories.User(), factories.User()
        _grant(a, "Catalogue-Editor")
        _grant(b, "Catalogue-Manager")
        everyone = helpers.call_action("catalogue_role_list")
        assert {(g["user"], g["role"]) for g in everyone} == {
            (a["name"], "Catalogue-Editor"), (b["name"], "Catalogue-Manager")}
        managers = helpers.call_action("catalogue_role_list", role="Catalogue-Manager")
        assert [g["user"] for g in managers] == [b["name"]]

    @pytest.mark.parametrize(
        ("role", "allowed"),
        [(None, False), ("Catalogue-Member", False), ("Catalogue-Editor", False), ("Catalogue-Admin", False),
         ("Catalogue-Moderator", False), ("Catalogue-Manager", True)],
    )
    def test_only_managers_and_sysadmins_grant(self, role, allowed):
        actor, target = factories.User(), factories.User()
        if role:
            _grant(actor, role)
        context = {"user": actor["name"], "ignore_auth": False}
        for action in ("catalogue_role_grant", "catalogue_role_list"):
            data = {"user": target["name"], "role": "Catalogue-Editor"} if action.endswith("grant") else {}
            if allowed:
                helpers.call_auth(action, context, **data)
            else:
                with pytest.raises(tk.NotAuthorized):
                    helpers.call_auth(action, context, **data)
        sysadmin = factories.Sysadmin()
        assert helpers.call_auth("catalogue_role_grant", {"user": sysadmin["name"]}, user=target["name"])

    def test_anonymous_may_not_grant(self):
        with pytest.raises(tk.NotAuthorized):
            helpers.call_auth("catalogue_role_grant", {"user": ""}, user="x", role="Catalogue-Member")

    def test_users_see_their_own_roles_only(self):
        me, other = factories.User(), factories.User()
        _grant(me, "Catalogue-Editor")
        assert helpers.call_auth("catalogue_role_show", {"user": me["name"]}, user=me["name"])
        with pytest.raises(tk.NotAuthorized):
            helpers.call_auth("catalogue_role_show", {"user": me["name"]}, user=other["name"])

    def test_grant_through_the_action_api(self, app):
        manager = factories.UserWithToken()
        _grant(manager, "Catalogue-Manager")
        target = factories.User()
        resp = app.post("/api/3/action/catalogue_role_grant", json={"user": target["name"], "role": "Catalogue-Editor"},
                        headers={"Authorization": manager["token"]})
        assert resp.json["result"]["roles"] == ["Catalogue-Editor"]
        editor = factories.UserWithToken()
        _grant(editor, "Catalogue-Editor")
        denied = app.post("/api/3/action/catalogue_role_grant", json={"user": target["name"], "role": "Catalogue-Admin"},
                          headers={"Authorization": editor["token"]}, status=403)
        assert denied.json["success"] is False
        anonymous = app.post("/api/3/action/catalogue_role_grant",
                             json={"user": target["name"], "role": "Catalogue-Admin"}, status=403)
        assert anonymous.json["success"] is False


@pytest.mark.usefixtures("clean_db")
def test_role_cli_grant_list_revoke():
    user = factories.User()
    model.Session.commit()
    granted = run_ckan("catalogue", "role", "grant", user["name"], "Catalogue-Admin")
    assert granted.returncode == 0, granted.stderr
    assert f"{user['name']}: Catalogue-Admin" in granted.stdout
    listed = run_ckan("catalogue", "role", "list", "--role", "Catalogue-Admin")
    assert user["name"] in listed.stdout
    bad = run_ckan("catalogue", "role", "grant", user["name"], "Catalogue-King")
    assert bad.returncode != 0 and "role:" in bad.stderr and "Traceback" not in bad.stderr
    revoked = run_ckan("catalogue", "role", "revoke", user["name"], "Catalogue-Admin")
    assert revoked.returncode == 0 and "no catalogue role" in revoked.stdout


@pytest.mark.usefixtures("clean_db")
@pytest.mark.parametrize("action", ["catalogue_role_list", "catalogue_role_show", "catalogue_trash_list",
                                    "catalogue_group_list"])
def test_the_read_actions_answer_a_get_and_a_jsonp_get_as_anonymous(app, action: str):
    """The read actions take GET, as CKAN's own lists do; a JSONP GET
    (``callback``) is run by CKAN as anonymous, so a page on another site
    cannot read the roles or the trash with a visitor's session."""
    admin = factories.SysadminWithToken()
    query = {"user": admin["name"]} if action == "catalogue_role_show" else {}
    headers = {"Authorization": admin["token"]}
    assert app.get(f"/api/3/action/{action}", query_string=query, headers=headers).status_code == 200
    jsonp = app.get(f"/api/3/action/{action}", query_string={**query, "callback": "steal"}, headers=headers)
    expected = 200 if action == "catalogue_group_list" else 403  # group names are public in CKAN
    assert jsonp.status_code == expected
