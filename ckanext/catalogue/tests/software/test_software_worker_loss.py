"""A job worker killed in the middle of a software catalog's update (a real
`ckan jobs worker` process, SIGKILL while the rows are being replaced): the
catalog keeps its old rows (the replacement is one transaction), says in
one sentence that the update stopped, and is not shown as updating for ever."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from ckan.lib import jobs
from ckan.tests import factories, helpers

from ckanext.catalogue.software import store
from ckanext.catalogue.software.logic.action import JOB_VANISHED, catalogue_software_import_job
from ckanext.catalogue.tests.helpers import CKAN_BIN, ckan_ini

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
    worker = subprocess.Popen([CKAN_BIN, "-c", str(ini), "jobs", "worker", QUEUE], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
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
        jobs.get_queue(QUEUE).empty()

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
