"""Catalogue items: typed, parented CKAN datasets. Create, show, full
replace, patch, delete, purge, and the Solr reads of the hierarchy."""
from __future__ import annotations

import functools
import itertools
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple, cast

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import search
from ckan.lib.search import SearchError
from ckan.lib.search.common import SolrConnectionError
from ckan.types import ActionResult, Context, DataDict

from ckanext.catalogue import config
from ckanext.catalogue.core import bulk, moderation, query, roles, rules, solr, visibility
from ckanext.catalogue.core.bulk import CatalogueBulkRow
from ckanext.catalogue.core.bulk_navl import CatalogueNavl
from ckanext.catalogue.core.document import (
    CATALOGUE_DATASET_TYPE,
    EXTRA_VISIBILITY,
    catalogue_etag,
    catalogue_extras_list,
    catalogue_item_of_package,
    catalogue_package_dict,
)
from ckanext.catalogue.core.errors import (
    CODE_BAD_QUERY,
    CODE_LINK,
    CODE_NOT_ALLOWED,
    CatalogueInvalid,
)
from ckanext.catalogue.core.kinds import WRITE_ORGANIZATION, CatalogueKind, catalogue_kind
from ckanext.catalogue.core.purge import catalogue_purge_packages
from ckanext.catalogue.core.store import (
    CATALOGUE_IN_SAVEPOINT,
    EXTRA_ARCHIVED,
    CatalogueMove,
    CatalogueNewItem,
    catalogue_ancestors_of,
    catalogue_archive_time,
    catalogue_check_if_match,
    catalogue_claimed_keys,
    catalogue_core_context,
    catalogue_free_keys,
    catalogue_free_unique_key,
    catalogue_has_children,
    catalogue_index_and_commit,
    catalogue_index_many,
    catalogue_new_package_dict,
    catalogue_root_organization,
    catalogue_save_dataset,
    catalogue_search_filters,
    catalogue_search_items,
    catalogue_stage_update,
    catalogue_stored_item,
    catalogue_subtree_ids,
    catalogue_taken_conflicts,
    catalogue_write_new_item,
    catalogue_write_replacement,
)
from ckanext.catalogue.logic import schema
from ckanext.catalogue.logic.validation import catalogue_validate, catalogue_validated
from ckanext.catalogue.model import CatalogueItem

__all__ = [
    "catalogue_item_create",
    "catalogue_item_validate",
    "catalogue_item_bulk_create",
    "catalogue_item_show",
    "catalogue_item_etag",
    "catalogue_item_update",
    "catalogue_item_patch",
    "catalogue_item_delete",
    "catalogue_item_purge",
    "catalogue_item_search",
    "catalogue_item_children",
    "catalogue_item_ancestors",
    "catalogue_item_count",
    "catalogue_item_facets",
    "catalogue_item_moderate",
]

log = logging.getLogger(__name__)


def catalogue_item_auth_dict(kind: CatalogueKind, item: dict[str, Any]) -> dict[str, Any]:
    """What the write auth functions decide on, for an item as shown."""
    return {"kind": kind.name, "id": item.get("id"), "owner_org": item.get("owner_org"),
            "ancestors": item.get("ancestors", []), "creator_user_id": item.get("creator_user_id")}


def _callers_organization(context: Context, default: str | None = None) -> str:
    """For kinds owned by an organization: the caller's only organization
    where they may create datasets, when the request names none; ``default``
    when they may write in several (or, for a sysadmin, in none). The
    root organization's name makes it on first use."""
    orgs = tk.get_action("organization_list_for_user")(
        {"user": context.get("user", "")}, {"permission": "create_dataset"})
    if len(orgs) == 1:
        return orgs[0]["name"]
    if default and (orgs or roles.catalogue_is_sysadmin(context.get("user"))):
        return catalogue_root_organization(context) if default == config.catalogue_root_organization() else default
    if not orgs:
        raise tk.NotAuthorized(tk._("You are in no organization where you may create items"))
    raise CatalogueInvalid({"organization": [tk._(
        "You may write in several organizations; name one with organization")]})


def _seen(context: Context, row: CatalogueItem | None) -> CatalogueItem | None:
    """The item if the caller may see it. A parent they may not see is
    reported as one that does not exist, so ids of hidden items never leak."""
    if row is None:
        return None
    try:
        tk.check_access("catalogue_item_show", context, {"id": row.id})
    except tk.NotAuthorized:
        return None
    return row


def _unknown_link(field: str, value: Any) -> CatalogueInvalid:
    return CatalogueInvalid({field: [tk._("Linked item {id} does not exist").format(id=value)]}, CODE_LINK)


class _Placement(NamedTuple):
    parent: CatalogueItem | None
    ancestors: list[str]
    owner_org: str | None  # None: the root organization, or one made for the item
    organization: model.Group | None  # the organization the request names


def _place(context: Context, kind: CatalogueKind, data: dict[str, Any], links: dict[str, Any]) -> _Placement:
    """Where a new item goes: its parent (one the caller may see), its
    organization; then the caller must be allowed to create it there."""
    parent, ancestors = rules.catalogue_check_links(kind, links, catalogue_ancestors_of)
    if parent is not None and _seen(context, parent) is None:
        field, value = next(((f, v) for f, v in links.items()
                             if getattr(rules.catalogue_resolve(v), "id", None) == parent.id),
                            ("parent", parent.id))
        raise _unknown_link(field, value)
    parent_pkg = model.Package.get(parent.id) if parent else None
    owner_org = parent_pkg.owner_org if parent_pkg else None
    organization = None
    wanted = data.get("organization")
    if kind.write == WRITE_ORGANIZATION and parent is None and not wanted:
        wanted = _callers_organization(context, data.get("default_organization"))
    if wanted and (kind.binds_organization or parent is None):
        organization = model.Group.get(wanted)
        if organization is None or not organization.is_organization or organization.state != "active":
            raise CatalogueInvalid({"organization": [tk._("Organization does not exist")]})
        owner_org = organization.id
    tk.check_access("catalogue_item_create", context, {
        "kind": kind.name, "owner_org": owner_org, "ancestors": ancestors, "parent": parent.id if parent else None,
        "organization": organization.id if organization else None, "private": data.get("private"),
    })
    return _Placement(parent, ancestors, owner_org, organization)


def _check_create(context: Context, data: dict[str, Any], keys_later: bool = False) -> CatalogueNewItem:
    """Check an item to create: a dataset of kind ``kind`` (or the kind the
    document's ``type`` names) under ``parent`` (or the parent its link
    fields name). The steps: the document, the placement (parent,
    organization, access), the free-name checks (``keys_later``: left to
    ``catalogue_taken_conflicts``, for a batch). ``data`` as
    ``catalogue_item_create`` takes it.
    """
    doc: dict[str, Any] = dict(data["doc"])
    kind = rules.catalogue_pick_kind(data.get("kind"), doc)
    doc = {**kind.doc_defaults, **doc}
    if data.get("parent"):
        doc = rules.catalogue_fill_links(kind, doc, data["parent"], catalogue_ancestors_of)
    rules.catalogue_check_schema(kind, doc)
    requested = data.get("id") or doc.get("id")
    item_id, aliases = rules.catalogue_new_id(kind, requested)
    place = _place(context, kind, data, rules.catalogue_links(kind, doc, data.get("parent")))
    rules.catalogue_check_references(kind, doc, place.owner_org, lambda i: _may_read(context, i))
    parent_id = place.parent.id if place.parent else None
    fresh_id = rules.catalogue_is_fresh_id(item_id, requested)
    keys = catalogue_claimed_keys(kind, doc, aliases, parent_id, place.owner_org) if keys_later else \
        catalogue_free_keys(kind, item_id, doc, aliases, parent_id, place.owner_org,
                            lambda taken: _may_read(context, taken), fresh_id=fresh_id)
    more = {moderation.EXTRA_STATE: moderation.catalogue_initial_state(context.get("user"))} \
        if kind.moderated else None
    private = data["private"] if data.get("private") is not None else kind.private_by_default
    return CatalogueNewItem(
        kind=kind, item_id=item_id, doc=doc, parent_id=parent_id, ancestors=place.ancestors, aliases=aliases,
        keys=keys, owner_org=place.owner_org, bind_organization=kind.binds_organization and place.organization is None,
        private=bool(private), more=more, fresh_id=fresh_id)


def _stage_create(context: Context, data: dict[str, Any]) -> str:
    """Check and write (without committing or indexing) an item.

    :returns: the new item's id
    """
    new = _check_create(context, data)
    catalogue_write_new_item(context, new)
    return new.item_id


@catalogue_validated(schema.catalogue_item_create_schema)
def catalogue_item_create(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """Create an item: a dataset of kind ``kind`` (or the kind the document's
    ``type`` names) under ``parent`` (or the parent its link fields name).
    Nothing is stored when any check fails.

    :param doc: the item's document (validated with the kind's JSON schema)
    :param kind: kind name (optional when ``doc.type`` names it)
    :param id: a UUID, or a legacy path id kept as an alias (optional)
    :param parent: id or alias of the parent (optional when the document links it)
    :param private: keep the item visible to its organization only
    :param organization: for kinds bound to an organization, an existing one;
        a new organization is made otherwise
    :param default_organization: where an item of a kind owned by an
        organization goes when none is named and the caller may write in
        several (or, a sysadmin, in none)
    :returns: the item
    """
    try:
        item_id = _stage_create(context, data)
    except Exception:
        model.Session.rollback()
        raise
    catalogue_index_and_commit([item_id], context)
    return catalogue_item_show(cast(Context, dict(context, ignore_auth=True)), {"id": item_id})


@catalogue_validated(schema.catalogue_item_create_schema)
def catalogue_item_validate(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """Check an item as ``catalogue_item_create`` would, and store nothing:
    the same checks in the same order, refused with the same errors (a
    document, its links and whether the caller may create it there, before
    sending it).

    :param doc, kind, id, parent, private, organization: as ``catalogue_item_create``
    :returns: ``{"kind": name, "parent": the parent's id or None}``
    """
    tk.check_access("catalogue_item_validate", context, data)
    new = _check_create(context, data)
    return {"kind": new.kind.name, "parent": new.parent_id}


@catalogue_validated(schema.catalogue_item_bulk_create_schema, bound=False)
def catalogue_item_bulk_create(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """Create many items at once: one transaction and one search-index
    commit per call. Records are created in order (a parent before its
    children) and each is checked exactly as by ``catalogue_item_create``;
    a refused record is reported and skipped, leaving the others. Checked
    records are written together by the bulk writer (``core/bulk.py``);
    those it does not cover (an item that makes its own organization) are
    written one by one, and ``written`` says how many took each path.

    :param records: list of ``catalogue_item_create`` parameter dicts (at most 1000)
    :returns: ``{"created": [ids], "errors": [{"index": i, "errors": {...}}],
        "not_indexed": [ids stored while the search index was unreachable],
        "written": {"bulk": n, "single": m}}``
    """
    tk.check_access("catalogue_item_bulk_create", context, {})
    batch = CatalogueBulkBatch(context)
    try:
        with bulk.CatalogueLoadedHeld(), visibility.catalogue_visibility_held():
            _load_named_items(cast("list[Any]", data["records"]))
            for index, record in enumerate(cast("list[Any]", data["records"])):
                batch.add_or_refuse(index, record)
            try:
                batch.flush()
            except Exception:
                model.Session.rollback()
                raise
        model.repo.commit()
    except BaseException:
        batch.withdraw()
        raise
    not_indexed: list[str] = []
    try:
        batch.index()
    except (search.SearchIndexError, SolrConnectionError) as error:
        # Stored but not searchable yet: said in the answer, repaired by
        # `ckan catalogue reindex`.
        log.warning("bulk create: %d item(s) stored but not indexed: %s", len(batch.created), error)
        not_indexed = list(batch.created)
    return {"created": batch.created, "errors": sorted(batch.failed, key=lambda failure: failure["index"]), "not_indexed": not_indexed,
            "written": {"bulk": batch.written_bulk, "single": batch.written_single}}


_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Most ids loaded ahead for one bulk call: enough for every link of 1000
# records, and no query the size of a request body.
_NAMED_ITEMS_MAX = 5000


def _load_named_items(records: list[Any]) -> None:
    """Load the items the records name by id, and their datasets, in two
    queries, into the session (held for the bulk call): each record's link
    checks then find its parent there instead of looking it up. The same
    rows the checks would read, read earlier (at most ``_NAMED_ITEMS_MAX``
    ids: the checks look up any other)."""
    ids = set(itertools.islice((value for value in _strings(records) if _CANONICAL_UUID.fullmatch(value)),
                               _NAMED_ITEMS_MAX))
    if not ids:
        return
    found = [row.id for row in model.Session.query(CatalogueItem).filter(CatalogueItem.id.in_(ids))]
    if found:
        model.Session.query(model.Package).filter(model.Package.id.in_(found)).all()


def _strings(value: Any) -> Iterator[str]:
    """Every string in a record (the references it may make)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in cast("dict[str, Any]", value).values():
            yield from _strings(inner)
    elif isinstance(value, list):
        for inner in cast("list[Any]", value):
            yield from _strings(inner)


class CatalogueBulkBatch:
    """The records of one bulk call: each checked as ``catalogue_item_create``
    checks it, then held until the batch is written together. A record that
    names a held one (its parent, a link, the same name or key) first has
    the held ones written, so its checks see them in the database."""

    def __init__(self, context: Context) -> None:
        self.context = cast(Context, dict(context, **{CATALOGUE_IN_SAVEPOINT: True}))
        # Checked records, held with their dataset dicts until written.
        self.rows: list[tuple[int, CatalogueNewItem, dict[str, Any]]] = []
        self.refs: set[str] = set()
        self.created: list[str] = []
        self.failed: list[dict[str, Any]] = []
        self.single: list[str] = []
        self.written_bulk = 0
        self.written_single = 0
        self.creator = bulk.catalogue_creator_id(self.context)
        # Held records are written, and their documents posted, this many at
        # a time: Solr indexes one part while the next is checked.
        self.part = config.catalogue_bulk_index_batch()
        self.poster: solr.CataloguePoster | None = None
        self.index_error: Exception | None = None
        # The records' own schema, built once and validated with kept plans.
        self.item_schema = schema.catalogue_item_create_schema()
        self.navl = CatalogueNavl()

    def add_or_refuse(self, index: int, record: Any) -> None:
        """Add the record, or report why it is refused."""
        try:
            self._refusing(index, functools.partial(self.add, index, record))
        except Exception:
            model.Session.rollback()
            raise

    def _refusing(self, index: int, step: Callable[[], None]) -> None:
        """Run a step for the record at ``index``; a refusal is reported in
        the answer, not raised."""
        try:
            step()
        except tk.ValidationError as error:
            self.failed.append({"index": index, "errors": error.error_dict})
        except (tk.NotAuthorized, tk.ObjectNotFound) as error:
            self.failed.append({"index": index, "errors": {"message": [str(error.message or error)]}})

    def add(self, index: int, record: Any) -> None:
        if not isinstance(record, dict):
            raise CatalogueInvalid({"record": [tk._("Each record is a JSON object")]})
        validated = catalogue_validate(record, self.item_schema, self.context, navl=self.navl.validate)
        if self.refs.intersection(_strings(validated)):
            self.flush()
        # Whether its id, name and keys are free is asked for all the held
        # records at once, when they are written.
        new = _check_create(self.context, validated, keys_later=True)
        if self.refs.intersection({new.item_id, *new.keys}):
            self.flush()
            new = _check_create(self.context, validated, keys_later=True)
        pkg_dict = None if new.bind_organization else catalogue_new_package_dict(self.context, new)
        if pkg_dict is None or not bulk.catalogue_bulk_fits(pkg_dict):
            self.flush()
            self._raise_if_taken(new)
            self._write_one(new)
            return
        if pkg_dict["name"] in self.refs:
            self.flush()
        self.rows.append((index, new, pkg_dict))
        self.refs.update({new.item_id, pkg_dict["name"], *new.aliases, *new.keys})
        if len(self.rows) >= self.part:
            self.flush()

    def _raise_if_taken(self, new: CatalogueNewItem) -> None:
        refusal, = catalogue_taken_conflicts([new], self._may_read)
        if refusal is not None:
            raise refusal

    def _may_read(self, item_id: str) -> bool:
        return _may_read(self.context, item_id)

    def _write_one(self, new: CatalogueNewItem) -> None:
        """Write one record the way ``catalogue_item_create`` does."""
        savepoint = model.Session.begin_nested()
        try:
            catalogue_write_new_item(self.context, new)
            savepoint.commit()
        except Exception:
            savepoint.rollback()
            raise
        self.created.append(new.item_id)
        self.single.append(new.item_id)
        self.written_single += 1

    def flush(self) -> None:
        """Write the held records (one savepoint); should another writer
        have taken a name or key meanwhile, each is written alone and its
        conflict reported."""
        held, self.rows, self.refs = self.rows, [], set()
        refusals = catalogue_taken_conflicts([new for _i, new, _d in held], self._may_read)
        for (index, _new, _pkg_dict), refusal in zip(held, refusals, strict=True):
            if refusal is not None:
                self.failed.append({"index": index, "errors": refusal.error_dict})
        held = [row for row, refusal in zip(held, refusals, strict=True) if refusal is None]
        if not held:
            return
        # CKAN's validation, for all the held records at once: none names
        # another (a record naming a held one has them written first).
        validated = bulk.catalogue_bulk_validate(self.context, [pkg_dict for _i, _n, pkg_dict in held], self.creator)
        rows: list[tuple[int, CatalogueNewItem, CatalogueBulkRow]] = []
        for (index, new, _pkg_dict), data in zip(held, validated, strict=True):
            if isinstance(data, CatalogueInvalid):
                self.failed.append({"index": index, "errors": data.error_dict})
            else:
                rows.append((index, new, CatalogueBulkRow(data, new.kind.name, new.parent_id, new.keys)))
        if not rows:
            return
        savepoint = model.Session.begin_nested()
        try:
            shown, loaded = bulk.catalogue_bulk_insert(self.context, [row for _i, _n, row in rows])
            savepoint.commit()
        except Exception as error:  # noqa: BLE001 - whatever failed, each record is tried alone and its own failure reported
            savepoint.rollback()
            log.info("bulk write of %d record(s) fell back to one by one: %s", len(rows), error)
            for index, new, _row in rows:
                self._refusing(index, functools.partial(self._write_one, new))
            return
        self.created.extend(new.item_id for _i, new, _r in rows)
        self.written_bulk += len(rows)
        self._post(shown, loaded)

    def _post(self, shown: bulk.Shown, loaded: bulk.Loaded) -> None:
        # Posted before the transaction commits, as CKAN indexes a dataset
        # from its session's before_commit: should the transaction fail,
        # ``withdraw`` takes the documents back. Solr failing leaves the
        # rows to be committed and reported as not indexed.
        if self.index_error is not None:
            return
        if self.poster is None:
            self.poster = solr.CataloguePoster()
        try:
            bulk.catalogue_bulk_index(shown, self.part, self.poster, loaded)
        except (search.SearchIndexError, SolrConnectionError) as error:
            self.index_error = error

    def withdraw(self) -> None:
        """The transaction failed: take back the documents posted for it."""
        if self.poster is not None:
            self.poster.withdraw()

    def index(self) -> None:
        """Index what was written, now committed: the posted documents made
        visible with one commit, the single ones indexed as CKAN indexes them."""
        if self.index_error is not None:
            if self.poster is not None:
                self.poster.close()
            raise self.index_error
        if self.poster is not None:
            self.poster.finish()
        if self.single:
            catalogue_index_many(self.single, self.context)


@tk.side_effect_free
@catalogue_validated(schema.catalogue_item_show_schema)
def catalogue_item_show(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """An item by id, alias or name (``kind``: only if of one of these kinds)."""
    found = rules.catalogue_item_found(data["id"], data.get("kind"))
    catalogue_check_readable(context, found.pkg.id, data["id"], data.get("member_only", False), found.pkg.owner_org)
    return catalogue_item_of_package(found.pkg, found.organization)


@tk.side_effect_free
@catalogue_validated(schema.catalogue_item_id_schema)
def catalogue_item_etag(context: Context, data_dict: DataDict) -> ActionResult.AnyDict:
    """The version of an item the caller may read, without building the
    item: ``{"id", "etag", "state"}``. A conditional GET (If-None-Match)
    answers 304 from this alone.

    :param id: id, alias or name
    :param kind: only if of one of these kinds (list)
    """
    _row, pkg = catalogue_item_target(context, data_dict, "catalogue_item_etag")
    modified = pkg.metadata_modified.isoformat() if pkg.metadata_modified else None
    return {"id": pkg.id, "etag": catalogue_etag(pkg.id, modified, pkg.state), "state": pkg.state}


# State the core keeps beside the document, carried over by updates.
_KEPT_EXTRAS = (EXTRA_VISIBILITY,)


def _new_kind(context: Context, row: CatalogueItem, kind: CatalogueKind, wanted: str | None,
              parent_kind: str | None, current: dict[str, Any]) -> CatalogueKind:
    """The kind the item becomes (``to_kind``): one with the same id rule,
    allowed under the item's parent, allowed above its children, and one
    the caller may write."""
    if not wanted or wanted == kind.name:
        return kind
    new = catalogue_kind(wanted)
    if new is None or new.id_rule != kind.id_rule:
        raise CatalogueInvalid({"kind": [tk._("An item of kind {kind} cannot become a {new}").format(
            kind=kind.name, new=wanted)]}, CODE_NOT_ALLOWED)
    if parent_kind is None and new.parents and new.parent_required:
        raise CatalogueInvalid({"kind": [tk._("A {new} needs a parent").format(new=new.name)]}, CODE_LINK)
    if parent_kind is not None and parent_kind not in new.parents:
        raise CatalogueInvalid({"kind": [tk._("An item of kind {kind} cannot be under a {parent}").format(
            kind=new.name, parent=parent_kind)]}, CODE_LINK)
    child_kinds = {k for (k,) in model.Session.query(CatalogueItem.kind).filter(CatalogueItem.parent_id == row.id)}
    refused = sorted(k for k in child_kinds
                     if new.name not in (child_kind.parents if (child_kind := catalogue_kind(k)) else ()))
    if refused:
        raise CatalogueInvalid({"kind": [tk._("Its children ({kinds}) cannot be under a {new}").format(
            kinds=", ".join(refused), new=new.name)]}, CODE_LINK)
    tk.check_access("catalogue_item_update", context, catalogue_item_auth_dict(new, current))
    return new


class _Move(NamedTuple):
    parent: CatalogueItem | None  # None: to the root
    ancestors: list[str]  # the item's new copied-down ancestors
    descendants: list[str]  # everything under the item, which moves with it


def _new_parent(context: Context, row: CatalogueItem, kind: CatalogueKind, data: dict[str, Any],
                owner_org: str | None) -> _Move | None:
    """Where a ``move`` puts the item; None when it stays. Changing the
    parent needs ``move=true``; ``move=true`` needs a change; no item goes
    under itself; the caller must be allowed to create such an item there
    (a parent they may not see is reported as not existing)."""
    given = "parent" in data
    target = _seen(context, rules.catalogue_resolve(data["parent"])) if given and data["parent"] else None
    if given and data["parent"] and target is None:
        raise _unknown_link("parent_id", data["parent"])
    target_pkg = model.Package.get(target.id) if target else None
    if target_pkg is not None and target_pkg.state != "active":
        raise CatalogueInvalid({"parent_id": [tk._("The new parent is archived: restore it first")]},
                               CODE_NOT_ALLOWED)
    target_id = target.id if target else None
    if not data.get("move"):
        if given and target_id != row.parent_id:
            raise CatalogueInvalid({"parent_id": [tk._(
                "Changing the parent needs move=true")]}, CODE_NOT_ALLOWED)
        return None
    if target_id == row.parent_id:
        raise CatalogueInvalid({"move": [tk._("move=true but the parent is unchanged")]}, CODE_NOT_ALLOWED)
    if target is None and kind.parents and kind.parent_required:
        raise CatalogueInvalid({"parent_id": [tk._("A {kind} needs a parent").format(kind=kind.name)]}, CODE_LINK)
    if target is not None and target.kind not in kind.parents:
        raise CatalogueInvalid({"parent_id": [tk._("An item of kind {kind} cannot be under a {parent}").format(
            kind=kind.name, parent=target.kind)]}, CODE_LINK)
    subtree = catalogue_subtree_ids(row.id)
    if target is not None and target.id in subtree:
        raise CatalogueInvalid({"parent_id": [tk._("An item cannot move under itself or its descendants")]},
                               CODE_LINK)
    ancestors = [*catalogue_ancestors_of([target.id]).get(target.id, []), target.id] if target else []
    # As if the item were created there: the new parent's writers decide.
    tk.check_access("catalogue_item_create", context, {
        "kind": kind.name, "owner_org": target_pkg.owner_org if target_pkg else owner_org,
        "ancestors": ancestors, "parent": target_id})
    return _Move(target, ancestors, [i for i in subtree if i != row.id])


def _updatable(context: Context, data: dict[str, Any]) -> tuple[CatalogueItem, model.Package, CatalogueKind,
                                                                 dict[str, Any]]:
    """The item an update names, once the caller may change it, in the
    version they name, and it is not archived."""
    row, pkg = rules.catalogue_item_or_404(data["id"], data.get("kind"))
    current = catalogue_stored_item(pkg)
    kind = catalogue_kind(row.kind)
    if kind is None:
        raise CatalogueInvalid({"kind": [tk._("Unknown kind {kind}").format(kind=row.kind)]})
    catalogue_check_readable(context, row.id, data["id"], data.get("member_only", False), pkg.owner_org)
    tk.check_access("catalogue_item_update", context, catalogue_item_auth_dict(kind, current))
    catalogue_check_if_match(row.id, data.get("if_match"))
    if pkg.state != "active":
        raise CatalogueInvalid({"state": [tk._("A deleted item must be restored before it is changed")]},
                               CODE_NOT_ALLOWED)
    return row, pkg, kind, current


def _kept_extras(context: Context, pkg: model.Package, kind: CatalogueKind, current: dict[str, Any],
                 private: bool) -> dict[str, Any]:
    """The state the core keeps beside the document, as the update leaves it."""
    if private != current["private"]:
        # The flag rewrites who may see the item and its subtree.
        tk.check_access("catalogue_item_visibility_update", context, catalogue_item_auth_dict(kind, current))
    more = {k: v for k, v in (pkg.extras or {}).items() if k in _KEPT_EXTRAS}
    if EXTRA_VISIBILITY in more:
        # The private flag rewrites the stored restrictions, which decide.
        more[EXTRA_VISIBILITY] = visibility.catalogue_visibility_with_private(more[EXTRA_VISIBILITY], private)
    if kind.moderated:
        # A change by an author below Catalogue-Admin goes back to the moderators.
        more[moderation.EXTRA_STATE] = moderation.catalogue_initial_state(context.get("user"))
    return more


def _replace(context: Context, data: dict[str, Any], merge: bool) -> dict[str, Any]:
    """Update or patch: the item, its placement (a move, a new kind), its
    document, the free-name check, then the write and one index pass."""
    row, pkg, kind, current = _updatable(context, data)
    # A move that also changes the kind is judged for the kind it becomes.
    move = _new_parent(context, row, catalogue_kind(data.get("to_kind") or "") or kind, data, current["owner_org"])
    parent_id, ancestors = (move.parent.id if move.parent else None, move.ancestors) if move else (
        row.parent_id, current["ancestors"])
    parent_row = model.Session.get(CatalogueItem, parent_id) if parent_id else None
    kind = _new_kind(context, row, kind, data.get("to_kind"), parent_row.kind if parent_row else None, current)
    incoming: dict[str, Any] = dict(data["doc"])
    doc: dict[str, Any] = {**current["doc"], **incoming} if merge else {**kind.doc_defaults, **incoming}
    doc = rules.catalogue_check_fixed(kind, current["doc"], doc, row.id, current["aliases"])
    rules.catalogue_check_schema(kind, doc)
    rules.catalogue_check_references(kind, doc, current["owner_org"], lambda i: _may_read(context, i))
    unique = catalogue_free_unique_key(kind, row.id, doc, parent_id, current["owner_org"])
    private = bool(current["private"] if data.get("private") is None else data["private"])
    more = _kept_extras(context, pkg, kind, current, private)
    pkg_dict = catalogue_package_dict(kind, row.id, doc, parent_id, ancestors,
                                      current["aliases"], current["owner_org"], private, more)
    # Descendants' labels and excludes are computed from their ancestors.
    reindexed = move.descendants if move else (
        [i for i in catalogue_subtree_ids(row.id) if i != row.id] if private != current["private"] else [])
    catalogue_write_replacement(context, row, kind.name, parent_id, unique, pkg_dict, (
        CatalogueMove(len(current["ancestors"]), move.ancestors, move.descendants) if move else None))
    catalogue_index_and_commit([row.id, *reindexed], context)
    return catalogue_item_show(cast(Context, dict(context, ignore_auth=True)), {"id": row.id})


@catalogue_validated(schema.catalogue_item_update_schema)
def catalogue_item_update(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """Replace an item's document: fields left out are cleared, except the
    ones no update changes (id, type, parent links, creation time), which
    answer 400 when a different value is sent."""
    return _replace(context, data, merge=False)


@catalogue_validated(schema.catalogue_item_update_schema)
def catalogue_item_patch(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """Change the document fields given, keep the rest."""
    return _replace(context, data, merge=True)


@catalogue_validated(schema.catalogue_item_moderate_schema)
def catalogue_item_moderate(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """Approve or reject an item waiting for moderation (Catalogue-Moderator).

    :param id: the item
    :param decision: ``approve``, ``reject``, or ``message``: a message
        without a change of state (moderators, and the item's author)
    :param message: for the author (required to reject and for a message)
    :returns: the item
    """
    row, pkg = rules.catalogue_item_or_404(data["id"], data.get("kind"))
    try:
        tk.check_access("catalogue_item_moderate", context, {
            "id": row.id, "decision": data["decision"], "creator_user_id": pkg.creator_user_id})
    except tk.NotAuthorized:
        catalogue_check_readable(context, row.id, data["id"])  # hidden: not found, as an unknown item
        raise
    kind = catalogue_kind(row.kind)
    if kind is None or not kind.moderated:
        raise CatalogueInvalid({"id": [tk._("Items of this kind are not moderated")]}, CODE_NOT_ALLOWED)
    if pkg.state != "active":
        raise CatalogueInvalid({"state": [tk._("A deleted item must be restored before it is changed")]},
                               CODE_NOT_ALLOWED)
    if data["decision"] == "reject" and not data.get("message"):
        raise CatalogueInvalid({"message": [tk._("A rejection needs a message for the author")]})
    if data["decision"] == "message" and not data.get("message"):
        raise CatalogueInvalid({"message": [tk._("A message is required")]})
    extras = dict(pkg.extras or {})
    if data["decision"] != "message":
        extras[moderation.EXTRA_STATE] = (moderation.APPROVED if data["decision"] == "approve"
                                          else moderation.REJECTED)
    extras[moderation.EXTRA_MESSAGE] = data.get("message", "")
    catalogue_save_dataset(context, row.id, {"extras": catalogue_extras_list(extras)})
    return catalogue_item_show(cast(Context, dict(context, ignore_auth=True)), {"id": row.id})


def _may_read(context: Context, item_id: str) -> bool:
    try:
        tk.check_access("catalogue_item_show", cast(Context, dict(context)), {"id": item_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False
    return True


def catalogue_check_readable(context: Context, item_id: str, ref: Any, member_only: bool = False,
                             owner_org: str | None = None) -> None:
    """ObjectNotFound, worded as for an unknown ``ref``, when the caller may
    not read the item (``member_only``: or is not in ``owner_org``)."""
    if not _may_read(context, item_id) or (member_only and not _is_member(context, owner_org)):
        raise tk.ObjectNotFound(tk._("Item {id} not found").format(id=ref))


def _is_member(context: Context, owner_org: str | None) -> bool:
    if context.get("ignore_auth"):
        return True
    orgs = roles.catalogue_member_organizations(context.get("user"))
    return orgs is None or owner_org in orgs


def catalogue_item_target(context: Context, data_dict: DataDict, auth: str, active_only: bool = False,
                          **more: Any) -> tuple[CatalogueItem, model.Package]:
    """The item ``id`` names (of one of ``kind``, when given) and its
    dataset, once the caller passes ``auth`` (write rules get the kind,
    organization and ancestors, plus ``more``). ``active_only``: an
    archived item is not found."""
    data = catalogue_validate({k: v for k, v in data_dict.items() if k in ("id", "kind", "member_only")},
                                     schema.catalogue_item_id_schema(), context)
    row, pkg = rules.catalogue_item_or_404(data["id"], data.get("kind"))
    if active_only and pkg.state != "active":
        raise tk.ObjectNotFound(tk._("Item {id} not found").format(id=data["id"]))
    # Who may not read it learns nothing of it: "not found", as for an
    # unknown id; who may read it is then told whether they may do more.
    catalogue_check_readable(context, row.id, data["id"], data.get("member_only", False), pkg.owner_org)
    if auth not in ("catalogue_item_show", "catalogue_item_etag"):
        kind = catalogue_kind(row.kind)
        tk.check_access(auth, context, {**(catalogue_item_auth_dict(kind, catalogue_stored_item(pkg)) if kind else {"id": row.id}), **more})
    return row, pkg


@catalogue_validated(schema.catalogue_item_delete_schema)
def catalogue_item_delete(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """Archive an item: it stays restorable (``catalogue_item_restore``)
    until purged, at the latest after the retention period. An item with
    children is refused. ``force=true`` purges it at once, and answers
    ``{"state": "absent"}`` for an item that does not exist."""
    if data["force"]:
        found = rules.catalogue_resolve(data["id"])
        if found is None or not _seen(context, found):  # hidden: as if absent
            return {"id": data["id"], "state": "absent"}
        purged = catalogue_item_purge(context, {"id": data["id"], **({"kind": data["kind"]} if data.get(
            "kind") else {})})
        return {"id": purged["purged"][0] if purged["purged"] else data["id"], "state": "purged"}
    row, pkg = catalogue_item_target(context, data, "catalogue_item_delete", cascade=False)
    catalogue_check_if_match(row.id, data.get("if_match"))
    if catalogue_has_children(row.id):
        raise CatalogueInvalid({"message": [tk._("Fail: Can't delete, doc has associated item")]}, CODE_NOT_ALLOWED)
    if pkg.state != "deleted":
        # When it was archived (the retention counts from it), then archived:
        # one transaction, which package_delete commits and CKAN indexes once.
        extras = {k: v for k, v in (pkg.extras or {}).items() if k != EXTRA_ARCHIVED}
        try:
            catalogue_stage_update(context, row.id, {"extras": catalogue_extras_list(
                {**extras, EXTRA_ARCHIVED: catalogue_archive_time()})})
            tk.get_action("package_delete")(catalogue_core_context(
                {"user": context.get("user", ""), "ignore_auth": True}), {"id": row.id})
        except Exception:
            model.Session.rollback()
            raise
    return {"id": row.id, "state": "deleted"}


@catalogue_validated(schema.catalogue_item_purge_schema)
def catalogue_item_purge(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """Remove an item and every trace of it; ``cascade=true`` (Catalogue-Admin)
    purges its whole subtree, which is refused otherwise."""
    row, _pkg = catalogue_item_target(context, data, "catalogue_item_purge", cascade=data["cascade"])
    subtree = catalogue_subtree_ids(row.id)
    if len(subtree) > 1 and not data["cascade"]:
        raise CatalogueInvalid({"message": [tk._("Fail: Can't delete, doc has associated item")]}, CODE_NOT_ALLOWED)
    purged = catalogue_purge_packages(subtree)
    return {"purged": purged}


# --- reads: one Solr query each, visibility from CKAN's permission labels ---


@tk.side_effect_free
@catalogue_validated(schema.catalogue_item_search_schema)
def catalogue_item_search(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """Items the caller may see, matching every filter given.

    :param q: text
    :param kind: kinds (list)
    :param parent: items directly under this one
    :param ancestor: items anywhere under one of these (list)
    :param ids: ids or aliases (list)
    :param filters: list of ``{"property", "values", "exact", "contains",
        "at_most"}``: each property matches one of its values (exactly, as a
        substring in any case, up to the value or missing, or as a phrase in
        its text)
    :param sort: ``"field asc|desc"``, comma-separated; fields are
        metadata_created, metadata_modified, title_string, catalogue_depth
        and ``doc.<property>`` (top-level scalar properties)
    :param georel: intersects|within|disjoint|contains with ``geometry`` (WKT)
    :param moderation: moderation states (pending|approved|rejected, list)
    :param organization: items of this organization (name or id)
    :param member_only: only items of the caller's own organizations
    :param limit: default 10
    :param offset: default 0
    :returns: ``{"count": n, "results": [items]}``
    """
    tk.check_access("catalogue_item_search", context, data)
    fq = catalogue_search_filters(data)
    if data.get("member_only") and not context.get("ignore_auth"):
        orgs = roles.catalogue_member_organizations(context.get("user"))
        if orgs is not None and not orgs:
            return {"count": 0, "results": []}
        if orgs is not None:
            fq.append(query.catalogue_any_of("owner_org", orgs))
    return catalogue_search_items(context, fq, data.get("q", ""), data["limit"], data["offset"], data.get("sort"))


@tk.side_effect_free
@catalogue_validated(schema.catalogue_item_count_schema)
def catalogue_item_count(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """How many items ``catalogue_item_search`` would find: ``{"count": n}``."""
    tk.check_access("catalogue_item_search", context, data)
    return {"count": catalogue_search_items(context, catalogue_search_filters(data), data.get("q", ""), 0, 0, None)["count"]}


@tk.side_effect_free
@catalogue_validated(schema.catalogue_item_children_schema)
def catalogue_item_children(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """The children (``depth=all``: every descendant) of an item the caller
    may see, optionally of some kinds, a page at a time."""
    item = catalogue_item_show(context, {"id": data["id"]})
    query: dict[str, Any] = {"kind": data.get("kind"), "limit": data["limit"], "offset": data["offset"]}
    if data["depth"] == "all":
        query["ancestor"] = [item["id"]]
    else:
        query["parent"] = item["id"]
    data2 = catalogue_validate(query, schema.catalogue_item_search_schema(), context)
    return catalogue_search_items(context, catalogue_search_filters(data2), "", data2["limit"], data2["offset"],
                   "catalogue_depth asc, metadata_created asc")


@tk.side_effect_free
@catalogue_validated(schema.catalogue_item_id_schema)
def catalogue_item_ancestors(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """The ancestors of an item, root first, that the caller may see (one
    Solr query on the ids copied into the item)."""
    item = catalogue_item_show(context, {"id": data["id"]})
    if not item["ancestors"]:
        return {"count": 0, "results": []}
    fq = [query.catalogue_any_of("id", item["ancestors"])]
    return catalogue_search_items(context, fq, "", len(item["ancestors"]), 0, "catalogue_depth asc")


# Solr fields each facet name counts.
_FACET_FIELDS = {"tags": "catalogue_attr_tags", "kind": "catalogue_kind", "organization": "organization",
                 "type": "catalogue_attr_type", "parent": "catalogue_parent"}


@tk.side_effect_free
@catalogue_validated(schema.catalogue_item_facets_schema)
def catalogue_item_facets(context: Context, data: DataDict) -> ActionResult.AnyDict:
    """The values of one field (``tags``, ``kind``, ``organization``,
    ``type``, ``parent``: how many children each parent has) over the items
    the caller may see (filtered as by ``catalogue_item_search``: ``kind``,
    ``organization``, ``ancestor``, ``depth_at_most``, ``filters``), most
    frequent first: ``{"values": [...], "counts": {value: n}}``."""
    tk.check_access("catalogue_item_search", context, data)
    field = _FACET_FIELDS[data["field"]]
    try:
        found = tk.get_action("package_search")({"user": context.get("user", "")}, {
            "q": "", "defType": "lucene", "rows": 0, "include_private": True,
            "fq_list": [f"+dataset_type:{CATALOGUE_DATASET_TYPE}", *catalogue_search_filters(data)],
            "facet.field": [field], "facet.limit": data["limit"],
        })
    except SearchError as error:  # as in catalogue_search_items: a query CKAN refuses is bad input
        log.info("facets refused: %s", error)
        raise CatalogueInvalid({"query": [tk._("The search cannot be run with these parameters")]},
                               CODE_BAD_QUERY) from error
    counts = found["facets"].get(field, {})
    ordered = sorted(counts, key=lambda v: (-counts[v], v))
    return {"values": ordered, "counts": counts}
