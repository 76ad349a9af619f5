"""Several web and job processes, as the cluster stack runs them: gunicorn
with 2 worker processes behind one port and 2 `ckan jobs worker` processes.
Rate limits hold across the web processes, an item changed through one is
what the other serves (no cache in a process), imports are picked up by
either job worker, and a Redis restart is ridden out by all of them
without restarting one."""
from __future__ import annotations

import concurrent.futures
import contextlib
import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from rq import Worker
from rq.job import Job

from ckan.lib import jobs
from ckan.lib.redis import connect_to_redis
from ckan.tests import factories, helpers

from ckanext.catalogue.api import ratelimit
from ckanext.catalogue.health import catalogue_workers_seen
from ckanext.catalogue.software import store
from ckanext.catalogue.software.logic.action import catalogue_software_import_job
from ckanext.catalogue.tests.globalcatalog.test_globalcatalog_api import BASE, _entry
from ckanext.catalogue.tests.helpers import (
    CKAN_BIN,
    answered_by,
    ckan_ini,
    gunicorn_server,
    run_stack,
    stop_process_group,
)

QUEUE = "catalogue-several-workers-tests"
SMALL = Path(__file__).parent / "software" / "data" / "spack" / "repology.json"
LIMIT = 12  # gCat requests a minute, per caller


def _spack(path: Path, packages: int) -> None:
    """A repology.json of ``packages`` packages (2 versions each)."""
    path.write_text(json.dumps({"last_update": "2026-12-01 00:00:00", "num_packages": packages, "packages": {
        f"pkg{n}": {"name": f"pkg{n}", "summary": "generated", "licenses": ["MIT"], "maintainers": ["ada"],
                    "homepages": [f"https://example.org/{n}"], "categories": ["build-tools"],
                    "version": [{"version": f"{v}.0"} for v in range(2)]}
        for n in range(packages)}}))


def _workers_listening(count: int, timeout: float = 60) -> list[str]:
    """Names of the ``count`` workers on QUEUE, once all are idle."""
    deadline = time.monotonic() + timeout
    while True:
        found = [w for w in Worker.all(connection=connect_to_redis()) if jobs.add_queue_name_prefix(QUEUE)
                 in w.queue_names() and w.get_state() == "idle"]
        if len(found) >= count:
            return sorted(w.name for w in found)
        assert time.monotonic() < deadline, f"{len(found)} of {count} job workers listening after {timeout}s"
        time.sleep(0.2)


def _queued_ids(count: int, timeout: float = 30) -> list[str]:
    """The ids of the ``count`` jobs queued on QUEUE so far, wherever each
    is now (queued, started or finished: a job moves while it is looked for)."""
    queue = jobs.get_queue(QUEUE)
    found: set[str] = set()
    deadline = time.monotonic() + timeout
    while len(found) < count:
        assert time.monotonic() < deadline, f"{len(found)} of {count} jobs found"
        found |= {*queue.job_ids, *queue.started_job_registry.get_job_ids(),
                  *queue.finished_job_registry.get_job_ids(), *queue.failed_job_registry.get_job_ids()}
    return sorted(found)


def _finished(job_ids: list[str], timeout: float = 180) -> list[Job]:
    deadline = time.monotonic() + timeout
    while True:
        found = [Job.fetch(i, connection=connect_to_redis()) for i in job_ids]
        if all(j.get_status() in ("finished", "failed") for j in found):
            return found
        assert time.monotonic() < deadline, [j.get_status() for j in found]
        time.sleep(0.2)


def _forget_jobs() -> None:
    """QUEUE emptied, and the jobs an earlier run left in its registries gone."""
    queue = jobs.get_queue(QUEUE)
    queue.empty()
    for registry in (queue.started_job_registry, queue.finished_job_registry, queue.failed_job_registry):
        for job_id in registry.get_job_ids():
            registry.remove(job_id, delete_job=True)


@contextlib.contextmanager
def _job_workers(ini: Path, count: int, log_dir: Path) -> Iterator[list[subprocess.Popen]]:
    procs = [subprocess.Popen([CKAN_BIN, "-c", str(ini), "jobs", "worker", QUEUE],
                              stdout=(log_dir / f"jobs-{n}.log").open("wb"), stderr=subprocess.STDOUT,
                              start_new_session=True) for n in range(count)]
    try:
        _workers_listening(count)
        yield procs
    finally:
        for proc in procs:
            stop_process_group(proc)
        _forget_jobs()


@pytest.fixture
def several(tmp_path: Path, clean_datastore, ckan_config, monkeypatch) -> Iterator[dict]:
    """A gunicorn (2 processes) and 2 job workers on a copy of the test ini
    with gCat limited to LIMIT requests a minute and software jobs on
    QUEUE, whose Spack upstream is a generated file (``spack``)."""
    spack = tmp_path / "spack.json"
    _spack(spack, 4000)
    ini = tmp_path / "several.ini"
    ini.write_text(f"[app:main]\nuse = config:{ckan_ini()}\n"
                   "ckanext.catalogue.rate_limit.enabled = true\n"
                   f"ckanext.catalogue.rate_limit.gcat = {LIMIT}/minute\n"
                   f"ckanext.catalogue.software.queue = {QUEUE}\n"
                   f"ckanext.catalogue.jobs.queue = {QUEUE}\n"
                   f"ckanext.catalogue.software.spack_url = {spack}\n")
    monkeypatch.setitem(ckan_config, "ckanext.catalogue.software.queue", QUEUE)
    _forget_jobs()
    ratelimit.catalogue_reset_limits()
    with gunicorn_server(ini, 2, tmp_path) as url, _job_workers(ini, 2, tmp_path) as workers:
        yield {"url": url, "access": tmp_path / "access.log", "workers": workers, "spack": spack}
    ratelimit.catalogue_reset_limits()


def _burst(url: str, count: int, headers: dict[str, str] | None = None) -> list[int]:
    """``count`` GETs of ``url``, 6 at a time (both web processes busy)."""
    with requests.Session() as session, concurrent.futures.ThreadPoolExecutor(6) as pool:
        return list(pool.map(lambda _: session.get(url, headers=headers, timeout=60).status_code, range(count)))


def _limit_holds(several: dict) -> None:
    ratelimit.catalogue_reset_limits()
    before = len(answered_by(several["access"], "/gcat/groups"))
    statuses = _burst(f"{several['url']}/gcat/groups", LIMIT + 8)
    # One count for both processes: a count kept in each would let 2 x LIMIT through.
    assert sorted(statuses) == [200] * LIMIT + [429] * 8, statuses
    assert len(set(answered_by(several["access"], "/gcat/groups")[before:])) == 2, "one process answered all"


def test_a_rate_limit_holds_across_both_web_processes(several):
    _limit_holds(several)


def test_an_item_changed_is_what_both_web_processes_serve(several):
    admin = factories.SysadminWithToken()
    headers = {"Authorization": f"Bearer {admin['token']}"}
    entry = _entry("several-svc")
    url = f"{several['url']}{BASE}"
    made = requests.post(f"{url}/", json=entry, headers=headers, timeout=60)
    assert made.status_code == 201, made.text
    for title in ("Second", "Third"):
        entry["overview_ui"]["en"]["display_name"] = title
        put = requests.put(f"{url}/several-svc", json=entry, headers=headers, timeout=60)
        assert put.status_code == 200, put.text
        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            seen = list(pool.map(lambda _: requests.get(f"{url}/several-svc", headers=headers, timeout=60).json()
                                 ["overview_ui"]["en"]["display_name"], range(12)))
        assert seen == [title] * 12
    assert len(set(answered_by(several["access"], f"{BASE}/several-svc"))) == 2


def test_imports_are_picked_up_by_either_job_worker(several):
    admin = factories.Sysadmin()
    assert catalogue_software_import_job("Spack", admin["name"], location=str(SMALL)).get("packages") == 3
    catalog = helpers.call_action("catalogue_software_catalog_list", name="Spack")["results"][0]
    tables = store.catalogue_software_tables([catalog["id"]])[catalog["id"]]
    names = _workers_listening(2)
    # Two updates of one catalog at once: each worker takes one, the
    # catalog's lock (in PostgreSQL) runs them one after the other.
    for _ in range(2):
        helpers.call_action("catalogue_software_update", context={"user": admin["name"]}, id=catalog["id"])
    done = _finished(_queued_ids(2))
    assert [j.get_status() for j in done] == ["finished", "finished"], [j.exc_info for j in done]
    assert sorted(j.worker_name for j in done) == names
    assert [j.return_value()["packages"] for j in done] == [4000, 4000]
    assert store.catalogue_software_counts({catalog["id"]: tables})[catalog["id"]][:2] == (4000, 8000)


def test_redis_restarted_under_running_processes(several):
    if os.environ.get("CKAN_REDIS_URL"):
        pytest.skip("Redis is the user's own (CKAN_REDIS_URL); the test will not restart it")
    _limit_holds(several)
    names = _workers_listening(2)
    run_stack("services.sh", "stop-redis", timeout=60)
    try:
        # Reads go on without Redis; limits step aside meanwhile.
        assert _burst(f"{several['url']}/gcat/groups", 4) == [200] * 4
    finally:
        run_stack("services.sh", "start-redis", timeout=60)
        connect_to_redis().connection_pool.disconnect()
    # The same web processes count again, together.
    _limit_holds(several)
    # The same job workers take new jobs (RQ reconnects).
    admin = factories.Sysadmin()
    assert catalogue_software_import_job("Spack", admin["name"], location=str(SMALL)).get("packages") == 3
    catalog = helpers.call_action("catalogue_software_catalog_list", name="Spack")["results"][0]
    helpers.call_action("catalogue_software_update", context={"user": admin["name"]}, id=catalog["id"])
    (job,) = _finished(_queued_ids(1))
    assert job.get_status() == "finished", job.exc_info
    assert job.return_value()["packages"] == 4000
    assert all(w.poll() is None for w in several["workers"]), "a job worker exited"
    # Redis forgot its list of workers; the doctor still sees both (they
    # beat into entries of their own once they reconnect) and says why.
    deadline = time.monotonic() + 60
    while not set(names) <= set(catalogue_workers_seen(connect_to_redis(), 480)[0]):
        assert time.monotonic() < deadline, (names, catalogue_workers_seen(connect_to_redis(), 480))
        time.sleep(0.5)
    assert catalogue_workers_seen(connect_to_redis(), 480)[1] >= 2
