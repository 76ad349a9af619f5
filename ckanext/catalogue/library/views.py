"""iTwin library catalogs (/library/catalogs) over the catalogue core: HTTP
in, core actions, the iTwin API's bodies and error codes out. No rule lives
here."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from flask import Response, jsonify, request, url_for

from ckanext.catalogue.api.http import (
    CATALOGUE_ROUTED_METHODS,
    CatalogueCall,
    CatalogueDialectError,
    CatalogueHttpError,
    CatalogueMethodViews,
    catalogue_api_blueprint,
    catalogue_api_route,
    catalogue_run_view,
)
from ckanext.catalogue.core.errors import CatalogueConflict, CatalogueInvalid
from ckanext.catalogue.interfaces import CatalogueDialect
from ckanext.catalogue.library.kinds import CATALOG, MISSING

library = catalogue_api_blueprint("catalogue_library", __name__, url_prefix="/library")

FIELDS = ("displayName", "description", "region", "hashtags")
MAX_TOP = 1000


class LibraryError(CatalogueDialectError):
    def __init__(self, status: int, code: str, message: str, details: list[dict[str, str]] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def _error(status: int, code: str, message: str, details: list[dict[str, str]] | None = None,
           **headers: str) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    resp = jsonify({"error": body})
    resp.status_code = status
    for key, value in headers.items():
        resp.headers[key] = value
    return resp




def _details(errors: dict[str, Any]) -> list[dict[str, str]]:
    details: list[dict[str, str]] = []
    for target, messages in errors.items():
        for message in cast("list[Any]", messages) if isinstance(messages, list) else [messages]:
            code = "MissingRequiredProperty" if message == MISSING else "InvalidValue"
            details.append({"code": code, "message": str(message), "target": target})
    return details


def _library_error(exc: Exception, failure: CatalogueHttpError, user: str | None) -> Response:
    if isinstance(exc, LibraryError):
        return _error(exc.status, exc.code, exc.message, exc.details)
    if failure.status == 401:
        if not request.headers.get("Authorization"):
            return _error(401, "HeaderNotFound", "Header Authorization was not found in the request. Access denied.")
        return _error(401, "InvalidAuthorizationToken", "The access token is not valid. Access denied.")
    if failure.status == 403:
        return _error(403, "InsufficientPermissions",
                      "The user has insufficient permissions for the requested operation.")
    if failure.status == 404:
        return _error(404, "CatalogNotFound", "Requested catalog is not available.")
    if isinstance(exc, CatalogueConflict):
        return _error(409, "CatalogExists", "Catalog with the same name already exists within the organization.")
    if isinstance(exc, CatalogueInvalid) or failure.status == 400:
        verb = "Update" if request.method == "PUT" else "Create"
        errors = getattr(exc, "error_dict", None) or {"request": [failure.message]}
        return _error(422, f"Invalid{verb}CatalogRequest", f"Cannot {verb.lower()} catalog.", _details(errors))
    if failure.status == 413:
        return _error(413, "RequestTooLarge", failure.message)
    if failure.status == 503:
        return _error(503, "ServiceUnavailable", failure.message)
    return _error(500, "InternalServerError", failure.message)


def _translate(fn: Callable[[CatalogueCall], Response]) -> Response:
    # The iTwin API answers nothing without an Authorization header.
    if not request.headers.get("Authorization"):
        return _error(401, "HeaderNotFound", "Header Authorization was not found in the request. Access denied.")
    return catalogue_run_view(fn, (), _library_error)


def _catalog(item: dict[str, Any], full: bool = True) -> dict[str, Any]:
    shown: dict[str, Any] = {"id": item["id"], "displayName": item["doc"].get("displayName")}
    if full:
        for field in ("description", "region", "hashtags"):
            if field in item["doc"]:
                shown[field] = item["doc"][field]
        shown["createdDateTime"] = _utc(item["metadata_created"])
        shown["lastModifiedDateTime"] = _utc(item["metadata_modified"])
    return shown


def _utc(value: str | None) -> str | None:
    return f"{value}Z" if value and not value.endswith("Z") else value


def _doc() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise CatalogueInvalid({"body": ["The request body must be a JSON object."]})
    return {k: v for k, v in cast("dict[str, Any]", data).items() if k != "id"}


def _organization() -> dict[str, str]:
    """The organization named with ?organization=, if any (the core picks
    the caller's own otherwise)."""
    named = request.args.get("organization", "").strip()
    return {"organization": named} if named else {}


def _page_link(top: int, skip: int) -> dict[str, str]:
    args: dict[str, Any] = {"$top": top, "$skip": skip}
    if request.args.get("$search"):
        args["$search"] = request.args["$search"]
    return {"href": url_for("catalogue_library.catalogs", _external=True, **args)}


def _int_arg(name: str, default: int, high: int) -> int:
    raw = request.args.get(name, str(default))
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12 or int(raw) > high:
        raise LibraryError(422, "InvalidCatalogsRequest", "Cannot get catalogs.",
                           [{"code": "InvalidValue", "message": f"{name} must be an integer from 0 to {high}.",
                             "target": name}])
    return int(raw)


def _not_allowed(allowed: tuple[str, ...]) -> Response:
    return _error(405, "MethodNotAllowed", f"{request.method} is not allowed here")


catalogs = CatalogueMethodViews("catalogs")
catalogue_api_route(library, "/catalogs", ("GET", "POST"), _not_allowed)(catalogs)


@catalogs.get
def catalogs_list() -> Response:

    def run(call: CatalogueCall) -> Response:
        top, skip = _int_arg("$top", 100, MAX_TOP), _int_arg("$skip", 0, 10 ** 6)
        query: dict[str, Any] = {"kind": [CATALOG], "limit": top, "offset": skip, "sort": "title_string asc",
                                 "member_only": True}
        words = request.args.get("$search", "").strip()
        if words:
            query["filters"] = [{"property": ["displayName", "hashtags"], "values": [words], "exact": False}]
        found = call("catalogue_item_search", query)
        full = "return=representation" in request.headers.get("Prefer", "")
        links = {"self": _page_link(top, skip)}
        if top and skip + top < found["count"]:
            links["next"] = _page_link(top, skip + top)
        if skip > 0:
            links["prev"] = _page_link(top, max(skip - top, 0))
        return jsonify({"catalogs": [_catalog(i, full) for i in found["results"]], "_links": links})

    return _translate(run)


@catalogs.post
def catalogs_create() -> Response:

    def run(call: CatalogueCall) -> Response:
        created = call("catalogue_item_create", {"kind": CATALOG, "doc": _doc(), **_organization()})
        resp = jsonify({"catalog": _catalog(created)})
        resp.status_code = 201
        resp.headers["Location"] = url_for("catalogue_library.catalog", catalog_id=created["id"], _external=True)
        return resp

    return _translate(run)


catalog = CatalogueMethodViews("catalog")
catalogue_api_route(library, "/catalogs/<catalog_id>", ("GET", "PUT", "DELETE"), _not_allowed)(catalog)


def _ref(catalog_id: str) -> dict[str, Any]:
    # A catalog of another organization is not found, even when it is
    # public elsewhere: the library shows the caller's organizations only.
    return {"id": catalog_id, "kind": [CATALOG], "member_only": True}


@catalog.get
def catalog_show(catalog_id: str) -> Response:
    return _translate(lambda call: jsonify({"catalog": _catalog(call("catalogue_item_show", _ref(catalog_id)))}))


@catalog.put
def catalog_update(catalog_id: str) -> Response:
    return _translate(lambda call: jsonify({"catalog": _catalog(call("catalogue_item_update",
                                                                     {**_ref(catalog_id), "doc": _doc()}))}))


@catalog.delete
def catalog_delete(catalog_id: str) -> Response:

    def run(call: CatalogueCall) -> Response:
        call("catalogue_item_purge", _ref(catalog_id))
        return Response(status=204)

    return _translate(run)


@library.route("/<anypath:unknown>", methods=list(CATALOGUE_ROUTED_METHODS))
def unknown(unknown: str) -> Response:
    return _error(404, "NotFound", "No such endpoint.")


# What this API is, for the shared HTTP layer (its plugin declares it).
DIALECT = CatalogueDialect(
    name="library", blueprint=library, openapi=Path(__file__).with_name("openapi.yaml"),
    token_headers=(), scoped_endpoints=(), file_endpoints=(),
    too_many=lambda retry: _error(
    429, "TooManyRequests", "More requests were received than the subscription rate-limit allows."),
)
