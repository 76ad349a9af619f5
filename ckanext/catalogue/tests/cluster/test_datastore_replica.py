"""DataStore reads on the cluster stack (test-cluster.ini: reads from the
hot-standby replica): a software catalog's rows come from the replica when
it has replayed the last write, from the primary when it lags or is down,
and are never older than a write that ended before the read."""
from __future__ import annotations

import collections
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ckan.lib import jobs
from ckan.tests import factories, helpers

from ckanext.catalogue.core.replica import catalogue_datastore_reads
from ckanext.catalogue.tests.cluster.conftest import replica_sql

SAMPLES = Path(__file__).parents[1] / "software" / "data"
API = "/api/marketplace-software-"
QUEUE = "catalogue-software-tests"  # test.ini's ckanext.catalogue.software.queue

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.ckan_config("ckanext.catalogue.software.spack_url", str(SAMPLES / "spack" / "repology.json")),
    pytest.mark.usefixtures("clean_datastore", "with_test_worker"),
]


def _names(app, headers: dict[str, str]) -> set[str]:
    resp = app.get(f"{API}packages/", query_string={"page_size": 100}, headers=headers)
    assert resp.status_code == 200, resp.body
    return {p["name"] for p in resp.json}


@pytest.fixture
def answered() -> Callable[[], dict[str, int]]:
    """Which server answered the DataStore reads since the last call."""
    seen = collections.Counter(catalogue_datastore_reads)

    def since() -> dict[str, int]:
        now = collections.Counter(catalogue_datastore_reads)
        delta = {k: v for k, v in (now - seen).items() if v}
        seen.clear()
        seen.update(now)
        return delta

    return since


def test_reads_follow_the_replica_only_while_it_is_current(app, replica, answered):
    manager = factories.UserWithToken()
    helpers.call_action("catalogue_role_grant", user=manager["name"], role="Catalogue-Manager")
    headers = {"Authorization": f"Token {manager['token']}"}
    jobs.get_queue(QUEUE).empty()
    assert app.post(f"{API}catalogs/import_catalog/", json={"name": "Spack"}, headers=headers).status_code == 202
    jobs.Worker([QUEUE]).work(burst=True)
    catalog: dict[str, Any] = app.get(f"{API}catalogs/?name=Spack", headers=headers).json[0]
    imported = _names(app, headers)
    assert len(imported) == catalog["package_count"] > 0
    assert set(answered()) == {"replica"}

    # Replay paused: a write the replica has not seen is read from the primary.
    replica_sql("SELECT pg_wal_replay_pause()")
    made = app.post(f"{API}packages/", json={"catalog": catalog["url"], "name": "written-while-behind"},
                    headers=headers)
    assert made.status_code == 201, made.body
    answered()  # the create's own reads came before its write
    assert _names(app, headers) == imported | {"written-while-behind"}
    assert set(answered()) == {"primary"}
    replica_sql("SELECT pg_wal_replay_resume()")
    assert _names(app, headers) == imported | {"written-while-behind"}
    assert set(answered()) == {"replica"}

    # The replica stopped: the same rows, from the primary.
    replica("stop-replica")
    assert _names(app, headers) == imported | {"written-while-behind"}
    assert set(answered()) == {"primary"}

    # Back: reads go to it again.
    replica("start-replica")
    assert _names(app, headers) == imported | {"written-while-behind"}
    assert set(answered()) == {"replica"}
