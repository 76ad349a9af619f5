"""Shared fixtures. The suite runs on the real stack started by `make test`:
PostgreSQL, Solr and Redis, and a real `ckan jobs worker` process where jobs run."""
from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from rq import Worker
from sqlalchemy import orm

import ckan.plugins.toolkit as tk
from ckan.lib.redis import connect_to_redis

from ckanext.catalogue.tests.helpers import (
    CKAN_BIN,
    ROOT,
    catalogue_call,
    catalogue_quiet_jobs,
    catalogue_reset_db,
    catalogue_site_user,
    ckan_ini,
    stop_process_group,
)

# Key of the PostgreSQL advisory lock a test run holds on its database.
_RUN_LOCK = 0x43415441  # "CATA"


@pytest.fixture(scope="session", autouse=True)
def one_run_per_database() -> Iterator[None]:
    """Hold a lock on the test database for the whole run: a second run on
    the same database (another checkout's `make test`) waits for this one
    instead of emptying its tables under it (CKAN's clean_db), which made
    both race to create the site user."""
    engine = sa.create_engine(tk.config["sqlalchemy.url"], poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        if not conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": _RUN_LOCK}).scalar():
            print("\nanother test run is using this database; waiting for it to end", file=sys.stderr)  # noqa: T201 - tells the person waiting why the run waits
            conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": _RUN_LOCK})
        conn.commit()  # the lock is the session's: no transaction stays open
        try:
            yield
        finally:
            conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _RUN_LOCK})
    engine.dispose()


@pytest.fixture
def clean_db(reset_db, migrate_db_for, with_plugins):
    """CKAN's clean_db, then the plugin migrations; no job of an earlier
    test runs after it."""
    catalogue_quiet_jobs()
    catalogue_reset_db(reset_db, migrate_db_for)
    catalogue_site_user()


@pytest.fixture
def clean_datastore(clean_db, clean_index):
    """Empty DataStore database (the DataStore's own tables are kept)."""
    from ckanext.datastore.backend.postgres import get_write_engine
    from ckanext.datastore.tests.helpers import clear_db

    clear_db(orm.scoped_session(orm.sessionmaker(bind=get_write_engine())))


@pytest.fixture
def sysadmin_headers() -> dict[str, str]:
    from ckan.tests import factories

    user = factories.SysadminWithToken()
    return {"Authorization": user["token"]}


def _registered(proc: subprocess.Popen) -> bool:
    return any(w.pid == proc.pid or str(proc.pid) in w.name for w in Worker.all(connection=connect_to_redis()))


def _start_worker() -> subprocess.Popen:
    log = open(ROOT / "test-artifacts" / "worker.log", "ab") if (ROOT / "test-artifacts").is_dir() else subprocess.DEVNULL  # noqa: SIM115 - the worker writes to it while it runs
    proc = subprocess.Popen(
        [CKAN_BIN, "-c", ckan_ini(), "jobs", "worker"], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    # The worker registers itself in Redis once started.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if _registered(proc):
            return proc
        if proc.poll() is not None:
            raise RuntimeError("ckan jobs worker exited at start; see test-artifacts/worker.log")
        time.sleep(0.2)
    raise RuntimeError("ckan jobs worker did not register within 60s")


@pytest.fixture(scope="session")
def _worker_slot() -> Iterator[dict[str, subprocess.Popen]]:
    slot: dict[str, subprocess.Popen] = {}
    yield slot
    if "proc" in slot:
        stop_process_group(slot["proc"])


@pytest.fixture
def job_worker(_worker_slot: dict[str, subprocess.Popen]) -> subprocess.Popen:
    """A real RQ worker (`ckan jobs worker`) on the test configuration, one
    per session; started again when it is no longer registered in Redis (a
    test restarted Redis, which forgets the workers it knew)."""
    proc = _worker_slot.get("proc")
    if proc is None or proc.poll() is not None or not _registered(proc):
        if proc is not None:
            stop_process_group(proc)
        proc = _worker_slot["proc"] = _start_worker()
    return proc


@pytest.fixture
def iudx_tree(clean_db, clean_index) -> dict[str, str]:
    """Owner -> COS -> ResourceServer -> Provider -> ResourceGroup -> Resource,
    made by a sysadmin; keys are kind names plus ``sysadmin``."""
    from ckan.tests import factories

    from ckanext.catalogue.tests.iudx import samples as s

    admin = factories.Sysadmin()["name"]
    tree = {"sysadmin": admin}
    tree["owner"] = catalogue_call(admin, "catalogue_item_create", doc=s.owner())["id"]
    tree["cos"] = catalogue_call(admin, "catalogue_item_create", doc=s.cos(tree["owner"]))["id"]
    tree["rs"] = catalogue_call(admin, "catalogue_item_create", doc=s.resource_server(tree["cos"]))["id"]
    provider = catalogue_call(admin, "catalogue_item_create", doc=s.provider(tree["rs"]))
    tree["provider"], tree["provider_org"] = provider["id"], provider["owner_org"]
    tree["rg"] = catalogue_call(admin, "catalogue_item_create", doc=s.resource_group(tree["provider"], tree["rs"]))["id"]
    tree["resource"] = catalogue_call(admin, "catalogue_item_create",
                                      doc=s.resource(tree["rg"], tree["provider"]))["id"]
    return tree


@pytest.fixture
def role_headers(clean_db, clean_index) -> dict[str, dict[str, str] | None]:
    """Credentials of one user per catalogue role (None: anonymous), a
    sysadmin, and an admin of another CKAN organization with no catalogue role
    (who sends the legacy gcube-token header)."""
    from ckan.tests import factories, helpers

    result: dict[str, dict[str, str] | None] = {"anonymous": None}
    for role in ("member", "editor", "admin", "manager", "moderator"):
        user = factories.UserWithToken()
        helpers.call_action("catalogue_role_grant", user=user["name"], role=f"Catalogue-{role.capitalize()}")
        result[role] = {"Authorization": f"Bearer {user['token']}"}
    result["sysadmin"] = {"Authorization": f"Bearer {factories.SysadminWithToken()['token']}"}
    outsider = factories.UserWithToken()
    factories.Organization(users=[{"name": outsider["name"], "capacity": "admin"}])
    result["other_org"] = {"gcube-token": outsider["token"]}
    return result
