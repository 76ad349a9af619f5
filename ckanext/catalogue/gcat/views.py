"""gCat's collections over the catalogue core: HTTP in, core actions, gCat's
responses and errors out. No rule lives here."""
from __future__ import annotations

import logging
import uuid
from typing import Any, Callable

from flask import Blueprint, Response, jsonify, request, url_for

import ckan.plugins.toolkit as tk

from ckanext.catalogue.http import CatalogueBadCredentials, catalogue_request_user
from ckanext.catalogue.logic.errors import CatalogueConflict

log = logging.getLogger(__name__)
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


def _message(errors: dict[str, Any]) -> str:
    parts = []
    for field, msgs in errors.items():
        text = "; ".join(str(m) for m in (msgs if isinstance(msgs, list) else [msgs]))
        parts.append(text if field == "message" else f"{field}: {text}")
    return "; ".join(parts)


def _call(action: str, data: dict[str, Any]) -> Any:
    user = catalogue_request_user(TOKEN_HEADERS)
    return tk.get_action(action)({"user": user or ""}, data)


def _translate(fn: Callable[[], Response]) -> Response:
    """Run a view and turn core exceptions into gCat's status codes."""
    try:
        return fn()
    except CatalogueBadCredentials:
        return _error(401, "Invalid credentials", WWW_Authenticate="Bearer")
    except tk.NotAuthorized as exc:
        if not catalogue_user_or_none():
            return _error(401, "Authentication required", WWW_Authenticate="Bearer")
        return _error(403, str(exc.message or exc) or "Forbidden")
    except tk.ObjectNotFound as exc:
        return _error(404, str(exc.message or exc) or "Not found")
    except CatalogueConflict as exc:
        return _error(409, _message(exc.error_dict), exc.error_dict)
    except tk.ValidationError as exc:
        return _error(400, _message(exc.error_dict), exc.error_dict)
    except Exception:  # never a stack trace or an HTML page
        incident = uuid.uuid4().hex
        log.exception("gcat: unexpected error, incident %s", incident)
        return _error(500, f"Unexpected error; quote incident {incident} to the administrators")


def catalogue_user_or_none() -> str | None:
    try:
        return catalogue_request_user(TOKEN_HEADERS)
    except CatalogueBadCredentials:
        return None


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

    def run() -> Response:
        if request.method == "GET":
            result = _call("catalogue_group_list", {
                "kind": kind, "limit": request.args.get("limit", 10), "offset": request.args.get("offset", 0),
                "count": _bool_arg("count"),
            })
            return jsonify(result)
        created = _call("catalogue_group_create", {**_body(), "kind": kind})
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

    def run() -> Response:
        method = request.method
        if method == "GET":
            return jsonify(_call("catalogue_group_show", {"id": id, "kind": kind}))
        if method == "PUT":
            return jsonify(_call("catalogue_group_update", {**_body(), "id": id, "kind": kind}))
        if method == "PATCH":
            return jsonify(_call("catalogue_group_patch", {**_body(), "id": id, "kind": kind}))
        if method == "PURGE" or _bool_arg("purge"):
            _call("catalogue_group_purge", {"id": id, "kind": kind})
        else:
            _call("catalogue_group_delete", {"id": id, "kind": kind})
        return Response(status=204)

    return _translate(run)
