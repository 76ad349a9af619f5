"""Rate limits: per user (or address) and per API, in Redis, with each
dialect's 429 body; shared by separate CKAN processes."""
from __future__ import annotations

import pytest

from ckan.tests import factories

from ckanext.catalogue.api import ratelimit
from ckanext.catalogue.tests.helpers import ckan_ini, ckan_servers, http_status

pytestmark = pytest.mark.ckan_config("ckanext.catalogue.rate_limit.enabled", "true")


@pytest.fixture
def fresh_limits(clean_db):
    ratelimit.catalogue_reset_limits()
    yield
    ratelimit.catalogue_reset_limits()


@pytest.mark.ckan_config("ckanext.catalogue.rate_limit.library", "3/minute")
def test_library_limit_per_user_with_retry_after(app, fresh_limits):
    first, second = factories.UserWithToken(), factories.UserWithToken()
    factories.Organization(users=[{"name": first["name"], "capacity": "admin"}])
    h1, h2 = {"Authorization": f"Bearer {first['token']}"}, {"Authorization": f"Bearer {second['token']}"}
    for _ in range(3):
        assert app.get("/library/catalogs", headers=h1).status_code == 200
    over = app.get("/library/catalogs", headers=h1)
    assert over.status_code == 429
    assert over.json == {"error": {"code": "TooManyRequests",
                                   "message": "More requests were received than the subscription rate-limit allows."}}
    assert 1 <= int(over.headers["Retry-After"]) <= 60
    # Another user has a limit of their own; other APIs are counted apart.
    assert app.get("/library/catalogs", headers=h2).status_code == 200
    assert app.get("/gcat/groups", headers=h1).status_code == 200


@pytest.mark.ckan_config("ckanext.catalogue.rate_limit.default", "2/minute")
def test_each_dialect_answers_in_its_own_shape(app, fresh_limits):
    for _ in range(2):
        app.get("/gcat/groups")
        app.get("/iudx/cat/v1/search", query_string={"q": "x"})
    gcat = app.get("/gcat/groups")
    assert gcat.status_code == 429 and gcat.json["status"] == 429 and gcat.json["error"] == "Too Many Requests"
    iudx = app.get("/iudx/cat/v1/search", query_string={"q": "x"})
    assert iudx.status_code == 429 and iudx.json["type"] == "urn:dx:cat:TooManyRequests"
    assert "Retry-After" in iudx.headers


@pytest.mark.ckan_config("ckanext.catalogue.rate_limit.action", "2/minute")
def test_action_api_is_limited_except_for_sysadmins(app, fresh_limits):
    user, sysadmin = factories.UserWithToken(), factories.SysadminWithToken()
    for _ in range(2):
        assert app.get("/api/3/action/status_show", headers={"Authorization": user["token"]}).status_code == 200
    over = app.get("/api/3/action/status_show", headers={"Authorization": user["token"]})
    assert over.status_code == 429 and over.json["success"] is False
    for _ in range(4):
        assert app.get("/api/3/action/status_show", headers={"Authorization": sysadmin["token"]}).status_code == 200


def test_two_ckan_processes_share_one_limit(fresh_limits, tmp_path):
    ini = tmp_path / "limited.ini"
    ini.write_text(f"[app:main]\nuse = config:{ckan_ini()}\n"
                   "ckanext.catalogue.rate_limit.enabled = true\n"
                   "ckanext.catalogue.rate_limit.iudx = 4/minute\n")
    with ckan_servers(ini, 2, tmp_path) as urls:
        codes = [http_status(f"{urls[i % 2]}/iudx/cat/v1/count?q=x") for i in range(6)]
    assert codes == [200, 200, 200, 200, 429, 429]
