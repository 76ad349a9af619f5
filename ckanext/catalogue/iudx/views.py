"""The IUDX catalogue API (/iudx/cat/v1) over the catalogue core: HTTP in,
core actions, IUDX's envelopes and error types out. No rule lives here."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from flask import Response, jsonify, request

import ckan.plugins.toolkit as tk

from ckanext.catalogue.api.http import (
    CATALOGUE_ROUTED_METHODS,
    CatalogueBadCredentials,
    CatalogueCall,
    CatalogueHttpError,
    CatalogueMethodViews,
    catalogue_api_blueprint,
    catalogue_api_route,
    catalogue_run_view,
)
from ckanext.catalogue.core.errors import CODE_EXISTS, CODE_TAKEN, CatalogueInvalid
from ckanext.catalogue.core.kinds import catalogue_kind_by_type
from ckanext.catalogue.core.rules import catalogue_doc_types
from ckanext.catalogue.interfaces import CatalogueDialect
from ckanext.catalogue.iudx import errors as e
from ckanext.catalogue.iudx import kinds
from ckanext.catalogue.iudx.params import IudxSyntaxError, iudx_parse_list
from ckanext.catalogue.iudx.search import iudx_filter, iudx_page, iudx_search_params

iudx = catalogue_api_blueprint("catalogue_iudx", __name__, url_prefix="/iudx/cat/v1")

TOKEN_HEADERS = ("token",)
_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# /list/{type} and /relationship?rel= names, and the kinds they stand for.
TYPE_KINDS = {
    "resource": kinds.RESOURCE, "resourceGroup": kinds.RESOURCE_GROUP, "provider": kinds.PROVIDER,
    "resourceServer": kinds.RESOURCE_SERVER, "cos": kinds.COS, "owner": kinds.OWNER,
    "instance": kinds.INSTANCE,
}
# Which relations each kind answers (IUDX's allowed combinations: never
# its own type, nor ``all`` of a COS; database/DatabaseServiceImpl.java).
RELATIONS = {
    kinds.RESOURCE: {"resourceGroup", "provider", "resourceServer", "cos", "type", "all"},
    kinds.RESOURCE_GROUP: {"resource", "provider", "resourceServer", "cos", "type", "all"},
    kinds.PROVIDER: {"resource", "resourceGroup", "resourceServer", "cos", "type", "all"},
    kinds.RESOURCE_SERVER: {"resource", "resourceGroup", "provider", "cos", "type", "all"},
    kinds.COS: {"resourceServer", "provider", "resourceGroup", "resource", "type"},
    kinds.OWNER: {"cos", "resourceServer", "provider", "resourceGroup", "resource", "type", "all"},
}
RELATION_VALUES = ("resource", "resourceGroup", "resourceServer", "provider", "cos", "type", "all")
_ORDER = [kinds.OWNER, kinds.COS, kinds.RESOURCE_SERVER, kinds.PROVIDER, kinds.RESOURCE_GROUP, kinds.RESOURCE]
# What /item, /search and /count see: the IUDX hierarchy, no other dialect's items.
ITEM_KINDS = list(_ORDER)


def _item_kind(doc: dict[str, Any]) -> str:
    """The IUDX kind the document's type names (400 for any other)."""
    for jsonld_type in catalogue_doc_types(doc):
        kind = catalogue_kind_by_type(jsonld_type)
        if kind is not None and kind.name in ITEM_KINDS:
            return kind.name
    raise e.IudxError(400, e.INVALID_SCHEMA, "Invalid type for item/type not present")


def _not_allowed(allowed: tuple[str, ...]) -> Response:
    return _json(405, e.iudx_body(e.METHOD_NOT_ALLOWED, f"{request.method} is not allowed here"))


def _route(rule: str, allowed: tuple[str, ...]) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    # IUDX's own clients and tests call its routes with a trailing slash
    # too (``POST /item/``).
    return catalogue_api_route(iudx, rule, allowed, _not_allowed, trailing_slash=True)


def _json(status: int, body: dict[str, Any]) -> Response:
    resp = jsonify(body)
    resp.status_code = status
    return resp


def _success(results: list[Any] | dict[str, Any] | None = None, status: int = 200, title: str = "Success", **extra: Any) -> Response:
    body: dict[str, Any] = {"type": e.SUCCESS, "title": title, **extra}
    if results is not None:
        body["results"] = results
    return _json(status, body)


def _iudx_error(exc: Exception, failure: CatalogueHttpError, user: str | None) -> Response:
    status, kind, detail = e.iudx_error_for(exc, failure)
    if status in (401, 403):  # IUDX refuses every write it does not allow with 401
        status, kind = 401, e.TOKEN_INVALID
        if isinstance(exc, CatalogueBadCredentials):
            detail = "Authorization failed, Invalid token."
        elif not user:
            detail = "Authorization failed, a token header is required"
    return _json(status, e.iudx_body(kind, detail))


def _translate(fn: Callable[[CatalogueCall], Response]) -> Response:
    """Run a view as this request's user; failures answer with IUDX's error JSON."""
    return catalogue_run_view(fn, TOKEN_HEADERS, _iudx_error)




def iudx_item(item: dict[str, Any]) -> dict[str, Any]:
    """An item as IUDX shows it: its document with its id."""
    return {**item["doc"], "id": item["id"]}


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise e.IudxError(400, e.INVALID_SCHEMA, "A JSON object is required")
    return cast("dict[str, Any]", data)


def _id_arg(name: str, malformed: tuple[str, str] = e.INVALID_UUID, detail: str = "The id is invalid") -> str:
    """An item id parameter: a UUID, or a legacy path id (with ``/``);
    ``malformed`` and ``detail``: what IUDX answers for anything else."""
    value = _required_arg(name)
    if "/" not in value and not _UUID_RE.match(value):
        raise e.IudxError(400, malformed, detail)
    return value


def _required_arg(name: str, missing: tuple[tuple[str, str], str] | None = None) -> str:
    """A query parameter; ``missing``: the error and detail IUDX answers
    without it, where it words that differently."""
    value = request.args.get(name, "").strip()
    if not value:
        error, detail = missing or (e.MISSING_PARAMS, f"Query parameter {name} is required")
        raise e.IudxError(400, error, detail)
    if len(value) > 512:
        raise e.IudxError(400, e.INVALID_PARAM, f"{name} is at most 512 characters")
    return value


item = CatalogueMethodViews("item")
_route("/item", ("POST", "PUT", "GET", "DELETE"))(item)


def _item_doc() -> tuple[dict[str, Any], str]:
    """The document of a create or update, and the IUDX kind its type names."""
    doc = _body()
    return doc, _item_kind(doc)


# Create and update answer with the stored document as one object.
@item.post
def item_create() -> Response:
    def run(call: Callable[..., Any]) -> Response:
        doc, kind = _item_doc()
        try:
            created = call("catalogue_item_create", {"doc": doc, "kind": kind})
        except CatalogueInvalid as exc:
            raise e.iudx_duplicate(exc, kind, doc) from exc
        return _success(iudx_item(created), status=201, detail="Success: Item created")

    return _translate(run)


@item.put
def item_update() -> Response:
    def run(call: Callable[..., Any]) -> Response:
        doc, kind = _item_doc()  # an update to a type that is no IUDX item is refused too
        if not doc.get("id"):
            # IUDX checks the document and its links first, then finds no
            # item to update (CrudAPIsIT.java): a duplicate is no refusal here.
            try:
                call("catalogue_item_validate", {"doc": doc, "kind": kind})
            except CatalogueInvalid as exc:
                if exc.code not in (CODE_TAKEN, CODE_EXISTS):
                    raise
            raise e.IudxError(404, e.NOT_FOUND, "Fail: Doc doesn't exist, can't update")
        try:
            updated = call("catalogue_item_update", {"id": doc["id"], "doc": doc, "kind": ITEM_KINDS})
        except CatalogueInvalid as exc:
            raise e.iudx_duplicate(exc, kind, doc) from exc
        return _success(iudx_item(updated), detail="Success: Item updated successfully")

    return _translate(run)


@item.get
def item_show() -> Response:
    def run(call: Callable[..., Any]) -> Response:
        found = call("catalogue_item_show", {"id": _id_arg("id"), "kind": ITEM_KINDS})
        return _success([iudx_item(found)], totalHits=1, detail="Success: Item fetched Successfully")

    return _translate(run)


@item.delete
def item_delete() -> Response:
    def run(call: Callable[..., Any]) -> Response:
        # IUDX deletes for good (no archive to restore from): afterwards the
        # item is not found by anyone and its name is free again.
        item_id = _id_arg("id", e.INVALID_SYNTAX)
        done = call("catalogue_item_delete", {"id": item_id, "kind": ITEM_KINDS, "force": True})
        if done["state"] == "absent":  # or hidden from the caller: the same answer
            raise e.IudxError(404, e.NOT_FOUND, "Fail: Doc doesn't exist, can't delete")
        return _success([{"id": item_id}], detail="Success: Item deleted successfully")

    return _translate(run)


def _project(items: list[dict[str, Any]], projection: list[str]) -> list[dict[str, Any]]:
    shown = [iudx_item(i) for i in items]
    if not projection:
        return shown
    return [{k: v for k, v in doc.items() if k in projection} for doc in shown]


@_route("/search", ("GET",))
def search() -> Response:
    def run(call: Callable[..., Any]) -> Response:
        params, projection = iudx_search_params(request.args, request.headers.get("instance"))
        found = call("catalogue_item_search", {**params, "kind": ITEM_KINDS})
        return _success(_project(found["results"], projection), totalHits=found["count"])

    return _translate(run)


@_route("/count", ("GET",))
def count() -> Response:
    def run(call: Callable[..., Any]) -> Response:
        if "filter" in request.args:
            raise e.IudxError(400, e.NOT_ALLOWED, "operation not allowed")
        params, _ = iudx_search_params(request.args, request.headers.get("instance"))
        params.pop("limit", None)
        params.pop("offset", None)
        return _success(None, totalHits=call("catalogue_item_count", {**params, "kind": ITEM_KINDS})["count"])

    return _translate(run)


# What /list/{type} lists, as IUDX's ListApis.java: no resources.
LIST_TYPES = ("instance", "resourceGroup", "resourceServer", "provider", "tags", "owner", "cos")


@_route("/list/<item_type>", ("GET",))
def list_items(item_type: str) -> Response:
    def run(call: Callable[..., Any]) -> Response:
        # IUDX answers one error for a type it does not list and for
        # paging beyond its limits.
        if item_type not in LIST_TYPES:
            raise e.IudxError(400, e.INVALID_SYNTAX, "Wrong Item Type")
        try:
            limit, offset = iudx_page(request.args, default_limit=10000)
        except e.IudxError as wrong:
            raise e.IudxError(400, e.INVALID_SYNTAX, "Wrong Item Type") from wrong
        instance = request.headers.get("instance")
        filters: list[dict[str, Any]] = [{"property": "instance", "values": [instance], "exact": True}] if instance else []
        if item_type == "tags":
            facets = call("catalogue_item_facets", {"field": "tags", "filters": filters, "limit": limit})
            return _success(facets["values"], totalHits=len(facets["values"]))
        kind = TYPE_KINDS[item_type]
        found = call("catalogue_item_search", {"kind": [kind], "filters": filters, "limit": limit, "offset": offset})
        key = "name" if kind == kinds.INSTANCE else "id"
        return _success([i[key] for i in found["results"]], totalHits=found["count"])

    return _translate(run)


@_route("/relationship", ("GET",))
def relationship() -> Response:
    def run(call: Callable[..., Any]) -> Response:
        if not request.args.get("id") or not request.args.get("rel"):
            raise e.IudxError(400, e.MISSING_PARAMS, "Mandatory field(s) not provided")
        # As RelationshipApis.java and DatabaseServiceImpl.java answer.
        item_id = _id_arg("id", e.INVALID_PARAM, "Invalid relationship value")
        rel = _required_arg("rel")
        if rel not in RELATION_VALUES:
            raise e.IudxError(400, e.INVALID_PARAM, "Invalid relationship value")
        try:
            item = call("catalogue_item_show", {"id": item_id, "kind": ITEM_KINDS})
        except tk.ObjectNotFound as missing:  # or hidden from the caller: the same answer
            raise e.IudxError(400, e.NOT_FOUND, "Item id given is not present") from missing
        if rel not in RELATIONS.get(item["kind"], set()):
            raise e.IudxError(400, e.INVALID_RELATION, e.INVALID_RELATION[1])
        limit, offset = iudx_page(request.args)
        projection = iudx_filter(request.args) if "filter" in request.args else []
        if rel == "type":
            return _success([{"id": item["id"], "type": item["doc"].get("type")}], totalHits=1)
        target = TYPE_KINDS.get(rel)
        if rel == "all":  # the item and everything it belongs to
            above = call("catalogue_item_ancestors", {"id": item["id"]})
            found: dict[str, Any] = {"results": [*above["results"], item], "count": above["count"] + 1}
        else:
            # The ancestor of that kind (one Solr query on the copied-down
            # ids), else the descendants of that kind: the older hierarchy
            # puts a ResourceServer under its Provider.
            found = {"results": [], "count": 0}
            if item["ancestors"]:
                found = call("catalogue_item_search", {"ids": item["ancestors"], "kind": [target],
                                                       "limit": limit, "offset": offset})
            if not found["count"]:
                found = call("catalogue_item_children", {"id": item["id"], "kind": [target], "depth": "all",
                                                         "limit": limit, "offset": offset})
        return _success(_project(found["results"], projection), totalHits=found["count"])

    return _translate(run)


# The types /relsearch searches (DatabaseServiceImpl.java, relSearch).
RELSEARCH_TYPES = ("provider", "resource", "resourceGroup", "resourceServer")


@_route("/relsearch", ("GET",))
def relsearch() -> Response:
    """The items of one type whose property matches: ``relationship=
    [type.property]`` (the property may be a path, ``providerOrg.name``) and
    ``value=[[...]]``. IUDX answers the items whose id starts with a
    matching one's, which with UUID ids are those items themselves."""
    def run(call: Callable[..., Any]) -> Response:
        try:
            rels = iudx_parse_list(_required_arg("relationship"))
            values = iudx_parse_list(_required_arg("value"))
        except IudxSyntaxError as error:
            raise e.IudxError(400, e.INVALID_SYNTAX, str(error)) from error
        if len(rels) != 1 or not isinstance(rels[0], str) or "." not in rels[0] \
                or len(values) != 1 or not isinstance(values[0], list) \
                or not all(isinstance(v, str) for v in cast("list[Any]", values[0])):
            raise e.IudxError(400, e.INVALID_RELATION, "relationship=[type.property] with value=[[...]]")
        rel_type, prop = rels[0].split(".", 1)
        if rel_type not in RELSEARCH_TYPES:
            raise e.IudxError(400, e.INVALID_RELATION, f"Unknown relationship type {rel_type[:50]}")
        args = {"property": f"[{prop}]", "value": "[[" + ",".join(values[0]) + "]]",
                **{k: v for k, v in request.args.items() if k in ("limit", "offset")}}
        params, _ = iudx_search_params(args, request.headers.get("instance"))
        found = call("catalogue_item_search", {**params, "kind": [TYPE_KINDS[rel_type]]})
        return _success([iudx_item(i) for i in found["results"]], totalHits=found["count"])

    return _translate(run)


instance = CatalogueMethodViews("instance")
_route("/instance", ("POST", "DELETE"))(instance)


@instance.post
def instance_create() -> Response:
    def run(call: Callable[..., Any]) -> Response:
        # As IUDX words it (InstanceAPIsIT.java).
        name = _required_arg("id", (e.INVALID_SYNTAX, "id not present in the request"))
        created = call("catalogue_item_create", {"kind": kinds.INSTANCE, "doc": {
            "type": ["iudx:Instance"], "name": name}})
        return _success({"id": created["name"], "type": ["iudx:Instance"]}, status=201,
                        detail="Success: Item created")

    return _translate(run)


@instance.delete
def instance_delete() -> Response:
    def run(call: Callable[..., Any]) -> Response:
        name = _required_arg("id")
        call("catalogue_item_delete", {"id": name, "kind": [kinds.INSTANCE]})
        return _success([{"id": name}], detail="Success: Item deleted successfully")

    return _translate(run)


ratings = CatalogueMethodViews("ratings")
_route("/consumer/ratings", ("POST", "GET", "PUT", "DELETE"))(ratings)
# As IUDX's RatingApis.java answers them.
_RATING_ID = (e.INVALID_PARAM, "Invalid value for id")
RATING_TYPES = ("average", "group")


def _rating_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise e.IudxError(400, e.INVALID_SCHEMA, "The Schema of requested body is invalid.")
    return {k: v for k, v in cast("dict[str, Any]", body).items() if k in ("rating", "comment")}


def _rated(run: Callable[[Callable[..., Any], str], Response], missing: str) -> Response:
    """Run a rating view on the item ``id`` names; the caller's rating
    absent is 404 ItemNotFound with IUDX's ``missing`` words."""
    def view(call: Callable[..., Any]) -> Response:
        item_id = _id_arg("id", *_RATING_ID)
        try:
            return run(call, item_id)
        except tk.ObjectNotFound as absent:
            raise e.IudxError(404, e.NOT_FOUND, missing) from absent

    return _translate(view)


@ratings.post
def rating_create() -> Response:
    def run(call: Callable[..., Any], item_id: str) -> Response:
        try:
            made = call("catalogue_rating_create", {"id": item_id, **_rating_body()})
        except CatalogueInvalid as exc:
            if exc.code == CODE_EXISTS:
                raise e.IudxError(400, e.ALREADY_EXISTS, "Fail: Doc Already Exists") from exc
            raise
        return _success([{"id": made["id"], "method": "insert", "status": e.SUCCESS}], status=201)

    return _rated(run, "Fail: Item doesn't exist")


@ratings.get
def rating_show() -> Response:
    def run(call: Callable[..., Any], item_id: str) -> Response:
        kind = request.args.get("type")
        if kind is not None and kind.lower() not in RATING_TYPES:
            raise e.IudxError(400, e.INVALID_PARAM, f"Query parameter type cannot have value : {kind[:50]}")
        try:
            results = _ratings(call, item_id, kind)
        except tk.ObjectNotFound:  # no rating, or no item the caller may read: the same answer
            results = []
        # IUDX answers no ratings with an empty 204.
        return _success(results, totalHits=len(results)) if results else Response(status=204)

    return _rated(run, "Fail: Item doesn't exist")


def _ratings(call: Callable[..., Any], item_id: str, kind: str | None) -> list[dict[str, Any]]:
    """The ratings GET /consumer/ratings answers: the caller's own (no
    ``type``), every one of the item (``group``), or averages."""
    if kind is None:
        own = call("catalogue_rating_show", {"id": item_id})
        results: list[dict[str, Any]] = [{"id": own["item_id"], "rating": own["rating"]}]
    elif kind.lower() == "group":
        listed = call("catalogue_rating_list", {"id": item_id, "limit": 10000})
        results = [{"id": r["item_id"], "rating": r["rating"]} for r in listed["results"]]
    else:  # average
        averaged = call("catalogue_rating_average", {"id": item_id})["results"]
        results = [{"id": r["item_id"], "average_rating": r["average_rating"], "totalRatings": r["total_ratings"]}
                   for r in averaged]
    return results


@ratings.put
def rating_update() -> Response:
    def run(call: Callable[..., Any], item_id: str) -> Response:
        changed = call("catalogue_rating_update", {"id": item_id, **_rating_body()})
        return _success([{"id": changed["id"]}])

    return _rated(run, "Fail: Doc doesn't exist, can't update")


@ratings.delete
def rating_delete() -> Response:
    def run(call: Callable[..., Any], item_id: str) -> Response:
        gone = call("catalogue_rating_delete", {"id": item_id})
        return _success([{"id": gone["id"]}], detail="Success: Item deleted successfully")

    return _rated(run, "Fail: Doc doesn't exist, can't delete")


@iudx.route("/<anypath:unknown>", methods=list(CATALOGUE_ROUTED_METHODS))
def unknown_endpoint(unknown: str) -> Response:
    return _json(404, e.iudx_body(e.NOT_FOUND, "No such endpoint"))


# What this API is, for the shared HTTP layer (its plugin declares it).
DIALECT = CatalogueDialect(
    name="iudx", title="IUDX catalogue", home="/iudx/cat/v1/search?property=[type]&value=[[iudx:Resource]]",
    summary="Owners, COS, resource servers, providers, resource groups and resources, with geo search.",
    blueprint=iudx, openapi=Path(__file__).with_name("openapi.yaml"),
    token_headers=TOKEN_HEADERS, scoped_endpoints=("catalogue_iudx.item", "catalogue_iudx.instance"), file_endpoints=(),
    too_many=lambda retry: _json(429, e.iudx_body(
    e.TOO_MANY_REQUESTS, f"Too many requests; retry in {retry} seconds")),
)
