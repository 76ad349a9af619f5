"""Helpers the tests share (fixtures stay in the conftest files): calling
actions as a user, running the real `ckan` CLI and servers, resetting the
database with the plugin migrations, and objects the attack tests make."""
from __future__ import annotations

import concurrent.futures
import contextlib
import datetime
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import redis
import sqlalchemy as sa
from bs4 import BeautifulSoup
from rq import Worker

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import jobs
from ckan.lib.redis import connect_to_redis
from ckan.tests import helpers

ROOT = Path(__file__).resolve().parents[3]

CKAN_BIN = str(Path(sys.executable).with_name("ckan"))

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

def _running_a_job(worker: Worker) -> bool:
    # A busy worker beats at least every 30s (RQ's job monitoring interval);
    # one a test killed stays registered as busy, and is left out.
    beat = worker.last_heartbeat
    if beat is None or worker.get_state() != "busy":
        return False
    beat = beat if beat.tzinfo else beat.replace(tzinfo=datetime.timezone.utc)
    return (datetime.datetime.now(datetime.timezone.utc) - beat).total_seconds() < 45


def catalogue_quiet_jobs(timeout: float = 60) -> None:
    """Drop the jobs earlier tests left queued or scheduled, and wait for the
    job a worker is running to end: a job of an earlier test must not run in
    this one (against tables it no longer finds, or making CKAN's site user
    while this test makes it too). Without Redis there is nothing to drop."""
    try:
        connection = connect_to_redis()
        for queue in jobs.get_all_queues():
            queue.empty()
            for job_id in queue.scheduled_job_registry.get_job_ids():
                queue.scheduled_job_registry.remove(job_id, delete_job=True)
        prefix = jobs.add_queue_name_prefix("")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(
                _running_a_job(worker) for worker in Worker.all(connection=connection)
                if any(name.startswith(prefix) for name in worker.queue_names())):
            time.sleep(0.1)
    except redis.exceptions.ConnectionError:
        return


def catalogue_site_user() -> None:
    """CKAN's site user, made now: a CKAN process starting meanwhile (a
    server, a worker, the CLI) makes it too, and CKAN's get_site_user does
    not expect to lose that race."""
    try:
        tk.get_action("get_site_user")({"ignore_auth": True}, {})
    except sa.exc.IntegrityError:
        model.Session.rollback()
        tk.get_action("get_site_user")({"ignore_auth": True}, {})


@contextlib.contextmanager
def catalogue_plugins_loaded() -> Iterator[None]:
    """The plugins of ``ckan.plugins`` loaded, outside a test (for fixtures
    wider than one test: ``with_plugins`` unloads them after each test)."""
    p.load_all()
    try:
        yield
    finally:
        p.unload_all()

def ckan_ini() -> str:
    return str(Path(tk.config["__file__"]).resolve()) if tk.config.get("__file__") else str(ROOT / "test.ini")

def run_ckan(*args: str, env: dict[str, str] | None = None, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run the real `ckan` CLI on the test configuration in its own process."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [CKAN_BIN, "-c", ckan_ini(), *args], capture_output=True, text=True, env=full_env, timeout=timeout
    )

def run_stack(script: str, *args: str, timeout: int = 300) -> str:
    """One of stack/bin's scripts (services.sh, cluster.sh); its output."""
    done = subprocess.run([str(ROOT / "stack" / "bin" / script), *args], capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def on_cluster_stack() -> bool:
    """Whether the configuration under test is the cluster stack's (its
    solr_url is not the single-node Solr of test.ini)."""
    return not tk.config["solr_url"].startswith("http://127.0.0.1:8983/")


def stored_item_ids() -> set[str]:
    """Ids of the active catalogue items in PostgreSQL, read afresh."""
    model.Session.remove()
    return {r[0] for r in model.Session.execute(sa.text(
        "SELECT id FROM package WHERE type = 'catalogue' AND state = 'active'"))}


def free_port() -> int:
    """A loopback port nothing listens on (for servers, or for an unreachable URL)."""
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

def stop_process_group(proc: subprocess.Popen) -> None:
    """SIGTERM to a process started with ``start_new_session`` and its
    children; SIGKILL after 20s."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)

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
                                env=env(port), start_new_session=True) for port, log in zip(ports, logs, strict=False)]
    try:
        deadline = time.monotonic() + 90
        for port in ports:
            while http_status(f"http://127.0.0.1:{port}/api/3/action/status_show") != 200:
                exited = [log.read_text()[-2000:] for s, log in zip(servers, logs, strict=False) if s.poll() is not None]
                assert not exited, f"a CKAN process exited: {exited}"
                assert time.monotonic() < deadline, "CKAN did not start within 90s"
                time.sleep(0.5)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for server in servers:
            stop_process_group(server)

@contextlib.contextmanager
def gunicorn_server(ini: Path, workers: int, log_dir: Path) -> Iterator[str]:
    """A gunicorn serving ``ini`` with ``workers`` processes behind one port
    (stack/ckan_wsgi.py, as the cluster stack runs it); yields its base URL
    once every process answers. ``log_dir/access.log`` names the process
    that answered each request (its pid first, in angle brackets)."""
    port = free_port()
    log = log_dir / "gunicorn.log"
    access = log_dir / "access.log"
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--chdir", str(ROOT / "stack"), "--timeout", "120", "--access-logfile", str(access),
         "--access-logformat", "%(p)s %(s)s %(m)s %(U)s", "ckan_wsgi:application"],
        env={**os.environ, "CKAN_INI": str(ini)}, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        # Each process loads CKAN on its own: all are up once each has
        # answered (requests sent together reach more than one).
        while len(set(answered_by(access, "/api/3/action/status_show"))) < workers:
            assert server.poll() is None, log.read_text(errors="replace")[-2000:]
            assert time.monotonic() < deadline, f"gunicorn's {workers} processes did not all answer within 120s"
            with concurrent.futures.ThreadPoolExecutor(workers * 2) as pool:
                list(pool.map(http_status, [f"{url}/api/3/action/status_show"] * workers * 2))
            time.sleep(0.2)
        yield url
    finally:
        stop_process_group(server)

def answered_by(access_log: Path, path: str) -> list[str]:
    """The pids of the gunicorn processes that answered requests for
    ``path`` (one per request, in order), from gunicorn_server's access log."""
    if not access_log.exists():
        return []
    return [line.split()[0].strip("<>") for line in access_log.read_text().splitlines()
            if len(line.split()) >= 4 and line.split()[3] == path]

def catalogue_call(caller: str | None, action: str, /, **data):
    """Call an action as ``caller`` (None: anonymous) through CKAN's action layer."""
    return helpers.call_action(action, context={"user": caller or "", "ignore_auth": False}, **data)

SERVICE = "globalcatalog.service"

PASSWORD = "Security-tests-123"
# Password of the users the browser tests log in as.
BROWSER_PASSWORD = "Browser-test-1"

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
