"""Checks of the real components the catalogue stands on.

Used by ``ckan catalogue doctor`` (one line per component) and at start-up
(refuse to start with one sentence naming the component and the fix).
"""
from __future__ import annotations

import dataclasses
import datetime
import logging
import sys
import time
import xml.dom.minidom
from collections.abc import Callable, Iterable
from typing import Any, cast

import redis
import requests
import sqlalchemy as sa
from rq import Worker
from sqlalchemy.engine import make_url

# CKAN has no public call for the plugins' pending migrations.
from ckan.cli.db import _get_pending_plugins, current_revision  # pyright: ignore[reportPrivateUsage]
from ckan.exceptions import CkanConfigurationException
from ckan.lib import jobs
from ckan.lib.redis import connect_to_redis

from ckanext.catalogue.config import catalogue_solr_timeout, catalogue_startup_checks, catalogue_worker_max_age

log = logging.getLogger(__name__)

SUPPORTED_SCHEMAS = ("ckan-2.12",)
REQUIRED_SOLR_FIELDS = ("catalogue_kind", "catalogue_parent", "catalogue_ancestors", "catalogue_location")

_startup_checked = False


@dataclasses.dataclass
class CatalogueCheck:
    component: str
    ok: bool
    message: str
    # CKAN itself cannot load with this failure (no database, foreign Solr schema).
    stops_ckan: bool = False


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # a malformed URL is reported by the check itself
        return url


def _reason(exc: BaseException) -> str:
    """First line of a driver error, without SQLAlchemy's background links."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else exc.__class__.__name__


def _connect(url: str) -> sa.engine.Connection:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool, connect_args={"connect_timeout": 5})
    return engine.connect()


def check_database(config: Any) -> CatalogueCheck:
    url = config.get("sqlalchemy.url")
    try:
        with _connect(url) as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:
        return CatalogueCheck(
            "database", False,
            f"cannot connect to {_safe_url(url)} ({_reason(exc)}); start PostgreSQL and create the "
            "database with `make db`, or set CKAN_SQLALCHEMY_URL to a reachable database",
            stops_ckan=True,  # CKAN connects while it loads its model
        )
    return CatalogueCheck("database", True, f"reachable at {_safe_url(url)}")


def check_migrations(config: Any) -> CatalogueCheck:
    """Core and every enabled plugin's alembic migrations are at head."""
    try:
        core = current_revision(None)  # type: ignore[arg-type]
        pending = _get_pending_plugins()  # pyright: ignore[reportPrivateUsage]
    except Exception as exc:
        return CatalogueCheck("migrations", False, f"cannot read migration state ({_reason(exc)}); run `ckan db upgrade`")
    if not core or not core.endswith("(head)"):
        return CatalogueCheck(
            "migrations", False, f"core database is at {core or 'no revision'}, not head; run `ckan db upgrade`"
        )
    if pending:
        names = ", ".join(f"{name} ({count} pending)" for name, count in sorted(pending.items()))
        return CatalogueCheck(
            "migrations", False, f"plugin migrations not applied: {names}; run `ckan db upgrade -p <plugin>`"
        )
    return CatalogueCheck("migrations", True, "core and plugin migrations at head")


def _solr_url(config: Any) -> str:
    return (config.get("solr_url") or "").rstrip("/")


def check_solr(config: Any) -> CatalogueCheck:
    url = _solr_url(config)
    timeout = catalogue_solr_timeout(config)
    fix = "start it with `make services` or set CKAN_SOLR_URL to a Solr core with CKAN's schema"
    if not url:
        return CatalogueCheck("solr", False, f"solr_url is not set; {fix}")
    try:
        resp = requests.get(f"{url}/schema", params={"wt": "schema.xml"}, timeout=timeout)
        if resp.status_code == 404:
            resp = requests.get(f"{url}/admin/file/", params={"file": "schema.xml"}, timeout=timeout)
        resp.raise_for_status()
        tree = xml.dom.minidom.parseString(resp.content)  # noqa: S318 - the configured Solr's own schema, not user input
    except requests.RequestException as exc:
        return CatalogueCheck("solr", False, f"not reachable at {url} ({exc.__class__.__name__}); {fix}")
    except Exception as exc:
        return CatalogueCheck(
            "solr", False, f"{url} did not return a readable schema ({_reason(exc)}); {fix}", stops_ckan=True
        )
    name = tree.documentElement.getAttribute("name") if tree.documentElement else ""
    if name not in SUPPORTED_SCHEMAS:
        return CatalogueCheck(
            "solr", False,
            f"{url} serves schema {name!r}, CKAN 2.12 needs one of {', '.join(SUPPORTED_SCHEMAS)}; "
            "rebuild the core with `make solr-home` (CKAN's schema.xml plus the catalogue fields)",
            stops_ckan=True,
        )
    declared = {el.getAttribute("name") for el in tree.getElementsByTagName("field")}
    missing = [field for field in REQUIRED_SOLR_FIELDS if field not in declared]
    if missing:
        return CatalogueCheck(
            "solr", False,
            f"{url} schema {name} lacks the catalogue fields {', '.join(missing)}; add "
            "stack/solr/conf/schema-catalogue.xml to the core's schema (`make solr-home` does it)",
        )
    return CatalogueCheck("solr", True, f"reachable at {url}, schema {name} with catalogue fields")


def _solr_cloud_state(url: str, timeout: float) -> dict[str, Any] | None:
    """The cluster state of the collection ``url`` names, or None when the
    Solr there is a standalone one."""
    base, _, collection = url.rpartition("/")
    system = requests.get(f"{base}/admin/info/system", params={"wt": "json"}, timeout=timeout)
    system.raise_for_status()
    if system.json().get("mode") != "solrcloud":
        return None
    status = requests.get(f"{base}/admin/collections", params={
        "action": "CLUSTERSTATUS", "collection": collection, "wt": "json"}, timeout=timeout)
    status.raise_for_status()
    cluster = status.json()["cluster"]
    return {"live_nodes": cluster.get("live_nodes", []), "collection": collection,
            "shards": cluster["collections"][collection]["shards"]}


def check_solr_cluster(config: Any) -> CatalogueCheck:
    """SolrCloud: the live nodes, the collection's shards and the state of
    each replica (a standalone Solr says so)."""
    url = _solr_url(config)
    try:
        state = _solr_cloud_state(url, catalogue_solr_timeout(config))
    except (requests.RequestException, KeyError, ValueError) as exc:
        return CatalogueCheck("solr-cluster", False, f"cannot read the cluster state at {url} ({_reason(exc)})")
    if state is None:
        return CatalogueCheck("solr-cluster", True, "standalone Solr (one core, no SolrCloud)")
    shards: dict[str, Any] = state["shards"]
    lines: list[str] = []
    down: list[str] = []
    for shard, info in sorted(shards.items()):
        replicas = info.get("replicas", {}).values()
        served = any(r.get("state") == "active" and r.get("leader") == "true" for r in replicas)
        lines.append(f"{shard}: " + ", ".join(
            f"{r.get('node_name')} {r.get('state')}{' (leader)' if r.get('leader') == 'true' else ''}"
            for r in replicas))
        down += [f"{shard} on {r.get('node_name')}" for r in replicas if r.get("state") != "active"]
        if not served:
            down.append(f"{shard} has no active leader: searches miss its documents and writes fail")
    summary = (f"collection {state['collection']}: {len(shards)} shards on {len(state['live_nodes'])} live "
               f"node(s) ({', '.join(sorted(state['live_nodes']))}); " + "; ".join(lines))
    if down:
        return CatalogueCheck("solr-cluster", False, f"{summary}. Not active: {', '.join(down)}")
    return CatalogueCheck("solr-cluster", True, summary)


def catalogue_same_database(first: str, second: str) -> bool:
    """Whether two database URLs name the same database on the same server."""
    a, b = make_url(first), make_url(second)
    return (a.host or "localhost", a.port or 5432, a.database) == (b.host or "localhost", b.port or 5432, b.database)


def check_datastore_replica(config: Any) -> CatalogueCheck:
    """Where DataStore reads go: the primary itself, or a hot standby and how
    far it is behind the primary (bytes of WAL, seconds since its last replay)."""
    if not _datastore_enabled(config):
        return CatalogueCheck("datastore-replica", True, "plugin not enabled, nothing to check")
    write_url = config.get("ckan.datastore.write_url")
    read_url = config.get("ckan.datastore.read_url")
    if not write_url or not read_url or catalogue_same_database(write_url, read_url):
        return CatalogueCheck("datastore-replica", True, "reads go to the primary (no replica)")
    try:
        with _connect(write_url) as conn:
            primary_lsn = conn.scalar(sa.text("SELECT pg_current_wal_lsn()::text"))
        with _connect(read_url) as conn:
            row = conn.execute(sa.text(
                "SELECT pg_is_in_recovery(), pg_wal_lsn_diff(CAST(:lsn AS pg_lsn), pg_last_wal_replay_lsn()), "
                "extract(epoch FROM now() - pg_last_xact_replay_timestamp())"), {"lsn": primary_lsn}).one()
    except Exception as exc:
        return CatalogueCheck("datastore-replica", False,
                              f"the replica {_safe_url(read_url)} is not reachable ({_reason(exc)}); DataStore "
                              "reads of software catalogs go to the primary meanwhile")
    in_recovery, behind, since = row
    if not in_recovery:
        return CatalogueCheck("datastore-replica", False,
                              f"{_safe_url(read_url)} is not a standby (promoted?): reads and writes may diverge")
    behind_bytes = max(0, int(behind or 0))
    return CatalogueCheck("datastore-replica", True,
                          f"hot standby {_safe_url(read_url)}: {behind_bytes} bytes of WAL behind the primary, "
                          f"last replayed change {float(since or 0):.1f}s ago")


def check_redis(config: Any) -> CatalogueCheck:
    url = config.get("ckan.redis.url")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=5).ping()
    except Exception as exc:
        return CatalogueCheck(
            "redis", False,
            f"not reachable at {url} ({_reason(exc)}); start it with `make services` or set CKAN_REDIS_URL",
        )
    return CatalogueCheck("redis", True, f"reachable at {url}")


def _datastore_enabled(config: Any) -> bool:
    return "datastore" in (config.get("ckan.plugins") or [])


def check_datastore(config: Any) -> CatalogueCheck:
    if not _datastore_enabled(config):
        return CatalogueCheck("datastore", True, "plugin not enabled, nothing to check")
    write_url = config.get("ckan.datastore.write_url")
    read_url = config.get("ckan.datastore.read_url")
    fix = "run `make db` (which runs `ckan datastore set-permissions`) or set CKAN_DATASTORE_WRITE_URL/READ_URL"
    if not write_url or not read_url:
        return CatalogueCheck("datastore", False, f"ckan.datastore.write_url and read_url must both be set; {fix}")
    if make_url(write_url).username == make_url(read_url).username:
        return CatalogueCheck("datastore", False, f"the write and read-only URLs use the same user; {fix}")
    try:
        with _connect(write_url) as conn:
            conn.execute(sa.text("SELECT 1"))
        with _connect(read_url) as conn:
            can_create = conn.scalar(sa.text("SELECT has_schema_privilege('public', 'CREATE')"))
            # set-permissions grants the read-only user access to the public
            # schema and makes it read new tables through default privileges.
            has_default = conn.scalar(
                sa.text(
                    "SELECT count(*) FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace "
                    "WHERE n.nspname = 'public' AND array_to_string(d.defaclacl, ',') LIKE :user"
                ),
                {"user": f"%{make_url(read_url).username}=%"},
            )
    except Exception as exc:
        return CatalogueCheck("datastore", False, f"cannot connect ({_reason(exc)}); {fix}")
    if can_create:
        return CatalogueCheck("datastore", False, f"the read-only user {make_url(read_url).username} may create tables; {fix}")
    if not has_default:
        return CatalogueCheck("datastore", False, f"permissions for the read-only user are not set; {fix}")
    return CatalogueCheck("datastore", True, f"write {_safe_url(write_url)}, read-only {_safe_url(read_url)}, permissions set")


# Cap on the worker entries the doctor reads from Redis.
_WORKERS_READ = 1000


def catalogue_workers_seen(conn: redis.Redis, max_age: int) -> tuple[list[str], int]:
    """Names of this site's job workers whose last heartbeat is at most
    ``max_age`` seconds old, and how many of them Redis no longer lists
    (it was restarted since they started: they work on, and beat into
    their own entry, but are gone from RQ's list of workers)."""
    prefix = jobs.add_queue_name_prefix("")
    listed = {name.decode() if isinstance(name, bytes) else name for name in conn.smembers(Worker.redis_workers_keys)}
    now = datetime.datetime.now(datetime.timezone.utc)
    alive: list[str] = []
    unlisted = 0
    # Each worker's own entry, not RQ's list (Worker.all) alone, which a
    # Redis restart empties while the workers go on.
    keys = cast("Iterable[bytes | str]", conn.scan_iter(match=f"{Worker.redis_worker_namespace_prefix}*", count=500))
    for n, raw_key in enumerate(keys):
        if n >= _WORKERS_READ:
            break
        key = raw_key.decode() if isinstance(raw_key, bytes) else raw_key
        queues, beat = conn.hmget(key, "queues", "last_heartbeat")
        if beat is None:
            continue
        # Only workers of this site (queue names carry the site's prefix);
        # an entry remade after a restart has no queues and counts.
        names = (queues.decode() if isinstance(queues, bytes) else queues or "").split(",")
        if queues is not None and not any(name.startswith(prefix) for name in names):
            continue
        seen = datetime.datetime.fromisoformat(beat.decode() if isinstance(beat, bytes) else beat)
        if seen.tzinfo is None:
            seen = seen.replace(tzinfo=datetime.timezone.utc)
        if (now - seen).total_seconds() <= max_age:
            alive.append(key[len(Worker.redis_worker_namespace_prefix):])
            unlisted += key not in listed
    return sorted(alive), unlisted


def check_worker(config: Any) -> CatalogueCheck:
    max_age = catalogue_worker_max_age(config)
    try:
        alive, unlisted = catalogue_workers_seen(connect_to_redis(), max_age)
    except Exception as exc:
        return CatalogueCheck("worker", False, f"cannot list job workers ({_reason(exc)}); check Redis")
    if not alive:
        return CatalogueCheck(
            "worker", False,
            f"no job worker seen in the last {max_age}s; start one with `ckan jobs worker` (`make run` does)",
        )
    shown = ", ".join(alive[:10]) + (f" and {len(alive) - 10} more" if len(alive) > 10 else "")
    note = f" ({unlisted} started before Redis last restarted)" if unlisted else ""
    return CatalogueCheck("worker", True, f"{len(alive)} worker(s) seen in the last {max_age}s: {shown}{note}")


# Solr's answers when its index writer has closed (a "tragic" failure such
# as running out of memory): every later update fails until the core is
# reloaded.
_CLOSED_WRITER = ("IndexWriter is closed", "AlreadyClosedException", "this IndexWriter is closed")


def catalogue_solr_writer_closed(text: str) -> bool:
    return any(marker in text for marker in _CLOSED_WRITER)


def catalogue_reload_solr_core(config: Any) -> str | None:
    """Reload the Solr core ``solr_url`` names (a new index writer); the
    reason when it could not be done."""
    url = _solr_url(config)
    base, _, core = url.rpartition("/")
    if not base or not core:
        return f"solr_url {url!r} names no core"
    timeout = max(30, catalogue_solr_timeout(config))
    try:
        # SolrCloud reloads every replica of the collection through the Collections API.
        cloud = _solr_cloud_state(url, timeout) is not None
        resp = (requests.get(f"{base}/admin/collections", params={"action": "RELOAD", "name": core, "wt": "json"},
                             timeout=timeout) if cloud else
                requests.get(f"{base}/admin/cores", params={"action": "RELOAD", "core": core, "wt": "json"},
                             timeout=timeout))
        resp.raise_for_status()
    except requests.RequestException as exc:
        return f"reloading core {core} failed ({exc.__class__.__name__})"
    log.warning("reloaded Solr core %s to reopen its index writer", core)
    return None


_last_repair = 0.0


def catalogue_repair_solr_writer(config: Any) -> str | None:
    """Reload the core if Solr really refuses writes, at most once a minute
    per process (concurrent failures do not pile up reloads)."""
    global _last_repair  # noqa: PLW0603 - per-process throttle of the automatic repair
    if time.monotonic() - _last_repair < 60:
        return "a reload was tried less than a minute ago"
    _last_repair = time.monotonic()
    if check_solr_writes(config).ok:
        return "Solr takes writes again"
    return catalogue_reload_solr_core(config)


def check_solr_writes(config: Any) -> CatalogueCheck:
    """Solr takes updates: a delete of an id no document has, not committed,
    goes through the index writer and changes nothing."""
    url = _solr_url(config)
    timeout = catalogue_solr_timeout(config)
    try:
        resp = requests.post(f"{url}/update", params={"commit": "false", "wt": "json"},
                             json={"delete": {"id": "catalogue-doctor-write-probe"}}, timeout=timeout)
    except requests.RequestException as exc:
        return CatalogueCheck("solr-writes", False, f"not reachable at {url} ({exc.__class__.__name__})")
    if resp.status_code == 200:
        return CatalogueCheck("solr-writes", True, "the index takes updates")
    if catalogue_solr_writer_closed(resp.text):
        return CatalogueCheck(
            "solr-writes", False,
            "Solr's index writer is closed (after an out-of-memory or disk failure), so every write fails; "
            "run `ckan catalogue doctor --repair` (reloads the core; nothing indexed is lost)")
    return CatalogueCheck("solr-writes", False, f"{url} refused an update with HTTP {resp.status_code}; "
                          "see Solr's log, then run `ckan catalogue doctor --repair`")


DOCTOR_CHECKS: tuple[Callable[[Any], CatalogueCheck], ...] = (
    check_database, check_migrations, check_solr, check_solr_writes, check_solr_cluster, check_redis, check_datastore,
    check_datastore_replica, check_worker,
)
STARTUP_CHECKS: tuple[Callable[[Any], CatalogueCheck], ...] = (check_database, check_solr, check_redis)


def catalogue_run_checks(config: Any, checks: Iterable[Callable[[Any], CatalogueCheck]]) -> list[CatalogueCheck]:
    results: list[CatalogueCheck] = []
    for check in checks:
        try:
            results.append(check(config))
        except Exception as exc:  # a check must never hide the others  # noqa: PERF203 - each check reports on its own
            results.append(CatalogueCheck(check.__name__.removeprefix("check_"), False, _reason(exc)))
    return results


def _is_doctor_command() -> bool:
    # The doctor must be able to run (and explain) when start-up would refuse.
    # CKAN's DataStore plugin looks at argv the same way for its own commands.
    args = sys.argv[1:]
    return any(args[i:i + 2] == ["catalogue", "doctor"] for i in range(len(args)))


def _refuse(result: CatalogueCheck) -> None:
    raise CkanConfigurationException(f"ckanext-catalogue: {result.component} {result.message}.")


def catalogue_check_startup(config: Any) -> None:
    """Raise CkanConfigurationException naming the first broken component."""
    global _startup_checked  # noqa: PLW0603 - the checks run once per process
    if _startup_checked or not catalogue_startup_checks(config):
        return
    if _is_doctor_command():
        # The doctor reports every component itself, so CKAN's own Solr
        # connection traceback is noise; only what CKAN cannot load without
        # (and would report with a traceback before any command runs) stops
        # it here.
        logging.getLogger("ckan.lib.search.common").setLevel(logging.CRITICAL)
        for result in catalogue_run_checks(config, (check_database, check_solr)):
            if result.stops_ckan:
                _refuse(result)
        return
    for result in catalogue_run_checks(config, STARTUP_CHECKS):
        if not result.ok:
            _refuse(result)
    _startup_checked = True
