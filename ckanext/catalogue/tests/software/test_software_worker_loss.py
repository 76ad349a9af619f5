"""A job worker killed in the middle of a software catalog's update (a real
`ckan jobs worker` process, SIGKILL while the rows are being replaced): the
catalog keeps its old rows (the replacement is one transaction), says in
one sentence that the update stopped, and is not shown as updating for
ever; RQ queues the job again once its heartbeat has expired, and another
worker finishes it."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from rq.job import Job

from ckan.lib import jobs
from ckan.lib.redis import connect_to_redis
from ckan.tests import factories, helpers

from ckanext.catalogue.software import store
from ckanext.catalogue.software.logic.action import JOB_VANISHED, catalogue_software_import_job
from ckanext.catalogue.tests.helpers import CKAN_BIN, ckan_ini, stop_process_group

SMALL = Path(__file__).parent / "data" / "spack" / "repology.json"
QUEUE = "catalogue-worker-loss-tests"

pytestmark = pytest.mark.usefixtures("clean_datastore")


def _big_spack(path: Path, packages: int) -> None:
    """A repology.json with many packages: its replacement takes seconds."""
    path.write_text(json.dumps({"last_update": "2026-11-30 00:00:00", "num_packages": packages, "packages": {
        f"pkg{n}": {"name": f"pkg{n}", "summary": "generated", "licenses": ["MIT"], "maintainers": ["ada"],
                    "homepages": [f"https://example.org/{n}"], "categories": ["build-tools"],
                    "dependencies": ["c"], "version": [{"version": f"{v}.0"} for v in range(3)]}
        for n in range(packages)}}))


def _worker(ini: Path) -> subprocess.Popen:
    return subprocess.Popen([CKAN_BIN, "-c", str(ini), "jobs", "worker", QUEUE], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def test_a_worker_killed_mid_update_leaves_the_old_rows_and_says_so(app, tmp_path, ckan_config, monkeypatch):
    admin = factories.SysadminWithToken()
    done = catalogue_software_import_job("Spack", admin["name"], location=str(SMALL))
    assert done.get("packages") == 3, done
    catalog = helpers.call_action("catalogue_software_catalog_list", name="Spack")["results"][0]
    tables = store.catalogue_software_tables([catalog["id"]])[catalog["id"]]
    before = store.catalogue_software_counts({catalog["id"]: tables})[catalog["id"]]

    big = tmp_path / "big.json"
    _big_spack(big, 20_000)
    ini = tmp_path / "worker.ini"
    ini.write_text(f"[app:main]\nuse = config:{ckan_ini()}\nckanext.catalogue.software.spack_url = {big}\n"
                   f"ckanext.catalogue.software.queue = {QUEUE}\n")
    monkeypatch.setitem(ckan_config, "ckanext.catalogue.software.queue", QUEUE)
    jobs.get_queue(QUEUE).empty()
    worker = _worker(ini)
    try:
        helpers.call_action("catalogue_software_update", context={"user": admin["name"]}, id=catalog["id"])
        deadline = time.monotonic() + 120
        while not store.catalogue_software_import_running(tables):  # inside the replacement's transaction
            assert worker.poll() is None, "the worker exited"
            assert time.monotonic() < deadline, "the update never reached its rows"
            time.sleep(0.02)
        # The worker and its work horse (RQ forks it into a session of its
        # own), as when the machine or its container goes.
        horses = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True).stdout.split()
        assert horses, "no work horse under the worker"
        for pid in [*horses, str(worker.pid)]:
            os.kill(int(pid), signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)

    # PostgreSQL ends the dead worker's session (and its locks) once it notices.
    deadline = time.monotonic() + 60
    while store.catalogue_software_jobs_running([catalog["id"]]):
        assert time.monotonic() < deadline, "the dead job's lock stayed held"
        time.sleep(0.1)
    assert store.catalogue_software_counts({catalog["id"]: tables})[catalog["id"]] == before  # old rows, no mix
    shown = app.get(f"/api/marketplace-software-catalogs/{catalog['uuid']}/",
                    headers={"Authorization": f"Token {admin['token']}"}).json
    assert shown["update_errors"] == JOB_VANISHED
    assert shown["package_count"] == before[0] == 3

    # RQ still lists the job as started. Its registry cleanup (a worker's
    # maintenance, every 10 minutes) finds it abandoned once its heartbeat
    # is older than the job's timeout (3600 s) plus 60 s: the test runs
    # that cleanup as of then. The job is queued again (one retry) and
    # another worker finishes it.
    queue = jobs.get_queue(QUEUE)
    (job_id,) = queue.started_job_registry.get_job_ids()
    try:
        queue.started_job_registry.cleanup(timestamp=time.time() + 3600 + 61)
        assert queue.job_ids == [job_id]
        other = _worker(ini)
        try:
            deadline = time.monotonic() + 180
            while Job.fetch(job_id, connection=connect_to_redis()).get_status() not in ("finished", "failed"):
                assert other.poll() is None, "the second worker exited"
                assert time.monotonic() < deadline, "the retried job did not finish"
                time.sleep(0.2)
        finally:
            stop_process_group(other)
        assert Job.fetch(job_id, connection=connect_to_redis()).get_status() == "finished"
    finally:
        queue.empty()
    after = store.catalogue_software_counts({catalog["id"]: tables})[catalog["id"]]
    assert after[:2] == (20_000, 60_000)
    shown = app.get(f"/api/marketplace-software-catalogs/{catalog['uuid']}/",
                    headers={"Authorization": f"Token {admin['token']}"}).json
    assert shown["update_errors"] == "" and shown["package_count"] == 20_000
