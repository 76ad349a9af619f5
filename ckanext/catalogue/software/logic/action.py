"""Software catalogs (Waldur): catalogs are catalogue items of kind
``software.catalog``; their packages, versions and targets are rows of the
catalog's DataStore tables. Imports and updates run as background jobs."""
from __future__ import annotations

import datetime
import logging
import uuid as uuidlib
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlparse

from rq import Retry

import ckan.plugins.toolkit as tk
from ckan.types import ActionResult, Context, DataDict

from ckanext.catalogue.config import catalogue_software_queue, catalogue_software_update_interval
from ckanext.catalogue.core.errors import CatalogueConflict, CatalogueInvalid
from ckanext.catalogue.jobs import catalogue_enqueue
from ckanext.catalogue.logic.validation import catalogue_validate, catalogue_validated
from ckanext.catalogue.software import store
from ckanext.catalogue.software.filters import (
    CATALOG_FILTERS,
    DEFAULT_ORDER,
    FILTERS,
    ORDERINGS,
    catalogue_parse_order,
    catalogue_parse_value,
)
from ckanext.catalogue.software.kinds import CATALOG, SERVER_FIELDS
from ckanext.catalogue.software.loaders import (
    CatalogueLoadError,
    catalogue_software_source,
    catalogue_software_sources,
)
from ckanext.catalogue.software.loaders.base import BINARY_RUNTIME, CATALOG_TYPES, SoftwareSource
from ckanext.catalogue.software.loaders.eessi import eessi_cpu_targets
from ckanext.catalogue.software.logic import schema

__all__ = [
    "catalogue_software_catalog_create", "catalogue_software_catalog_show", "catalogue_software_catalog_list",
    "catalogue_software_catalog_update", "catalogue_software_catalog_delete", "catalogue_software_cpu_targets",
    "catalogue_software_discover",
    "catalogue_software_import", "catalogue_software_update", "catalogue_software_schedule",
    "catalogue_software_record_list", "catalogue_software_record_show", "catalogue_software_record_create",
    "catalogue_software_record_update", "catalogue_software_record_delete",
]

log = logging.getLogger(__name__)

# Catalogs one list of records spans at most (each is a SELECT in one union).
CATALOGS_MAX = 500


def _site_context(context: Context) -> Context:
    return {"user": context.get("user", ""), "ignore_auth": True}


def _catalog_id(value: Any) -> str:
    try:
        return str(uuidlib.UUID(str(value)))
    except ValueError:
        raise tk.ObjectNotFound(tk._("Not found.")) from None


def _as_catalog(item: dict[str, Any], counts: tuple[int, int, int] | None) -> dict[str, Any]:
    doc = item["doc"]
    kind = doc.get("catalog_type", BINARY_RUNTIME)
    packages, versions, targets = counts or (0, 0, 0)
    return {
        "id": item["id"], "uuid": uuidlib.UUID(item["id"]).hex,
        "created": item["metadata_created"], "modified": item["metadata_modified"],
        "name": doc.get("name", ""), "version": doc.get("version", ""), "catalog_type": kind,
        "catalog_type_display": CATALOG_TYPES.get(kind, kind),
        "source_url": doc.get("source_url") or "", "description": doc.get("description") or "",
        "metadata": doc.get("metadata") or {}, "auto_update_enabled": doc.get("auto_update_enabled", True),
        "last_update_attempt": doc.get("last_update_attempt"),
        "last_successful_update": doc.get("last_successful_update"),
        "update_errors": doc.get("update_errors") or "",
        "supports_cpu_target_restrictions": kind == BINARY_RUNTIME,
        "package_count": packages, "version_count": versions, "target_count": targets,
    }


# What a catalog says when its last job began and never recorded an outcome.
JOB_VANISHED = ("The last update stopped before it finished: its job ended without an outcome (the worker was "
                "stopped or killed); the catalog keeps the rows it had.")


def _unfinished(doc: dict[str, Any]) -> bool:
    attempt, success = doc.get("last_update_attempt"), doc.get("last_successful_update")
    return bool(attempt) and not doc.get("update_errors") and (not success or attempt > success)


def _with_counts(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts = store.catalogue_software_counts(store.catalogue_software_tables(i["id"] for i in items))
    shown = [_as_catalog(i, counts.get(i["id"])) for i in items]
    # A job began and left no outcome: running, or its worker died (then
    # its lock went with its connection, and the catalog says so).
    unfinished = [c["id"] for c, i in zip(shown, items, strict=True) if _unfinished(i["doc"])]
    running = store.catalogue_software_jobs_running(unfinished)
    for catalog in shown:
        if catalog["id"] in unfinished and catalog["id"] not in running:
            catalog["update_errors"] = tk._(JOB_VANISHED)
    return shown


def _catalog_doc(doc: dict[str, Any]) -> dict[str, Any]:
    doc = {k: v for k, v in doc.items() if k not in ("uuid", "url", "created", "modified", "catalog_type_display",
                                                     "package_count", "version_count", "target_count",
                                                     "supports_cpu_target_restrictions", *SERVER_FIELDS)}
    doc.setdefault("catalog_type", BINARY_RUNTIME)
    doc.setdefault("auto_update_enabled", True)
    return doc


@catalogue_validated(schema.catalogue_software_catalog_create_schema, first="catalogue_software_manage")
def catalogue_software_catalog_create(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Create a software catalog (Catalogue-Manager) with empty package,
    version and target tables.

    :param doc: name, version, catalog_type (default binary_runtime),
        source_url, description, metadata, auto_update_enabled, update_errors
    :param id: a UUID (optional)
    """
    doc = data_dict["doc"]
    created = tk.get_action("catalogue_item_create")(
        cast(Context, dict(context)), {"kind": CATALOG, "doc": _catalog_doc(doc), **({"id": data_dict["id"]} if data_dict.get(
            "id") else {})})
    try:
        store.catalogue_software_create_tables(context.get("user", ""), created["id"])
    except Exception:
        # The catalog is nothing without its tables: no half catalog stays.
        tk.get_action("catalogue_item_purge")(_site_context(context), {"id": created["id"]})
        raise
    return catalogue_software_catalog_show(context, {"id": created["id"]})


def _item(context: Context, catalog_id: Any) -> dict[str, Any]:
    item = tk.get_action("catalogue_item_show")(_site_context(context), {"id": _catalog_id(catalog_id),
                                                                         "kind": [CATALOG]})
    if item["state"] != "active":  # archived catalogs are out of the software API
        raise tk.ObjectNotFound(tk._("Not found."))
    return item


def _tables(user: str, catalog_id: str) -> dict[str, str]:
    """The catalog's tables, made now if they are missing (a catalog made
    through catalogue_item_create, or one whose creation was cut short)."""
    tables = store.catalogue_software_tables([catalog_id]).get(catalog_id, {})
    if len(tables) < len(store.COLLECTIONS):
        if tables:
            raise CatalogueInvalid({"catalog": [tk._("The catalog's tables are incomplete; delete and re-create it")]})
        tables = store.catalogue_software_create_tables(user or _site_user(), catalog_id)
    return tables


@tk.side_effect_free
@catalogue_validated(schema.catalogue_software_id_schema, first="catalogue_software_read")
def catalogue_software_catalog_show(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """A software catalog with its package, version and target counts."""
    return _with_counts([_item(context, data_dict.get("id"))])[0]


@tk.side_effect_free
@catalogue_validated(schema.catalogue_software_catalog_list_schema, first="catalogue_software_read")
def catalogue_software_catalog_list(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Software catalogs, filtered and ordered in Solr.

    :param name: part of the name (any case); also ``version``, ``description``
    :param catalog_type: binary_runtime, source_package or package_manager
    :param auto_update_enabled: true or false
    :param o: name, version, catalog_type, created, modified (``-`` first
        for descending), a list or comma-separated
    :param limit: default 10
    :param offset: default 0
    :returns: ``{"count": n, "results": [catalogs]}``
    """
    filters: list[dict[str, Any]] = []
    for field in CATALOG_FILTERS:
        if field not in data_dict:
            continue
        value = data_dict[field]
        if field in ("catalog_type", "auto_update_enabled"):
            filters.append({"property": field, "values": [str(value).lower()], "exact": True})
        else:
            filters.append({"property": field, "values": [value], "contains": True})
    found = tk.get_action("catalogue_item_search")({"user": context.get("user", "")}, {
        "kind": [CATALOG], "filters": filters, "limit": data_dict["limit"], "offset": data_dict["offset"],
        "sort": data_dict["o"]})
    return {"count": found["count"], "results": _with_counts(found["results"])}


@catalogue_validated(schema.catalogue_software_catalog_update_schema, first="catalogue_software_manage")
def catalogue_software_catalog_update(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Replace (or with ``partial`` change) a catalog's fields; the import
    times are kept.

    :param id: the catalog
    :param doc: the fields
    :param partial: change only the fields given
    """
    item = _item(context, data_dict.get("id"))
    doc = data_dict["doc"]
    kept = {k: item["doc"][k] for k in SERVER_FIELDS if k in item["doc"]}
    if not data_dict.get("partial"):
        # A full update names the required fields; the others it leaves out
        # keep their values (as Waldur's PUT does).
        missing = {f: [tk._("This field is required.")] for f in ("name", "version") if f not in doc}
        if missing:
            raise CatalogueInvalid(missing)
    new = _catalog_doc({**item["doc"], **doc})
    tk.get_action("catalogue_item_update")(cast(Context, dict(context)), {"id": item["id"], "doc": {**new, **kept}})
    return catalogue_software_catalog_show(context, {"id": item["id"]})


@catalogue_validated(schema.catalogue_software_id_schema, first="catalogue_software_manage")
def catalogue_software_catalog_delete(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Remove a catalog with its packages, versions and targets."""
    item = _item(context, data_dict.get("id"))
    tables = store.catalogue_software_tables([item["id"]]).get(item["id"], {})
    if store.PACKAGES in tables and store.catalogue_software_import_running(tables):
        raise CatalogueConflict({"non_field_errors": [tk._(
            "An import or update of this catalog is running; delete it when it has finished.")]})
    # The purge drops the catalog's DataStore tables with its resources.
    tk.get_action("catalogue_item_purge")(cast(Context, dict(context)), {"id": item["id"]})
    return {"id": item["id"], "purged": True}


@tk.side_effect_free
@catalogue_validated(schema.catalogue_software_id_schema, first="catalogue_software_read")
def catalogue_software_cpu_targets(context: Context, data_dict: DataDict) -> list[dict[str, str]]:
    """The CPU architectures a catalog's version supports, from its
    metadata's architecture map as Waldur builds them (no table is read):
    ``[{"cpu_family", "cpu_microarchitecture", "full_arch"}]``."""
    doc = _item(context, data_dict.get("id"))["doc"]
    return eessi_cpu_targets(doc.get("catalog_type", BINARY_RUNTIME), str(doc.get("version", "")),
                             doc.get("metadata"))


# --- upstreams, imports and updates ---

def _site_user() -> str:
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def _newest(name: str, catalog_type: str) -> dict[str, Any] | None:
    found = tk.get_action("catalogue_item_search")({"user": _site_user()}, {
        "kind": [CATALOG], "limit": 1, "sort": "metadata_modified desc",
        "filters": [{"property": "name", "values": [name], "exact": True},
                    {"property": "catalog_type", "values": [catalog_type], "exact": True}]})
    return found["results"][0] if found["results"] else None


@tk.side_effect_free
@catalogue_validated(schema.catalogue_software_nothing_schema, first="catalogue_software_manage")
def catalogue_software_discover(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """For each upstream: its newest version (null when it cannot be read),
    and whether a stored catalog of it is older."""
    out: list[dict[str, Any]] = []
    for source in catalogue_software_sources().values():
        try:
            latest: str | None = source.latest_version(source.location)
        except CatalogueLoadError as error:
            log.warning("discover: %s", error)
            latest = None
        existing = _newest(source.name, source.catalog_type)
        existing_version = existing["doc"].get("version") if existing else None
        out.append({"name": source.name, "catalog_type": source.catalog_type, "latest_version": latest,
                    "existing": existing is not None, "existing_version": existing_version,
                    "update_available": bool(existing and latest is not None and latest != existing_version)})
    return out


@catalogue_validated(schema.catalogue_software_import_schema, first="catalogue_software_manage")
def catalogue_software_import(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Queue the import of an upstream catalog not stored yet (202 in the
    API): ``{"status": "importing", "name"}``."""
    source = catalogue_software_sources()[data_dict["name"]]
    if _newest(source.name, source.catalog_type):
        raise CatalogueConflict({"name": [tk._("A catalog with name={name} and type={type} already exists.").format(
            name=source.name, type=source.catalog_type)]})
    catalogue_enqueue(catalogue_software_import_job, [source.name, context.get("user", "")],
                      title=f"Import software catalog {source.name}", **_job_options())
    return {"status": "importing", "name": source.name}


@catalogue_validated(schema.catalogue_software_id_schema, first="catalogue_software_manage")
def catalogue_software_update(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Queue the update of a stored catalog from its upstream:
    ``{"status": "updating", "catalog_uuid"}``."""
    catalog = _with_counts([_item(context, data_dict.get("id"))])[0]
    if catalogue_software_source(catalog["name"], catalog["catalog_type"]) is None:
        raise CatalogueInvalid({"non_field_errors": [tk._("No loader configuration found for {name} ({type}).").format(
            name=catalog["name"], type=catalog["catalog_type"])]})
    catalogue_enqueue(catalogue_software_update_job, [catalog["id"]],
                      title=f"Update software catalog {catalog['name']} {catalog['version']}", **_job_options())
    return {"status": "updating", "catalog_uuid": catalog["uuid"]}


@catalogue_validated(schema.catalogue_software_nothing_schema, first="catalogue_software_manage")
def catalogue_software_schedule(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Queue an update of every catalog with ``auto_update_enabled`` whose
    last attempt is older than ``ckanext.catalogue.software.update_interval``
    hours (the daily run of ``ckan catalogue software schedule``)."""
    hours = catalogue_software_update_interval()
    due_before = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=hours)).strftime(
        "%Y-%m-%dT%H:%M:%S.%fZ")
    found = tk.get_action("catalogue_item_search")({"user": _site_user()}, {
        "kind": [CATALOG], "limit": CATALOGS_MAX,
        "filters": [{"property": "auto_update_enabled", "values": ["true"], "exact": True},
                    {"property": "name", "values": list(catalogue_software_sources()), "exact": True},
                    {"property": "last_update_attempt", "values": [due_before], "at_most": True}]})
    queued = []
    for item in found["results"]:
        if catalogue_software_source(item["doc"].get("name", ""), item["doc"].get("catalog_type", "")) is None:
            continue
        catalogue_enqueue(catalogue_software_update_job, [item["id"]],
                          title=f"Scheduled update of software catalog {item['doc'].get('name')}", **_job_options())
        queued.append(uuidlib.UUID(item["id"]).hex)
    return {"queued": queued}


def _as_url(location: str) -> str:
    """A source location as a URL (a local path becomes a file: URL)."""
    return location if urlparse(location).scheme else Path(location).resolve().as_uri()


def _job_options() -> dict[str, Any]:
    # Imports can take minutes: their own queue keeps them from holding up
    # other jobs when a worker listens there. A job whose worker died is
    # queued again once (RQ's registry cleanup, when its heartbeat is an
    # hour old); the catalog says meanwhile that the update stopped.
    return {"queue": catalogue_software_queue(),
            "rq_kwargs": {"timeout": 3600, "retry": Retry(max=1)}}


def _now_iso() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _stamp(catalog_id: str, **fields: Any) -> dict[str, Any]:
    item = tk.get_action("catalogue_item_show")({"ignore_auth": True}, {"id": catalog_id})
    doc: dict[str, Any] = {**item["doc"], **fields}
    return tk.get_action("catalogue_item_update")({"user": _site_user()}, {"id": catalog_id, "doc": doc})


def _one_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _version_taken(name: str, version: str, catalog_type: str, catalog_id: str) -> bool:
    found = tk.get_action("catalogue_item_search")({"user": _site_user()}, {
        "kind": [CATALOG], "limit": 2, "filters": [
            {"property": "name", "values": [name], "exact": True},
            {"property": "version", "values": [version], "exact": True},
            {"property": "catalog_type", "values": [catalog_type], "exact": True}]})
    return any(i["id"] != catalog_id for i in found["results"])


def _load_into(catalog_id: str, version: str | None, verb: str, progress: Any = None,
               location: str | None = None) -> dict[str, Any]:
    """Load the catalog's upstream into its tables (one transaction), and
    record the attempt, the success or the error (one sentence) on the
    catalog. Never raises: a job's outcome is on the catalog."""
    try:
        item = tk.get_action("catalogue_item_show")({"ignore_auth": True}, {"id": catalog_id})
    except tk.ObjectNotFound:
        return {"id": catalog_id, "error": "The catalog no longer exists"}
    doc = item["doc"]
    source = catalogue_software_source(doc.get("name", ""), doc.get("catalog_type", ""))
    with store.catalogue_software_job_lock(catalog_id):
        return _load_locked(catalog_id, doc, source, version, verb, progress, location)


def _load_locked(catalog_id: str, doc: dict[str, Any], source: SoftwareSource | None, version: str | None, verb: str,
                 progress: Any, location: str | None) -> dict[str, Any]:
    try:
        _stamp(catalog_id, last_update_attempt=_now_iso())
        if source is None:
            raise CatalogueLoadError(f"No loader configuration found for {doc.get('name')} ({doc.get('catalog_type')}).")  # noqa: TRY301 - recorded on the catalog by the handler below, like any load failure
        try:
            data = source.load(location or source.location, version)
        except CatalogueLoadError:
            raise
        except (TypeError, AttributeError, KeyError, ValueError) as error:
            raise CatalogueLoadError(f"Unexpected format of {source.name} data: {_one_line(error)}") from error
        if data.version != doc.get("version") and _version_taken(source.name, data.version, source.catalog_type,
                                                                  catalog_id):
            # Another catalog already stands for that version: keep this one's label.
            data.version = doc.get("version", data.version)
        tables = _tables(_site_user(), catalog_id)
        counts = store.catalogue_software_replace(tables, data, progress)
    except Exception as error:  # noqa: BLE001 - any failure of an import is recorded on the catalog, never raised in the worker
        message = f"Catalog {verb} failed: {_one_line(error)}"
        log.warning("software catalog %s: %s", catalog_id, message)
        try:
            _stamp(catalog_id, update_errors=message)
        except Exception as stamp_error:  # the catalog went, or the index is down  # noqa: BLE001 - the catalog went, or the index is down: logged
            log.warning("software catalog %s: the error could not be recorded: %s", catalog_id, stamp_error)
        return {"id": catalog_id, "error": message}
    fields: dict[str, Any] = {"version": data.version, "source_url": _as_url(data.source_url), "description": data.description,
              "metadata": data.metadata, "last_successful_update": _now_iso(), "update_errors": ""}
    try:
        _stamp(catalog_id, **fields)
    except Exception as error:  # noqa: BLE001 - the data is in; a failure to record it is logged
        message = f"Catalog {verb} loaded its data but could not record it: {_one_line(error)}"
        log.warning("software catalog %s: %s", catalog_id, message)
        return {"id": catalog_id, "error": message}
    return {"id": catalog_id, "packages": counts[0], "versions": counts[1], "targets": counts[2]}


def catalogue_software_import_job(name: str, user: str = "", progress: Any = None,
                                  location: str | None = None) -> dict[str, Any]:
    """Background job: create the catalog of upstream ``name`` (at its
    newest version) and load it. Run twice, the second finds the catalog
    and updates it instead of making another. ``location``: read this copy
    of the upstream instead of the configured one (the demo's snapshots; a
    Python argument only, never one of an action)."""
    source = catalogue_software_sources()[name]
    where = location or source.location
    existing = _newest(source.name, source.catalog_type)
    if existing is not None:
        return _load_into(existing["id"], existing["doc"].get("version"), "import", progress, location)
    try:
        version = source.latest_version(where)
    except CatalogueLoadError as error:
        version = "unknown"
        log.warning("import of %s: %s", name, error)
    created = catalogue_software_catalog_create({"user": _site_user()}, {"doc": {
        "name": source.name, "version": version, "catalog_type": source.catalog_type,
        "source_url": _as_url(where)}})
    return _load_into(created["id"], None if version == "unknown" else version, "import", progress, location)


def catalogue_software_update_job(catalog_id: str, progress: Any = None) -> dict[str, Any]:
    """Background job: reload a stored catalog from its upstream, at its
    stored version (EESSI) or the newest one (Spack, whose versions are
    dates of one rolling repository)."""
    try:
        item = tk.get_action("catalogue_item_show")({"ignore_auth": True}, {"id": catalog_id})
    except tk.ObjectNotFound:
        return {"id": catalog_id, "error": "The catalog no longer exists"}
    # EESSI keeps its stack version; Spack moves to the newest snapshot
    # (unless another stored catalog already stands for it).
    version = item["doc"].get("version") if item["doc"].get("catalog_type") == BINARY_RUNTIME else None
    return _load_into(catalog_id, version, "update", progress)


# --- packages, versions and targets ---

def _catalogs(context: Context, scope: str | None) -> list[dict[str, Any]]:
    """The catalogs a record list spans: one (``catalog_uuid``) or all."""
    query: dict[str, Any] = {"kind": [CATALOG], "limit": CATALOGS_MAX}
    if scope:
        query["ids"] = [_catalog_id(scope)]
    found = tk.get_action("catalogue_item_search")({"user": context.get("user", "")}, query)
    return [_as_catalog(i, None) for i in found["results"]]


@tk.side_effect_free
@catalogue_validated(schema.catalogue_software_record_list_schema, first="catalogue_software_read")
def catalogue_software_record_list(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Packages, versions or targets of the software catalogs, filtered,
    ordered and paged in SQL (Waldur's filters for each collection).

    :param collection: packages, versions or targets
    :param filters: ``{name: value or [values]}`` (see the README)
    :param o: orderings (``-`` first for descending)
    :param limit: default 10
    :param offset: default 0
    :returns: ``{"count": n, "results": [records]}``
    """
    collection = data_dict["collection"]
    filters: dict[str, Any] = data_dict["filters"]
    known = FILTERS[collection]
    errors: dict[str, list[str]] = {}
    parsed: dict[str, Any] = {}
    for name, raw in filters.items():
        if name not in known or raw in (None, "", []):
            continue  # as Waldur: parameters it does not know are ignored
        try:
            parsed[name] = catalogue_parse_value(known[name][0], raw)
        except ValueError as error:
            errors[name] = [str(error)]
    order: list[str] = []  # set below, or the "o" error is raised
    try:
        order = [f"{column} {'DESC' if descending else 'ASC'}" for column, descending in
                 catalogue_parse_order(data_dict.get("o"), ORDERINGS[collection])] if data_dict.get("o") else []
    except ValueError as error:
        errors["o"] = [str(error)]
    if errors:
        raise CatalogueInvalid(errors)
    catalogs = _catalogs(context, parsed.pop("catalog_uuid", None))
    tables = store.catalogue_software_tables(c["id"] for c in catalogs)
    query = store.SoftwareQuery(collection, catalogs, tables)
    for name, value in parsed.items():
        query.add(known[name][1](query, value))
    total, rows = query.run(order or DEFAULT_ORDER[collection], data_dict["limit"], data_dict["offset"])
    return {"count": total, "results": _enrich(collection, rows, tables)}


def _enrich(collection: str, rows: list[dict[str, Any]], tables: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    """Add what each record shows of its relations, with a fixed number of
    statements per page."""
    if not rows:
        return rows
    uuids = [r["uuid"] for r in rows]
    page_tables = {cid: tables[cid] for cid in {r["catalog_id"] for r in rows}}
    if collection == store.VERSIONS:
        counts = {c["version_uuid"]: c["n"] for c in store.catalogue_software_rows(
            store.TARGETS, page_tables, "x.version_uuid = ANY(:u)", {"u": uuids}, "x.version_uuid, count(*) AS n",
            group_by="x.version_uuid")}
        for row in rows:
            row["target_count"] = counts.get(row["uuid"], 0)
        return rows
    if collection == store.TARGETS:
        return rows
    versions = store.catalogue_software_rows(store.VERSIONS, page_tables, "x.package_uuid = ANY(:u)", {"u": uuids},
                                             order_by="u.version, coalesce(u.module_version, ''), u.uuid")
    version_ids = [v["uuid"] for v in versions]
    targets = store.catalogue_software_rows(store.TARGETS, page_tables, "x.version_uuid = ANY(:u)",
                                            {"u": version_ids}) if version_ids else []
    parent_ids = sorted({p for r in rows for p in cast("list[Any]", r.get("parent_uuids") or [])})
    related = store.catalogue_software_rows(
        store.PACKAGES, page_tables, "(x.uuid = ANY(:parents) OR x.parent_uuids && CAST(:u AS text[]))",
        {"parents": parent_ids, "u": uuids}, "x.uuid, x.name, x.parent_uuids")
    related_ids = [r["uuid"] for r in related]
    related_versions = store.catalogue_software_rows(
        store.VERSIONS, page_tables, "x.package_uuid = ANY(:u)", {"u": related_ids},
        "x.package_uuid, x.version") if related_ids else []
    targets_of: dict[str, list[dict[str, Any]]] = {}
    for target in targets:
        targets_of.setdefault(target["version_uuid"], []).append(target)
    versions_of: dict[str, list[dict[str, Any]]] = {}
    for version in versions:
        version["targets"] = targets_of.get(version["uuid"], [])
        versions_of.setdefault(version["package_uuid"], []).append(version)
    labels: dict[str, list[str]] = {}
    for version in related_versions:
        labels.setdefault(version["package_uuid"], []).append(version["version"])
    for row in rows:
        row["versions"] = versions_of.get(row["uuid"], [])
        row["version_count"] = len(row["versions"])
        row["parent_softwares"] = [{"uuid": r["uuid"], "name": r["name"], "catalog_id": r["catalog_id"],
                                    "versions": sorted(labels.get(r["uuid"], []))}
                                   for r in related if r["uuid"] in (row.get("parent_uuids") or [])]
        row["extensions"] = [{"uuid": r["uuid"], "name": r["name"], "catalog_id": r["catalog_id"],
                              "versions": sorted(labels.get(r["uuid"], []))}
                             for r in related if row["uuid"] in (r.get("parent_uuids") or [])]
        row["extension_count"] = len(row["extensions"])
    return rows


def _find(context: Context, collection: str, record_uuid: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The record with this uuid and its catalog, or 404."""
    try:
        wanted = uuidlib.UUID(str(record_uuid)).hex
    except ValueError:
        raise tk.ObjectNotFound(tk._("Not found.")) from None
    catalogs = _catalogs(context, None)
    tables = store.catalogue_software_tables(c["id"] for c in catalogs)
    row = store.catalogue_software_find(wanted, collection, tables)
    if row is None:
        raise tk.ObjectNotFound(tk._("Not found."))
    catalog = next(c for c in catalogs if c["id"] == row["catalog_id"])
    return _enrich(collection, [{**row, "catalog_name": catalog["name"], "catalog_version": catalog["version"],
                                 "catalog_type": catalog["catalog_type"], **_package_name(collection, row, tables)}],
                   tables)[0], catalog


def _package_name(collection: str, row: dict[str, Any], tables: dict[str, dict[str, str]]) -> dict[str, Any]:
    if collection == store.PACKAGES:
        return {}
    found = store.catalogue_software_rows(store.PACKAGES, {row["catalog_id"]: tables[row["catalog_id"]]},
                                          "x.uuid = :u", {"u": row["package_uuid"]}, "x.name")
    return {"package_name": found[0]["name"] if found else ""}


@tk.side_effect_free
@catalogue_validated(schema.catalogue_software_record_schema, first="catalogue_software_read")
def catalogue_software_record_show(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """One package, version or target by uuid.

    :param collection: packages, versions or targets
    :param uuid: the record
    """
    return _find(context, data_dict["collection"], data_dict.get("uuid"))[0]


# The record a new row hangs from: (field, collection it names).
PARENT: dict[str, tuple[str, str | None]] = {store.PACKAGES: ("catalog", None), store.VERSIONS: ("package_uuid", store.PACKAGES),
          store.TARGETS: ("version_uuid", store.VERSIONS)}


def _checked(context: Context, collection: str, fields: dict[str, Any], creating: bool) -> dict[str, Any]:
    """The writable fields given (with their defaults on create)."""
    valid = catalogue_validate(fields, schema.catalogue_software_fields_schema(collection, creating), context,
                               bound=False)
    return {k: v for k, v in valid.items() if k not in ("__extras", "__junk")}


def _parent_catalog(context: Context, collection: str, fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """For a new record: its catalog and the row it hangs from."""
    field, parent_collection = PARENT[collection]
    value = fields.get(field)
    if value in (None, ""):
        raise CatalogueInvalid({field: [tk._("This field is required.")]})
    if parent_collection is None:
        # A catalog URL (as Waldur's clients send it) or its uuid.
        ref = str(value).rstrip("/").rsplit("/", 1)[-1]
        try:
            catalog = _with_counts([_item(context, ref)])[0]
        except tk.ObjectNotFound:
            raise CatalogueInvalid({field: [tk._("Invalid hyperlink - Object does not exist.")]}) from None
        return catalog, {}
    try:
        parent, catalog = _find(context, parent_collection, value)
    except tk.ObjectNotFound:
        raise CatalogueInvalid({field: [tk._("Object with uuid={value} does not exist.").format(value=value)]}) from None
    return catalog, parent


_NATURAL_KEYS = {store.PACKAGES: "catalog, name", store.VERSIONS: "package, version, module_version",
                 store.TARGETS: "version, target_type, target_name, target_subtype"}


def _write(table: str, collection: str, row: dict[str, Any], new: bool) -> None:
    try:
        store.catalogue_software_write_row(collection, table, row, new)
    except store.SoftwareDuplicate:
        raise CatalogueConflict({"non_field_errors": [tk._("The fields {keys} must make a unique set.").format(
            keys=_NATURAL_KEYS[collection])]}) from None


@catalogue_validated(schema.catalogue_software_record_schema, first="catalogue_software_manage")
def catalogue_software_record_create(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Add a package (``catalog``), a version (``package_uuid``) or a target
    (``version_uuid``) to a catalog (Catalogue-Manager).

    :param collection: packages, versions or targets
    :param fields: the record's fields
    """
    collection, fields = data_dict["collection"], data_dict["fields"]
    # Every field's error at once, the parent's among them.
    try:
        row = _checked(context, collection, fields, creating=True)
    except tk.ValidationError as error:
        link = PARENT[collection][0]
        if fields.get(link) in (None, ""):
            error.error_dict = {link: [tk._("This field is required.")], **error.error_dict}
        raise
    catalog, parent = _parent_catalog(context, collection, fields)
    tables = _tables(context.get("user", ""), catalog["id"])
    if collection == store.PACKAGES:
        # A taken name: the unique index refuses it (see _write).
        row["parent_uuids"] = []
    elif collection == store.VERSIONS:
        row["package_uuid"] = parent["uuid"]
    else:
        row.update(version_uuid=parent["uuid"], package_uuid=parent["package_uuid"])
    now = store.catalogue_software_now()
    row.update(uuid=store.catalogue_new_uuid(), created=now, modified=now)
    _write(tables[collection], collection, row, new=True)
    return catalogue_software_record_show(context, {"collection": collection, "uuid": row["uuid"]})


@catalogue_validated(schema.catalogue_software_record_schema, first="catalogue_software_manage")
def catalogue_software_record_update(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Change a package, version or target (all its writable fields, or
    with ``partial`` those given).

    :param collection: packages, versions or targets
    :param uuid: the record
    :param fields: the record's fields
    :param partial: change only the fields given
    """
    collection, fields = data_dict["collection"], data_dict["fields"]
    current, catalog = _find(context, collection, data_dict.get("uuid"))
    # A full update names the required fields (packages: name; versions:
    # version); fields left out keep their values, as in Waldur.
    row = _checked(context, collection, fields, creating=False)
    required = {store.PACKAGES: "name", store.VERSIONS: "version"}.get(collection)
    if not data_dict.get("partial") and required and required not in fields:
        raise CatalogueInvalid({required: [tk._("This field is required.")]})
    tables = _tables(context.get("user", ""), catalog["id"])
    row.update(uuid=current["uuid"], modified=store.catalogue_software_now())
    _write(tables[collection], collection, row, new=False)
    return catalogue_software_record_show(context, {"collection": collection, "uuid": current["uuid"]})


@catalogue_validated(schema.catalogue_software_record_schema, first="catalogue_software_manage")
def catalogue_software_record_delete(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """Remove a package (with its versions and targets), a version (with
    its targets) or a target, in one transaction."""
    collection = data_dict["collection"]
    current, catalog = _find(context, collection, data_dict.get("uuid"))
    tables = _tables(context.get("user", ""), catalog["id"])
    deletes = {
        store.PACKAGES: [(tables[store.TARGETS], "package_uuid"), (tables[store.VERSIONS], "package_uuid"),
                         (tables[store.PACKAGES], "uuid")],
        store.VERSIONS: [(tables[store.TARGETS], "version_uuid"), (tables[store.VERSIONS], "uuid")],
        store.TARGETS: [(tables[store.TARGETS], "uuid")],
    }[collection]
    store.catalogue_software_delete_rows([(table, column, current["uuid"]) for table, column in deletes],
                                         unlink=tables[store.PACKAGES] if collection == store.PACKAGES else None)
    return {"uuid": current["uuid"], "deleted": True}

