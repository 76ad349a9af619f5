"""The bulk writer: checked items written to CKAN's own model tables with
PostgreSQL ``COPY`` (``bulk_copy``), a constant number of SQL statements
per batch.

What ``package_create`` does for one dataset is done here for a batch: the
same validation (the dataset type's ``IDatasetForm`` schema), the same rows
(``package``, ``tag``, ``package_tag``, the organization ``member``), the
same ``IPackageController.create``/``after_dataset_create`` hooks, one "new
package" activity per item holding the dataset as ``package_show`` shows
it, and the search documents built by CKAN's own indexer, posted in
batches. ``tests/core/test_bulk_parity.py`` holds it to ``package_create``
field by field. Inputs the writer does not cover (datasets with resources,
groups or vocabulary tags) are left to the caller's one-by-one path.
"""
from __future__ import annotations

import copy
import datetime
import uuid
from collections import defaultdict
from typing import Any, NamedTuple, cast

import sqlalchemy as sa
from sqlalchemy import event

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import logic, model
from ckan.lib import plugins as lib_plugins
from ckan.lib import search
from ckan.lib.dictization import table_dictize
from ckan.logic.schema import default_show_package_schema
from ckan.logic.validators import package_name_validator
from ckan.types import Context

from ckanext.catalogue.core import solr
from ckanext.catalogue.core.bulk_copy import catalogue_copy_rows, catalogue_random_ids
from ckanext.catalogue.core.bulk_lookups import CatalogueBatchLookups
from ckanext.catalogue.core.bulk_navl import CatalogueNavl
from ckanext.catalogue.core.errors import CatalogueInvalid
from ckanext.catalogue.core.loaded import catalogue_ancestor_ids, catalogue_packages_by_id
from ckanext.catalogue.core.store import catalogue_core_context
from ckanext.catalogue.model import CatalogueItem, CatalogueItemKey
from ckanext.catalogue.model.item import KEY_ALIAS, KEY_UNIQUE


class CatalogueBulkRow(NamedTuple):
    """One dataset validated as ``package_create`` validates it, with the
    catalogue's own rows."""

    data: dict[str, Any]  # CKAN-validated package data, with its id
    kind: str | None  # None: a plain dataset, no catalogue rows
    parent_id: str | None = None
    keys: list[str] = []  # noqa: RUF012 - a NamedTuple default, never mutated


def _utcnow() -> datetime.datetime:
    # Naive UTC, as CKAN stores its times.
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def _validation_context(context: Context) -> Context:
    return cast(Context, {"user": context.get("user", ""), "ignore_auth": True, "model": model,
                          "session": model.Session, "defer_commit": True})


def catalogue_bulk_fits(pkg_dict: dict[str, Any]) -> bool:
    """Whether the writer covers this dataset (else: ``package_create``)."""
    return not (pkg_dict.get("resources") or pkg_dict.get("groups") or pkg_dict.get("relationships_as_subject")
                or pkg_dict.get("relationships_as_object") or pkg_dict.get("plugin_data")
                or any(isinstance(t, dict) and cast("dict[str, Any]", t).get("vocabulary_id")
                       for t in cast("list[Any]", pkg_dict.get("tags") or [])))


def catalogue_creator_id(context: Context) -> str | None:
    """The id ``package_create`` records as the creator (None: nobody)."""
    user = model.User.by_name(context.get("user", "")) if context.get("user") else None
    return user.id if user is not None else None


def catalogue_bulk_validate(context: Context, pkg_dicts: list[dict[str, Any]], creator_id: str | None
                            ) -> list[dict[str, Any] | CatalogueInvalid]:
    """``package_create``'s validation of each of ``pkg_dicts`` (none of
    which may name another: the database reads are made once for all,
    ``bulk_lookups``): the data it would store, with the creator it records
    (``catalogue_creator_id``), or CatalogueInvalid with CKAN's errors."""
    lookups = CatalogueBatchLookups(pkg_dicts)
    navl = CatalogueNavl()
    schemas: dict[int, dict[str, Any]] = {}
    results: list[dict[str, Any] | CatalogueInvalid] = []
    for pkg_dict in pkg_dicts:
        plugin: Any = lib_plugins.lookup_package_plugin(pkg_dict.get("type"))
        if id(plugin) not in schemas:
            # Built once per batch and type: validation does not change a
            # schema, and package_create builds the same one each call.
            schemas[id(plugin)] = lookups.schema(plugin.create_package_schema())
        try:
            data, errors = navl.plugin_validate(plugin, _validation_context(context), dict(pkg_dict),
                                                schemas[id(plugin)], "package_create")
        except (tk.NotAuthorized, tk.ObjectNotFound) as error:
            # A validator calling an action: this record's refusal, as
            # package_create would answer it, not the batch's failure.
            results.append(CatalogueInvalid({"message": [str(error.message or error)]}))
            continue
        except tk.ValidationError as error:
            results.append(CatalogueInvalid(error.error_dict))
            continue
        if errors:
            results.append(CatalogueInvalid({key: value for key, value in errors.items() if value}))
            continue
        if creator_id is not None:
            data["creator_user_id"] = creator_id
        data.pop("metadata_created", None)
        data["id"] = pkg_dict["id"]
        results.append(data)
    return results


def _package_row(data: dict[str, Any], now: datetime.datetime) -> dict[str, Any]:
    """The ``package`` row ``model_save.package_dict_save`` makes of
    ``data`` for a new dataset (a column left out takes its default, one
    marked ``remove_if_not_provided`` is null)."""
    row: dict[str, Any] = {}
    extras = {e["key"]: e["value"] for e in data.get("extras", [])}
    for col in model.package_table.c:
        if col.name == "extras":
            row["extras"] = extras
        elif col.name == "plugin_data":
            row["plugin_data"] = None
        elif col.name in ("metadata_created", "metadata_modified"):
            row[col.name] = now
        elif col.name in data:
            row[col.name] = data[col.name]
        elif col.doc == "remove_if_not_provided":
            row[col.name] = None if col.nullable else ""
        elif (default := getattr(col.default, "arg", None)) is not None and not callable(default):
            row[col.name] = default
        else:
            row[col.name] = None
    return row


def _tag_ids(names: set[str]) -> dict[str, str]:
    """Ids of the free tags named, those missing created (two statements)."""
    if not names:
        return {}
    tag = model.tag_table
    found: dict[str, str] = {name: tag_id for tag_id, name in model.Session.execute(
        sa.select(tag.c.id, tag.c.name).where(tag.c.name.in_(names), tag.c.vocabulary_id.is_(None)))}
    missing: list[dict[str, Any]] = [{"id": str(uuid.uuid4()), "name": name, "vocabulary_id": None} for name in sorted(names - set(found))]
    catalogue_copy_rows(tag, missing)
    found.update({str(row["name"]): str(row["id"]) for row in missing})
    return found


Shown = dict[str, tuple[dict[str, Any], dict[str, Any]]]


Loaded = dict[str, model.Package]


def catalogue_bulk_insert(context: Context, rows: list[CatalogueBulkRow]) -> tuple[Shown, Loaded]:
    """Write the rows in the caller's transaction (not committed), run the
    create hooks, record the activities; each dataset as ``package_show``
    shows it (what ``catalogue_bulk_index`` indexes), and the datasets and
    their ancestors as loaded (``catalogue_load_packages``)."""
    if not rows:
        return {}, {}
    # One millisecond apart (Solr keeps milliseconds): listed by creation
    # time, the batch keeps its records' order, as one by one it would.
    start = _utcnow()
    times = [start + datetime.timedelta(milliseconds=n) for n in range(len(rows))]
    catalogue_copy_rows(model.package_table, [_package_row(row.data, when) for row, when in zip(rows, times, strict=True)])
    tags = _tag_ids({t["name"] for row in rows for t in row.data.get("tags", [])})
    tagged = [(row.data["id"], tags[name])
              for row in rows for name in dict.fromkeys(t["name"] for t in row.data.get("tags", []))]
    catalogue_copy_rows(model.package_tag_table, [
        {"id": row_id, "package_id": package_id, "tag_id": tag_id, "state": "active"}
        for row_id, (package_id, tag_id) in zip(catalogue_random_ids(len(tagged)), tagged, strict=True)])
    owned = [row.data for row in rows if row.data.get("owner_org")]
    catalogue_copy_rows(model.member_table, [
        {"id": row_id, "table_name": "package", "table_id": data["id"], "capacity": "organization",
         "group_id": data["owner_org"], "state": "active"}
        for row_id, data in zip(catalogue_random_ids(len(owned)), owned, strict=True)])
    catalogue_copy_rows(CatalogueItem.__table__, [
        {"id": row.data["id"], "kind": row.kind, "parent_id": row.parent_id, "created": when}
        for row, when in zip(rows, times, strict=True) if row.kind is not None])
    catalogue_copy_rows(CatalogueItemKey.__table__, [
        {"key": key, "item_id": row.data["id"], "purpose": KEY_ALIAS if key.startswith(KEY_ALIAS) else KEY_UNIQUE}
        for row in rows for key in row.keys])
    ids = [row.data["id"] for row in rows]
    packages = catalogue_load_packages(ids)
    # As the core's own package_create calls pass it (hooks may write the item).
    hook_context = catalogue_core_context(_validation_context(context))
    for row in rows:
        pkg = packages[row.data["id"]]
        for plugin in p.PluginImplementations(p.IPackageController):
            plugin.create(pkg)
            plugin.after_dataset_create(hook_context, row.data)
    shown = catalogue_show_many(context, [packages[i] for i in ids])
    _record_activities(context, [packages[i] for i in ids], shown)
    return shown, packages


def catalogue_load_packages(ids: list[str]) -> dict[str, model.Package]:
    """The datasets and their ancestors (which visibility reads), loaded in
    one query each so that hooks and labels find them in the session, as
    long as the caller holds the dict (the session keeps weak references)."""
    found = {pkg.id: pkg for pkg in model.Session.query(model.Package).filter(model.Package.id.in_(ids))}
    ancestors = {a for pkg in found.values() for a in catalogue_ancestor_ids(pkg)} - set(found)
    return found | catalogue_packages_by_id(ancestors)


def _dictize_many(packages: list[model.Package]) -> dict[str, dict[str, Any]]:
    """``model_dictize.package_dictize`` of datasets without resources,
    groups or relationships (what the writer makes), three queries in all."""
    ctx = cast(Context, {"model": model, "session": model.Session})
    ids = [pkg.id for pkg in packages]
    tag, pkg_tag = model.tag_table, model.package_tag_table
    tags: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in model.Session.execute(
            sa.select(pkg_tag.c.package_id, tag.c.id, tag.c.name, tag.c.vocabulary_id, pkg_tag.c.state)
            .join(pkg_tag, tag.c.id == pkg_tag.c.tag_id).where(pkg_tag.c.package_id.in_(ids))):
        if row.state == "active":
            tags[row.package_id].append({"id": row.id, "name": row.name, "vocabulary_id": row.vocabulary_id,
                                         "state": row.state, "display_name": row.name})
    group = model.group_table
    orgs: dict[str, dict[str, Any]] = {}
    for row in model.Session.execute(sa.select(group).where(
            group.c.id.in_({pkg.owner_org for pkg in packages if pkg.owner_org}), group.c.state == "active")):
        org = table_dictize(row, ctx)
        del org["extras"]
        orgs[row.id] = org
    shown: dict[str, dict[str, Any]] = {}
    for pkg in packages:
        result = table_dictize(pkg, ctx)
        if result.get("title"):
            result["title"] = result["title"].strip()
        result.pop("plugin_data", None)
        result["resources"] = []
        result["num_resources"] = 0
        result["tags"] = sorted(tags[pkg.id], key=lambda t: t["name"])
        result["num_tags"] = len(result["tags"])
        extras: dict[str, Any] = result["extras"] or {}
        result["extras"] = [{"key": k, "value": v} for k, v in extras.items()]
        result["groups"] = []
        result["organization"] = dict(orgs[pkg.owner_org]) if pkg.owner_org in orgs else None
        result["relationships_as_subject"] = []
        result["relationships_as_object"] = []
        result["isopen"] = pkg.isopen()
        result["type"] = pkg.type or "dataset"
        if pkg.license and pkg.license.url:
            result["license_url"] = pkg.license.url
            result["license_title"] = pkg.license.title.split("::")[-1]
        elif pkg.license:
            result["license_title"] = pkg.license.title
        else:
            result["license_title"] = pkg.license_id
        result["metadata_modified"] = pkg.metadata_modified.isoformat()
        result["metadata_created"] = pkg.metadata_created.isoformat() if pkg.metadata_created else None
        shown[pkg.id] = result
    return shown


def _without_name_lookup(schema: dict[str, Any]) -> dict[str, Any]:
    """The show schema without CKAN's name-in-use query: for a stored
    dataset it can only add an error, and ``package_show`` drops errors."""
    name = schema.get("name")
    if not isinstance(name, list) or package_name_validator not in name:
        return schema
    return {**schema, "name": [v for v in cast("list[Any]", name) if v is not package_name_validator]}


def _copied(value: Any) -> Any:
    """``copy.deepcopy`` of a shown dataset: its plain dicts and lists
    copied (at a fraction of deepcopy's cost), strings, numbers, booleans
    and None shared (immutable), anything else deep-copied."""
    kind: type[Any] = type(cast(object, value))
    if kind is dict:
        return {key: _copied(inner) for key, inner in cast("dict[Any, Any]", value).items()}
    if kind is list:
        return [_copied(inner) for inner in cast("list[Any]", value)]
    if value is None or kind in (str, int, float, bool):
        return value
    return copy.deepcopy(value)


def catalogue_show_many(context: Context, packages: list[model.Package]) -> Shown:
    """For each dataset, what ``logic.package_show_default_and_custom_schemas``
    returns (CKAN's default show schema; the type's own with the
    ``after_dataset_show`` hooks), from one batch dictization."""
    dictized = _dictize_many(packages)
    default_schema = default_show_package_schema()
    default_used = _without_name_lookup(default_schema)
    both: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    navl = CatalogueNavl()
    for pkg in packages:
        ctx = cast(Context, {"model": model, "session": model.Session, "user": context.get("user", ""),
                             "ignore_auth": True, "use_cache": False, "validate": False, "package": pkg})
        for plugin in p.PluginImplementations(p.IPackageController):
            plugin.read(pkg)
        with_default, _errors = navl.validate(dictized[pkg.id], default_used, ctx)
        plugin: Any = lib_plugins.lookup_package_plugin(pkg.type)
        if type(plugin).show_package_schema is tk.DefaultDatasetForm.show_package_schema:
            # The type's show schema is CKAN's default one, built again
            # (equal but for its validators' closures): the same result.
            with_custom = _copied(with_default)
        else:
            custom_schema = plugin.show_package_schema()
            with_custom = with_default if custom_schema == default_schema else navl.plugin_validate(
                plugin, ctx, dictized[pkg.id], _without_name_lookup(custom_schema), "package_show")[0]
        logic.apply_after_dataset_show_plugins(ctx, with_custom)
        both[pkg.id] = (with_default, with_custom)
    return both


def _record_activities(context: Context, packages: list[model.Package], shown: Shown) -> None:
    """One "new package" activity per dataset, as the activity plugin records
    after ``package_create``."""
    if not p.plugin_loaded("activity") or not tk.config.get("ckan.activity_streams_enabled"):
        return
    # Imported here: the activity plugin is optional.
    from ckanext.activity.model import Activity  # noqa: PLC0415
    user = model.User.get(context.get("user", "")) if context.get("user") else None
    if user is None:
        return
    labels = lib_plugins.get_permission_labels()
    now = _utcnow()
    catalogue_copy_rows(Activity.__table__, [{
        "id": row_id, "timestamp": now, "user_id": user.id, "object_id": pkg.id,
        "activity_type": "new package",
        "data": {"package": shown[pkg.id][1], "actor": user.name},
        "permission_labels": labels.get_dataset_labels(pkg),
    } for row_id, pkg in zip(catalogue_random_ids(len(packages)), packages, strict=True)])


def catalogue_bulk_index(shown: Shown, batch: int, poster: solr.CataloguePoster, loaded: Loaded | None = None
                         ) -> None:
    """Hand the datasets' search documents to ``poster``, ``batch`` per
    request, made by CKAN's own document code with its ``before_dataset_index``
    hooks (the datasets as ``catalogue_bulk_insert`` showed them, readable
    in the caller's transaction); the caller finishes the poster.
    ``loaded``: what ``catalogue_bulk_insert`` loaded, if the transaction
    has not been committed since (a commit expires them: loaded again)."""
    if loaded is None:
        loaded = catalogue_load_packages(list(shown))  # the indexer and the labels read them
    index = cast(search.PackageSearchIndex, search.index_for("Package"))
    both = list(shown.values())
    # Each request's documents are posted while the next are built.
    for start in range(0, len(both), batch):
        with solr.catalogue_collected_documents() as docs:
            for default, custom in both[start:start + batch]:
                index.index_package(dict(default, with_custom_schema=custom), defer_commit=True)
        poster.post(docs)
    del loaded


def catalogue_bulk_create_datasets(context: Context, pkg_dicts: list[dict[str, Any]], batch: int) -> list[str]:
    """Plain datasets (each with its ``id``), validated, written in one
    transaction and indexed: what a ``package_create`` loop makes. Nothing
    is written when any of them is refused (CatalogueInvalid with its index)."""
    for pkg_dict in pkg_dicts:
        tk.check_access("package_create", cast(Context, dict(context)), pkg_dict)
    validated = catalogue_bulk_validate(context, pkg_dicts, catalogue_creator_id(context))
    for index, data in enumerate(validated):
        if isinstance(data, CatalogueInvalid):
            raise CatalogueInvalid({"index": [str(index)], **data.error_dict})
    rows = [CatalogueBulkRow(cast("dict[str, Any]", data), None) for data in validated]
    try:
        shown, _loaded = catalogue_bulk_insert(context, rows)
        model.repo.commit()
    except Exception:
        model.Session.rollback()
        raise
    poster = solr.CataloguePoster()
    try:
        catalogue_bulk_index(shown, batch, poster)
    except BaseException:
        poster.close()
        raise
    poster.finish()
    return list(shown)


class CatalogueLoadedHeld:
    """While open, keeps every object the session loads (the session itself
    holds them weakly), so that looking one up again by id within the batch
    (a parent, an organization, a user) reads the session, not PostgreSQL.
    Safe inside one transaction whose own writes are inserts."""

    def __init__(self) -> None:
        self.held: list[Any] = []
        self.session = model.Session()

    def _hold(self, _session: Any, instance: Any) -> None:
        self.held.append(instance)

    def __enter__(self) -> CatalogueLoadedHeld:
        event.listen(self.session, "loaded_as_persistent", self._hold)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.session, "loaded_as_persistent", self._hold)
        self.held.clear()
