"""Cross-site request forgery: every state-changing page checks the CSRF
token of a session-cookie request, whatever requests reached the same view
before (CKAN exempts a view for good once a request without a session
reaches it); the dialect APIs take writes by API token only."""
from __future__ import annotations

import contextlib
import re

import pytest
from bs4 import BeautifulSoup
from flask import current_app

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.catalogue.api.routes import CATALOGUE_API_METHODS
from ckanext.catalogue.interfaces import catalogue_dialect_of
from ckanext.catalogue.tests.factories import gc_entry
from ckanext.catalogue.tests.helpers import PASSWORD, catalogue_call, cookie_login

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def _fill(rule: str) -> str:
    """A URL for ``rule`` with a plausible value in each parameter."""
    def value(m: re.Match) -> str:
        return "3" if (m.group(1) or "").startswith("int") else {"kind": "dataset"}.get(m.group(2), "x")
    return re.sub(r"<(?:([^:>]+):)?([^>]+)>", value, rule)


def _write_routes(app, methods_of) -> list[tuple[str, str]]:
    """(method, URL) of every route, for the write methods ``methods_of(rule,
    blueprint)`` gives it."""
    with app.flask_app.app_context():
        rules = list(current_app.url_map.iter_rules())
    return [(method, _fill(rule.rule)) for rule in rules
            for method in sorted(set(methods_of(rule, rule.endpoint.rpartition(".")[0])) & set(WRITE_METHODS))]


def _page_rules(app) -> list[tuple[str, str]]:
    return _write_routes(app, lambda rule, blueprint: () if catalogue_dialect_of(blueprint) is not None or
                         rule.endpoint == "static" else rule.methods or ())


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_every_page_checks_csrf_of_a_cookie_session_even_after_requests_without_one(app):
    sysadmin = factories.Sysadmin(password=PASSWORD)
    rules = _page_rules(app)
    anonymous = app.test_client()
    cookie_login(app, sysadmin["name"])
    assert any(url.startswith("/catalogue-admin/") for _m, url in rules)
    assert ("POST", "/api/action/x") in rules or any(url.startswith("/api/") for _m, url in rules)
    missed = []
    for method, url in rules:
        # Anonymous first: CKAN then exempts the view from CSRF for good
        # (what the view answers does not matter; some of CKAN's fail).
        with contextlib.suppress(Exception):
            anonymous.open(url, method=method, data={"x": "1"})
        resp = app.client.open(url, method=method, data={"x": "1"})
        if resp.status_code != 400 or "CSRF" not in resp.get_data(as_text=True):
            missed.append((method, url, resp.status_code))
    assert missed == []


def test_a_cookie_post_without_token_changes_nothing_after_a_token_request(app, org_admin):
    admin = org_admin
    first = gc_entry(admin["name"], "csrf-a", organization=admin["org"]["id"])
    second = gc_entry(admin["name"], "csrf-b", organization=admin["org"]["id"])
    # A legitimate API-token request reaches the archive button first.
    app.post(f"/catalogue-admin/item/{first['id']}/archive", headers={"Authorization": admin["token"]})
    assert catalogue_call(admin["name"], "catalogue_item_show", id=first["id"])["state"] == "deleted"
    # A forged cookie-only POST is refused and changes nothing.
    cookie_login(app, admin["name"])
    assert app.post(f"/catalogue-admin/item/{second['id']}/archive").status_code == 400
    assert catalogue_call(admin["name"], "catalogue_item_show", id=second["id"])["state"] == "active"
    # The page's own form (with its token) still works.
    page = BeautifulSoup(app.get(f"/catalogue/{second['id']}").body, "html.parser")
    token = page.select_one("meta[name=_csrf_token]")["content"]
    app.post(f"/catalogue-admin/item/{second['id']}/archive", data={"_csrf_token": token})
    assert catalogue_call(admin["name"], "catalogue_item_show", id=second["id"])["state"] == "deleted"


@pytest.mark.usefixtures("clean_db", "clean_index")
def test_a_forged_role_grant_is_refused(app):
    manager, target = factories.User(password=PASSWORD), factories.User()
    helpers.call_action("catalogue_role_grant", user=manager["name"], role="Catalogue-Manager")
    app.post("/catalogue-admin/roles", data={"user": target["name"], "role": "Catalogue-Admin", "grant": "1"})
    cookie_login(app, manager["name"])
    resp = app.post("/catalogue-admin/roles", data={"user": target["name"], "role": "Catalogue-Admin", "grant": "1"})
    assert resp.status_code == 400
    assert catalogue_call(manager["name"], "catalogue_role_show", user=target["name"])["roles"] == []


def _api_rules(app) -> list[tuple[str, str]]:
    # The methods each dialect route allows (the rest answer 405).
    return _write_routes(app, lambda rule, blueprint: CATALOGUE_API_METHODS.get(blueprint, {}).get(rule.rule, ()))


def test_dialect_apis_take_no_write_from_a_session_cookie(app, org_admin):
    sysadmin = factories.Sysadmin(password=PASSWORD)
    entry = gc_entry(org_admin["name"], "x", organization=org_admin["org"]["id"])
    rules = _api_rules(app)
    assert {url.split("/")[1] for _m, url in rules} >= {"gcat", "iudx", "globalcatalog", "library", "api"}
    cookie_login(app, sysadmin["name"])
    answered = {}
    for method, url in rules:
        for body in ({"json": {"name": "x", "id": "x"}}, {"data": {"name": "x", "id": "x"}}):
            resp = app.client.open(url, method=method, **body)
            answered[(method, url)] = resp.status_code
            # A library document's signed file link refuses an unsigned request with 403.
            refusals = (400, 401, 403, 404, 405) if url.endswith("/file") else (400, 401, 404, 405)
            assert resp.status_code in refusals, (method, url, resp.status_code)
    # The entry the DELETE and PUT routes named is untouched.
    shown = catalogue_call(org_admin["name"], "catalogue_item_show", id=entry["id"])
    assert shown["state"] == "active" and shown["doc"]["name"] == "x"
    assert answered[("DELETE", "/globalcatalog/api/v1/x")] == 401
    # IUDX's instance create, sent as a cross-site form would send it.
    resp = app.post("/iudx/cat/v1/instance?id=forged", data={"a": "b"})
    assert resp.status_code == 401 and resp.json["type"].endswith("InvalidAuthorizationToken")
    with pytest.raises(tk.ObjectNotFound):
        catalogue_call(sysadmin["name"], "catalogue_item_show", id="forged")
