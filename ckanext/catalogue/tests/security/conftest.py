"""Fixtures of the attack tests: an organization with an admin who holds a
token, and Global Catalog entries made through the core."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from ckan.tests import factories

from ckanext.catalogue.tests.conftest import catalogue_call

SERVICE = "globalcatalog.service"
PASSWORD = "Security-tests-123"


def cookie_login(app, name: str) -> None:
    """Sign ``name`` in through CKAN's login form: ``app.client`` then holds
    a real session cookie, as a browser does (made with ``PASSWORD``)."""
    app.client = app.test_client()
    page = BeautifulSoup(app.get("/user/login").body, "html.parser")
    token = page.select_one("meta[name=_csrf_token]")["content"]
    resp = app.post("/user/login", data={"login": name, "password": PASSWORD, "_csrf_token": token})
    assert "/user/login" not in resp.request.path, "login failed"


def gc_doc(name: str) -> dict:
    return {"name": name, "disabled": False, "tags": ["t"], "images": {"image": "i"},
            "overview_ui": {"en": {"display_name": name, "description": "d", "long_description": "l"}},
            "provider": {"name": "p", "email": "p@example.org"}}


def gc_entry(user: str, entry_id: str, **more) -> dict:
    """A public Global Catalog service made by ``user``."""
    return catalogue_call(user, "catalogue_item_create", kind=SERVICE, id=entry_id, doc=gc_doc(entry_id),
                          private=False, **more)


@pytest.fixture
def org_admin(clean_db, clean_index) -> dict:
    """An organization admin (with ``token``) and the organization (``org``)."""
    user = factories.UserWithToken(password=PASSWORD)
    org = factories.Organization(users=[{"name": user["name"], "capacity": "admin"}])
    return {**user, "org": org}
