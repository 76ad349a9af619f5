"""Redis stopped: the portal and every API keep serving reads, rate limits
step aside and say so in the log, jobs refuse with one clear sentence; all
of it recovers when Redis returns."""
from __future__ import annotations

import logging
import os
import time

import pytest
from rq.job import Job

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis

from ckanext.catalogue.api import ratelimit
from ckanext.catalogue.jobs import CatalogueJobsUnavailable, catalogue_enqueue
from ckanext.catalogue.tests.helpers import run_ckan, run_stack

pytestmark = pytest.mark.skipif(bool(os.environ.get("CKAN_REDIS_URL")),
                                reason="Redis is the user's own (CKAN_REDIS_URL); the test will not stop it")


def _redis(command: str) -> None:
    run_stack("services.sh", command, timeout=60)


@pytest.fixture
def redis_outage():
    """Stop the stack's Redis for the test; start it again whatever happens."""
    ratelimit.catalogue_reset_limits()
    _redis("stop-redis")
    try:
        yield
    finally:
        _redis("start-redis")
        connect_to_redis().connection_pool.disconnect()


def _wait_for(job_id: str) -> str:
    status = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = Job.fetch(job_id, connection=connect_to_redis()).get_status()
        if status in ("finished", "failed"):
            break
        time.sleep(0.2)
    return status


@pytest.mark.ckan_config("ckanext.catalogue.rate_limit.enabled", "true")
@pytest.mark.ckan_config("ckanext.catalogue.rate_limit.default", "3/minute")
def test_reads_served_limits_step_aside_and_jobs_refuse_while_redis_is_down(
        app, iudx_tree, redis_outage, caplog, request):
    t = iudx_tree
    # test.ini stops ckanext loggers propagating to the root, where caplog
    # listens, and the activity plugin's alembic env (fileConfig) disables
    # loggers when clean_db migrates: listen on this logger directly.
    limits_log = logging.getLogger("ckanext.catalogue.api.ratelimit")
    limits_log.addHandler(caplog.handler)
    was_disabled, limits_log.disabled = limits_log.disabled, False

    def restore() -> None:
        limits_log.removeHandler(caplog.handler)
        limits_log.disabled = was_disabled
    request.addfinalizer(restore)
    # More requests than the limit allows: with Redis gone nothing counts them.
    for _ in range(4):
        assert app.get("/iudx/cat/v1/item", query_string={"id": t["resource"]}).status_code == 200
    search = app.get("/iudx/cat/v1/search", query_string={"property": "[id]", "value": f"[[{t['resource']}]]"})
    assert search.json["totalHits"] == 1
    assert app.get("/gcat/groups").status_code == 200
    token = tk.get_action("api_token_create")({"user": t["sysadmin"], "ignore_auth": True},
                                              {"user": t["sysadmin"], "name": "outage"})["token"]
    assert app.get("/library/catalogs", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert app.get(f"/catalogue/{t['resource']}").status_code == 200
    assert app.get("/catalogue/").status_code == 200
    assert app.get("/api/3/action/catalogue_item_count").json["result"]["count"] >= 5
    assert "rate limits unavailable" in caplog.text

    with pytest.raises(CatalogueJobsUnavailable, match=r"Background jobs are unavailable: the job queue \(Redis at "):
        catalogue_enqueue("ckan.lib.jobs.test_job", ["x"], title="refused")
    # A command started now is stopped by the start-up check, in one sentence.
    cli = run_ckan("catalogue", "reindex", "--background")
    assert cli.returncode != 0
    assert "ckanext-catalogue: redis not reachable at" in cli.stderr and "Traceback" not in cli.stderr
    doctor = run_ckan("catalogue", "doctor")
    assert doctor.returncode != 0 and "FAIL redis" in doctor.stdout and "not reachable" in doctor.stdout


def test_jobs_and_limits_recover_when_redis_returns(app, iudx_tree, job_worker, redis_outage, ckan_config, monkeypatch):
    with pytest.raises(CatalogueJobsUnavailable):
        catalogue_enqueue("ckan.lib.jobs.test_job", ["x"])
    _redis("start-redis")
    # The worker that lived through the outage takes new jobs again.
    cli = run_ckan("catalogue", "reindex", "--background")
    assert cli.returncode == 0, cli.stderr
    job_id = cli.stdout.split("queued job ")[1].split(";")[0]
    assert _wait_for(job_id) == "finished"
    assert "indexed" in Job.fetch(job_id, connection=connect_to_redis()).result
    monkeypatch.setitem(ckan_config, "ckanext.catalogue.rate_limit.enabled", "true")
    monkeypatch.setitem(ckan_config, "ckanext.catalogue.rate_limit.iudx", "2/minute")
    statuses = [app.get("/iudx/cat/v1/item", query_string={"id": iudx_tree["resource"]}).status_code
                for _ in range(3)]
    assert statuses == [200, 200, 429]
