"""gCat's collections over the catalogue core: HTTP in, core actions, gCat's
responses and errors out. No rule lives here."""
from __future__ import annotations

from typing import Any, Callable

from flask import Blueprint, Response, jsonify, request, url_for

import ckan.plugins.toolkit as tk

from ckanext.catalogue.http import catalogue_http_error, catalogue_request_user

gcat = Blueprint("catalogue_gcat", __name__, url_prefix="/gcat")

TOKEN_HEADERS = ("gcube-token",)
COLLECTIONS = {"groups": "group", "organizations": "organization"}
_REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed", 409: "Conflict", 500: "Internal Server Error"}


def _error(status: int, message: str, errors: dict[str, Any] | None = None, **headers: str) -> Response:
    body: dict[str, Any] = {"status": status, "error": _REASONS.get(status, ""), "message": message}
    if errors:
        body["errors"] = errors
    resp = jsonify(body)
    resp.status_code = status
    for key, value in headers.items():
        resp.headers[key.replace("_", "-")] = value
    return resp


def _translate(fn: Callable[[Callable[..., Any]], Response]) -> Response:
    """Run a view with a caller of core actions as this request's user, and
    answer core exceptions with gCat's JSON error."""
    user: str | None = None
    try:
        user = catalogue_request_user(TOKEN_HEADERS)

        def call(action: str, data: dict[str, Any]) -> Any:
            return tk.get_action(action)({"user": user or ""}, data)

        return fn(call)
    except Exception as exc:  # every failure, never a stack trace or an HTML page
        failure = catalogue_http_error(exc, user)
        extra = {"WWW_Authenticate": "Bearer"} if failure.status == 401 else {}
        return _error(failure.status, failure.message, failure.errors, **extra)


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise tk.ValidationError({"body": ["A JSON object is required"]})
    return data


def _bool_arg(name: str) -> bool:
    return request.args.get(name, "false").strip().lower() in ("true", "1", "yes")


COLLECTION_METHODS = ("GET", "POST")
MEMBER_METHODS = ("GET", "PUT", "PATCH", "DELETE", "PURGE")
# Routed here too, so a wrong method gets gCat's JSON 405 with Allow, not Flask's page.
_OTHER_METHODS = ["POST", "PUT", "PATCH", "DELETE", "PURGE"]


def _not_allowed(allowed: tuple[str, ...]) -> Response:
    return _error(405, f"Method {request.method} not allowed here", Allow=", ".join(allowed))


@gcat.route("/<collection>", methods=sorted(set(COLLECTION_METHODS) | set(_OTHER_METHODS)))
def collection_view(collection: str) -> Response:
    kind = COLLECTIONS.get(collection)
    if kind is None:
        return _error(404, f"Unknown collection {collection}")
    if request.method not in COLLECTION_METHODS:
        return _not_allowed(COLLECTION_METHODS)

    def run(call: Callable[..., Any]) -> Response:
        if request.method == "GET":
            result = call("catalogue_group_list", {
                "kind": kind, "limit": request.args.get("limit", 10), "offset": request.args.get("offset", 0),
                "count": _bool_arg("count"),
            })
            return jsonify(result)
        created = call("catalogue_group_create", {**_body(), "kind": kind})
        resp = jsonify(created)
        resp.status_code = 201
        resp.headers["Location"] = url_for("catalogue_gcat.member_view", collection=collection,
                                           id=created["name"], _external=True)
        return resp

    return _translate(run)


@gcat.route("/<collection>/<id>", methods=sorted(set(MEMBER_METHODS) | set(_OTHER_METHODS)))
def member_view(collection: str, id: str) -> Response:
    kind = COLLECTIONS.get(collection)
    if kind is None:
        return _error(404, f"Unknown collection {collection}")
    if request.method not in MEMBER_METHODS:
        return _not_allowed(MEMBER_METHODS)

    def run(call: Callable[..., Any]) -> Response:
        method = request.method
        if method == "GET":
            return jsonify(call("catalogue_group_show", {"id": id, "kind": kind}))
        if method == "PUT":
            return jsonify(call("catalogue_group_update", {**_body(), "id": id, "kind": kind}))
        if method == "PATCH":
            return jsonify(call("catalogue_group_patch", {**_body(), "id": id, "kind": kind}))
        if method == "PURGE" or _bool_arg("purge"):
            call("catalogue_group_purge", {"id": id, "kind": kind})
        else:
            call("catalogue_group_delete", {"id": id, "kind": kind})
        return Response(status=204)

    return _translate(run)


TRASH_METHODS = ("GET", "DELETE")


@gcat.route("/trash", methods=sorted(set(TRASH_METHODS) | set(_OTHER_METHODS)))
def trash_view() -> Response:
    if request.method not in TRASH_METHODS:
        return _not_allowed(TRASH_METHODS)

    def run(call: Callable[..., Any]) -> Response:
        if request.method == "GET":
            return jsonify(call("catalogue_trash_list", {}))
        call("catalogue_trash_empty", {})
        return Response(status=204)

    return _translate(run)


@gcat.route("/licenses", methods=["GET"] + _OTHER_METHODS)
def licenses_view() -> Response:
    if request.method != "GET":
        return _not_allowed(("GET",))
    return _translate(lambda call: jsonify(call("license_list", {})))
