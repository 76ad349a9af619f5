"""Reads of the catalogue's DataStore tables when ``ckan.datastore.read_url``
names a hot-standby replica: never older than a write that ended before the
read began, and still answered while the replica is down.

Each write on the primary notes how far the primary's WAL has got, in Redis
(every web and job process sees it). A read runs on the replica once it has
replayed that far (waiting up to ``ckanext.catalogue.datastore.replica_wait``),
otherwise on the primary in a read-only transaction; a replica that cannot be
reached, or fails during the read, is read around the same way. When the
read URL is the primary itself, reads go there as CKAN sends them."""
from __future__ import annotations

import collections
import logging
import time
from collections.abc import Callable
from typing import TypeVar

import redis
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from ckan.lib.redis import connect_to_redis

from ckanext.catalogue.config import catalogue_replica_wait
from ckanext.catalogue.health import catalogue_same_database

log = logging.getLogger(__name__)

T = TypeVar("T")

# The highest primary WAL position (bytes since 0/0) a DataStore write of
# the catalogue reached, and the script that only ever raises it.
WRITTEN_KEY = "catalogue:datastore:written_lsn"
_RAISE = "local v = tonumber(redis.call('get', KEYS[1]) or '0') if tonumber(ARGV[1]) > v then " \
         "redis.call('set', KEYS[1], ARGV[1]) end return 1"
_POLL = 0.02

# Which server answered this process's reads ("replica", "primary"): for
# the doctor's and the tests' eyes only, nothing reads it to decide.
catalogue_datastore_reads: collections.Counter[str] = collections.Counter()


class CatalogueDatastoreUnavailable(Exception):
    """Neither the replica nor the primary answered a read."""


def _engines() -> tuple[sa.engine.Engine, sa.engine.Engine]:
    from ckanext.datastore.backend.postgres import get_read_engine, get_write_engine  # noqa: PLC0415 - the datastore plugin is optional

    return get_read_engine(), get_write_engine()


def catalogue_has_replica(read: sa.engine.Engine, write: sa.engine.Engine) -> bool:
    """Whether the read URL is another server (or database) than the write URL."""
    return not catalogue_same_database(str(read.url), str(write.url))


def catalogue_note_written() -> None:
    """After a committed write on the primary: reads that begin from now on
    must see it (the primary's current WAL position, kept in Redis)."""
    read, write = _engines()
    if not catalogue_has_replica(read, write):
        return
    with write.connect() as conn:
        position = conn.scalar(sa.text("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn"))
    try:
        connect_to_redis().eval(_RAISE, 1, WRITTEN_KEY, str(int(position)))
    except redis.RedisError as error:
        # Readers that cannot read the mark read the primary (see _needed).
        log.warning("could not note a DataStore write in Redis: %s", error)


def _needed() -> int | None:
    """The WAL position a read must see; None when Redis cannot say (then
    only the primary is sure to be current)."""
    try:
        value = connect_to_redis().get(WRITTEN_KEY)
    except redis.RedisError:
        return None
    return int(value) if value else 0


def _replayed(conn: sa.engine.Connection) -> int:
    """How far the server has replayed the primary's WAL (bytes since 0/0)."""
    return int(conn.scalar(sa.text(
        "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END "
        "- '0/0'::pg_lsn")) or 0)


class _ReplicaBehind(Exception):
    """The replica had not replayed the last write within the wait."""


def _on_replica(read: sa.engine.Engine, needed: int, work: Callable[[sa.engine.Connection], T]) -> T:
    """``work`` on the replica once it has replayed ``needed``."""
    deadline = time.monotonic() + catalogue_replica_wait()
    with read.connect() as conn:
        while _replayed(conn) < needed:
            if time.monotonic() >= deadline:
                raise _ReplicaBehind
            conn.rollback()  # a fresh snapshot for the next look
            time.sleep(_POLL)
        result = work(conn)
    catalogue_datastore_reads["replica"] += 1
    return result


def catalogue_datastore_read(work: Callable[[sa.engine.Connection], T]) -> T:
    """``work(connection)`` on the replica when it is current, else on the
    primary (read-only). ``work`` only reads, so running it again on the
    primary after the replica failed is safe."""
    read, write = _engines()
    if not catalogue_has_replica(read, write):
        try:
            with read.connect() as conn:
                return work(conn)
        except OperationalError as error:
            raise CatalogueDatastoreUnavailable(str(error).splitlines()[0]) from error
    needed = _needed()
    if needed is not None:
        try:
            return _on_replica(read, needed, work)
        except _ReplicaBehind:
            log.info("the DataStore replica is behind the last write; reading the primary")
        except OperationalError as error:
            log.warning("the DataStore replica failed (%s); reading the primary", str(error).splitlines()[0])
    try:
        with write.connect() as conn:
            conn.execute(sa.text("SET TRANSACTION READ ONLY"))
            result = work(conn)
    except OperationalError as error:
        raise CatalogueDatastoreUnavailable(str(error).splitlines()[0]) from error
    catalogue_datastore_reads["primary"] += 1
    return result
