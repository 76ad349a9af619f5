"""Rate limits: per user (or address) and per API, in Redis, with each
dialect's 429 body; shared by separate CKAN processes."""
from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ckan.tests import factories

from ckanext.catalogue import ratelimit
from ckanext.catalogue.tests.conftest import CKAN_BIN, ROOT, free_port

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


def _serve(ini: Path, port: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen([CKAN_BIN, "-c", str(ini), "run", "-H", "127.0.0.1", "-p", str(port),
                             "--disable-reloader"], stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as error:
        return error.code


def test_two_ckan_processes_share_one_limit(fresh_limits, tmp_path):
    ini = tmp_path / "limited.ini"
    ini.write_text(f"[app:main]\nuse = config:{ROOT / 'test.ini'}\n"
                   "ckanext.catalogue.rate_limit.enabled = true\n"
                   "ckanext.catalogue.rate_limit.iudx = 4/minute\n")
    ports = (free_port(), free_port())
    logs = [tmp_path / f"ckan-{port}.log" for port in ports]
    servers = [_serve(ini, port, log) for port, log in zip(ports, logs)]
    try:
        deadline = time.monotonic() + 90
        for port in ports:
            while _status_or_none(f"http://127.0.0.1:{port}/api/3/action/status_show") != 200:
                exited = [log.read_text()[-2000:] for s, log in zip(servers, logs) if s.poll() is not None]
                assert not exited, f"a CKAN process exited: {exited}"
                assert time.monotonic() < deadline, "CKAN did not start"
                time.sleep(0.5)
        codes = [_status(f"http://127.0.0.1:{ports[i % 2]}/iudx/cat/v1/count?q=x") for i in range(6)]
        assert codes == [200, 200, 200, 200, 429, 429]
    finally:
        for server in servers:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=20)


def _status_or_none(url: str) -> int | None:
    try:
        return _status(url)
    except OSError:
        return None
