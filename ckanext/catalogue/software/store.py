"""Packages, versions and targets of software catalogs, in DataStore tables
attached to each catalog (three resources of the catalog's dataset), so
``datastore_search`` reads them too. Imports replace a catalog's rows in one
PostgreSQL transaction; reads are SQL over the catalogs' tables, one
statement per request whatever the number of catalogs or rows."""
from __future__ import annotations

import contextlib
import datetime
import json
import uuid as uuidlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import psycopg2
import psycopg2.extras
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.catalogue.core.replica import catalogue_datastore_read, catalogue_note_written
from ckanext.catalogue.core.store import catalogue_core_context
from ckanext.catalogue.software.loaders.base import SoftwareCatalogData

PACKAGES, VERSIONS, TARGETS = "packages", "versions", "targets"
COLLECTIONS = (PACKAGES, VERSIONS, TARGETS)

_STAMPS = [{"id": "created", "type": "timestamp"}, {"id": "modified", "type": "timestamp"}]
TABLE_FIELDS: dict[str, list[dict[str, str]]] = {
    PACKAGES: [
        {"id": "uuid", "type": "text"}, {"id": "name", "type": "text"}, {"id": "description", "type": "text"},
        {"id": "homepage", "type": "text"}, {"id": "categories", "type": "_text"},
        {"id": "licenses", "type": "_text"}, {"id": "maintainers", "type": "_text"},
        {"id": "is_extension", "type": "bool"}, {"id": "parent_uuids", "type": "_text"}, *_STAMPS,
    ],
    VERSIONS: [
        {"id": "uuid", "type": "text"}, {"id": "package_uuid", "type": "text"}, {"id": "version", "type": "text"},
        {"id": "module_version", "type": "text"}, {"id": "release_date", "type": "date"},
        {"id": "dependencies", "type": "jsonb"}, {"id": "metadata", "type": "jsonb"}, *_STAMPS,
    ],
    TARGETS: [
        {"id": "uuid", "type": "text"}, {"id": "version_uuid", "type": "text"},
        {"id": "package_uuid", "type": "text"}, {"id": "target_type", "type": "text"},
        {"id": "target_name", "type": "text"}, {"id": "target_subtype", "type": "text"},
        {"id": "location", "type": "text"}, {"id": "metadata", "type": "jsonb"},
        {"id": "gpu_architectures", "type": "_text"}, *_STAMPS,
    ],
}
TABLE_INDEXES = {PACKAGES: ["name"], VERSIONS: ["package_uuid"], TARGETS: ["version_uuid", "package_uuid"]}
UNIQUE_KEYS = {
    PACKAGES: ["name"],
    VERSIONS: ["package_uuid", "version", "coalesce(module_version, '')"],
    TARGETS: ["version_uuid", "target_type", "target_name", "coalesce(target_subtype, '')"],
}
# Rows per INSERT batch of an import.
BATCH = 2000


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _write_engine() -> sa.engine.Engine:
    from ckanext.datastore.backend.postgres import get_write_engine  # noqa: PLC0415 - the datastore plugin is optional

    return get_write_engine()


def catalogue_software_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def catalogue_new_uuid() -> str:
    return uuidlib.uuid4().hex


# --- tables of a catalog ---

def catalogue_software_tables(catalog_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """``{catalog id: {collection: resource id}}`` in one query."""
    ids = list(catalog_ids)
    if not ids:
        return {}
    rows = model.Session.query(model.Resource.package_id, model.Resource.name, model.Resource.id).filter(
        model.Resource.package_id.in_(ids), model.Resource.state == "active",
        model.Resource.name.in_(COLLECTIONS))
    found: dict[str, dict[str, str]] = {}
    for package_id, name, resource_id in rows:
        found.setdefault(package_id, {})[name] = resource_id
    return found


def catalogue_software_create_tables(user: str, catalog_id: str) -> dict[str, str]:
    """The three DataStore tables of a new catalog, as resources of its
    dataset (the core's own call: CKAN's dataset actions refuse items)."""
    made: dict[str, str] = {}
    for collection in COLLECTIONS:
        # The resource is made here, already flagged active: datastore_create
        # would otherwise make or patch it with a context the guard on
        # catalogue items refuses. Its own url_type makes the table read-only
        # to the DataStore's write actions (writes go through the core) and
        # spares a "patch last_modified" job per write.
        resource = tk.get_action("resource_create")(catalogue_core_context({"user": user, "ignore_auth": True}), {
            "package_id": catalog_id, "name": collection, "format": "datastore", "url_type": "catalogue_software",
            "url": "_datastore_only_resource", "datastore_active": True,
            "description": f"Software {collection} of this catalog"})
        tk.get_action("datastore_create")({"user": user, "ignore_auth": True}, {
            "resource_id": resource["id"], "force": True, "fields": TABLE_FIELDS[collection],
            "primary_key": ["uuid"], "indexes": TABLE_INDEXES[collection], "records": []})
        made[collection] = resource["id"]
    # Waldur's uniqueness rules, kept by PostgreSQL for imports and hand-made
    # records alike.
    with _write_engine().begin() as conn:
        for collection, columns in UNIQUE_KEYS.items():
            conn.execute(sa.text(f"CREATE UNIQUE INDEX IF NOT EXISTS {_q(made[collection] + '_natural_key')} "
                                 f"ON {_q(made[collection])} ({', '.join(columns)})"))
    catalogue_note_written()  # reads of the new tables wait for them on a replica
    return made


# --- import: replace a catalog's rows in one transaction ---

_JSONB = ("dependencies", "metadata")


def _storable(row: dict[str, Any]) -> dict[str, Any]:
    # jsonb columns take JSON text; PostgreSQL parses it.
    return {k: json.dumps(v) if k in _JSONB and v is not None else v for k, v in row.items()}


def _insert(conn: Any, collection: str, resource_id: str, rows: list[dict[str, Any]],
            method: str = "insert") -> None:
    """Write rows: new ones as multi-row INSERTs (one statement per batch
    rather than one per row); changes through the DataStore's own upsert."""
    if not rows:
        return
    if method != "insert":
        # By uuid, the fields given (the DataStore's upsert keys rows on a
        # unique index of its choosing).
        for row in rows:
            values = _storable(row)
            columns = [c for c in values if c != "uuid"]
            if columns:
                conn.execute(sa.text(f"UPDATE {_q(resource_id)} SET "
                                     + ", ".join(f"{_q(c)} = :c{n}" for n, c in enumerate(columns))
                                     + " WHERE uuid = :uuid"),
                             {"uuid": values["uuid"], **{f"c{n}": values[c] for n, c in enumerate(columns)}})
        return

    columns = [f["id"] for f in TABLE_FIELDS[collection]]
    cursor = conn.connection.cursor()
    try:
        psycopg2.extras.execute_values(cursor, f"INSERT INTO {_q(resource_id)} ({', '.join(_q(c) for c in columns)}) VALUES %s",
                                       [tuple(_storable(r).get(c) for c in columns) for r in rows], page_size=BATCH)
    finally:
        cursor.close()


def _existing(conn: Any, tables: dict[str, str]) -> dict[str, dict[Any, tuple[str, Any]]]:
    """Uuid and creation time of each stored row, by its natural key."""
    found: dict[str, dict[Any, tuple[str, Any]]] = {PACKAGES: {}, VERSIONS: {}, TARGETS: {}}
    for name, row_uuid, created in conn.execute(sa.text(f"SELECT name, uuid, created FROM {_q(tables[PACKAGES])}")):
        found[PACKAGES][name] = (row_uuid, created)
    for package_uuid, key, row_uuid, created in conn.execute(sa.text(
            f"SELECT package_uuid, COALESCE(NULLIF(module_version, ''), version), uuid, created "
            f"FROM {_q(tables[VERSIONS])}")):
        found[VERSIONS][(package_uuid, key)] = (row_uuid, created)
    for version_uuid, t_type, t_name, t_sub, row_uuid, created in conn.execute(sa.text(
            f"SELECT version_uuid, target_type, target_name, target_subtype, uuid, created "
            f"FROM {_q(tables[TARGETS])}")):
        found[TARGETS][(version_uuid, t_type, t_name, t_sub)] = (row_uuid, created)
    return found


def catalogue_software_replace(tables: dict[str, str], data: SoftwareCatalogData,
                               progress: Callable[[int, int], None] | None = None) -> tuple[int, int, int]:
    """Make the catalog's tables hold exactly ``data``, in one transaction.
    Rows that were there before keep their uuid and creation time, so running
    an import twice changes nothing but the modification times.
    ``progress(rows written, rows in all)`` follows the batches."""
    now = catalogue_software_now()
    with _write_engine().begin() as conn:
        # One import of a catalog at a time; a second waits for the first.
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": tables[PACKAGES]})
        known = _existing(conn, tables)

        def keep(collection: str, key: Any) -> tuple[str, Any]:
            row_uuid, created = known[collection].get(key, (None, None))
            return row_uuid or catalogue_new_uuid(), created or now

        packages, versions, targets = [], [], []
        package_uuids = {p.name: keep(PACKAGES, p.name)[0] for p in data.packages}
        for package in data.packages:
            p_uuid, p_created = package_uuids[package.name], keep(PACKAGES, package.name)[1]
            packages.append({
                "uuid": p_uuid, "name": package.name, "description": package.description,
                "homepage": package.homepage or None, "categories": package.categories,
                "licenses": package.licenses, "maintainers": package.maintainers,
                "is_extension": package.is_extension,
                "parent_uuids": [package_uuids[n] for n in package.parent_names if n in package_uuids],
                "created": p_created, "modified": now,
            })
            for version in package.versions:
                v_uuid, v_created = keep(VERSIONS, (p_uuid, version.key))
                versions.append({
                    "uuid": v_uuid, "package_uuid": p_uuid, "version": version.version,
                    "module_version": version.module_version, "release_date": version.release_date,
                    "dependencies": version.dependencies, "metadata": version.metadata,
                    "created": v_created, "modified": now,
                })
                seen: set[tuple[str, str, str]] = set()
                for target in version.targets:
                    if target.key in seen:
                        continue
                    seen.add(target.key)
                    t_uuid, t_created = keep(TARGETS, (v_uuid, *target.key))
                    targets.append({
                        "uuid": t_uuid, "version_uuid": v_uuid, "package_uuid": p_uuid,
                        "target_type": target.target_type, "target_name": target.target_name,
                        "target_subtype": target.target_subtype, "location": target.location,
                        "metadata": target.metadata, "gpu_architectures": target.gpu_architectures,
                        "created": t_created, "modified": now,
                    })
        for collection in (TARGETS, VERSIONS, PACKAGES):
            conn.execute(sa.text(f"DELETE FROM {_q(tables[collection])}"))
        total = len(packages) + len(versions) + len(targets)
        done = 0
        for collection, rows in ((PACKAGES, packages), (VERSIONS, versions), (TARGETS, targets)):
            for start in range(0, len(rows), BATCH):
                _insert(conn, collection, tables[collection], rows[start:start + BATCH])
                done += len(rows[start:start + BATCH])
                if progress:
                    progress(done, total)
    catalogue_note_written()
    return len(packages), len(versions), len(targets)


# --- reads ---

def catalogue_software_counts(tables: dict[str, dict[str, str]]) -> dict[str, tuple[int, int, int]]:
    """Packages, versions and targets of each catalog, in one statement."""
    parts = []
    params: dict[str, Any] = {}
    for n, (catalog_id, t) in enumerate(sorted(tables.items())):
        if len(t) < len(COLLECTIONS):
            continue
        params[f"c{n}"] = catalog_id
        parts.append(f"SELECT :c{n} AS id, (SELECT count(*) FROM {_q(t[PACKAGES])}), "
                     f"(SELECT count(*) FROM {_q(t[VERSIONS])}), (SELECT count(*) FROM {_q(t[TARGETS])})")
    if not parts:
        return {}
    def read(conn: sa.engine.Connection) -> dict[str, tuple[int, int, int]]:
        rows = conn.execute(sa.text(" UNION ALL ".join(parts)), params)
        return {r[0]: (int(r[1]), int(r[2]), int(r[3])) for r in rows}

    return catalogue_datastore_read(read)


# A job's lock: hashtext of this prefix and the catalog id.
_JOB_LOCK = "catalogue-software-job:"


def _job_key(catalog_id: str) -> str:
    return _JOB_LOCK + catalog_id


@contextlib.contextmanager
def catalogue_software_job_lock(catalog_id: str) -> Iterator[None]:
    """Held for the whole of an import or update job of the catalog, on a
    connection of its own: PostgreSQL drops it with the connection, so a
    job whose worker was killed no longer holds it. A second job of the
    same catalog waits for the first."""
    with _write_engine().connect() as conn:
        conn.execute(sa.text("SELECT pg_advisory_lock(hashtext(:key))"), {"key": _job_key(catalog_id)})
        conn.commit()
        try:
            yield
        finally:
            conn.execute(sa.text("SELECT pg_advisory_unlock(hashtext(:key))"), {"key": _job_key(catalog_id)})
            conn.commit()


def catalogue_software_jobs_running(catalog_ids: list[str]) -> set[str]:
    """Which of the catalogs a job is importing or updating right now (one
    statement: a lock the job holds cannot be taken)."""
    if not catalog_ids:
        return set()
    with _write_engine().begin() as conn:
        rows = conn.execute(sa.text(
            "SELECT id FROM unnest(CAST(:ids AS text[])) AS id "
            "WHERE NOT pg_try_advisory_xact_lock(hashtext(:prefix || id))"), {"ids": catalog_ids, "prefix": _JOB_LOCK})
        return {r[0] for r in rows}


def catalogue_software_import_running(tables: dict[str, str]) -> bool:
    """Whether an import of this catalog holds its lock right now."""
    with _write_engine().begin() as conn:
        free = conn.execute(sa.text("SELECT pg_try_advisory_xact_lock(hashtext(:key))"),
                            {"key": tables[PACKAGES]}).scalar()
    return not free


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("metadata", "dependencies"):
        if isinstance(row.get(key), str):
            row[key] = json.loads(row[key])
    return row


# The row alias of each collection in SoftwareQuery's SELECTs.
ALIAS = {PACKAGES: "p", VERSIONS: "v", TARGETS: "t"}


class SoftwareQuery:
    """A filtered, ordered page of one collection over several catalogs.

    Each catalog's table gives a SELECT with the catalog's own fields (id,
    name, version, type) as literal columns and the filters in its WHERE;
    the SELECTs are joined with UNION ALL and ordered, counted and paged as
    one. A filter is SQL on the row alias (``p``, ``v`` or ``t``) in which
    ``{P}``, ``{V}`` and ``{T}`` stand for the catalog's three tables and
    ``{CNAME}``, ``{CVERSION}``, ``{CTYPE}`` for its name, version, type."""

    def __init__(self, collection: str, catalogs: list[dict[str, Any]],
                 tables: dict[str, dict[str, str]]) -> None:
        self.collection = collection
        self.catalogs = [c for c in catalogs if len(tables.get(c["id"], {})) == len(COLLECTIONS)]
        self.tables = tables
        self.where: list[str] = []
        self.params: dict[str, Any] = {}

    def param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def add(self, clause: str) -> None:
        self.where.append(clause)

    def _select(self, n: int, catalog: dict[str, Any]) -> str:
        t = {k: _q(v) for k, v in self.tables[catalog["id"]].items()}
        self.params.update({f"cid{n}": catalog["id"], f"cname{n}": catalog["name"],
                            f"cversion{n}": catalog["version"], f"ctype{n}": catalog["catalog_type"]})
        lit = (f"CAST(:cid{n} AS text) AS catalog_id, CAST(:cname{n} AS text) AS catalog_name, "
               f"CAST(:cversion{n} AS text) AS catalog_version, CAST(:ctype{n} AS text) AS catalog_type")
        # The table's own columns only (not the DataStore's _id and _full_text).
        alias = ALIAS[self.collection]
        own = ", ".join(f"{alias}.{_q(f['id'])}" for f in TABLE_FIELDS[self.collection])
        if self.collection == PACKAGES:
            body = f"SELECT {own}, {lit} FROM {t[PACKAGES]} p"
        elif self.collection == VERSIONS:
            body = (f"SELECT {own}, {lit}, p.name AS package_name FROM {t[VERSIONS]} v "
                    f"JOIN {t[PACKAGES]} p ON p.uuid = v.package_uuid")
        else:
            body = (f"SELECT {own}, {lit}, p.name AS package_name FROM {t[TARGETS]} t "
                    f"JOIN {t[PACKAGES]} p ON p.uuid = t.package_uuid")
        clauses = [c.replace("{P}", t[PACKAGES]).replace("{V}", t[VERSIONS]).replace("{T}", t[TARGETS])
                   .replace("{CNAME}", f":cname{n}").replace("{CVERSION}", f":cversion{n}")
                   .replace("{CTYPE}", f":ctype{n}") for c in self.where]
        return body + (" WHERE " + " AND ".join(clauses) if clauses else "")

    def run(self, order: list[str], limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
        """``(total, rows)``: ``order`` are columns of the union (``u.x``)."""
        if not self.catalogs:
            return 0, []
        union = " UNION ALL ".join(f"({self._select(n, c)})" for n, c in enumerate(self.catalogs))
        sql = (f"SELECT u.*, count(*) OVER () AS _total FROM ({union}) u "
               f"ORDER BY {', '.join(order + ['u.uuid'])} LIMIT {int(limit)} OFFSET {int(offset)}")
        def read(conn: sa.engine.Connection) -> tuple[int, list[dict[str, Any]]]:
            rows = [dict(r) for r in conn.execute(sa.text(sql), self.params).mappings()]
            if rows:
                return int(rows[0]["_total"]), rows
            # Past the last page: the count still answers.
            return int(conn.execute(sa.text(f"SELECT count(*) FROM ({union}) u"), self.params).scalar() or 0), rows

        total, rows = catalogue_datastore_read(read)
        for row in rows:
            for key in ("_total", "_id", "_full_text"):
                row.pop(key, None)
            _decode(row)
        return total, rows


def catalogue_software_rows(collection: str, tables: dict[str, dict[str, str]], where: str, params: dict[str, Any],
                            columns: str = "*", group_by: str = "", order_by: str = "") -> list[dict[str, Any]]:
    """Rows of ``collection`` in every catalog of ``tables`` matching
    ``where`` (on alias ``x``), with their catalog id: one statement."""
    parts = []
    grouped = f" GROUP BY {group_by}" if group_by else ""
    for n, (catalog_id, t) in enumerate(sorted(tables.items())):
        if collection in t:
            params[f"cat{n}"] = catalog_id
            parts.append(f"(SELECT {columns}, CAST(:cat{n} AS text) AS catalog_id FROM {_q(t[collection])} x "
                         f"WHERE {where}{grouped})")
    if not parts:
        return []
    sql = " UNION ALL ".join(parts)
    if order_by:  # columns of the rows, without the alias
        sql = f"SELECT * FROM ({sql}) u ORDER BY {order_by}"
    rows = catalogue_datastore_read(lambda conn: [dict(r) for r in conn.execute(sa.text(sql), params).mappings()])
    for row in rows:
        row.pop("_id", None)
        row.pop("_full_text", None)
        _decode(row)
    return rows


# --- single-row writes (the API's create/update/delete of one record) ---

class SoftwareDuplicate(Exception):
    """A hand-made record repeats another's natural key."""


def catalogue_software_write_row(collection: str, table: str, row: dict[str, Any], new: bool) -> None:

    try:
        with _write_engine().begin() as conn:
            _insert(conn, collection, table, [row], "insert" if new else "update")
    except (IntegrityError, psycopg2.IntegrityError) as error:
        raise SoftwareDuplicate from error
    catalogue_note_written()


def catalogue_software_delete_rows(deletes: list[tuple[str, str, str]], unlink: str | None = None) -> None:
    """``(table, column, value)`` deletes, all in one transaction; with
    ``unlink`` (a packages table) the deleted package is also taken out of
    its extensions' parents."""
    with _write_engine().begin() as conn:
        for table, column, value in deletes:
            conn.execute(sa.text(f"DELETE FROM {_q(table)} WHERE {_q(column)} = :v"), {"v": value})
        if unlink and deletes:
            conn.execute(sa.text(f"UPDATE {_q(unlink)} SET parent_uuids = array_remove(parent_uuids, :v) "
                                 f"WHERE :v = ANY(parent_uuids)"), {"v": deletes[0][2]})
    catalogue_note_written()


def catalogue_software_find(uuid_value: str, collection: str, tables: dict[str, dict[str, str]]
                            ) -> dict[str, Any] | None:
    rows = catalogue_software_rows(collection, tables, "x.uuid = :u", {"u": uuid_value})
    return rows[0] if rows else None


__all__ = [
    "ALIAS", "COLLECTIONS", "PACKAGES", "VERSIONS", "TARGETS", "SoftwareQuery", "catalogue_software_tables",
    "catalogue_software_create_tables", "catalogue_software_replace",
    "catalogue_software_counts", "catalogue_software_import_running", "catalogue_software_job_lock",
    "catalogue_software_jobs_running", "catalogue_software_rows", "catalogue_software_write_row",
    "catalogue_software_delete_rows", "SoftwareDuplicate", "UNIQUE_KEYS", "catalogue_software_find", "catalogue_new_uuid", "catalogue_software_now",
]
