"""The item store: how catalogue items are written to and read from CKAN's
datasets and Solr, inside one transaction per write. Actions check access
and validate; these functions store, index and search what they are given."""
from __future__ import annotations

import contextlib
import datetime
import functools
import json
import logging
import re
from collections.abc import Callable
from typing import Any, NamedTuple, cast

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

import ckan.plugins.toolkit as tk
from ckan import logic, model
from ckan.lib import plugins as lib_plugins
from ckan.lib import search
from ckan.lib.search import SearchError
from ckan.logic.schema import default_package_search_schema
from ckan.types import Context, Validator, ValidatorFactory

from ckanext.catalogue import config
from ckanext.catalogue.core import moderation, query, rules, solr
from ckanext.catalogue.core.document import (
    CATALOGUE_DATASET_TYPE,
    EXTRA_ANCESTORS,
    INDEX_ITEM,
    catalogue_etag,
    catalogue_extras_list,
    catalogue_item_dict,
    catalogue_package_dict,
)
from ckanext.catalogue.core.errors import (
    CODE_BAD_QUERY,
    CODE_TAKEN,
    CatalogueConflict,
    CatalogueInvalid,
    CataloguePreconditionFailed,
)
from ckanext.catalogue.core.gc_pause import catalogue_gc_paused
from ckanext.catalogue.core.kinds import ID_NAME, CatalogueKind
from ckanext.catalogue.core.loaded import catalogue_ancestor_ids, catalogue_packages_by_id
from ckanext.catalogue.model import CatalogueItem, CatalogueItemKey
from ckanext.catalogue.model.item import KEY_ALIAS, KEY_UNIQUE

log = logging.getLogger(__name__)

# Set in the context of the core's own calls to CKAN's dataset actions
# (CKAN's dataset actions refuse catalogue items otherwise).
CATALOGUE_CORE_CALL = "catalogue_core_call"

# Set when an item is archived; the retention counts from it.
EXTRA_ARCHIVED = "catalogue_archived_at"


def catalogue_core_context(context: Context) -> Context:
    """A context for CKAN dataset actions called by the catalogue core."""
    return {**context, CATALOGUE_CORE_CALL: True}  # type: ignore[typeddict-unknown-key]


def catalogue_archive_time() -> str:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None).isoformat()


def catalogue_system_context(context: Context) -> Context:
    # The catalogue auth function has decided; CKAN's dataset auth knows
    # nothing of kinds and catalogue roles.
    return catalogue_core_context({"user": context.get("user", ""), "ignore_auth": True, "defer_commit": True})

def catalogue_stored_item(pkg: model.Package) -> dict[str, Any]:
    return catalogue_item_dict({
        "id": pkg.id, "name": pkg.name, "extras": dict(pkg.extras), "owner_org": pkg.owner_org,
        "private": pkg.private, "state": pkg.state, "creator_user_id": pkg.creator_user_id,
        "metadata_created": pkg.metadata_created.isoformat() if pkg.metadata_created else None,
        "metadata_modified": pkg.metadata_modified.isoformat() if pkg.metadata_modified else None,
    })

def catalogue_check_if_match(item_id: str, if_match: str | None) -> None:
    """With ``if_match`` (an If-Match header's value), lock the item's row
    for this transaction and refuse unless its current ETag is named, so
    of two writers holding the same version only the first succeeds."""
    if not if_match:
        return
    pkg = model.Session.query(model.Package).filter(model.Package.id == item_id).with_for_update().one()
    model.Session.refresh(pkg)
    wanted = {tag.strip().removeprefix("W/") for tag in if_match.split(",")}
    current = catalogue_etag(pkg.id, pkg.metadata_modified.isoformat() if pkg.metadata_modified else None,
                             pkg.state)
    if "*" not in wanted and current not in wanted:
        model.Session.rollback()  # and with it the lock
        raise CataloguePreconditionFailed({"if_match": [tk._(
            "The item has changed since that version was read (ETag mismatch); nothing was changed")]})

def catalogue_index_and_commit(item_ids: list[str], context: Context) -> None:
    """Index the items as stored in this transaction (one Solr commit), then
    commit; should the commit fail, the index goes back to what is stored
    (items that were being created leave it)."""
    try:
        catalogue_index_many(item_ids, context)
    except Exception:
        # Solr refused or is down: nothing is committed.
        model.Session.rollback()
        raise
    try:
        model.repo.commit()
    except Exception:
        model.Session.rollback()
        stored = {i for (i,) in model.Session.query(model.Package.id).filter(model.Package.id.in_(item_ids))}
        catalogue_index_many([i for i in item_ids if i in stored], context)
        for gone in set(item_ids) - stored:
            logic.index_remove_package(gone)
        raise

def catalogue_root_organization(context: Context) -> str:
    """Id of the organization that holds items without a parent
    organization (CKAN datasets need one), created on first use."""
    name = config.catalogue_root_organization()
    org = model.Group.get(name)
    if org is not None and org.is_organization:
        return org.id
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    created = tk.get_action("organization_create")(
        {"user": site_user, "ignore_auth": True, "defer_commit": True},
        {"name": name, "title": tk._("Catalogue")},
    )
    return created["id"]

def catalogue_stage_update(context: Context, item_id: str, changes: dict[str, Any]) -> None:
    """Apply ``changes`` to the item's dataset through package_update inside
    the caller's transaction (the auth check has been made by the caller).
    With defer_commit alone CKAN rolls its savepoint back; with
    return_id_only too it returns with the savepoint open, which is released
    here so the change joins the caller's transaction."""
    system = catalogue_system_context(context)
    full = tk.get_action("package_show")(cast(Context, dict(system)), {"id": item_id})
    full.update(changes)
    # With metadata_modified given, package_update compares the dicts to
    # skip "unchanged" datasets; the stored document decides, not that.
    full.pop("metadata_modified", None)
    enclosing = model.Session().get_nested_transaction()
    tk.get_action("package_update")(cast(Context, dict(system, return_id_only=True)), full)
    nested = model.Session().get_nested_transaction()
    if nested is None or nested is enclosing:
        return  # nothing changed: CKAN opened no savepoint
    nested.commit()
    # CKAN announces an update (the activity stream listens) only when it
    # commits itself; announced here, the activity joins this transaction.
    announced = dict(system, model=model, session=model.Session, changed_entities={"packages": {item_id}})
    tk.signals.action_succeeded.send("package_update", context=announced, data_dict=full, result=item_id)

def catalogue_save_dataset(context: Context, item_id: str, changes: dict[str, Any], also_index: tuple[str, ...] = ()) -> None:
    """``catalogue_stage_update``, then index the item (and ``also_index``, whose
    copied-down state follows it) and commit: one transaction."""
    try:
        catalogue_stage_update(context, item_id, changes)
    except Exception:
        model.Session.rollback()
        raise
    catalogue_index_and_commit([item_id, *also_index], context)

def catalogue_conflict_from(error: sa_exc.IntegrityError) -> CatalogueConflict:
    return CatalogueConflict({"message": [tk._("An item with the same name or id already exists here")]})

def catalogue_ancestors_of(ids: list[str]) -> dict[str, list[str]]:
    """Each stored dataset's ancestors (root first), by id."""
    return {i: catalogue_ancestor_ids(pkg) for i, pkg in catalogue_packages_by_id(ids).items()}

def catalogue_index_many(item_ids: list[str], context: Context) -> None:
    """Index committed items with one Solr commit for all of them."""
    index = cast(search.PackageSearchIndex, search.index_for("Package"))
    for item_id in item_ids:
        default, custom = logic.package_show_default_and_custom_schemas(context, item_id)
        index.index_package(dict(default, with_custom_schema=custom), defer_commit=True)
    if item_ids:
        solr.catalogue_commit()

def catalogue_subtree_ids(item_id: str) -> list[str]:
    """The item and all its descendants, in any state, from the integrity table."""
    tree = sa.select(CatalogueItem.id).where(CatalogueItem.id == item_id).cte("tree", recursive=True)
    tree = tree.union_all(sa.select(CatalogueItem.id).where(CatalogueItem.parent_id == tree.c.id))
    return [r[0] for r in model.Session.execute(sa.select(tree.c.id))]

# Pages of at least this many hits are decoded with the cyclic collector paused.
_GC_PAUSE_FROM_ROWS = 1000


def catalogue_search_items(context: Context, fq: list[str], q: str, rows: int, start: int, sort: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {
        # Text search only: the words are escaped, never Solr syntax.
        "q": query.catalogue_text(q) if q else "", "fq_list": [f"+dataset_type:{CATALOGUE_DATASET_TYPE}", *fq], "rows": rows,
        "start": start, "include_private": True,
        # Ties broken by id, so pages never overlap or skip.
        "sort": f"{sort or 'metadata_created asc'}, id asc" if "id asc" not in (sort or "") else sort,
    }
    # edismax with every syntax character escaped: plain words over CKAN's
    # text fields, whatever the words contain.
    params["defType"] = "edismax" if q else "lucene"
    # A large page is thousands of new dicts, freed by reference counting.
    paused = catalogue_gc_paused() if rows >= _GC_PAUSE_FROM_ROWS else contextlib.nullcontext()
    try:
        with paused:
            found = tk.get_action("package_search")(
                {"user": context.get("user", ""), "schema": _package_search_schema()},
                # The stored item as JSON inside Solr's answer (the [json]
                # transformer): parsed once with the answer, not once per hit.
                dict(params, fl=["id", f"{INDEX_ITEM}:[json]"]))
    except SearchError as error:  # a query Solr or CKAN refuses is bad input
        log.info("search refused: %s", error)
        raise CatalogueInvalid({"query": [tk._("The search cannot be run with these parameters")]},
                               CODE_BAD_QUERY) from error
    return {"count": found["count"], "results": _stored_items(context, found["results"])}

@functools.cache
def _package_search_schema() -> dict[str, Any]:
    """CKAN's package_search schema without its ``ckan.search.rows_max`` cap:
    the catalogue's actions cap their own pages (``CATALOGUE_MAX_PAGE``), and
    a large page is then one Solr request instead of several. Built once
    (validation does not change a schema)."""
    found = default_package_search_schema()
    found["rows"] = [cast(ValidatorFactory, tk.get_validator("default"))(10),
                     cast(Validator, tk.get_validator("natural_number_validator"))]
    return found

def _stored_items(context: Context, hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The item dicts stored in the index with each hit; hits indexed before
    that field existed are read the old way, in one more search."""
    old = [hit["id"] for hit in hits if not hit.get(INDEX_ITEM)]
    dicts: dict[str, dict[str, Any]] = {}
    if old:
        log.warning("%d item(s) indexed without %s: run `ckan search-index rebuild`", len(old), INDEX_ITEM)
        found = tk.get_action("package_search")(
            {"user": context.get("user", ""), "schema": _package_search_schema()},
            {"fq_list": [query.catalogue_any_of("id", old)], "rows": len(old), "include_private": True})
        dicts = {r["id"]: catalogue_item_dict(r) for r in found["results"]}
    # Parsed already: the search asks for the field with Solr's [json] transformer.
    return [hit[INDEX_ITEM] if hit.get(INDEX_ITEM) else dicts[hit["id"]] for hit in hits
            if hit.get(INDEX_ITEM) or hit["id"] in dicts]

def catalogue_search_filters(data: dict[str, Any]) -> list[str]:
    fq: list[str] = []
    if data.get("kind"):
        fq.append(query.catalogue_any_of("catalogue_kind", data["kind"]))
    if data.get("parent"):
        parent = rules.catalogue_resolve(data["parent"])
        fq.append(query.catalogue_any_of("catalogue_parent", [parent.id if parent else data["parent"]]))
    if data.get("organization"):
        org = model.Group.get(data["organization"])
        fq.append(query.catalogue_any_of("owner_org", [org.id if org else data["organization"]]))
    if data.get("root"):
        fq.append("+catalogue_depth:0")
    if data.get("depth_at_most") is not None:
        fq.append(f"+catalogue_depth:[* TO {int(data['depth_at_most'])}]")
    if data.get("ancestor"):
        # Item ids in one query; only other references (aliases) one by one.
        known = {i for (i,) in model.Session.query(CatalogueItem.id).filter(CatalogueItem.id.in_(data["ancestor"]))}
        resolved = [a if a in known else getattr(rules.catalogue_resolve(a), "id", a) for a in data["ancestor"]]
        fq.append(query.catalogue_any_of("catalogue_ancestors", resolved))
    if data.get("ids"):
        fq.append(query.catalogue_any_of("catalogue_attr_id", data["ids"]))
    for prop in data.get("filters", []):
        also = []
        if prop["exact"] and prop["property"] != ["id"]:  # a link also matches through the ancestors
            also = [row.id for row in (rules.catalogue_resolve(v) for v in prop["values"]) if row]
        fq.append(query.catalogue_property_filter(prop["property"], prop["values"], prop["exact"], also,
                                                       prop.get("contains", False), prop.get("at_most", False)))
    if data.get("geometry"):
        fq.append(query.catalogue_geo_filter(data["georel"], data["geometry"]))
    if data.get("moderation"):
        states = data["moderation"]
        # Items of unmoderated kinds, and those made before moderation was
        # on, have no state and count as approved.
        clause = query.catalogue_any_of("catalogue_moderation", states)[1:]
        if moderation.APPROVED in states:
            clause = f"({clause} OR (*:* -catalogue_moderation:[* TO *]))"
        fq.append("+" + clause)
    return fq

def catalogue_has_children(item_id: str) -> bool:
    """Whether active items sit under this one (archived ones may: they
    wait for their parent's restore or go with it)."""
    return model.Session.query(sa.exists().where(
        CatalogueItem.parent_id == item_id, CatalogueItem.id == model.Package.id,
        model.Package.state == "active")).scalar()


# --- writing a new item: free-name checks, then the write ---

# Set by the bulk path: each record runs in a savepoint.
CATALOGUE_IN_SAVEPOINT = "catalogue_in_savepoint"


@functools.cache
def _taken_key() -> sa.Select[tuple[str]]:
    """One of the keys (``keys``) already claimed; built once, as building
    the query cost more than PostgreSQL's answer (a check per new item)."""
    return sa.select(CatalogueItemKey.key).where(
        CatalogueItemKey.key.in_(sa.bindparam("keys", expanding=True))).limit(1)


def catalogue_claimed_keys(kind: CatalogueKind, doc: dict[str, Any], aliases: list[str], parent_id: str | None,
                           owner_org: str | None) -> list[str]:
    """The key rows a new item claims: its aliases and its unique key."""
    unique = rules.catalogue_unique_key(kind, doc, parent_id, owner_org)
    return [f"{KEY_ALIAS}:{a}" for a in aliases] + ([unique] if unique else [])


def catalogue_free_keys(kind: CatalogueKind, item_id: str, doc: dict[str, Any], aliases: list[str],
                        parent_id: str | None, owner_org: str | None,
                        may_read: Callable[[str], bool], fresh_id: bool = False) -> list[str]:
    """The key rows a new item claims (``catalogue_claimed_keys``), once its
    id, its name and those keys are free; CatalogueConflict naming the field
    otherwise. ``may_read``: whether the caller may see an item (only they
    are told that a name belongs to one in the trash). ``fresh_id``: the id
    is a random UUID just made, which no stored item holds (the primary
    key would refuse one anyway), so it is not looked up."""
    if not fresh_id and (model.Session.get(CatalogueItem, item_id) is not None
                         or model.Package.get(item_id) is not None):
        raise _id_taken(item_id)
    if kind.id_rule == ID_NAME:
        taken_name = model.Package.get(str(doc.get(kind.name_field)))
        if taken_name is not None:
            raise _name_taken(kind, doc, taken_name.id, taken_name.state, may_read)
    keys = catalogue_claimed_keys(kind, doc, aliases, parent_id, owner_org)
    taken = model.Session.execute(_taken_key(), {"keys": keys}).scalar() if keys else None
    if taken:
        raise _key_taken(kind, taken)
    return keys


def _id_taken(item_id: str) -> CatalogueConflict:
    return CatalogueConflict({"id": [tk._("An item with id {id} already exists").format(id=item_id)]})


def _name_taken(kind: CatalogueKind, doc: dict[str, Any], holder_id: str, holder_state: str,
                may_read: Callable[[str], bool]) -> CatalogueConflict:
    message = tk._("The name {name} is already used").format(name=doc.get(kind.name_field))
    if holder_state == "deleted" and may_read(holder_id):
        message = tk._("The name '{name}' belongs to a deleted item in the trash: purge it or restore it "
                       "first").format(name=doc.get(kind.name_field))
    return CatalogueConflict({kind.name_field: [message]})


def _key_taken(kind: CatalogueKind, taken: str) -> CatalogueConflict:
    if taken.startswith(KEY_ALIAS):  # a legacy id: the id is taken
        return CatalogueConflict({"id": [tk._("An item with this id already exists here")]})
    return _unique_taken(kind)


def _unique_taken(kind: CatalogueKind) -> CatalogueConflict:
    field = (kind.unique_fields or kind.unique_scope_fields or ("name",))[0]
    return CatalogueConflict({field: [tk._("An item with this {field} already exists here").format(field=field)]},
                             CODE_TAKEN)


def catalogue_taken_conflicts(news: list[CatalogueNewItem], may_read: Callable[[str], bool]
                              ) -> list[CatalogueConflict | None]:
    """``catalogue_free_keys``' refusal of each of ``news`` (checked without
    it, none naming another), from three queries for all: the same checks
    in the same order, with the same answers (``Package.get``'s: by id
    first, then by name, in any state)."""
    package = model.package_table
    ids = {new.item_id for new in news if not new.fresh_id}
    names = {str(new.doc.get(new.kind.name_field)) for new in news if new.kind.id_rule == ID_NAME}
    asked = (ids | names) - {""}  # Package.get("") is None
    by_id: dict[str, tuple[str, str]] = {}
    by_name: dict[str, tuple[str, str]] = {}
    if asked:
        for pkg_id, name, state in model.Session.execute(sa.select(package.c.id, package.c.name, package.c.state).where(
                sa.or_(package.c.id.in_(asked), package.c.name.in_(asked)))):
            by_id[pkg_id] = (pkg_id, state)
            by_name.setdefault(name, (pkg_id, state))
    items: set[str] = set(model.Session.execute(sa.select(CatalogueItem.id).where(CatalogueItem.id.in_(ids))).scalars()) \
        if ids else set()
    wanted = {key for new in news for key in new.keys}
    claimed: set[str] = set(model.Session.execute(sa.select(CatalogueItemKey.key).where(
        CatalogueItemKey.key.in_(wanted))).scalars()) if wanted else set()
    refusals: list[CatalogueConflict | None] = []
    for new in news:
        if not new.fresh_id and (new.item_id in items or new.item_id in by_id or new.item_id in by_name):
            refusals.append(_id_taken(new.item_id))
            continue
        if new.kind.id_rule == ID_NAME:
            name = str(new.doc.get(new.kind.name_field))
            holder = (by_id.get(name) or by_name.get(name)) if name else None
            if holder is not None:
                refusals.append(_name_taken(new.kind, new.doc, holder[0], holder[1], may_read))
                continue
        taken = next((key for key in new.keys if key in claimed), None)
        refusals.append(_key_taken(new.kind, taken) if taken else None)
    return refusals


class CatalogueNewItem(NamedTuple):
    """A checked item, ready to be written."""

    kind: CatalogueKind
    item_id: str
    doc: dict[str, Any]
    parent_id: str | None
    ancestors: list[str]
    aliases: list[str]
    keys: list[str]  # from catalogue_free_keys
    owner_org: str | None  # None: the root organization (or the item's own)
    bind_organization: bool  # make an organization of the item's own
    private: bool
    more: dict[str, Any] | None  # extras beside the document
    fresh_id: bool = False  # the id was made up (catalogue_is_fresh_id)


def _org_name(doc: dict[str, Any], kind: CatalogueKind, item_id: str) -> str:
    base = re.sub(r"[^a-z0-9_-]+", "-", str(doc.get(kind.title_field, kind.name)).lower()).strip("-_")
    return f"{base[:80] or kind.name}-{item_id[:8]}"


def _prevalidate(context: Context, action: str, data_dict: dict[str, Any]) -> None:
    """Inside a savepoint, run CKAN's own validation of ``action`` first:
    package_create and organization_create roll back the whole session on
    invalid input, which would take the batch's earlier records with it."""
    if not context.get(CATALOGUE_IN_SAVEPOINT):
        return

    check: Context = cast(Context, {"user": context.get("user", ""), "ignore_auth": True, "model": model,
                                    "session": model.Session})
    if action == "package_create":
        plugin: Any = lib_plugins.lookup_package_plugin(data_dict.get("type"))
        validation_schema = plugin.create_package_schema()
    else:
        plugin = lib_plugins.lookup_group_plugin("organization")
        validation_schema = plugin.create_group_schema()
        data_dict = {**data_dict, "is_organization": True}
    _data, errors = lib_plugins.plugin_validate(plugin, check, dict(data_dict), validation_schema, action)
    if errors:
        raise CatalogueInvalid({key: value for key, value in errors.items() if value})


def _stored_doc(new: CatalogueNewItem) -> dict[str, Any]:
    """The document as stored: its id apart, the status and time a kind sets."""
    kind, doc = new.kind, dict(new.doc)
    doc.pop("id", None)
    if kind.status_field:
        doc[kind.status_field] = kind.status_value
    if kind.created_field:
        doc[kind.created_field] = rules.catalogue_now_iso()
    return doc


def catalogue_new_package_dict(context: Context, new: CatalogueNewItem, owner_org: str | None = None) -> dict[str, Any]:
    """The dataset a checked item is stored in (for one that does not make
    an organization of its own)."""
    return catalogue_package_dict(new.kind, new.item_id, _stored_doc(new), new.parent_id, new.ancestors,
                                  new.aliases, owner_org or new.owner_org or catalogue_root_organization(context),
                                  new.private, new.more)


def catalogue_write_new_item(context: Context, new: CatalogueNewItem) -> None:
    """Write a checked item (its organization when it binds one, its
    dataset, its integrity and key rows) in the caller's transaction,
    without committing or indexing."""
    kind, doc = new.kind, _stored_doc(new)
    system = catalogue_system_context(context)
    owner_org = new.owner_org
    try:
        if new.bind_organization:
            org_dict = {"name": _org_name(doc, kind, new.item_id), "title": str(doc.get(kind.title_field, ""))[:100]}
            _prevalidate(context, "organization_create", org_dict)
            owner_org = tk.get_action("organization_create")(cast(Context, dict(system)), org_dict)["id"]
        pkg_dict = catalogue_new_package_dict(context, new, owner_org)
        _prevalidate(context, "package_create", pkg_dict)
        tk.get_action("package_create")(cast(Context, dict(system, return_id_only=True)), pkg_dict)
        model.Session.add(CatalogueItem(id=new.item_id, kind=kind.name, parent_id=new.parent_id))
        model.Session.flush()
        for key in new.keys:
            model.Session.add(CatalogueItemKey(key=key, item_id=new.item_id,
                                               purpose=KEY_ALIAS if key.startswith(KEY_ALIAS) else KEY_UNIQUE))
        model.Session.flush()
    except sa_exc.IntegrityError as error:
        raise catalogue_conflict_from(error) from error


# --- writing a changed item ---

def catalogue_free_unique_key(kind: CatalogueKind, item_id: str, doc: dict[str, Any], parent_id: str | None,
                              owner_org: str | None) -> str | None:
    """The unique key the changed item holds, once no other item holds it;
    CatalogueConflict naming the field otherwise."""
    unique = rules.catalogue_unique_key(kind, doc, parent_id, owner_org)
    held = model.Session.query(CatalogueItemKey).filter(
        CatalogueItemKey.item_id == item_id, CatalogueItemKey.purpose == KEY_UNIQUE).first()
    if unique and (held is None or held.key != unique) and model.Session.get(CatalogueItemKey, unique) is not None:
        raise _unique_taken(kind)
    return unique


class CatalogueMove(NamedTuple):
    """An item moving under another parent, with its subtree."""

    old_depth: int  # how many ancestors the item had
    ancestors: list[str]  # the item's new copied-down ancestors
    descendants: list[str]  # everything under the item, which moves with it


def _rewrite_descendants(context: Context, item_id: str, move: CatalogueMove) -> None:
    """Rewrite the copied-down ancestors of every descendant (their own
    parents stay) in this transaction."""
    system = dict(catalogue_system_context(context))
    for descendant in move.descendants:
        shown = tk.get_action("package_show")(cast(Context, dict(system)), {"id": descendant})
        extras = {e["key"]: e["value"] for e in shown.get("extras", [])}
        old = json.loads(extras.get(EXTRA_ANCESTORS) or "[]")
        extras[EXTRA_ANCESTORS] = json.dumps([*move.ancestors, item_id, *old[move.old_depth + 1:]])
        catalogue_stage_update(context, descendant, {"extras": catalogue_extras_list(extras)})


def catalogue_write_replacement(context: Context, row: CatalogueItem, kind: str, parent_id: str | None,
                                unique: str | None, pkg_dict: dict[str, Any], move: CatalogueMove | None) -> None:
    """Write a checked change: the key rows, the integrity row, the
    subtree's copied-down ancestors and the dataset, in one transaction
    (rolled back on any failure), not committed nor indexed."""
    try:
        held = model.Session.query(CatalogueItemKey).filter(
            CatalogueItemKey.item_id == row.id, CatalogueItemKey.purpose == KEY_UNIQUE).first()
        if unique != (held.key if held else None):
            if held is not None:
                model.Session.delete(held)
                model.Session.flush()
            if unique:
                model.Session.add(CatalogueItemKey(key=unique, item_id=row.id, purpose=KEY_UNIQUE))
            model.Session.flush()
        row.kind, row.parent_id = kind, parent_id
        model.Session.flush()
        if move:
            _rewrite_descendants(context, row.id, move)
        catalogue_stage_update(context, row.id, {k: v for k, v in pkg_dict.items() if k != "id"})
    except sa_exc.IntegrityError as error:
        model.Session.rollback()
        raise catalogue_conflict_from(error) from error
    except Exception:
        model.Session.rollback()
        raise
