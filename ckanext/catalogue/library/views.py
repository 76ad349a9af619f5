"""The iTwin library API's objects (/library/catalogs, /components,
/categories, /manufacturers) over the catalogue core: items of their
kinds, private to their organization. HTTP in, core actions, the iTwin
API's bodies and error codes out. No rule lives here. A component's
weblinks and documents are in ``attachments.py``."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, cast

from flask import Response, jsonify, request, url_for

from ckanext.catalogue.api.http import (
    CATALOGUE_ROUTED_METHODS,
    CatalogueCall,
    CatalogueMethodViews,
    catalogue_api_route,
)
from ckanext.catalogue.interfaces import CatalogueDialect
from ckanext.catalogue.library import attachments
from ckanext.catalogue.library.kinds import CATALOG, CATEGORY, COMPONENT, MANUFACTURER
from ckanext.catalogue.library.wire import (
    LibraryError,
    LibraryErrors,
    library,
    library_body,
    library_error,
    library_int_arg,
    library_not_allowed,
    library_translate,
    library_utc,
)

MAX_TOP = 1000
# Linked ids looked up per search, and catalogs one component list may name.
_LIVE_CHUNK = 500
MAX_CATALOGS = 100
# Categories and manufacturers come 50 at a time, the next page named by a
# continuation token (the iTwin API's paging for them).
CONTINUATION_PAGE = 50


@dataclasses.dataclass(frozen=True)
class LibraryObjects:
    """One collection of the library API: its kind, its names in paths,
    bodies and error codes, and the fields its short form keeps."""

    kind: str
    one: str  # "catalog": the body key, and lower-case in messages
    many: str  # "catalogs": the path and the list's key
    # Fields of the document shown, in order; ``short`` those the minimal list keeps.
    fields: tuple[str, ...]
    short: tuple[str, ...] = ("displayName",)
    # The link fields shown under ``_links`` (document field -> collection).
    links: tuple[tuple[str, str], ...] = ()
    # Paged by continuation token, 50 at a time (not $top/$skip), full objects.
    continued: bool = False
    errors: LibraryErrors = LibraryErrors("Object")


CATALOGS = LibraryObjects(
    CATALOG, "catalog", "catalogs", ("displayName", "description", "region", "hashtags"),
    errors=LibraryErrors("Catalog", "catalog", "Catalog with the same name already exists within the organization.",
                         lambda verb: (f"Invalid{verb}CatalogRequest", f"Cannot {verb.lower()} catalog.")))
COMPONENTS = LibraryObjects(
    COMPONENT, "component", "components", ("displayName", "description", "hashtags", "state"), ("displayName",),
    (("catalogs", "catalogs"), ("category", "categories"), ("manufacturer", "manufacturers")),
    errors=LibraryErrors("Component"))
CATEGORIES = LibraryObjects(CATEGORY, "category", "categories", ("displayName",), continued=True,
                            errors=LibraryErrors("Category"))
MANUFACTURERS = LibraryObjects(MANUFACTURER, "manufacturer", "manufacturers",
                               ("displayName", "phone", "address", "website"), continued=True,
                               errors=LibraryErrors("Manufacturer"))
COLLECTIONS = {c.many: c for c in (CATALOGS, COMPONENTS, CATEGORIES, MANUFACTURERS)}


def _href(objects: str, object_id: str) -> dict[str, str]:
    return {"href": url_for("catalogue_library.one", objects=objects, object_id=object_id, _external=True)}


def _shown(objects: LibraryObjects, item: dict[str, Any], full: bool = True,
           live: set[str] | None = None) -> dict[str, Any]:
    """An item in the iTwin API's form; ``live``: the linked ids that still
    exist (a deleted catalog drops out of its components' links)."""
    doc = item["doc"]
    shown: dict[str, Any] = {"id": item["id"]}
    for field in objects.fields if full else objects.short:
        if field in doc:
            shown[field] = doc[field]
    if full:
        shown["createdDateTime"] = library_utc(item["metadata_created"])
        shown["lastModifiedDateTime"] = library_utc(item["metadata_modified"])
    if objects.links and full:
        links: dict[str, Any] = {}
        for field, target in objects.links:
            value = doc.get(field)
            if isinstance(value, list):
                links[field] = [_href(target, v) for v in cast("list[str]", value) if live is None or v in live]
            elif isinstance(value, str) and (live is None or value in live):
                links[field] = _href(target, value)
        shown["_links"] = links
    return shown


def _live_links(call: CatalogueCall, objects: LibraryObjects, items: list[dict[str, Any]]) -> set[str] | None:
    """The ids the items link to that the caller still finds: one search."""
    if not objects.links:
        return None
    named: set[str] = set()
    for item in items:
        for field, _target in objects.links:
            value = item["doc"].get(field)
            named.update(cast("list[str]", value) if isinstance(value, list) else [value] if value else [])
    live: set[str] = set()
    ordered = sorted(named)
    for start in range(0, len(ordered), _LIVE_CHUNK):  # Solr takes a bounded number of terms per query
        chunk = ordered[start:start + _LIVE_CHUNK]
        found = call("catalogue_item_search", {"ids": chunk, "kind": [CATALOG, CATEGORY, MANUFACTURER],
                                               "member_only": True, "limit": len(chunk)})
        live.update(i["id"] for i in found["results"])
    return live


def _organization() -> dict[str, str]:
    """The organization named with ?organization=, if any (the core picks
    the caller's own otherwise)."""
    named = request.args.get("organization", "").strip()
    return {"organization": named} if named else {}


def _page_link(objects: LibraryObjects, **paging: Any) -> dict[str, str]:
    kept = ("organization",) if objects.continued else ("$search", "catalogs", "organization")
    args: dict[str, Any] = {k: v for k, v in request.args.items() if k in kept}
    return {"href": url_for("catalogue_library.many", objects=objects.many, _external=True, **args, **paging)}


def _ref(objects: LibraryObjects, object_id: str) -> dict[str, Any]:
    # An object of another organization is not found, even when it is
    # public elsewhere: the library shows the caller's organizations only.
    return {"id": object_id, "kind": [objects.kind], "member_only": True}


def _page(objects: LibraryObjects) -> tuple[int, int]:
    """How many to show from where: ``$top``/``$skip``, or 50 from the
    continuation token."""
    if objects.continued:
        return CONTINUATION_PAGE, library_int_arg("continuationToken", 0, 10 ** 6, objects.many)
    return library_int_arg("$top", 100, MAX_TOP, objects.many), library_int_arg("$skip", 0, 10 ** 6, objects.many)


def _list_links(objects: LibraryObjects, top: int, skip: int, count: int) -> dict[str, Any]:
    more = bool(top) and skip + top < count
    if objects.continued:  # a next page only, while there is one
        return {"next": _page_link(objects, continuationToken=skip + top)} if more else {}
    links = {"self": _page_link(objects, **{"$top": top, "$skip": skip})}
    if more:
        links["next"] = _page_link(objects, **{"$top": top, "$skip": skip + top})
    if skip > 0:
        links["prev"] = _page_link(objects, **{"$top": top, "$skip": max(skip - top, 0)})
    return links


many_view = CatalogueMethodViews("many")
one_view = CatalogueMethodViews("one")
for _name in COLLECTIONS:
    catalogue_api_route(library, f"/{_name}", ("GET", "POST"), library_not_allowed,
                        defaults={"objects": _name})(many_view)
    catalogue_api_route(library, f"/{_name}/<object_id>", ("GET", "PUT", "DELETE"), library_not_allowed,
                        defaults={"objects": _name})(one_view)


@many_view.get
def objects_list(objects: str) -> Response:
    found_objects = COLLECTIONS[objects]

    def run(call: CatalogueCall) -> Response:
        top, skip = _page(found_objects)
        query: dict[str, Any] = {"kind": [found_objects.kind], "limit": top, "offset": skip,
                                 "sort": "title_string asc", "member_only": True, "filters": []}
        words = request.args.get("$search", "").strip()
        if words and not found_objects.continued:
            searched = ["displayName", "hashtags"] if "hashtags" in found_objects.fields else ["displayName"]
            query["filters"].append({"property": searched, "values": [words], "exact": False})
        if found_objects is COMPONENTS and request.args.get("catalogs", "").strip():
            wanted = [c.strip() for c in request.args["catalogs"].split(",") if c.strip()]
            if len(wanted) > MAX_CATALOGS:
                raise LibraryError(422, "InvalidComponentsRequest", "Cannot perform operation.", [{
                    "code": "InvalidValue", "target": "catalogs",
                    "message": f"Catalogs has more than '{MAX_CATALOGS}' entries."}])
            query["filters"].append({"property": ["catalogs"], "values": wanted, "exact": True})
        found = call("catalogue_item_search", query)
        full = found_objects.continued or "return=representation" in request.headers.get("Prefer", "")
        live = _live_links(call, found_objects, found["results"]) if full else None
        return jsonify({found_objects.many: [_shown(found_objects, i, full, live) for i in found["results"]],
                        "_links": _list_links(found_objects, top, skip, found["count"])})

    return library_translate(run, found_objects.errors.respond)


@many_view.post
def objects_create(objects: str) -> Response:
    found_objects = COLLECTIONS[objects]

    def run(call: CatalogueCall) -> Response:
        created = call("catalogue_item_create", {"kind": found_objects.kind, "doc": library_body(),
                                                 **_organization()})
        if "return=minimal" in request.headers.get("Prefer", ""):
            resp = Response(status=201)
        else:
            resp = _one(call, found_objects, created)
            resp.status_code = 201
        resp.headers["Location"] = _href(found_objects.many, created["id"])["href"]
        return resp

    return library_translate(run, found_objects.errors.respond)


def _one(call: CatalogueCall, objects: LibraryObjects, item: dict[str, Any]) -> Response:
    return jsonify({objects.one: _shown(objects, item, live=_live_links(call, objects, [item]))})


@one_view.get
def object_show(objects: str, object_id: str) -> Response:
    found_objects = COLLECTIONS[objects]
    return library_translate(lambda call: _one(call, found_objects, call(
        "catalogue_item_show", _ref(found_objects, object_id))), found_objects.errors.respond)


@one_view.put
def object_update(objects: str, object_id: str) -> Response:
    found_objects = COLLECTIONS[objects]
    return library_translate(lambda call: _one(call, found_objects, call("catalogue_item_update", {
        **_ref(found_objects, object_id), "doc": library_body()})), found_objects.errors.respond)


@one_view.delete
def object_delete(objects: str, object_id: str) -> Response:
    found_objects = COLLECTIONS[objects]

    def run(call: CatalogueCall) -> Response:
        call("catalogue_item_purge", _ref(found_objects, object_id))
        return Response(status=204)

    return library_translate(run, found_objects.errors.respond)


@library.route("/<anypath:unknown>", methods=list(CATALOGUE_ROUTED_METHODS))
def unknown(unknown: str) -> Response:
    return library_error(404, "NotFound", "No such endpoint.")


# What this API is, for the shared HTTP layer (its plugin declares it).
DIALECT = CatalogueDialect(
    name="library", title="Bentley iTwin library", home="/library/catalogs",
    summary="Catalogs, components, categories and manufacturers of an organization.",
    blueprint=library, openapi=Path(__file__).with_name("openapi.yaml"),
    token_headers=(), scoped_endpoints=(), file_endpoints=attachments.FILE_ENDPOINTS,
    too_many=lambda retry: library_error(
        429, "TooManyRequests", "More requests were received than the subscription rate-limit allows."),
)
