"""Shared fixtures. The suite runs on the real stack started by `make test`:
PostgreSQL, Solr and Redis, and a real `ckan jobs worker` process where jobs run."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import orm

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model

ROOT = Path(__file__).resolve().parents[3]
CKAN_BIN = str(Path(sys.executable).with_name("ckan"))


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
            print("\nanother test run is using this database; waiting for it to end", file=sys.stderr)
            conn.execute(sa.text("SELECT pg_advisory_lock(:k)"), {"k": _RUN_LOCK})
        conn.commit()  # the lock is the session's: no transaction stays open
        try:
            yield
        finally:
            conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": _RUN_LOCK})
    engine.dispose()


# Plugins whose alembic migrations have run since CKAN last dropped every table.
_migrated: set[str] = set()
PLUGINS_WITH_MIGRATIONS = ("activity", "catalogue")


def catalogue_reset_db(reset_db, migrate_db_for) -> None:
    """CKAN's database reset, then the plugin migrations (plugins loaded).
    CKAN's first reset in a session drops every table and re-runs only core
    migrations, so the activity plugin's and this extension's migrations
    must follow."""
    if not model.repo.tables_created_and_initialised:
        _migrated.clear()
    reset_db()
    for plugin in PLUGINS_WITH_MIGRATIONS:
        if plugin not in _migrated and p.plugin_loaded(plugin):
            migrate_db_for(plugin)
            _migrated.add(plugin)


@pytest.fixture
def clean_db(reset_db, migrate_db_for, with_plugins):
    """CKAN's clean_db, then the plugin migrations."""
    catalogue_reset_db(reset_db, migrate_db_for)


@contextlib.contextmanager
def catalogue_plugins_loaded() -> Iterator[None]:
    """The plugins of ``ckan.plugins`` loaded, outside a test (for fixtures
    wider than one test: ``with_plugins`` unloads them after each test)."""
    p.load_all()
    try:
        yield
    finally:
        p.unload_all()


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


def _ckan_ini() -> str:
    return str(Path(tk.config["__file__"]).resolve()) if tk.config.get("__file__") else str(ROOT / "test.ini")


def run_ckan(*args: str, env: dict[str, str] | None = None, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run the real `ckan` CLI on the test configuration in its own process."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [CKAN_BIN, "-c", _ckan_ini(), *args], capture_output=True, text=True, env=full_env, timeout=timeout
    )


@pytest.fixture(scope="session")
def job_worker() -> Iterator[subprocess.Popen]:
    """A real RQ worker (`ckan jobs worker`) on the test configuration."""
    log = open(ROOT / "test-artifacts" / "worker.log", "ab") if (ROOT / "test-artifacts").is_dir() else subprocess.DEVNULL
    proc = subprocess.Popen(
        [CKAN_BIN, "-c", _ckan_ini(), "jobs", "worker"], stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    # The worker registers itself in Redis once started.
    from rq import Worker

    from ckan.lib.redis import connect_to_redis

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(w.pid == proc.pid or str(proc.pid) in w.name for w in Worker.all(connection=connect_to_redis())):
            break
        if proc.poll() is not None:
            raise RuntimeError("ckan jobs worker exited at start; see test-artifacts/worker.log")
        time.sleep(0.2)
    else:
        raise RuntimeError("ckan jobs worker did not register within 60s")
    yield proc
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def free_port() -> int:
    """A loopback port nothing listens on (for servers, or for an unreachable URL)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_status(url: str, timeout: float = 10) -> int | None:
    """The status of a GET, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


@contextlib.contextmanager
def ckan_servers(ini: Path, count: int, log_dir: Path, own_site_url: bool = False) -> Iterator[list[str]]:
    """``count`` real `ckan run` processes on ``ini``; yields their base URLs
    once each answers, and stops them after. ``own_site_url``: each server's
    ckan.site_url is its own address (for redirects a browser follows)."""
    ports = [free_port() for _ in range(count)]
    logs = [log_dir / f"ckan-{port}.log" for port in ports]

    def env(port: int) -> dict[str, str]:
        return {**os.environ, "CKAN_SITE_URL": f"http://127.0.0.1:{port}"} if own_site_url else dict(os.environ)

    servers = [subprocess.Popen([CKAN_BIN, "-c", str(ini), "run", "-H", "127.0.0.1", "-p", str(port),
                                 "--disable-reloader"], stdout=log.open("wb"), stderr=subprocess.STDOUT,
                                env=env(port), start_new_session=True) for port, log in zip(ports, logs)]
    try:
        deadline = time.monotonic() + 90
        for port in ports:
            while http_status(f"http://127.0.0.1:{port}/api/3/action/status_show") != 200:
                exited = [log.read_text()[-2000:] for s, log in zip(servers, logs) if s.poll() is not None]
                assert not exited, f"a CKAN process exited: {exited}"
                assert time.monotonic() < deadline, "CKAN did not start within 90s"
                time.sleep(0.5)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for server in servers:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)


def catalogue_call(caller: str | None, action: str, /, **data):
    """Call an action as ``caller`` (None: anonymous) through CKAN's action layer."""
    from ckan.tests import helpers

    return helpers.call_action(action, context={"user": caller or "", "ignore_auth": False}, **data)


@pytest.fixture
def iudx_tree(clean_db, clean_index) -> dict[str, str]:
    """Owner -> COS -> ResourceServer -> Provider -> ResourceGroup -> Resource,
    made by a sysadmin; keys are kind names plus ``sysadmin``."""
    from ckan.tests import factories

    from ckanext.catalogue.tests import iudx_samples as s

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
